/**
 * The worker's side of the lease protocol: it finds the leases the leader granted to this worker, renews
 * them, and says at once when one is lost. The worker must write for a unit only while `currentEpoch(unit)`
 * answers, and carry that epoch with its writes.
 *
 * Fencing in time: the local deadline of a lease is the send time of its last successful renewal plus the
 * remaining time the script answered, minus a safety margin. The script ran after the send, so the deadline
 * falls before the expiry in Redis, and the leader cannot grant the unit to anyone else before expiry. A
 * worker cut off from Redis therefore stops writing before another worker can start.
 *
 * An epoch, once lost or released, is never taken up again: every `onAcquired` carries a new epoch.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { FerryKeys } from '../redis-keys.js';
import type { LeaseTimingOptions, LeaseTimings } from './lease-options.js';
import { checkId, compileLeaseTimings } from './lease-options.js';
import { LEADER_UNIT } from './lease-record.js';
import type { LeaseFailure } from './lease-store.js';
import { LeaseStore } from './lease-store.js';
import { settleWithin } from './settle-within.js';

/** Why a lease was lost. */
export type LeaseLossReason =
  /** The lease moved to another owner or epoch, or is gone: Redis refused the renewal. */
  | 'superseded'
  /** Redis says the lease expired before the renewal. */
  | 'expired'
  /** No renewal succeeded before the local deadline (Redis unreachable or slow). */
  | 'deadline';

export interface LeaseKeeperOptions extends LeaseTimingOptions {
  /** This worker's id, as registered by its WorkerRegistry. */
  workerId: string;
  /** A lease was granted to this worker and confirmed: it may start working on `unit` under `epoch`. */
  onAcquired?: (unit: string, epoch: number) => void;
  /** The lease is lost: stop touching `unit` now. Called at most once per (unit, epoch). */
  onLost?: (unit: string, epoch: number, reason: LeaseLossReason) => void;
  /**
   * The leader asks to hand `unit` over to `to`: finish the current batch, then call `release(unit)`.
   * Called once per (unit, epoch). Without this callback the keeper releases at once.
   */
  onHandover?: (unit: string, epoch: number, to: string) => void;
  logger?: Logger;
}

interface HeldLease {
  epoch: number;
  /** Monotonic time (performance.now) after which the lease is considered lost. */
  deadline: number;
  deadlineTimer: NodeJS.Timeout;
  handoverNotified: boolean;
}

const now = (): number => performance.now();

/** Holds one worker's leases: adopts grants, renews on a timer, reports loss and hand-over requests. */
export class LeaseKeeper {
  readonly workerId: string;
  readonly timings: LeaseTimings;
  readonly #store: LeaseStore;
  readonly #options: LeaseKeeperOptions;
  readonly #logger: Logger;
  readonly #held = new Map<string, HeldLease>();
  /** Per unit, the newest epoch this keeper lost or released: it never takes that epoch (or an older) up. */
  readonly #givenUp = new Map<string, number>();
  #interval: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #running = false;

  constructor(redis: Redis, keys: FerryKeys, options: LeaseKeeperOptions) {
    this.workerId = checkId(options.workerId, 'leaseKeeper.workerId');
    this.timings = compileLeaseTimings(options, 'leaseKeeper');
    this.#store = new LeaseStore(redis, keys);
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger()).child({
      component: 'lease-keeper',
      workerId: this.workerId,
    });
  }

  /** Starts renewing and adopting leases: once now, then every renewIntervalMs. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#interval = setInterval(() => void this.refresh(), this.timings.renewIntervalMs);
    void this.refresh();
  }

  /**
   * Stops the timers. With `release` (the default) every held lease is released, so the leader can move the
   * units at once; without it the leases are dropped silently and expire in Redis (what a crash looks like).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#running = false;
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = undefined;
    if (this.#tick) await settleWithin(this.#tick, this.timings.ttlMs);
    const held = [...this.#held.entries()];
    for (const [unit, lease] of held) this.#forget(unit, lease);
    if (options.release ?? true) {
      await Promise.all(
        held.map(([unit, lease]) =>
          this.#store.release(unit, this.workerId, lease.epoch).catch((error: unknown) => {
            this.#logger.warn({ err: error, unit, epoch: lease.epoch }, 'could not release a lease on stop');
          }),
        ),
      );
    }
  }

  /** The epoch to fence writes for `unit` with, or undefined when this worker must not touch it. */
  currentEpoch(unit: string): number | undefined {
    const lease = this.#held.get(unit);
    return lease && now() < lease.deadline ? lease.epoch : undefined;
  }

  /** Units held now, sorted. */
  units(): string[] {
    return [...this.#held.keys()].filter((unit) => this.currentEpoch(unit) !== undefined).sort();
  }

  /** How many leases are held now. */
  get leaseCount(): number {
    return this.units().length;
  }

  /**
   * Gives `unit` up (after a hand-over request, once the current batch is done). The keeper stops reporting
   * it at once, before the release reaches Redis. Answers whether Redis released it.
   */
  async release(unit: string): Promise<boolean> {
    const lease = this.#held.get(unit);
    if (!lease) return false;
    this.#forget(unit, lease);
    const outcome = await this.#store.release(unit, this.workerId, lease.epoch);
    if (!outcome.ok) {
      this.#logger.warn({ unit, epoch: lease.epoch, failure: outcome.failure }, 'release refused');
    }
    return outcome.ok;
  }

  /** Renews held leases and adopts new grants now (the timer does this every renewIntervalMs). */
  refresh(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    // One round at a time: a round stuck on an unreachable Redis must not pile up others behind it. A stuck
    // round is given up after ttlMs; when it finishes later, its results are still safe to apply (deadlines
    // are computed from its own send time, and only ever extended).
    if (!this.#tick) {
      const round = this.#renewAndAdopt().catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'lease renewal round failed'),
      );
      this.#tick = settleWithin(round, this.timings.ttlMs).finally(() => {
        this.#tick = undefined;
      });
    }
    return this.#tick;
  }

  async #renewAndAdopt(): Promise<void> {
    const sentAt = now();
    const held = [...this.#held.entries()];
    const [renewals, leases] = await Promise.all([
      Promise.allSettled(
        held.map(([unit, lease]) => this.#store.renew(unit, this.workerId, lease.epoch, this.timings.ttlMs)),
      ),
      this.#store.readLeases().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'could not read the leases');
        return undefined;
      }),
    ]);
    held.forEach(([unit, lease], index) => {
      const renewal = renewals[index];
      if (!renewal || this.#held.get(unit) !== lease) return; // released or lost meanwhile
      if (renewal.status === 'rejected') {
        // Transport error: keep the lease until its local deadline; the next round tries again.
        this.#logger.warn(
          { err: renewal.reason as unknown, unit, epoch: lease.epoch },
          'lease renewal failed',
        );
        return;
      }
      const outcome = renewal.value;
      if (!outcome.ok) {
        this.#lose(unit, lease, lossReason(outcome.failure));
        return;
      }
      this.#extend(unit, lease, sentAt + outcome.remainingMs - this.timings.safetyMarginMs);
      if (outcome.handoverTo !== undefined) this.#handover(unit, lease, outcome.handoverTo);
    });
    if (!this.#running || !leases) return;

    // Grants to this worker, not yet held. Expired ones are weeded out by the adopting renewal.
    const granted = [...leases.entries()].filter(
      ([unit, record]) =>
        unit !== LEADER_UNIT &&
        record.owner === this.workerId &&
        !this.#held.has(unit) &&
        record.epoch > (this.#givenUp.get(unit) ?? 0),
    );
    await Promise.all(granted.map(([unit, record]) => this.#adopt(unit, record.epoch)));
  }

  /** Confirms a grant with a renewal (which also gives a safe local deadline) before reporting it. */
  async #adopt(unit: string, epoch: number): Promise<void> {
    const sentAt = now();
    const outcome = await this.#store.renew(unit, this.workerId, epoch, this.timings.ttlMs);
    // Refused: released or moved on since the read; nothing was reported, so there is nothing to take back.
    const givenUp = epoch <= (this.#givenUp.get(unit) ?? 0);
    if (!outcome.ok || !this.#running || this.#held.has(unit) || givenUp) return;
    const deadline = sentAt + outcome.remainingMs - this.timings.safetyMarginMs;
    if (deadline <= now()) return;
    const lease: HeldLease = {
      epoch,
      deadline,
      deadlineTimer: this.#deadlineTimer(unit, deadline),
      handoverNotified: false,
    };
    this.#held.set(unit, lease);
    this.#logger.info({ unit, epoch }, 'lease acquired');
    this.#call('onAcquired', () => this.#options.onAcquired?.(unit, epoch));
    if (outcome.handoverTo !== undefined) this.#handover(unit, lease, outcome.handoverTo);
  }

  #extend(unit: string, lease: HeldLease, deadline: number): void {
    if (deadline <= lease.deadline) return;
    clearTimeout(lease.deadlineTimer);
    lease.deadline = deadline;
    lease.deadlineTimer = this.#deadlineTimer(unit, deadline);
  }

  #deadlineTimer(unit: string, deadline: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const lease = this.#held.get(unit);
        if (!lease || lease.deadline !== deadline) return; // released, lost, or extended (a new timer runs)
        // Timers may fire a little before performance.now() reaches the deadline: wait out the rest.
        if (now() < deadline) lease.deadlineTimer = this.#deadlineTimer(unit, deadline);
        else this.#lose(unit, lease, 'deadline');
      },
      Math.max(0, Math.ceil(deadline - now())),
    );
  }

  #handover(unit: string, lease: HeldLease, to: string): void {
    if (lease.handoverNotified) return;
    lease.handoverNotified = true;
    this.#logger.info({ unit, epoch: lease.epoch, to }, 'hand-over requested');
    const onHandover = this.#options.onHandover;
    if (onHandover) {
      this.#call('onHandover', () => onHandover(unit, lease.epoch, to));
    } else {
      void this.release(unit).catch((error: unknown) =>
        this.#logger.warn(
          { err: error, unit, epoch: lease.epoch },
          'could not release a lease for hand-over',
        ),
      );
    }
  }

  #lose(unit: string, lease: HeldLease, reason: LeaseLossReason): void {
    this.#forget(unit, lease);
    this.#logger.warn({ unit, epoch: lease.epoch, reason }, 'lease lost');
    this.#call('onLost', () => this.#options.onLost?.(unit, lease.epoch, reason));
  }

  #forget(unit: string, lease: HeldLease): void {
    clearTimeout(lease.deadlineTimer);
    if (this.#held.get(unit) === lease) this.#held.delete(unit);
    this.#givenUp.set(unit, Math.max(lease.epoch, this.#givenUp.get(unit) ?? 0));
  }

  #call(name: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#logger.error({ err: error }, `${name} callback threw`);
    }
  }
}

function lossReason(failure: LeaseFailure): LeaseLossReason {
  return failure === 'LEASE_EXPIRED' ? 'expired' : 'superseded';
}
