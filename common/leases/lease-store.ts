/**
 * The Redis side of the lease protocol. Every write goes through one Lua script (common/leases/lua/*.lua),
 * which reads Redis server time itself, so expiry never depends on a worker's clock. The scripts answer
 * negative integers for refusals; they are mapped to named failures once, here. Refusals are expected
 * outcomes of the protocol and come back as values; only transport errors are thrown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { FerryError } from '../errors.js';
import { packageRoot } from '../proto.js';
import type { FerryKeys } from '../redis-keys.js';
import type { LeaseKeys, LeaseKind, LeaseRecord } from './lease-record.js';
import { LEADER_UNIT, leaseKeys, parseLeases } from './lease-record.js';

/** Why a lease script refused. */
export type LeaseFailure =
  /** The caller does not hold a live leader lease under the epoch it gave. */
  | 'NOT_LEADER'
  /** The unit's lease is live (owned and not expired), so it cannot be granted. */
  | 'LEASE_HELD'
  /** There is no lease for the unit, or it was released. */
  | 'LEASE_NOT_FOUND'
  /** The lease belongs to another owner or another epoch: the unit moved on. */
  | 'NOT_OWNER'
  /** The lease expired. */
  | 'LEASE_EXPIRED'
  /** A hand-over is already requested for the lease. */
  | 'HANDOVER_PENDING'
  /** The worker has no record in the registry. */
  | 'WORKER_NOT_FOUND';

/** The scripts' return codes, mapped once (see the headers of the .lua files). */
const FAILURE_CODES: ReadonlyMap<number, LeaseFailure> = new Map([
  [-1, 'NOT_LEADER'],
  [-2, 'LEASE_HELD'],
  [-3, 'LEASE_NOT_FOUND'],
  [-4, 'NOT_OWNER'],
  [-5, 'LEASE_EXPIRED'],
  [-6, 'HANDOVER_PENDING'],
  [-7, 'WORKER_NOT_FOUND'],
]);

/** A script's answer: success with its values, or the named refusal. */
export type LeaseOutcome<T extends object = object> =
  ({ ok: true } & T) | { ok: false; failure: LeaseFailure };

/** The leader's credentials for fenced calls: its id and the epoch of its leader lease. */
export interface LeaderToken {
  id: string;
  epoch: number;
}

/** A registered worker as the leader sees it. */
export interface WorkerView {
  id: string;
  draining: boolean;
  /** Last heartbeat, server time (ms). */
  lastHeartbeatAt: number;
}

/** One consistent read of the cluster for an assignment round. */
export interface ClusterView {
  /** Redis server time when it was read (ms). */
  now: number;
  /** Workers whose last heartbeat is within the worker timeout, sorted by id. */
  liveWorkers: WorkerView[];
  leases: Map<string, LeaseRecord>;
}

/** A worker's registration fields (the worker hash). */
export interface WorkerRecord {
  host: string;
  pid: number;
  version: string;
  threads: number;
  state: 'active' | 'draining';
  /** ms since the epoch. */
  startedAt: number;
  leaseCount: number;
}

const SCRIPTS = {
  ferryLeaseAcquire: { file: 'acquire-lease.lua', numberOfKeys: 2 },
  ferryLeaseGrant: { file: 'grant-lease.lua', numberOfKeys: 2 },
  ferryLeaseRenew: { file: 'renew-lease.lua', numberOfKeys: 1 },
  ferryLeaseRelease: { file: 'release-lease.lua', numberOfKeys: 1 },
  ferryLeaseRequestHandover: { file: 'request-handover.lua', numberOfKeys: 1 },
  ferryWorkerRegister: { file: 'register-worker.lua', numberOfKeys: 2 },
  ferryWorkerHeartbeat: { file: 'heartbeat-worker.lua', numberOfKeys: 2 },
  ferryWorkerDrain: { file: 'drain-worker.lua', numberOfKeys: 2 },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number;
type ScriptReply = number | [number, string];
type RedisWithLeaseScripts = Redis & Record<ScriptName, (...args: ScriptArg[]) => Promise<ScriptReply>>;

let scriptSources: Record<ScriptName, string> | undefined;

// Read from the package, not next to this module: the compiled module lives in dist/, the scripts do not.
function loadScriptSources(): Record<ScriptName, string> {
  if (!scriptSources) {
    const dir = join(packageRoot(), 'common', 'leases', 'lua');
    const entries = Object.entries(SCRIPTS).map(([name, { file }]) => [
      name,
      readFileSync(join(dir, file), 'utf8'),
    ]);
    scriptSources = Object.fromEntries(entries) as Record<ScriptName, string>;
  }
  return scriptSources;
}

function defineLeaseScripts(redis: Redis): RedisWithLeaseScripts {
  const sources = loadScriptSources();
  for (const [name, { numberOfKeys }] of Object.entries(SCRIPTS) as [
    ScriptName,
    { numberOfKeys: number },
  ][]) {
    // defineCommand loads the script once and calls it by SHA, reloading it after a NOSCRIPT.
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua: sources[name] });
  }
  return redis as RedisWithLeaseScripts;
}

function refusal(script: ScriptName, reply: ScriptReply): { ok: false; failure: LeaseFailure } {
  const failure = typeof reply === 'number' ? FAILURE_CODES.get(reply) : undefined;
  if (!failure) {
    throw new FerryError('INTERNAL', `lease script ${script} answered ${JSON.stringify(reply)}`);
  }
  return { ok: false, failure };
}

/** The success value of a script that answers a non-negative integer, or undefined for a refusal code. */
function nonNegative(script: ScriptName, reply: ScriptReply): number | undefined {
  if (typeof reply === 'number' && reply >= 0) return reply;
  if (typeof reply !== 'number') throw new FerryError('INTERNAL', `lease script ${script} answered an array`);
  return undefined;
}

/** The lease protocol's scripts and reads on one Redis connection. */
export class LeaseStore {
  readonly keys: LeaseKeys;
  readonly #redis: RedisWithLeaseScripts;

  constructor(redis: Redis, keys: FerryKeys) {
    this.#redis = defineLeaseScripts(redis);
    this.keys = leaseKeys(keys);
  }

  /** The connection, for callers that share it. */
  get redis(): Redis {
    return this.#redis;
  }

  /** Redis server time (ms since the epoch). */
  async serverTime(): Promise<number> {
    const [seconds, micros] = await this.#redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Takes `unit` for `candidate` if nobody holds it (leader election). */
  async acquire(
    unit: string,
    candidate: string,
    kind: LeaseKind,
    ttlMs: number,
  ): Promise<LeaseOutcome<{ epoch: number }>> {
    const { leases, epochs } = this.keys;
    const reply = await this.#redis.ferryLeaseAcquire(leases, epochs, unit, candidate, ttlMs, kind);
    const epoch = nonNegative('ferryLeaseAcquire', reply);
    return epoch === undefined ? refusal('ferryLeaseAcquire', reply) : { ok: true, epoch };
  }

  /** The leader grants a free, released or expired `unit` to `owner` with a new epoch. */
  async grant(
    leader: LeaderToken,
    unit: string,
    owner: string,
    kind: LeaseKind,
    ttlMs: number,
  ): Promise<LeaseOutcome<{ epoch: number }>> {
    const { leases, epochs } = this.keys;
    const reply = await this.#redis.ferryLeaseGrant(
      leases,
      epochs,
      LEADER_UNIT,
      leader.id,
      leader.epoch,
      unit,
      owner,
      kind,
      ttlMs,
    );
    const epoch = nonNegative('ferryLeaseGrant', reply);
    return epoch === undefined ? refusal('ferryLeaseGrant', reply) : { ok: true, epoch };
  }

  /**
   * The owner extends its lease to now + ttlMs (server time). `remainingMs` is how long it lasts from the
   * moment the script ran; `handoverTo` is set when the leader asked for a hand-over.
   */
  async renew(
    unit: string,
    owner: string,
    epoch: number,
    ttlMs: number,
  ): Promise<LeaseOutcome<{ remainingMs: number; handoverTo: string | undefined }>> {
    const reply = await this.#redis.ferryLeaseRenew(this.keys.leases, unit, owner, epoch, ttlMs);
    if (typeof reply === 'number') return refusal('ferryLeaseRenew', reply);
    const [remainingMs, handoverTo] = reply;
    return { ok: true, remainingMs, handoverTo: handoverTo === '' ? undefined : handoverTo };
  }

  /** The owner gives the lease up. */
  async release(unit: string, owner: string, epoch: number): Promise<LeaseOutcome> {
    const reply = await this.#redis.ferryLeaseRelease(this.keys.leases, unit, owner, epoch);
    return reply === 1 ? { ok: true } : refusal('ferryLeaseRelease', reply);
  }

  /** The leader asks the owner of `unit` (under `epoch`) to hand it over to `to` within `timeoutMs`. */
  async requestHandover(
    leader: LeaderToken,
    move: { unit: string; from: string; epoch: number; to: string },
    timeoutMs: number,
  ): Promise<LeaseOutcome> {
    const reply = await this.#redis.ferryLeaseRequestHandover(
      this.keys.leases,
      LEADER_UNIT,
      leader.id,
      leader.epoch,
      move.unit,
      move.from,
      move.epoch,
      move.to,
      timeoutMs,
    );
    return reply === 1 ? { ok: true } : refusal('ferryLeaseRequestHandover', reply);
  }

  /** Writes the worker's record and a first heartbeat. Answers the heartbeat's server time. */
  async registerWorker(workerId: string, record: WorkerRecord): Promise<number> {
    const reply = await this.#redis.ferryWorkerRegister(
      this.keys.workers,
      this.keys.worker(workerId),
      workerId,
      record.host,
      record.pid,
      record.version,
      record.threads,
      record.state,
      record.startedAt,
      record.leaseCount,
    );
    if (typeof reply !== 'number') throw new FerryError('INTERNAL', 'ferryWorkerRegister answered an array');
    return reply;
  }

  /** A heartbeat; answers the worker's state, so that it learns it is being drained. */
  async heartbeatWorker(
    workerId: string,
    leaseCount: number,
  ): Promise<LeaseOutcome<{ now: number; state: 'active' | 'draining' }>> {
    const reply = await this.#redis.ferryWorkerHeartbeat(
      this.keys.workers,
      this.keys.worker(workerId),
      workerId,
      leaseCount,
    );
    if (typeof reply === 'number') return refusal('ferryWorkerHeartbeat', reply);
    const [now, state] = reply;
    return { ok: true, now, state: state === 'draining' ? 'draining' : 'active' };
  }

  /** Marks the worker draining; answers how many live leases it holds. */
  async drainWorker(workerId: string): Promise<LeaseOutcome<{ leaseCount: number }>> {
    const reply = await this.#redis.ferryWorkerDrain(this.keys.worker(workerId), this.keys.leases, workerId);
    const leaseCount = nonNegative('ferryWorkerDrain', reply);
    return leaseCount === undefined ? refusal('ferryWorkerDrain', reply) : { ok: true, leaseCount };
  }

  /** Removes the worker's record and heartbeat (clean stop). */
  async deregisterWorker(workerId: string): Promise<void> {
    await this.#redis.multi().zrem(this.keys.workers, workerId).del(this.keys.worker(workerId)).exec();
  }

  /** Every lease record, by unit. */
  async readLeases(): Promise<Map<string, LeaseRecord>> {
    return parseLeases(await this.#redis.hgetall(this.keys.leases));
  }

  /** Server time, live workers (heartbeat within `workerTimeoutMs`) and leases, for one assignment round. */
  async readClusterView(workerTimeoutMs: number): Promise<ClusterView> {
    const first = await this.#redis
      .pipeline()
      .time()
      .zrange(this.keys.workers, 0, -1, 'WITHSCORES')
      .hgetall(this.keys.leases)
      .exec();
    const [time, entries, leases] = pipelineResults(first, 3) as [
      [string, string],
      string[],
      Record<string, string>,
    ];
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const heartbeats: { id: string; at: number }[] = [];
    for (let index = 0; index + 1 < entries.length; index += 2) {
      const at = Number(entries[index + 1]);
      if (at >= now - workerTimeoutMs) heartbeats.push({ id: entries[index] as string, at });
    }
    const states = heartbeats.length
      ? (pipelineResults(
          await heartbeats
            .reduce(
              (pipeline, { id }) => pipeline.hget(this.keys.worker(id), 'state'),
              this.#redis.pipeline(),
            )
            .exec(),
          heartbeats.length,
        ) as (string | null)[])
      : [];
    const liveWorkers = heartbeats
      // A heartbeat without a record is a worker that deregistered in between: not live.
      .flatMap(({ id, at }, index): WorkerView[] => {
        const state = states[index];
        return state === null || state === undefined
          ? []
          : [{ id, draining: state === 'draining', lastHeartbeatAt: at }];
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { now, liveWorkers, leases: parseLeases(leases) };
  }
}

function pipelineResults(results: [Error | null, unknown][] | null, expected: number): unknown[] {
  if (!results || results.length !== expected) {
    throw new FerryError(
      'INTERNAL',
      `a Redis pipeline answered ${results?.length ?? 0} of ${expected} replies`,
    );
  }
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
