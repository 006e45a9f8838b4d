/**
 * Replay of dead-lettered records, through the pipeline rather than around it.
 *
 * Apply is state-based: it reads the key's current value from the source Redis and writes that. So a
 * replay does not write the stored values (they may be stale by now); it appends one change event per
 * record's key to the change log (`command: ferry.replay`), and the partition's lease holder applies it in
 * order with every other change of the key, under the same fencing. A replay therefore never writes an old
 * value over a newer one, and never races a worker that holds the partition.
 *
 * Then it waits, within a budget, until apply has gone past the appended events, and tells how each key
 * fared: written, rejected again (a new record for the key in the queue), or still pending.
 */
import type { Redis } from 'ioredis';
import type { ChangeLog } from '../change-log/index.js';
import type { ChangeEvent } from '../change-log/index.js';
import type { JobConfig } from '../config/index.js';
import { FerryError } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { compareStreamIds } from './stream-id.js';
import { MALFORMED_ENTRY } from './types.js';
import type { StoredDeadLetter } from './types.js';

/** The command of the change events a replay appends; apply treats it as any other change. */
export const REPLAY_COMMAND = 'ferry.replay';

/** How often the wait for apply looks at the partitions, in milliseconds. */
const POLL_INTERVAL_MS = 100;

/** Records read from the queue per round trip when replaying all of a job's records. */
const READ_PAGE = 1000;

export interface ReplayOptions {
  /** A connection to the Ferry state Redis. */
  redis: Redis;
  keys: FerryKeys;
  /** The change log as deployed: prefix and partitions of the deployed config, pipeline = the key prefix. */
  changeLog: ChangeLog;
  job: string;
  /** The logical database of the job's source (see {@link replaySourceDb}). */
  db: number;
  /** The records to replay; empty: all of the job's. Ids not in the queue are skipped. */
  ids: readonly string[];
  /** How long to wait for apply, in milliseconds; 0 looks once and does not wait. */
  waitMs: number;
  /** Ends the wait early (the caller went away); what is known then is answered. */
  signal?: AbortSignal;
}

/** What a replay did, counted in keys (records of one key are replayed as one change). */
export interface ReplayResult {
  /** Replayed keys that apply has written and that were not rejected again. */
  replayed: number;
  /** New records in the queue (added after the replay started) for replayed keys that apply has gone past. */
  rejectedAgain: number;
  /** Replayed keys that apply had not reached when the wait ended (or the engine is stopped). */
  pending: number;
}

/**
 * The source database a replay's events name: a write-behind job's `source.db`. Ingest jobs take their
 * changes from a relational database, whose rows a change event of a Redis key cannot bring back.
 */
export function replaySourceDb(job: JobConfig): number {
  if (job.kind !== 'write-behind') {
    throw new FerryError('FAILED_PRECONDITION', 'replay of ingest jobs is not supported yet', {
      context: { job: job.name },
    });
  }
  return job.source.db;
}

/** Replays `ids` (or all) of `job`'s dead-letter records; see the module comment. */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { redis, keys, changeLog, job, db, signal } = options;
  const queue = new DeadLetterQueue(redis, keys);
  // Read first: a record that apply rejects again after the replay gets a newer id than this.
  const newestBefore = await queue.newestId(job);
  const records = (
    options.ids.length > 0 ? await queue.get(job, options.ids) : await readAll(queue, job)
  ).filter((record) => record.errorCode !== MALFORMED_ENTRY);
  if (records.length === 0) return { replayed: 0, rejectedAgain: 0, pending: 0 };

  const replayKeys = [...new Set(records.map((record) => record.key))];
  const events: ChangeEvent[] = replayKeys.map((key) => ({ key, command: REPLAY_COMMAND, db }));
  await changeLog.append(events, signal);
  // What apply must reach: each partition's newest entry right after the append, which is ours or later.
  const targets = await newestEntries(
    redis,
    changeLog,
    new Set(replayKeys.map((key) => changeLog.partitionOf(key))),
  );
  // Only now that the events are in the log: a failure before this point leaves the records in the queue,
  // and replaying them again is harmless.
  await queue.purge(
    job,
    records.map((record) => record.id),
  );

  const engineStopped = (await redis.get(keys.cluster.engineState)) === 'stopped';
  const applied = engineStopped
    ? new Set<number>()
    : await waitForApply(redis, changeLog, keys.prefix, targets, options.waitMs, signal);

  const rejectedByKey = countByKey(await queue.since(job, newestBefore));
  const result: ReplayResult = { replayed: 0, rejectedAgain: 0, pending: 0 };
  for (const key of replayKeys) {
    const rejects = rejectedByKey.get(key) ?? 0;
    if (!applied.has(changeLog.partitionOf(key))) result.pending++;
    else if (rejects > 0) result.rejectedAgain += rejects;
    else result.replayed++;
  }
  return result;
}

async function readAll(queue: DeadLetterQueue, job: string): Promise<StoredDeadLetter[]> {
  const records: StoredDeadLetter[] = [];
  let afterId = '';
  do {
    const page = await queue.list(job, { limit: READ_PAGE, ...(afterId ? { afterId } : {}) });
    records.push(...page.records);
    afterId = page.nextAfterId;
  } while (afterId !== '');
  return records;
}

/** Partition -> id of its stream's newest entry, in one round trip. */
async function newestEntries(
  redis: Redis,
  changeLog: ChangeLog,
  partitions: ReadonlySet<number>,
): Promise<Map<number, string>> {
  const pipeline = redis.pipeline();
  for (const partition of partitions)
    pipeline.xrevrange(changeLog.streamKey(partition), '+', '-', 'COUNT', 1);
  const replies = (await pipeline.exec()) ?? [];
  const targets = new Map<number, string>();
  [...partitions].forEach((partition, index) => {
    const [error, entries] = replies[index] ?? [new Error('missing pipeline reply'), null];
    if (error) throw error;
    const newest = (entries as Array<[string, string[]]>)[0];
    // Empty only if something outside Ferry trimmed the stream meanwhile: then there is nothing to wait for.
    targets.set(partition, newest?.[0] ?? '0-0');
  });
  return targets;
}

/**
 * Polls until apply has gone past `targets` on each partition, or the budget is spent, and answers the
 * partitions that it has gone past. A partition is applied up to an entry when the pipeline's consumer
 * group has delivered it (last-delivered-id >= it) and none of the entries up to it is still pending
 * (delivered but not acknowledged, i.e. not committed in the target). No group yet: nothing is applied.
 */
async function waitForApply(
  redis: Redis,
  changeLog: ChangeLog,
  group: string,
  targets: ReadonlyMap<number, string>,
  waitMs: number,
  signal: AbortSignal | undefined,
): Promise<Set<number>> {
  const applied = new Set<number>();
  const deadline = Date.now() + Math.max(0, waitMs);
  for (;;) {
    const open = [...targets].filter(([partition]) => !applied.has(partition));
    const pipeline = redis.pipeline();
    for (const [partition] of open) {
      const stream = changeLog.streamKey(partition);
      // XINFO before XPENDING: an entry delivered before XINFO that is still unacknowledged shows in the
      // XPENDING after it, so reading them in this order never reports an entry applied too early.
      pipeline.xinfo('GROUPS', stream);
      pipeline.xpending(stream, group);
    }
    const replies = (await pipeline.exec()) ?? [];
    open.forEach(([partition, target], index) => {
      const [groupsError, groups] = replies[index * 2] ?? [new Error('missing pipeline reply'), null];
      const [pendingError, pending] = replies[index * 2 + 1] ?? [new Error('missing pipeline reply'), null];
      if (groupsError) throw groupsError;
      const lastDelivered = lastDeliveredId(groups, group);
      if (lastDelivered === undefined || compareStreamIds(lastDelivered, target) < 0) return;
      // NOGROUP here means the group went away between the two commands: not applied.
      if (pendingError) return;
      const [count, smallest] = pending as [number, string | null];
      if (count === 0 || smallest === null || compareStreamIds(smallest, target) > 0) applied.add(partition);
    });
    if (applied.size === targets.size || signal?.aborted) return applied;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return applied;
    await sleep(Math.min(POLL_INTERVAL_MS, remaining), signal);
  }
}

/** The last-delivered-id of `group` in an XINFO GROUPS reply, or undefined when there is no such group. */
function lastDeliveredId(groups: unknown, group: string): string | undefined {
  if (!Array.isArray(groups)) return undefined;
  for (const info of groups) {
    if (!Array.isArray(info)) continue;
    const fields = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < info.length; i += 2) fields.set(info[i], info[i + 1]);
    const lastDelivered = fields.get('last-delivered-id');
    if (fields.get('name') === group && typeof lastDelivered === 'string') return lastDelivered;
  }
  return undefined;
}

function countByKey(records: readonly StoredDeadLetter[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.errorCode !== MALFORMED_ENTRY) counts.set(record.key, (counts.get(record.key) ?? 0) + 1);
  }
  return counts;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
