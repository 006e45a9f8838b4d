/**
 * How far apply is behind: the change-log entries not yet applied and the age of the oldest one. The change
 * log is shared by all write-behind jobs of a pipeline (a partition holds the changes of every job's keys),
 * so this is one figure per pipeline, not per job.
 */
import type { Redis } from 'ioredis';
import { ChangeLog } from '../change-log/index.js';
import { hasCode } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';
import { execOrThrow } from './redis-failure.js';

export interface ChangeLogBacklog {
  /** Entries in the change log, summed over its partitions: appended and not yet applied. */
  pending: number;
  /** Age of the oldest entry of any partition in milliseconds, on the Redis server's clock; 0 when empty. */
  lagMs: number;
}

/**
 * The backlog of the pipeline's change log with `partitions` partitions, in one round trip. The log is the
 * one apply reads: key prefix and consumer group are both the cluster's key prefix.
 * @throws UnavailableError when Redis fails.
 */
export async function readChangeLogBacklog(
  redis: Redis,
  keys: FerryKeys,
  partitions: number,
): Promise<ChangeLogBacklog> {
  const changeLog = new ChangeLog(redis, { prefix: keys.prefix, partitions, pipeline: keys.prefix });
  try {
    const stats = await changeLog.stats();
    return {
      pending: stats.reduce((sum, partition) => sum + partition.length, 0),
      lagMs: stats.reduce((max, partition) => Math.max(max, partition.lagMs), 0),
    };
  } catch (error) {
    // No consumer group yet: no worker has started apply, but capture may already have appended entries.
    if (hasCode(error, 'FAILED_PRECONDITION')) return readWithoutGroup(redis, changeLog);
    throw error;
  }
}

/** The same figures from the streams alone (length and oldest entry), for a log nobody reads yet. */
async function readWithoutGroup(redis: Redis, changeLog: ChangeLog): Promise<ChangeLogBacklog> {
  const partitions = changeLog.settings.partitions;
  const pipeline = redis.pipeline();
  pipeline.time();
  for (let partition = 0; partition < partitions; partition++) {
    const stream = changeLog.streamKey(partition);
    pipeline.xlen(stream);
    pipeline.xrange(stream, '-', '+', 'COUNT', 1);
  }
  const replies = await execOrThrow(pipeline, 'read the change log backlog');
  const [seconds, micros] = replies[0] as [string, string];
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  let pending = 0;
  let lagMs = 0;
  for (let partition = 0; partition < partitions; partition++) {
    pending += replies[1 + partition * 2] as number;
    const [oldest] = replies[2 + partition * 2] as Array<[string, string[]]>;
    if (oldest) lagMs = Math.max(lagMs, nowMs - Number(oldest[0].split('-')[0]));
  }
  return { pending, lagMs };
}
