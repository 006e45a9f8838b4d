/**
 * The snapshot of a capture link: SCAN of every tracked pattern of each database on the source master, one
 * `snapshot` change event per key found (keys under Ferry's own prefix excepted), appended to the change log
 * page by page while the replication stream keeps flowing. Apply reads each key's current value, so the order
 * between snapshot events and stream events does not matter, and a key SCAN returns twice is written twice,
 * harmlessly.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { ChangeEvent, ChangeLog } from '../../common/change-log/index.js';
import type { Logger } from '../../common/logger.js';

export interface SnapshotOptions {
  /** The patterns to SCAN, by database. */
  patterns: ReadonlyMap<number, ReadonlySet<string>>;
  /** ioredis options of the source master; one connection per database is opened and closed here. */
  sourceOptions: RedisOptions;
  changeLog: ChangeLog;
  /** Keys starting with this (Ferry's own prefix and `:`) are never events. */
  ownPrefix: string;
  signal: AbortSignal;
  logger: Logger;
  /** Called after each page that emitted keys, with the count so far. */
  onProgress?: (emitted: number) => Promise<void>;
  /** SCAN COUNT. @default 1000 */
  scanCount?: number;
}

/**
 * Emits the snapshot events. Answers the number of keys emitted, or undefined when the signal stopped it;
 * throws when the source or the change log fails (nothing is lost: the caller runs it again).
 */
export async function snapshotKeys(options: SnapshotOptions): Promise<number | undefined> {
  const { signal, changeLog } = options;
  let emitted = 0;
  for (const [db, patterns] of options.patterns) {
    const redis = new Redis({ ...options.sourceOptions, db, connectionName: 'ferry-capture-snapshot' });
    redis.on('error', (error: Error) => options.logger.debug({ err: error }, 'snapshot connection error'));
    try {
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          if (signal.aborted) return undefined;
          const [next, found] = await redis.scan(
            cursor,
            'MATCH',
            pattern,
            'COUNT',
            options.scanCount ?? 1000,
          );
          cursor = next;
          const events = found
            .filter((key) => !key.startsWith(options.ownPrefix))
            .map((key): ChangeEvent => ({ key, command: 'snapshot', db }));
          if (events.length > 0) {
            await changeLog.append(events, signal);
            emitted += events.length;
            await options.onProgress?.(emitted);
          }
        } while (cursor !== '0');
      }
    } finally {
      redis.disconnect();
    }
  }
  return signal.aborted ? undefined : emitted;
}
