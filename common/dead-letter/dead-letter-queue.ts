/**
 * The dead-letter queue: one Redis stream per job (`keys.deadLetter.stream(job)`) holding the records the
 * target refused for good, with the target's error and the time. Apply adds to it; operators list, replay
 * (replay.ts) and purge it. The stream is capped at the applier's `dlq_max_messages`: the oldest records go
 * first, so a flood of rejects cannot fill the state Redis.
 *
 * Redis errors are not wrapped here: the callers' boundaries (the control plane's gRPC adapter, the apply
 * loop) already map connection loss to UNAVAILABLE.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';
import { decodeEntry, encodeRecord } from './entry-codec.js';
import { checkStreamIds } from './stream-id.js';
import type { DeadLetterPage, DeadLetterRecord, StoredDeadLetter } from './types.js';

/** A stream entry as ioredis returns it: id and flat field/value list. */
type RawEntry = [string, string[]];

export class DeadLetterQueue {
  readonly #redis: Redis;
  readonly #keys: FerryKeys;

  /** @param redis a connection to the Ferry state Redis; every method is a short round trip or two. */
  constructor(redis: Redis, keys: FerryKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** The stream key of `job`'s dead-letter queue. */
  streamKey(job: string): string {
    return this.#keys.deadLetter.stream(job);
  }

  /**
   * Adds `records` to `job`'s queue, in order, in one pipelined round trip, and answers their new ids. Each
   * XADD trims the stream to exactly `maxMessages` entries (MAXLEN =, not the approximate ~: the cap is a
   * number operators set and read back), dropping the oldest. Throws InvalidArgumentError for a bad
   * `maxMessages` or record before adding anything.
   */
  async add(job: string, records: readonly DeadLetterRecord[], maxMessages: number): Promise<string[]> {
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) {
      throw new InvalidArgumentError(`dlq maxMessages must be a positive integer (got ${maxMessages})`, {
        context: { job },
      });
    }
    const entries = records.map((record, index) => encodeRecord(record, job, index));
    if (entries.length === 0) return [];
    const stream = this.streamKey(job);
    const pipeline = this.#redis.pipeline();
    for (const fields of entries) pipeline.xadd(stream, 'MAXLEN', '=', maxMessages, '*', ...fields);
    const replies = await exec(pipeline);
    return replies.map((id) => String(id));
  }

  /**
   * One page of `job`'s queue, oldest first: up to `limit` records after `afterId` (exclusive; from the
   * start when absent), the id to continue from, and the queue's length. One round trip.
   */
  async list(job: string, options: { limit: number; afterId?: string }): Promise<DeadLetterPage> {
    const { limit, afterId } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError(`limit must be a positive integer (got ${limit})`, { context: { job } });
    }
    if (afterId) checkStreamIds([afterId], 'after_id');
    const stream = this.streamKey(job);
    const pipeline = this.#redis.pipeline();
    // One more than asked: whether it exists says if there is a next page.
    pipeline.xrange(stream, afterId ? `(${afterId}` : '-', '+', 'COUNT', limit + 1);
    pipeline.xlen(stream);
    const [entries, total] = (await exec(pipeline)) as [RawEntry[], number];
    const page = entries.slice(0, limit).map(([id, fields]) => decodeEntry(job, id, fields));
    const more = entries.length > limit;
    return { records: page, nextAfterId: more ? (page.at(-1)?.id ?? '') : '', total };
  }

  /** The records of `job`'s queue with these ids, in the order asked; ids not in the queue are skipped. */
  async get(job: string, ids: readonly string[]): Promise<StoredDeadLetter[]> {
    checkStreamIds(ids, 'ids');
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const stream = this.streamKey(job);
    const pipeline = this.#redis.pipeline();
    for (const id of wanted) pipeline.xrange(stream, id, id);
    const replies = (await exec(pipeline)) as RawEntry[][];
    return replies.flatMap((entries) => entries.map(([id, fields]) => decodeEntry(job, id, fields)));
  }

  /**
   * Deletes records of `job`'s queue and answers how many were deleted. Without `ids`, the whole stream goes
   * (in one MULTI, so the count is what it held); an empty list deletes nothing.
   */
  async purge(job: string, ids?: readonly string[]): Promise<number> {
    const stream = this.streamKey(job);
    if (ids === undefined) {
      const [held] = (await exec(this.#redis.multi().xlen(stream).del(stream))) as [number, number];
      return held;
    }
    checkStreamIds(ids, 'ids');
    const unique = [...new Set(ids)];
    return unique.length === 0 ? 0 : this.#redis.xdel(stream, ...unique);
  }

  /** The id of the newest record of `job`'s queue, or undefined when it is empty. */
  async newestId(job: string): Promise<string | undefined> {
    const [newest] = (await this.#redis.xrevrange(this.streamKey(job), '+', '-', 'COUNT', 1)) as RawEntry[];
    return newest?.[0];
  }

  /** The records added to `job`'s queue after `afterId` (exclusive; all when undefined), oldest first. */
  async since(job: string, afterId: string | undefined): Promise<StoredDeadLetter[]> {
    const entries = (await this.#redis.xrange(
      this.streamKey(job),
      afterId ? `(${afterId}` : '-',
      '+',
    )) as RawEntry[];
    return entries.map(([id, fields]) => decodeEntry(job, id, fields));
  }
}

/** Runs a pipeline or transaction and answers its replies; the first failed command fails the call. */
async function exec(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
