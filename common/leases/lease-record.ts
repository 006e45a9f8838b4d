/**
 * Units of work, lease records and the keys they live under. A lease record is JSON in the leases hash
 * (`<prefix>:{cluster}:leases`, unit -> record); control-plane/cluster-registry.ts reads the same format.
 */
import { InvalidArgumentError } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';

/** What a lease is for: capture of one source master, apply of one change-log partition, or leadership. */
export type LeaseKind = 'capture' | 'apply' | 'leader';

/** The unit of the control plane's leader lease. */
export const LEADER_UNIT = 'leader';

/** A lease as stored in the leases hash. */
export interface LeaseRecord {
  /** The worker (or, for the leader lease, control-plane instance) that holds it; `''` once released. */
  owner: string;
  /** From the unit's epoch counter: +1 at every grant, never reused. Writes carry it for fencing. */
  epoch: number;
  /** Redis server time (ms since the epoch) after which the lease is free, unless renewed before. */
  expiresAt: number;
  kind: LeaseKind;
  /** Set by the leader: the worker the owner should hand the unit to. Kept on the released record. */
  handoverTo?: string;
  /** Server time by which the owner must have released; renewals never extend the lease past it. */
  handoverDeadline?: number;
}

/** The keys of the lease protocol, all under the `{cluster}` hash tag so that one script can touch them. */
export interface LeaseKeys {
  /** Hash: unit -> lease record (JSON). */
  leases: string;
  /** Hash: unit -> the last epoch handed out for it. Only ever incremented, so epochs are never reused. */
  epochs: string;
  /** Sorted set: worker id -> last heartbeat (ms since the epoch, Redis server time). */
  workers: string;
  /** Hash per worker: host, pid, version, threads, state, startedAt, leaseCount. */
  worker: (workerId: string) => string;
}

/** The lease protocol's keys for one key layout. `epochs` is `<prefix>:{cluster}:lease-epochs`. */
export function leaseKeys(keys: FerryKeys): LeaseKeys {
  return {
    leases: keys.cluster.leases,
    epochs: `${keys.prefix}:{cluster}:lease-epochs`,
    workers: keys.cluster.workers,
    worker: keys.cluster.worker,
  };
}

/** The unit for one change-log partition, e.g. `apply/7`. */
export function applyUnit(partition: number): string {
  if (!Number.isInteger(partition) || partition < 0) {
    throw new InvalidArgumentError(
      `a change-log partition must be a non-negative integer (got ${partition})`,
    );
  }
  return `apply/${partition}`;
}

/** The unit for one source master, e.g. `capture/127.0.0.1:6379`. */
export function captureUnit(hostPort: string): string {
  if (!/^[^\s/]+:\d+$/.test(hostPort)) {
    throw new InvalidArgumentError(
      `a source master must be written host:port (got ${JSON.stringify(hostPort)})`,
    );
  }
  return `capture/${hostPort}`;
}

/** The kind of a unit of work. Throws InvalidArgumentError for anything but `apply/…`, `capture/…`, `leader`. */
export function unitKind(unit: string): LeaseKind {
  if (unit === LEADER_UNIT) return 'leader';
  if (/^apply\/\d+$/.test(unit)) return 'apply';
  if (/^capture\/[^\s/]+:\d+$/.test(unit)) return 'capture';
  throw new InvalidArgumentError(
    `a unit of work is apply/<partition> or capture/<host:port> (got ${JSON.stringify(unit)})`,
    { context: { unit } },
  );
}

/** True when the lease has an owner and has not expired at `now` (server time, ms). */
export function isLeaseLive(record: LeaseRecord, now: number): boolean {
  return record.owner !== '' && record.expiresAt > now;
}

/** Parses the leases hash as HGETALL returns it. Records that are not lease records are skipped. */
export function parseLeases(raw: Record<string, string>): Map<string, LeaseRecord> {
  const leases = new Map<string, LeaseRecord>();
  for (const [unit, json] of Object.entries(raw)) {
    const record = parseLeaseRecord(json);
    if (record) leases.set(unit, record);
  }
  return leases;
}

function parseLeaseRecord(json: string): LeaseRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const { owner, epoch, expiresAt, kind, handoverTo, handoverDeadline } = fields;
  if (typeof owner !== 'string' || typeof epoch !== 'number' || typeof expiresAt !== 'number')
    return undefined;
  if (kind !== 'capture' && kind !== 'apply' && kind !== 'leader') return undefined;
  const record: LeaseRecord = { owner, epoch, expiresAt, kind };
  if (typeof handoverTo === 'string') record.handoverTo = handoverTo;
  if (typeof handoverDeadline === 'number') record.handoverDeadline = handoverDeadline;
  return record;
}
