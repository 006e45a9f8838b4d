/**
 * The control plane's leader: one of several control-plane instances, elected by the lease on unit `leader`
 * (same mechanics as a worker's lease: epoch from the counter, expiry in server time, renewal, local
 * deadline). While leader, it runs an assignment round every roundIntervalMs: read live workers and leases,
 * plan (planAssignments), grant and request hand-overs. Grants and hand-over requests are fenced in Redis by
 * the leader lease's epoch, so a deposed leader that has not noticed yet changes nothing.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { FerryKeys } from '../redis-keys.js';
import type {
  AssignmentOptions,
  CompiledAssignmentOptions,
  LeaseTimingOptions,
  LeaseTimings,
} from './lease-options.js';
import { checkId, compileAssignmentOptions, compileLeaseTimings } from './lease-options.js';
import { LEADER_UNIT, unitKind } from './lease-record.js';
import type { LeaseFailure, LeaderToken } from './lease-store.js';
import { LeaseStore } from './lease-store.js';
import type { AssignmentPlan } from './plan-assignments.js';
import { planAssignments } from './plan-assignments.js';
import { settleWithin } from './settle-within.js';

export interface LeaderOptions extends LeaseTimingOptions, AssignmentOptions {
  /** This control-plane instance's id, unique among the instances. */
  id: string;
  /** The units of work to assign now (`apply/<partition>`, `capture/<host:port>`), asked every round. */
  units: () => readonly string[] | Promise<readonly string[]>;
  /** This instance became leader under `epoch`. */
  onElected?: (epoch: number) => void;
  /** This instance stopped being leader (lost, expired, or stopped). */
  onDeposed?: (epoch: number) => void;
  logger?: Logger;
}

/** What one assignment round did. */
export interface RoundResult {
  plan: AssignmentPlan;
  /** Grants that took effect, with their new epochs. */
  granted: { unit: string; owner: string; epoch: number }[];
  /** Hand-overs that were requested. */
  handedOver: { unit: string; from: string; to: string }[];
  /** Grants and hand-overs Redis refused (the view was stale), and why. */
  refused: { unit: string; action: 'grant' | 'handover'; failure: LeaseFailure }[];
}

interface Leadership {
  epoch: number;
  /** Monotonic time after which this instance no longer considers itself leader. */
  deadline: number;
  deadlineTimer: NodeJS.Timeout;
}

const now = (): number => performance.now();

/** Campaigns for the leader lease and, while leader, assigns units to workers. */
export class Leader {
  readonly id: string;
  readonly timings: LeaseTimings;
  readonly assignment: CompiledAssignmentOptions;
  readonly #store: LeaseStore;
  readonly #options: LeaderOptions;
  readonly #logger: Logger;
  #leadership: Leadership | undefined;
  #campaignTimer: NodeJS.Timeout | undefined;
  #roundTimer: NodeJS.Timeout | undefined;
  #campaign: Promise<void> | undefined;
  #round: Promise<unknown> | undefined;
  #running = false;

  constructor(redis: Redis, keys: FerryKeys, options: LeaderOptions) {
    this.id = checkId(options.id, 'leader.id');
    this.timings = compileLeaseTimings(options, 'leader');
    this.assignment = compileAssignmentOptions(options, this.timings, 'leader');
    this.#store = new LeaseStore(redis, keys);
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'leader', leaderId: this.id });
  }

  /** True while this instance holds the leader lease and its local deadline has not passed. */
  get isLeader(): boolean {
    return this.#leadership !== undefined && now() < this.#leadership.deadline;
  }

  /** The leader lease's epoch while leader. */
  get epoch(): number | undefined {
    return this.isLeader ? this.#leadership?.epoch : undefined;
  }

  /** Starts campaigning (every renewIntervalMs) and, while leader, assigning (every roundIntervalMs). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#campaignTimer = setInterval(() => void this.#campaignOnce(), this.timings.renewIntervalMs);
    this.#roundTimer = setInterval(() => void this.#roundOnce(), this.assignment.roundIntervalMs);
    void this.#campaignOnce();
  }

  /**
   * Stops campaigning and assigning. With `release` (the default) the leader lease is released, so a standby
   * takes over at its next campaign; without it the lease expires (what a crash looks like).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#running = false;
    clearInterval(this.#campaignTimer);
    clearInterval(this.#roundTimer);
    await settleWithin(Promise.all([this.#campaign, this.#round]), this.timings.ttlMs);
    const leadership = this.#leadership;
    if (!leadership) return;
    this.#depose(leadership, 'stopped');
    if (options.release ?? true) {
      const outcome = await this.#store.release(LEADER_UNIT, this.id, leadership.epoch);
      if (!outcome.ok) this.#logger.warn({ failure: outcome.failure }, 'could not release the leader lease');
    }
  }

  /**
   * Runs one assignment round now, if leader (the timer does this every roundIntervalMs). Answers what it
   * did, or undefined when not leader.
   */
  async runRound(): Promise<RoundResult | undefined> {
    const token = this.#token();
    if (!token) return undefined;
    const view = await this.#store.readClusterView(this.assignment.workerTimeoutMs);
    const units = [...(await this.#options.units())];
    for (const unit of units) {
      // unitKind throws InvalidArgumentError for a malformed unit.
      if (unitKind(unit) === 'leader')
        throw new InvalidArgumentError('the leader lease is not a unit of work');
    }
    const plan = planAssignments(units, view.liveWorkers, view.leases, {
      now: view.now,
      maxHandoversPerRound: this.assignment.maxHandoversPerRound,
    });
    const result: RoundResult = { plan, granted: [], handedOver: [], refused: [] };
    // Leadership may have been lost while reading; the scripts would refuse anyway, but do not even try.
    if (!this.isLeader) return result;
    await Promise.all([
      ...plan.grant.map(async ({ unit, owner }) => {
        const outcome = await this.#store.grant(token, unit, owner, unitKind(unit), this.timings.ttlMs);
        if (outcome.ok) result.granted.push({ unit, owner, epoch: outcome.epoch });
        else result.refused.push({ unit, action: 'grant', failure: outcome.failure });
      }),
      ...plan.handover.map(async (move) => {
        const outcome = await this.#store.requestHandover(token, move, this.assignment.handoverTimeoutMs);
        if (outcome.ok) result.handedOver.push({ unit: move.unit, from: move.from, to: move.to });
        else result.refused.push({ unit: move.unit, action: 'handover', failure: outcome.failure });
      }),
    ]);
    for (const grant of result.granted)
      this.#logger.info({ ...grant, leaderEpoch: token.epoch }, 'lease granted');
    for (const move of result.handedOver) {
      this.#logger.info({ ...move, leaderEpoch: token.epoch }, 'hand-over requested');
    }
    if (
      result.refused.some(({ failure }) => failure === 'NOT_LEADER') &&
      this.#leadership?.epoch === token.epoch
    ) {
      this.#lose('superseded');
    }
    return result;
  }

  #token(): LeaderToken | undefined {
    const epoch = this.epoch;
    return epoch === undefined ? undefined : { id: this.id, epoch };
  }

  #roundOnce(): void {
    if (!this.#running || !this.isLeader || this.#round) return;
    this.#round = this.runRound()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'assignment round failed'))
      .finally(() => {
        this.#round = undefined;
      });
  }

  #campaignOnce(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    if (!this.#campaign) {
      const attempt = (this.#leadership ? this.#renew(this.#leadership) : this.#acquire()).catch(
        (error: unknown) => this.#logger.warn({ err: error }, 'leader campaign failed'),
      );
      this.#campaign = settleWithin(attempt, this.timings.ttlMs).finally(() => {
        this.#campaign = undefined;
      });
    }
    return this.#campaign;
  }

  async #acquire(): Promise<void> {
    const sentAt = now();
    const outcome = await this.#store.acquire(LEADER_UNIT, this.id, 'leader', this.timings.ttlMs);
    if (!outcome.ok) return; // someone else leads
    const deadline = sentAt + this.timings.ttlMs - this.timings.safetyMarginMs;
    if (!this.#running || this.#leadership || deadline <= now()) {
      // Stopped meanwhile, or too slow to be of use: give it back rather than block the others for a TTL.
      await this.#store.release(LEADER_UNIT, this.id, outcome.epoch);
      return;
    }
    this.#leadership = { epoch: outcome.epoch, deadline, deadlineTimer: this.#deadlineTimer(deadline) };
    this.#logger.info({ leaderEpoch: outcome.epoch }, 'elected leader');
    this.#call(() => this.#options.onElected?.(outcome.epoch));
    this.#roundOnce();
  }

  async #renew(leadership: Leadership): Promise<void> {
    const sentAt = now();
    const outcome = await this.#store.renew(LEADER_UNIT, this.id, leadership.epoch, this.timings.ttlMs);
    if (this.#leadership !== leadership) return;
    if (!outcome.ok) {
      this.#lose(outcome.failure === 'LEASE_EXPIRED' ? 'expired' : 'superseded');
      return;
    }
    const deadline = sentAt + outcome.remainingMs - this.timings.safetyMarginMs;
    if (deadline > leadership.deadline) {
      clearTimeout(leadership.deadlineTimer);
      leadership.deadline = deadline;
      leadership.deadlineTimer = this.#deadlineTimer(deadline);
    }
  }

  #deadlineTimer(deadline: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const leadership = this.#leadership;
        if (!leadership || leadership.deadline !== deadline) return; // gone, or extended (a new timer runs)
        // Timers may fire a little before performance.now() reaches the deadline: wait out the rest.
        if (now() < deadline) leadership.deadlineTimer = this.#deadlineTimer(deadline);
        else this.#lose('deadline');
      },
      Math.max(0, Math.ceil(deadline - now())),
    );
  }

  #lose(reason: 'superseded' | 'expired' | 'deadline'): void {
    if (this.#leadership) this.#depose(this.#leadership, reason);
  }

  #depose(leadership: Leadership, reason: string): void {
    clearTimeout(leadership.deadlineTimer);
    if (this.#leadership !== leadership) return;
    this.#leadership = undefined;
    this.#logger.warn({ leaderEpoch: leadership.epoch, reason }, 'no longer leader');
    this.#call(() => this.#options.onDeposed?.(leadership.epoch));
  }

  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#logger.error({ err: error }, 'leader callback threw');
    }
  }
}
