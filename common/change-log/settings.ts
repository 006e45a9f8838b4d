/**
 * The change log's options: what a caller passes (all optional) -> defaults -> compiled settings, as pure
 * functions. Bad values are rejected with a message naming the option, never silently corrected.
 */
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_KEY_PREFIX } from '../redis-keys.js';
import type { Logger } from '../logger.js';

/** Options of a {@link ChangeLog}. The change_log section of config.yaml maps onto partitions and maxLength. */
export interface ChangeLogSettings {
  /** Key prefix of the Ferry cluster; letters, digits and `_ . : -`. @default 'ferry' */
  prefix?: string;
  /**
   * Number of partition streams, an integer from 1 to 1024. Apply runs one lease per partition, so this is
   * the most apply can spread. Capture and apply must agree on it: changing it moves keys to other
   * partitions, so drain the log first. @default 16
   */
  partitions?: number;
  /**
   * Entries the whole log may hold before appends wait (back-pressure; nothing is ever dropped). Each
   * partition may hold `ceil(maxLength / partitions)` entries, because partitions are independent streams
   * (on different masters of a cluster): a backlog on one partition pauses appends to that partition while
   * the others keep flowing. An integer of at least `partitions`. An entry takes about 40 bytes of Redis
   * memory plus its key (measured: 48 bytes per entry with 9-byte keys and 10-digit offsets), so the default
   * holds about 50-100 MB. @default 1000000
   */
  maxLength?: number;
  /**
   * The pipeline that reads the log, used as the consumer group name. Several pipelines may read one log,
   * each with its own group; an entry is trimmed once every group has acknowledged it. @default 'apply'
   */
  pipeline?: string;
  /** First wait of an append held back by a full partition, in milliseconds. @default 10 */
  backPressureInitialDelayMs?: number;
  /**
   * Longest wait between two attempts of an append held back by a full partition, in milliseconds; the wait
   * doubles from backPressureInitialDelayMs up to this. At least backPressureInitialDelayMs. @default 1000
   */
  backPressureMaxDelayMs?: number;
  /** Where back-pressure pauses and lost pending entries are reported. @default no logging */
  logger?: Logger;
}

/** Defaults of {@link ChangeLogSettings} that do not depend on another option. */
export const ChangeLogSettingsDefaults = Object.freeze({
  prefix: DEFAULT_KEY_PREFIX,
  partitions: 16,
  maxLength: 1_000_000,
  pipeline: 'apply',
  backPressureInitialDelayMs: 10,
  backPressureMaxDelayMs: 1000,
});

/** Highest partition count: beyond it, per-partition leases cost more than they spread. */
export const MAX_PARTITIONS = 1024;

/** {@link ChangeLogSettings} with defaults applied and the per-partition cap derived. */
export interface CompiledChangeLogSettings {
  prefix: string;
  partitions: number;
  maxLength: number;
  /** Entries one partition may hold: `ceil(maxLength / partitions)`. */
  partitionCap: number;
  pipeline: string;
  backPressureInitialDelayMs: number;
  backPressureMaxDelayMs: number;
  logger: Logger | undefined;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Applies defaults and validates; throws InvalidArgumentError naming the first bad option. */
export function compileChangeLogSettings(settings: ChangeLogSettings = {}): CompiledChangeLogSettings {
  const prefix = settings.prefix ?? ChangeLogSettingsDefaults.prefix;
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    reject('prefix', 'must be letters, digits and _ . : -', prefix);
  }
  const partitions = settings.partitions ?? ChangeLogSettingsDefaults.partitions;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    reject('partitions', `must be an integer from 1 to ${MAX_PARTITIONS}`, partitions);
  }
  const maxLength = settings.maxLength ?? ChangeLogSettingsDefaults.maxLength;
  if (!Number.isSafeInteger(maxLength) || maxLength < partitions) {
    reject('maxLength', `must be an integer of at least partitions (${partitions})`, maxLength);
  }
  const pipeline = settings.pipeline ?? ChangeLogSettingsDefaults.pipeline;
  if (typeof pipeline !== 'string' || pipeline.length === 0) {
    reject('pipeline', 'must be a non-empty string', pipeline);
  }
  const initialDelay =
    settings.backPressureInitialDelayMs ?? ChangeLogSettingsDefaults.backPressureInitialDelayMs;
  if (!Number.isSafeInteger(initialDelay) || initialDelay < 1) {
    reject('backPressureInitialDelayMs', 'must be a positive integer', initialDelay);
  }
  const maxDelay = settings.backPressureMaxDelayMs ?? ChangeLogSettingsDefaults.backPressureMaxDelayMs;
  if (!Number.isSafeInteger(maxDelay) || maxDelay < initialDelay) {
    reject(
      'backPressureMaxDelayMs',
      `must be an integer of at least backPressureInitialDelayMs (${initialDelay})`,
      maxDelay,
    );
  }
  return {
    prefix,
    partitions,
    maxLength,
    partitionCap: Math.ceil(maxLength / partitions),
    pipeline,
    backPressureInitialDelayMs: initialDelay,
    backPressureMaxDelayMs: maxDelay,
    logger: settings.logger,
  };
}

function reject(option: string, rule: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new InvalidArgumentError(`changeLog.${option} ${rule} (got ${shown})`, { context: { option } });
}
