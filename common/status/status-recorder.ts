/**
 * The worker's side of status: after each batch a job's counters and timings, and after each use or check of
 * a connection whether it was reachable. Workers only add to the counters (HINCRBY), so several workers
 * applying partitions of the same job never overwrite each other's figures.
 */
import type { Redis } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';
import { redactErrorText } from './redact-error.js';
import { execOrThrow, unavailable } from './redis-failure.js';
import { BATCH_COUNTERS } from './types.js';
import type { BatchCounts, BatchTimingsRecord, ConnectionState } from './types.js';

/** The hash field of a job's status that holds its last batch (JSON). */
export const LAST_BATCH_FIELD = 'lastBatch';

const TIMING_FIELDS = ['readMs', 'transformMs', 'writeMs', 'ackMs', 'size', 'finishedAt'] as const;

export class StatusRecorder {
  readonly #redis: Redis;
  readonly #keys: FerryKeys;

  constructor(redis: Redis, keys: FerryKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /**
   * Adds a batch's counts to the job's counters and stores its timings as the job's last batch, in one
   * round trip (MULTI, so that a status read never sees the counters of a batch without its timings).
   * @throws InvalidArgumentError when a count is not a non-negative integer or a timing not a non-negative
   *   number (nothing is written); UnavailableError when Redis fails.
   */
  async recordBatch(job: string, counts: BatchCounts, timings: BatchTimingsRecord): Promise<void> {
    for (const counter of BATCH_COUNTERS) {
      const value = counts[counter];
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new InvalidArgumentError(
          `batch count ${counter} must be a non-negative integer (got ${String(value)})`,
          { context: { job } },
        );
      }
    }
    for (const field of TIMING_FIELDS) {
      const value = timings[field];
      if (!Number.isFinite(value) || value < 0) {
        throw new InvalidArgumentError(
          `batch timing ${field} must be a non-negative number (got ${String(value)})`,
          { context: { job } },
        );
      }
    }
    const key = this.#keys.status.job(job);
    const transaction = this.#redis.multi();
    for (const counter of BATCH_COUNTERS) {
      if (counts[counter] > 0) transaction.hincrby(key, counter, counts[counter]);
    }
    const lastBatch: BatchTimingsRecord = {
      readMs: timings.readMs,
      transformMs: timings.transformMs,
      writeMs: timings.writeMs,
      ackMs: timings.ackMs,
      size: timings.size,
      finishedAt: timings.finishedAt,
    };
    transaction.hset(key, LAST_BATCH_FIELD, JSON.stringify(lastBatch));
    await execOrThrow(transaction, 'record a batch', { job });
  }

  /**
   * Stores what a worker last saw of a connection, replacing the previous state. `lastError` is stored
   * without anything that looks like a password, whatever the caller passed.
   * @throws UnavailableError when Redis fails.
   */
  async recordConnection(name: string, state: ConnectionState): Promise<void> {
    const stored: ConnectionState = {
      type: state.type,
      reachable: state.reachable,
      ...(state.lastError ? { lastError: redactErrorText(state.lastError) } : {}),
      checkedAt: state.checkedAt,
      workerId: state.workerId,
    };
    try {
      await this.#redis.hset(this.#keys.status.connections, name, JSON.stringify(stored));
    } catch (error) {
      throw unavailable(error, 'record a connection state', { connection: name });
    }
  }
}
