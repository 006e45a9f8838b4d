/**
 * The change log: the durable buffer between capture, which appends change events, and apply, which reads
 * them in batches per partition. It is a set of Redis Streams in the Ferry state Redis, one per partition,
 * read by one consumer group per pipeline.
 *
 * Invariants (each one is what a method below is careful about):
 *
 * - Order per key. A key always maps to the same partition (its cluster hash slot mod the partition count),
 *   an append adds each partition's events in the order given, and a partition is read in stream order by a
 *   single lease holder. So the changes of one key are read in the order capture appended them, provided one
 *   caller appends a key's events and awaits each append before the next (capture does).
 * - No loss. Entries are only trimmed once every consumer group has acknowledged them (ack-and-trim.lua);
 *   nothing trims on append. An entry read but not acknowledged stays pending and is delivered again, before
 *   any newer entry, to whoever reads the partition next: a crash between read and ack re-delivers.
 * - Back-pressure, never a drop. A partition holds at most its cap of entries; an append to a full partition
 *   waits until apply drains it.
 * - At least once. Re-delivery, and an append that fails half-way and is sent again, repeat entries. Apply is
 *   state-based (it reads the key's current value), and the checkpoint row it commits in the target in the
 *   same transaction as the rows (ferry_checkpoints: last applied id, lease epoch) makes a replay after a
 *   crash between the database commit and XACK a no-op. That checkpoint belongs to apply, not to this module.
 *
 * Needs Redis 7.0 or newer (XAUTOCLAIM reporting deleted entries, XTRIM MINID) and, for now, a standalone
 * state Redis or a single node: the multi-partition pipelines (append, ensureGroups, stats) span hash tags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import { FerryError, InvalidArgumentError, UnavailableError } from '../errors.js';
import { packageRoot } from '../proto.js';
import { ChangeLogAbortError, abortableDelay } from './append-abort.js';
import { changeLogKeys } from './change-log-keys.js';
import type { ChangeLogKeys } from './change-log-keys.js';
import { VALUES_PER_EVENT, decodeEntry, encodeEvents } from './entry-codec.js';
import { partitionOf } from './key-slot.js';
import { compileChangeLogSettings } from './settings.js';
import type { ChangeLogSettings, CompiledChangeLogSettings } from './settings.js';
import type { AckResult, ChangeEvent, LogEntry, PartitionStats, ReadBatchOptions } from './types.js';

// Read from the package, not next to this module: the compiled module lives in dist/, the scripts do not.
const luaDir = join(packageRoot(), 'common', 'change-log', 'lua');
const APPEND_SCRIPT = readFileSync(join(luaDir, 'append-events.lua'), 'utf8');
const ACK_AND_TRIM_SCRIPT = readFileSync(join(luaDir, 'ack-and-trim.lua'), 'utf8');

/** Lua return codes, mapped once here. */
const APPEND_BAD_ARGUMENTS = -1;
const ACK_NO_GROUP = -1;

/**
 * Most events one append-events.lua call adds. A script holds the whole Redis server while it runs (about
 * 5-10 µs per event, measured on Redis 7.0), so a big batch goes in several round trips of at most this
 * many events per partition, about 2 ms of server time per call, rather than one long script that would
 * stall the application's own commands on a shared Redis.
 */
const MAX_EVENTS_PER_SCRIPT = 256;

const STREAM_ID = /^\d+-\d+$/;

interface ChangeLogScripts {
  ferryChangeLogAckTrim(
    stream: string,
    group: string,
    ids: readonly string[],
  ): Promise<[number, number] | number>;
}

type ChangeLogRedis = Redis & ChangeLogScripts;

type AppendPipeline = ChainableCommander & {
  ferryChangeLogAppend(stream: string, cap: number, values: string[]): AppendPipeline;
};

/** A stream entry as Redis returns it: id and flat field/value list (null for an entry deleted meanwhile). */
type RawEntry = [string, string[]] | null;

/** Where one partition's share of an append stands. */
interface PartitionQueue {
  partition: number;
  /** k, c, d, o, t per event, in append order. */
  values: string[];
  /** Events of this partition already appended: always a prefix. */
  appended: number;
}

export class ChangeLog {
  /** The compiled settings: defaults applied, per-partition cap derived. */
  readonly settings: CompiledChangeLogSettings;
  readonly #redis: ChangeLogRedis;
  readonly #keys: ChangeLogKeys;

  /**
   * @param redis a connection to the Ferry state Redis (standalone). Appends, acks and stats are short;
   *   readBatch with `blockMs` > 0 holds the connection while it waits, so give each apply loop its own.
   * @throws InvalidArgumentError when an option is out of range (the message names it).
   */
  constructor(redis: Redis, settings: ChangeLogSettings = {}) {
    this.settings = compileChangeLogSettings(settings);
    // defineCommand loads a script once and calls it by SHA, reloading it after a NOSCRIPT.
    if (!('ferryChangeLogAppend' in redis)) {
      redis.defineCommand('ferryChangeLogAppend', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    }
    if (!('ferryChangeLogAckTrim' in redis)) {
      redis.defineCommand('ferryChangeLogAckTrim', { numberOfKeys: 1, lua: ACK_AND_TRIM_SCRIPT });
    }
    this.#redis = redis as ChangeLogRedis;
    this.#keys = changeLogKeys(this.settings.prefix);
  }

  /** The stream key of `partition` (0 <= partition < partitions). */
  streamKey(partition: number): string {
    this.#checkPartition(partition);
    return this.#keys.stream(partition);
  }

  /** The partition that holds the changes of `key`. */
  partitionOf(key: string | Uint8Array): number {
    return partitionOf(key, this.settings.partitions);
  }

  /**
   * Appends change events, each to its key's partition, keeping their order within each partition.
   *
   * One pipelined round trip in the common case: one append-events.lua call per partition, which adds as
   * many events as fit under the partition's cap. When a partition is full, the append waits, polling with
   * a backoff from backPressureInitialDelayMs doubling to backPressureMaxDelayMs (back to the start
   * whenever some room was found), until apply has drained enough, and then appends the rest: it never
   * drops an event and never trims one that is not applied. Partitions with room go on meanwhile, so a
   * backlog in one partition delays only its own keys' events. Batches bigger than MAX_EVENTS_PER_SCRIPT
   * per partition take several round trips.
   *
   * Resolves once every event is in the log (on the server; durability beyond that is the state Redis'
   * AOF/replication setting). Rejects with InvalidArgumentError for a bad event, before appending anything;
   * with {@link ChangeLogAbortError} when `signal` aborts (checked before every round trip and while
   * waiting); with UnavailableError when Redis fails. After a rejection a prefix of each partition's events
   * may be in the log: send the whole batch again (duplicates are harmless, see the module comment).
   */
  async append(events: readonly ChangeEvent[], signal?: AbortSignal): Promise<void> {
    const onAbort = (appended: number) => (): Error => new ChangeLogAbortError(appended, signal?.reason);
    if (signal?.aborted) throw onAbort(0)();
    const queues = [...encodeEvents(events, this.settings.partitions, Date.now())].map(
      ([partition, values]): PartitionQueue => ({ partition, values, appended: 0 }),
    );
    const { partitionCap, backPressureInitialDelayMs, backPressureMaxDelayMs, logger } = this.settings;
    let appended = 0;
    let delayMs = backPressureInitialDelayMs;
    let waitingSince: number | undefined;

    for (;;) {
      const unfinished = queues.filter((queue) => queue.appended * VALUES_PER_EVENT < queue.values.length);
      if (unfinished.length === 0) break;
      if (signal?.aborted) throw onAbort(appended)();

      // One call per partition per round trip: a second call for the same partition in the same pipeline
      // could find room that the first did not (an ack in between) and append out of order.
      const pipeline = this.#redis.pipeline() as AppendPipeline;
      const sent = unfinished.map((queue) => {
        const from = queue.appended * VALUES_PER_EVENT;
        const values = queue.values.slice(from, from + MAX_EVENTS_PER_SCRIPT * VALUES_PER_EVENT);
        pipeline.ferryChangeLogAppend(this.#keys.stream(queue.partition), partitionCap, values);
        return { queue, count: values.length / VALUES_PER_EVENT };
      });
      const replies = await execPipeline(pipeline, 'append change events');

      let progress = 0;
      const full: number[] = [];
      sent.forEach(({ queue, count }, index) => {
        const [error, added] = replies[index] ?? [new Error('missing pipeline reply'), null];
        if (error) throw this.#redisError(error, 'append change events', queue.partition);
        if (typeof added !== 'number' || added < 0 || added > count) {
          const problem =
            added === APPEND_BAD_ARGUMENTS ? 'rejected its arguments' : `answered ${String(added)}`;
          throw new FerryError('INTERNAL', `append-events.lua ${problem} (${count} events sent)`, {
            context: { partition: queue.partition },
          });
        }
        queue.appended += added;
        progress += added;
        if (added < count) full.push(queue.partition);
      });
      appended += progress;

      if (full.length === 0) continue; // every chunk went in: send the next ones at once
      // Some partition is full. Wait before asking again, but start the backoff over while apply is making
      // room (progress), so that a slowly draining partition is polled often, not once a second.
      if (progress > 0) delayMs = backPressureInitialDelayMs;
      if (waitingSince === undefined) {
        waitingSince = Date.now();
        logger?.warn(
          { partitions: full, partitionCap },
          'change log partitions are full: the append waits for apply to drain them (back-pressure)',
        );
      }
      await abortableDelay(delayMs, signal, onAbort(appended));
      delayMs = Math.min(delayMs * 2, backPressureMaxDelayMs);
    }
    if (waitingSince !== undefined) {
      logger?.info({ waitedMs: Date.now() - waitingSince }, 'change log append resumed after back-pressure');
    }
  }

  /**
   * Creates this pipeline's consumer group on every partition stream (creating the streams), reading from
   * the start, so that events appended before the group existed are applied too. Idempotent: a group that
   * exists is left as it is. One round trip. Resolves to the number of groups created.
   */
  async ensureGroups(): Promise<number> {
    const pipeline = this.#redis.pipeline();
    for (let partition = 0; partition < this.settings.partitions; partition++) {
      pipeline.xgroup('CREATE', this.#keys.stream(partition), this.settings.pipeline, '0', 'MKSTREAM');
    }
    const results = await execPipeline(pipeline, 'create consumer groups');
    let created = 0;
    results.forEach(([error], partition) => {
      if (!error) {
        created++;
      } else if (!error.message.startsWith('BUSYGROUP')) {
        throw this.#redisError(error, 'create consumer groups', partition);
      }
    });
    return created;
  }

  /**
   * Reads the next batch of `partition` for `consumer` (the lease holder, e.g. the worker id), oldest
   * first, at most `count` entries.
   *
   * First the partition's pending entries, i.e. delivered to any consumer and never acknowledged (a crash,
   * a lost lease, a batch that failed): they are claimed for `consumer` (XAUTOCLAIM from 0, whatever their
   * idle time) and returned in id order, marked `redelivered`. Only when none are pending, new entries
   * (XREADGROUP `>`), waiting up to `blockMs` for some to arrive. Pending entries all precede new ones, so a
   * new lease holder sees exactly what its predecessor read but did not acknowledge, in order, before
   * anything new. It relies on one reader per partition at a time (the lease); a stale reader cannot do
   * harm in the target because its writes are fenced by the lease epoch in the checkpoint.
   *
   * With `blockMs` > 0 the connection is held while waiting: other commands on it queue behind.
   */
  async readBatch(partition: number, consumer: string, options: ReadBatchOptions): Promise<LogEntry[]> {
    this.#checkPartition(partition);
    if (typeof consumer !== 'string' || consumer.length === 0) {
      throw new InvalidArgumentError(`consumer must be a non-empty string (got ${JSON.stringify(consumer)})`);
    }
    const { count, blockMs } = options;
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new InvalidArgumentError(`readBatch count must be a positive integer (got ${count})`);
    }
    if (!Number.isSafeInteger(blockMs) || blockMs < 0) {
      throw new InvalidArgumentError(`readBatch blockMs must be a non-negative integer (got ${blockMs})`);
    }
    const stream = this.#keys.stream(partition);
    const group = this.settings.pipeline;

    try {
      // XAUTOCLAIM scans at most 10 x count pending entries per call; entries trimmed or deleted meanwhile
      // use up that budget without being returned, so follow the cursor until something is found or the
      // pending list is exhausted. Reading `>` before that would overtake pending entries.
      let start = '0-0';
      while (options.newOnly !== true) {
        const reply = (await this.#redis.xautoclaim(stream, group, consumer, 0, start, 'COUNT', count)) as [
          string,
          RawEntry[],
          string[]?,
        ];
        const [cursor, entries, deleted] = reply;
        if (deleted && deleted.length > 0) {
          // Only possible when something outside Ferry trimmed or deleted entries: ack-and-trim.lua never
          // trims a pending entry. They cannot be delivered; say so loudly.
          this.settings.logger?.error(
            { partition, ids: deleted, pipeline: group },
            'pending change log entries were deleted before they were applied; their changes are lost',
          );
        }
        const claimed = decodeEntries(entries, partition, true);
        if (claimed.length > 0) return claimed;
        if (cursor === '0-0') break;
        start = cursor;
      }

      const wait = blockMs > 0 ? ['BLOCK', blockMs] : [];
      const reply = await this.#redis.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        ...wait,
        'STREAMS',
        stream,
        '>',
      );
      const streams = reply as Array<[string, RawEntry[]]> | null;
      return decodeEntries(streams?.[0]?.[1] ?? [], partition, false);
    } catch (error) {
      throw this.#redisError(error, 'read a batch', partition);
    }
  }

  /**
   * Acknowledges applied entries of `partition` and, in the same script (one round trip, atomic), trims
   * every entry that all pipelines have acknowledged. Call it only after the entries' changes are committed
   * in the target together with the checkpoint. Acknowledging out of order is safe: an entry still pending
   * before an acknowledged one is kept.
   */
  async ack(partition: number, ids: readonly string[]): Promise<AckResult> {
    this.#checkPartition(partition);
    const badId = ids.find((id) => typeof id !== 'string' || !STREAM_ID.test(id));
    if (badId !== undefined) {
      const message = `ack ids must be stream ids like 1700000000000-0 (got ${JSON.stringify(badId)})`;
      throw new InvalidArgumentError(message, { context: { partition } });
    }
    if (ids.length === 0) return { acked: 0, trimmed: 0 };
    const stream = this.#keys.stream(partition);
    let reply: [number, number] | number;
    try {
      reply = await this.#redis.ferryChangeLogAckTrim(stream, this.settings.pipeline, ids);
    } catch (error) {
      throw this.#redisError(error, 'acknowledge entries', partition);
    }
    if (reply === ACK_NO_GROUP) throw this.#noGroupError(partition);
    if (!Array.isArray(reply)) {
      throw new FerryError('INTERNAL', `ack-and-trim.lua answered ${reply}`, { context: { partition } });
    }
    return { acked: reply[0], trimmed: reply[1] };
  }

  /**
   * The state of one partition, or of all of them, in one round trip: length, this pipeline's pending
   * entries, lag (age of the oldest entry, on the server's clock) and whether appends to it wait.
   */
  async stats(partition?: number): Promise<PartitionStats[]> {
    const partitions =
      partition === undefined
        ? [...Array(this.settings.partitions).keys()]
        : [this.#checkedPartition(partition)];
    const pipeline = this.#redis.pipeline();
    pipeline.time();
    for (const p of partitions) {
      const stream = this.#keys.stream(p);
      pipeline.xlen(stream);
      pipeline.xpending(stream, this.settings.pipeline);
      pipeline.xrange(stream, '-', '+', 'COUNT', 1);
    }
    const results = await execPipeline(pipeline, 'read partition stats');
    const value = (index: number, p: number | undefined): unknown => {
      const [error, result] = results[index] ?? [new Error('missing pipeline reply'), null];
      if (error) throw this.#redisError(error, 'read partition stats', p);
      return result;
    };
    const [seconds, micros] = value(0, undefined) as [string, string];
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return partitions.map((p, i) => {
      const length = value(1 + i * 3, p) as number;
      const [pending] = value(2 + i * 3, p) as [number];
      const [oldest] = value(3 + i * 3, p) as Array<[string, string[]]>;
      const oldestMs = oldest ? Number(oldest[0].split('-')[0]) : nowMs;
      return {
        partition: p,
        length,
        pending,
        lagMs: Math.max(0, nowMs - oldestMs),
        capped: length >= this.settings.partitionCap,
      };
    });
  }

  #checkPartition(partition: number): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.settings.partitions) {
      throw new InvalidArgumentError(
        `partition must be an integer from 0 to ${this.settings.partitions - 1} (got ${partition})`,
        { context: { partition } },
      );
    }
  }

  #checkedPartition(partition: number): number {
    this.#checkPartition(partition);
    return partition;
  }

  #noGroupError(partition: number | undefined): FerryError {
    return new FerryError(
      'FAILED_PRECONDITION',
      `the change log has no consumer group for pipeline ${JSON.stringify(this.settings.pipeline)}` +
        `${partition === undefined ? '' : ` on partition ${partition}`}; call ensureGroups() first`,
      { context: { partition, pipeline: this.settings.pipeline } },
    );
  }

  /** Maps a Redis error once: a missing group is a precondition; anything else is Redis being unavailable. */
  #redisError(error: unknown, action: string, partition: number | undefined): FerryError {
    if (error instanceof FerryError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('NOGROUP')) return this.#noGroupError(partition);
    return unavailable(error, action, partition);
  }
}

function decodeEntries(entries: readonly RawEntry[], partition: number, redelivered: boolean): LogEntry[] {
  const decoded: LogEntry[] = [];
  for (const entry of entries) {
    if (entry) decoded.push(decodeEntry(entry[0], entry[1], partition, redelivered));
  }
  return decoded;
}

/** Runs a pipeline: one [error, reply] pair per command; losing the connection fails the whole call. */
async function execPipeline(
  pipeline: ChainableCommander,
  action: string,
): Promise<Array<[Error | null, unknown]>> {
  try {
    return (await pipeline.exec()) ?? [];
  } catch (error) {
    throw unavailable(error, action, undefined);
  }
}

/** A Redis failure other than a missing group: the change log is unavailable until Redis recovers. */
function unavailable(error: unknown, action: string, partition: number | undefined): UnavailableError {
  const message = error instanceof Error ? error.message : String(error);
  // The first word of a Redis error reply is its code (OOM, READONLY, LOADING...); keep that, not the text.
  const redisCode = /^[A-Z]+\b/.exec(message)?.[0] ?? 'connection';
  return new UnavailableError(`the change log could not ${action} (Redis: ${redisCode})`, {
    cause: error,
    context: { partition, redisCode },
  });
}
