/**
 * The layout of Ferry's own keys in the state Redis. Every key starts with the cluster's key prefix
 * (default `ferry`), so that several Ferry clusters, or tests, can share one Redis, and capture can ignore
 * Ferry's own writes by prefix. Keys that a Lua script touches together share a hash tag, so that the script
 * also runs on Redis Cluster.
 */
import { InvalidArgumentError } from './errors.js';

/** The default key prefix. */
export const DEFAULT_KEY_PREFIX = 'ferry';

export interface ConfigKeys {
  /** String: the newest configuration version (absent: nothing deployed). */
  latest: string;
  /** Hash: version number -> the stored version (JSON). Versions are never rewritten. */
  versions: string;
}

export interface ClusterKeys {
  /** Sorted set: worker id, scored by its last heartbeat (ms since the epoch). */
  workers: string;
  /** Hash per worker: host, pid, version, threads, state, started_at. */
  worker: (workerId: string) => string;
  /** String per worker id: the random token of the live process that uses the id (expires unless renewed). */
  workerClaim: (workerId: string) => string;
  /** Hash: lease unit -> lease record (JSON: owner, epoch, expiresAt). */
  leases: string;
  /** String: the engine's desired state, `running` or `stopped`. */
  engineState: string;
}

export interface SecretKeys {
  /** Hash: secret name -> encrypted record (JSON: iv, tag, data, updatedAt, updatedBy). */
  secrets: string;
}

export interface StatusKeys {
  /**
   * Hash per job: cumulative counters (processed, inserted, updated, deleted, filtered, rejected), written by
   * workers with HINCRBY, and `lastBatch` (JSON: readMs, transformMs, writeMs, ackMs, size, finishedAt).
   */
  job: (job: string) => string;
  /** Hash: connection name -> JSON {type, reachable, lastError, checkedAt, workerId}, as workers last saw it. */
  connections: string;
  /**
   * Hash per source captured from the replication stream: state, replid, offset, snapshotKeys, snapshotDone,
   * databaseEvents, lastError, updatedAt, workerId.
   */
  capture: (source: string) => string;
}

export interface CaptureKeys {
  /**
   * Hash per source: the durable replication position (replid, offset, db) capture resumes from; written
   * only after the events up to `offset` are in the change log.
   */
  position: (source: string) => string;
}

export interface DeadLetterKeys {
  /** Stream per job: records the target refused for good (see common/dead-letter). */
  stream: (job: string) => string;
}

export interface FerryKeys {
  prefix: string;
  config: ConfigKeys;
  cluster: ClusterKeys;
  secrets: SecretKeys;
  status: StatusKeys;
  deadLetter: DeadLetterKeys;
  capture: CaptureKeys;
}

/** Builds the key layout for one key prefix. The prefix must be non-empty and contain no braces. */
export function ferryKeys(prefix: string = DEFAULT_KEY_PREFIX): FerryKeys {
  if (!/^[A-Za-z0-9_.:-]+$/.test(prefix)) {
    throw new InvalidArgumentError(
      `key prefix must be letters, digits and _ . : - (got ${JSON.stringify(prefix)})`,
    );
  }
  const config = `${prefix}:{config}`;
  const cluster = `${prefix}:{cluster}`;
  return {
    prefix,
    config: { latest: `${config}:latest`, versions: `${config}:versions` },
    cluster: {
      workers: `${cluster}:workers`,
      worker: (workerId) => `${cluster}:worker:${workerId}`,
      workerClaim: (workerId) => `${cluster}:worker-claim:${workerId}`,
      leases: `${cluster}:leases`,
      engineState: `${cluster}:engine-state`,
    },
    secrets: { secrets: `${prefix}:{secrets}:values` },
    status: {
      job: (job) => `${prefix}:{status}:job:${job}`,
      connections: `${prefix}:{status}:connections`,
      capture: (source) => `${prefix}:{status}:capture:${source}`,
    },
    deadLetter: { stream: (job) => `${prefix}:dlq:${job}` },
    capture: { position: (source) => `${prefix}:{capture}:${source}` },
  };
}
