/**
 * Reads the cluster's state from Redis: registered workers, leases, the engine's desired state, and what
 * workers report about their jobs and connections (common/status). Workers write their own records
 * (heartbeats, status); this side only reads them, so the control plane can be restarted or replaced without
 * the workers noticing. The one thing it writes is the engine's desired state, which workers follow.
 */
import type { Redis } from 'ioredis';
import type { FerryKeys } from '../common/redis-keys.js';
import type { WorkerInfo } from '../clients/generated/ferry/v1/WorkerInfo.js';
import type { LeaseInfo } from '../clients/generated/ferry/v1/LeaseInfo.js';
import type { EngineState } from '../clients/generated/ferry/v1/EngineState.js';
import { drainWorker } from '../common/leases/index.js';
import type { Logger } from '../common/logger.js';
import { readChangeLogBacklog, readConnectionStates, readJobStatuses } from '../common/status/index.js';
import type { ChangeLogBacklog, ConnectionState, JobStatusRecord } from '../common/status/index.js';
import { toTimestamp } from './wire.js';

export interface ClusterRegistryOptions {
  /** A worker without a heartbeat for this long is shown as gone. @default 10000 (ms) */
  workerTimeoutMs?: number;
  /** Gone workers are still listed for this long after their last heartbeat. @default 600000 (ms) */
  goneRetentionMs?: number;
}

/** A lease record as workers and the leader store it (JSON in the leases hash). */
interface LeaseRecord {
  owner?: string;
  epoch?: number;
  expiresAt?: number;
  kind?: 'capture' | 'apply' | 'leader';
}

const LEASE_KINDS = {
  capture: 'LEASE_KIND_CAPTURE',
  apply: 'LEASE_KIND_APPLY',
  leader: 'LEASE_KIND_LEADER',
} as const;

export class ClusterRegistry {
  readonly #redis: Redis;
  readonly #keys: FerryKeys;
  readonly #workerTimeoutMs: number;
  readonly #goneRetentionMs: number;

  constructor(redis: Redis, keys: FerryKeys, options: ClusterRegistryOptions = {}) {
    this.#redis = redis;
    this.#keys = keys;
    this.#workerTimeoutMs = options.workerTimeoutMs ?? 10_000;
    this.#goneRetentionMs = options.goneRetentionMs ?? 600_000;
  }

  /** Live workers and those gone within the retention, sorted by id, read in one pipeline. */
  async listWorkers(now = Date.now()): Promise<WorkerInfo[]> {
    const entries = await this.#redis.zrangebyscore(
      this.#keys.cluster.workers,
      now - this.#goneRetentionMs,
      '+inf',
      'WITHSCORES',
    );
    const ids: { id: string; heartbeat: number }[] = [];
    for (let index = 0; index + 1 < entries.length; index += 2) {
      ids.push({ id: entries[index] as string, heartbeat: Number(entries[index + 1]) });
    }
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const { id } of ids) pipeline.hgetall(this.#keys.cluster.worker(id));
    const results = (await pipeline.exec()) ?? [];
    const workers = ids.map(({ id, heartbeat }, index): WorkerInfo => {
      const fields = (results[index]?.[1] ?? {}) as Record<string, string>;
      const gone = now - heartbeat > this.#workerTimeoutMs;
      return {
        id,
        host: fields['host'] ?? '',
        pid: Number(fields['pid'] ?? 0),
        version: fields['version'] ?? '',
        threads: Number(fields['threads'] ?? 0),
        state: gone
          ? 'WORKER_STATE_GONE'
          : fields['state'] === 'draining'
            ? 'WORKER_STATE_DRAINING'
            : 'WORKER_STATE_ACTIVE',
        startedAt: toTimestamp(Number(fields['startedAt'] ?? 0)) as WorkerInfo['startedAt'],
        lastHeartbeatAt: toTimestamp(heartbeat) as WorkerInfo['lastHeartbeatAt'],
        leaseCount: Number(fields['leaseCount'] ?? 0),
      };
    });
    return workers.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every lease, sorted by unit. */
  async listLeases(): Promise<LeaseInfo[]> {
    const raw = await this.#redis.hgetall(this.#keys.cluster.leases);
    return Object.entries(raw)
      .map(([unit, json]): LeaseInfo => {
        const record = JSON.parse(json) as LeaseRecord;
        return {
          unit,
          kind: record.kind ? LEASE_KINDS[record.kind] : 'LEASE_KIND_UNSPECIFIED',
          owner: record.owner ?? '',
          epoch: record.epoch ?? 0,
          expiresAt: toTimestamp(record.expiresAt ?? 0) as LeaseInfo['expiresAt'],
        };
      })
      .sort((a, b) => a.unit.localeCompare(b.unit));
  }

  /** Marks a worker draining (the leader moves its units away by hand-over); returns its live leases. */
  drain(workerId: string): Promise<number> {
    return drainWorker(this.#redis, this.#keys, workerId);
  }

  /** The engine's desired state; a deployed pipeline runs unless an operator stopped it. */
  async engineState(): Promise<EngineState> {
    const state = await this.#redis.get(this.#keys.cluster.engineState);
    return state === 'stopped' ? 'ENGINE_STATE_STOPPED' : 'ENGINE_STATE_RUNNING';
  }

  /**
   * Sets the engine's desired state. Workers read it between batches: on `stopped` they let the batches in
   * flight finish and apply nothing more, keeping their leases; on `running` they go on where they stopped.
   */
  async setEngineState(state: 'running' | 'stopped'): Promise<void> {
    await this.#redis.set(this.#keys.cluster.engineState, state);
  }

  /** Each job's counters and last batch as workers recorded them; zero counters for a job not run yet. */
  jobStatuses(jobs: readonly string[], logger?: Logger): Promise<Map<string, JobStatusRecord>> {
    return readJobStatuses(this.#redis, this.#keys, jobs, logger ? { logger } : {});
  }

  /** Each connection's reachability as a worker last saw it, by connection name. */
  connectionStates(logger?: Logger): Promise<Map<string, ConnectionState>> {
    return readConnectionStates(this.#redis, this.#keys, logger ? { logger } : {});
  }

  /** The capture status hashes of `sources` (empty maps for sources no worker has reported yet), in one pipeline. */
  async captureStates(sources: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const states = new Map<string, Record<string, string>>();
    if (sources.length === 0) return states;
    const pipeline = this.#redis.pipeline();
    for (const source of sources) pipeline.hgetall(this.#keys.status.capture(source));
    const results = (await pipeline.exec()) ?? [];
    sources.forEach((source, index) => {
      const [error, fields] = results[index] ?? [null, {}];
      states.set(source, error ? {} : ((fields ?? {}) as Record<string, string>));
    });
    return states;
  }

  /** Entries waiting in the pipeline's change log (of `partitions` partitions) and the oldest one's age. */
  changeLogBacklog(partitions: number): Promise<ChangeLogBacklog> {
    return readChangeLogBacklog(this.#redis, this.#keys, partitions);
  }
}
