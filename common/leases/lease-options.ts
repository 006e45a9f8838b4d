/**
 * Options of the lease protocol's parts: what the user passes (all optional, documented with unit and
 * default) -> compiled options with the defaults applied, as pure functions. Bad values are rejected with an
 * InvalidArgumentError naming the option and the value; nothing a user set is silently overridden.
 */
import { InvalidArgumentError } from '../errors.js';

/** Timings of a lease as its holder sees them. Leader and workers should use the same ttlMs. */
export interface LeaseTimingOptions {
  /**
   * How long a lease lasts after a grant or a renewal, in Redis server time. A dead holder's units move
   * after about this long.
   * @default 10000 (ms)
   */
  ttlMs?: number;
  /** How often the holder renews. Must leave time for a renewal before the local deadline. @default ttlMs / 3 */
  renewIntervalMs?: number;
  /**
   * How much earlier than the lease's expiry the holder considers it lost when it could not renew (its local
   * deadline is the send time of its last successful renewal + the remaining time − this margin). Covers
   * clock-rate drift and the time a write takes to land after the holder checked its lease.
   * @default ttlMs / 5
   */
  safetyMarginMs?: number;
}

export interface LeaseTimings {
  ttlMs: number;
  renewIntervalMs: number;
  safetyMarginMs: number;
}

/** The shortest lease accepted, in ms; shorter ones would expire under ordinary network jitter. */
export const MIN_LEASE_TTL_MS = 100;

/** Applies the defaults and checks the timings; `owner` names the options in messages (e.g. `leader`). */
export function compileLeaseTimings(options: LeaseTimingOptions, owner: string): LeaseTimings {
  const ttlMs = options.ttlMs ?? 10_000;
  if (!Number.isInteger(ttlMs) || ttlMs < MIN_LEASE_TTL_MS) {
    throw new InvalidArgumentError(
      `${owner}.ttlMs must be an integer of at least ${MIN_LEASE_TTL_MS} (got ${ttlMs})`,
    );
  }
  const renewIntervalMs = options.renewIntervalMs ?? Math.floor(ttlMs / 3);
  positiveInteger(renewIntervalMs, `${owner}.renewIntervalMs`);
  const safetyMarginMs = options.safetyMarginMs ?? Math.floor(ttlMs / 5);
  if (!Number.isInteger(safetyMarginMs) || safetyMarginMs < 0) {
    throw new InvalidArgumentError(
      `${owner}.safetyMarginMs must be a non-negative integer (got ${safetyMarginMs})`,
    );
  }
  if (renewIntervalMs + safetyMarginMs >= ttlMs) {
    throw new InvalidArgumentError(
      `${owner}.renewIntervalMs + ${owner}.safetyMarginMs must be less than ${owner}.ttlMs, so that a renewal ` +
        `happens before the local deadline (got ${renewIntervalMs} + ${safetyMarginMs} >= ${ttlMs})`,
    );
  }
  return { ttlMs, renewIntervalMs, safetyMarginMs };
}

/** Options for planning assignments and running the leader's rounds. */
export interface AssignmentOptions {
  /** How often the leader plans and executes assignments. @default 1000 (ms) */
  roundIntervalMs?: number;
  /**
   * A worker whose last heartbeat is older than this is dead: it gets no units, and its units are granted to
   * others once their leases expire. Keep it below the lease TTL, so that a dead worker is known dead before
   * its leases expire, and above the workers' heartbeat interval.
   * @default ttlMs / 2
   */
  workerTimeoutMs?: number;
  /** Balancing hand-overs requested per round, so that rebalancing is gradual; 0 turns balancing off. @default 2 */
  maxHandoversPerRound?: number;
  /**
   * How long an owner has to release a unit after a hand-over request; its lease does not last past that.
   * @default 3 * ttlMs
   */
  handoverTimeoutMs?: number;
}

export interface CompiledAssignmentOptions {
  roundIntervalMs: number;
  workerTimeoutMs: number;
  maxHandoversPerRound: number;
  handoverTimeoutMs: number;
}

/** Applies the defaults and checks the leader's assignment options. */
export function compileAssignmentOptions(
  options: AssignmentOptions,
  timings: LeaseTimings,
  owner: string,
): CompiledAssignmentOptions {
  const compiled = {
    roundIntervalMs: options.roundIntervalMs ?? 1000,
    workerTimeoutMs: options.workerTimeoutMs ?? Math.floor(timings.ttlMs / 2),
    maxHandoversPerRound: options.maxHandoversPerRound ?? 2,
    handoverTimeoutMs: options.handoverTimeoutMs ?? 3 * timings.ttlMs,
  };
  positiveInteger(compiled.roundIntervalMs, `${owner}.roundIntervalMs`);
  positiveInteger(compiled.workerTimeoutMs, `${owner}.workerTimeoutMs`);
  if (!Number.isInteger(compiled.maxHandoversPerRound) || compiled.maxHandoversPerRound < 0) {
    throw new InvalidArgumentError(
      `${owner}.maxHandoversPerRound must be a non-negative integer (got ${compiled.maxHandoversPerRound})`,
    );
  }
  positiveInteger(compiled.handoverTimeoutMs, `${owner}.handoverTimeoutMs`);
  return compiled;
}

/** Options for a worker's heartbeat. */
export interface HeartbeatOptions {
  /** How often the worker heartbeats. Keep it well below the leader's workerTimeoutMs. @default 1000 (ms) */
  heartbeatIntervalMs?: number;
}

/** Applies the defaults and checks the heartbeat options. */
export function compileHeartbeatOptions(
  options: HeartbeatOptions,
  owner: string,
): { heartbeatIntervalMs: number } {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  positiveInteger(heartbeatIntervalMs, `${owner}.heartbeatIntervalMs`);
  return { heartbeatIntervalMs };
}

/** Checks an id (worker or control-plane instance): non-empty, no whitespace, no braces. */
export function checkId(id: string, name: string): string {
  if (!/^[^\s{}]+$/.test(id)) {
    throw new InvalidArgumentError(
      `${name} must be non-empty, without spaces or braces (got ${JSON.stringify(id)})`,
    );
  }
  return id;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive integer (got ${value})`);
  }
}
