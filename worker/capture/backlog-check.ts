/**
 * Is the source master's replication backlog large enough? Capture resumes an interrupted link with PSYNC
 * only while the master's backlog (`repl-backlog-size`) still holds every byte written since the saved
 * position; past that the master answers with a full resync, and capture must snapshot every tracked key and
 * reconcile deletes, which is slow and loses the order of the changes in between. So capture reads the
 * backlog size when it connects, measures the stream's write rate while it runs, and warns (log and the
 * `warning` field of its status) when the backlog is below MIN_BACKLOG_BYTES or holds less than the source's
 * `outage_window_s` at the highest rate seen.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/logger.js';

/** Below this a backlog is small whatever the write rate: 64 MiB. */
export const MIN_BACKLOG_BYTES = 64 * 1024 * 1024;

/** What the size is suggested at, at least: 256 MiB (`256mb` in redis.conf). */
const SUGGESTED_MIN_BYTES = 256 * 1024 * 1024;

export interface BacklogFigures {
  /** The master's `repl-backlog-size`, in bytes. */
  backlogBytes: number;
  /** The highest write rate of the replication stream measured so far, bytes per second; absent at start. */
  bytesPerSecond?: number;
  /** How long an interruption the backlog should cover (`outage_window_s`), in seconds. */
  outageWindowS: number;
}

/** The warning for these figures, or undefined when the backlog is large enough. */
export function backlogWarning(figures: BacklogFigures): string | undefined {
  const { backlogBytes, bytesPerSecond, outageWindowS } = figures;
  const neededBytes = bytesPerSecond === undefined ? 0 : Math.ceil(bytesPerSecond * outageWindowS);
  const reasons: string[] = [];
  if (backlogBytes < MIN_BACKLOG_BYTES)
    reasons.push(`below the ${formatBytes(MIN_BACKLOG_BYTES)} Ferry needs`);
  if (bytesPerSecond !== undefined && bytesPerSecond > 0 && backlogBytes < neededBytes) {
    const seconds = Math.floor(backlogBytes / bytesPerSecond);
    reasons.push(
      `at the source's write rate of ${formatBytes(bytesPerSecond)}/s it holds about ${seconds} s of changes, ` +
        `less than outage_window_s (${outageWindowS} s)`,
    );
  }
  if (reasons.length === 0) return undefined;
  const suggested = suggestedBacklogSize(neededBytes);
  return (
    `the source master's repl-backlog-size is ${formatBytes(backlogBytes)}: ${reasons.join('; ')}. A capture ` +
    'interruption (worker restart, failover, network outage) longer than the backlog covers forces a full ' +
    'resync, then a snapshot of every tracked key and a delete reconciliation. Raise it on the master with ' +
    `CONFIG SET repl-backlog-size ${suggested}, and write repl-backlog-size ${suggested} in its redis.conf so ` +
    'that it survives a restart'
  );
}

/** The size to suggest: 256mb, or the next power of two MiB above twice what is needed. */
export function suggestedBacklogSize(neededBytes: number): string {
  let bytes = SUGGESTED_MIN_BYTES;
  while (bytes < 2 * neededBytes) bytes *= 2;
  return `${bytes / (1024 * 1024)}mb`;
}

/** `1536` -> `1.5 KiB`; whole numbers without decimals. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${units[unit] as string}`;
}

/** `repl_backlog_size` from the text of `INFO replication`, or undefined. */
export function backlogSizeFromInfo(info: string): number | undefined {
  const match = /^repl_backlog_size:(\d+)\r?$/m.exec(info);
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads the master's `repl-backlog-size`: CONFIG GET, or, when CONFIG is not allowed (ACLs, managed
 * services, a renamed command), INFO replication. Undefined when neither answers.
 */
export async function readBacklogSize(redis: Redis): Promise<number | undefined> {
  try {
    const reply: unknown = await redis.config('GET', 'repl-backlog-size');
    const value = Array.isArray(reply) ? Number(reply[1]) : NaN;
    if (Number.isSafeInteger(value) && value > 0) return value;
  } catch {
    // Not allowed here: INFO below.
  }
  try {
    return backlogSizeFromInfo(await redis.info('replication'));
  } catch {
    return undefined;
  }
}

/**
 * The backlog check of one session: at connect with the backlog size alone, then every interval with the
 * highest write rate measured so far. Reports a changed warning (empty when none) through `report`.
 */
export class BacklogWatch {
  readonly #redis: Redis;
  readonly #outageWindowS: number;
  readonly #logger: Logger;
  readonly #report: (warning: string) => Promise<void>;
  readonly #intervalMs: number;
  #backlogBytes: number | undefined;
  #peakRate: number | undefined;
  #lastOffset = 0;
  #lastAt = 0;
  #warning: string | undefined;

  constructor(
    redis: Redis,
    outageWindowS: number,
    logger: Logger,
    report: (warning: string) => Promise<void>,
    intervalMs = 60_000,
  ) {
    this.#redis = redis;
    this.#outageWindowS = outageWindowS;
    this.#logger = logger;
    this.#report = report;
    this.#intervalMs = intervalMs;
  }

  /** Reads the backlog size and reports. */
  async check(): Promise<void> {
    this.#backlogBytes = await readBacklogSize(this.#redis);
    if (this.#backlogBytes === undefined) {
      this.#logger.info('neither CONFIG GET nor INFO tell the master repl-backlog-size: not checked');
    }
    await this.#evaluate();
  }

  /** Measures the write rate once an interval has passed, and checks again. */
  async tick(offset: number): Promise<void> {
    const now = Date.now();
    if (this.#lastOffset === 0) {
      // The first tick after the stream started: the measurement starts here.
      this.#lastOffset = offset;
      this.#lastAt = now;
      return;
    }
    if (now - this.#lastAt < this.#intervalMs) return;
    if (offset >= this.#lastOffset) {
      const rate = ((offset - this.#lastOffset) * 1000) / (now - this.#lastAt);
      this.#peakRate = Math.max(this.#peakRate ?? 0, rate);
    }
    this.#lastOffset = offset;
    this.#lastAt = now;
    // Read again: an operator may have raised it with CONFIG SET meanwhile.
    this.#backlogBytes = (await readBacklogSize(this.#redis)) ?? this.#backlogBytes;
    await this.#evaluate();
  }

  async #evaluate(): Promise<void> {
    if (this.#backlogBytes === undefined) return;
    const warning =
      backlogWarning({
        backlogBytes: this.#backlogBytes,
        ...(this.#peakRate === undefined ? {} : { bytesPerSecond: this.#peakRate }),
        outageWindowS: this.#outageWindowS,
      }) ?? '';
    if (warning === this.#warning) return;
    // Logged when it appears; the figures in its text change every minute, the status shows the newest.
    if (warning !== '' && (this.#warning ?? '') === '') this.#logger.warn(warning);
    this.#warning = warning;
    await this.#report(warning);
  }
}
