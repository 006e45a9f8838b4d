/**
 * MysqlTargetOptions -> compiled options with defaults, and the batch checks. Pure, so that every message
 * is covered by a test. Values are never silently replaced: a bad one is an InvalidArgumentError.
 */
import { InvalidArgumentError } from '../../../common/errors.js';
import { compareStreamIds, isStreamId } from './stream-id.js';
import type { MysqlTargetOptions, TargetLogger, WriteBatch } from './types.js';

export const DEFAULT_POOL_SIZE = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface CompiledMysqlOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string | undefined;
  poolSize: number;
  connectTimeoutMs: number;
  lockWaitTimeoutSeconds: number | undefined;
  tls: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } | undefined;
  logger: TargetLogger;
}

const silentLogger: TargetLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function problem(field: string, requirement: string, got: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`mysql target ${field} must be ${requirement} (got ${describe(got)})`, {
    context: { field },
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw problem(
      field,
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
      value,
    );
  }
  return value;
}

function text(field: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw problem(field, allowEmpty ? 'a string' : 'a non-empty string', value);
  }
  return value;
}

function optionalPem(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : text(field, value, false);
}

/** Checks the options and fills in the defaults. */
export function compileMysqlOptions(options: MysqlTargetOptions): CompiledMysqlOptions {
  const tls = options.tls;
  if (tls !== undefined && (typeof tls !== 'object' || tls === null || Array.isArray(tls))) {
    throw problem('tls', 'an object', tls);
  }
  if (tls?.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean') {
    throw problem('tls.rejectUnauthorized', 'a boolean', tls.rejectUnauthorized);
  }
  const logger = options.logger ?? silentLogger;
  if (
    typeof logger !== 'object' ||
    ['debug', 'info', 'warn', 'error'].some(
      (level) => typeof (logger as unknown as Record<string, unknown>)[level] !== 'function',
    )
  ) {
    throw problem('logger', 'an object with debug, info, warn and error functions', logger);
  }
  return {
    host: text('host', options.host, false),
    port: integerIn('port', options.port, 1, 65_535),
    user: text('user', options.user, false),
    password: text('password', options.password, true),
    database: options.database === undefined ? undefined : text('database', options.database, false),
    poolSize: integerIn('poolSize', options.poolSize ?? DEFAULT_POOL_SIZE, 1, 1000),
    connectTimeoutMs: integerIn(
      'connectTimeoutMs',
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    lockWaitTimeoutSeconds:
      options.lockWaitTimeoutSeconds === undefined
        ? undefined
        : integerIn('lockWaitTimeoutSeconds', options.lockWaitTimeoutSeconds, 1, 1_073_741_824),
    tls:
      tls === undefined
        ? undefined
        : {
            ...(tls.ca === undefined ? {} : { ca: optionalPem('tls.ca', tls.ca) }),
            ...(tls.cert === undefined ? {} : { cert: optionalPem('tls.cert', tls.cert) }),
            ...(tls.key === undefined ? {} : { key: optionalPem('tls.key', tls.key) }),
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
          },
    logger,
  };
}

/** Checks a batch's envelope (not its rows: those are checked against the catalog). */
export function checkWriteBatch(batch: WriteBatch): void {
  const fail = (field: string, requirement: string, got: unknown): never => {
    throw new InvalidArgumentError(`write batch ${field} must be ${requirement} (got ${describe(got)})`, {
      context: { field },
    });
  };
  if (typeof batch.pipeline !== 'string' || batch.pipeline === '' || batch.pipeline.length > 200) {
    fail('pipeline', 'a string of 1 to 200 characters', batch.pipeline);
  }
  if (!Number.isInteger(batch.partition) || batch.partition < 0 || batch.partition > 2_147_483_647) {
    fail('partition', 'an integer from 0 to 2147483647', batch.partition);
  }
  if (!Number.isSafeInteger(batch.leaseEpoch) || batch.leaseEpoch < 0) {
    fail('leaseEpoch', 'an integer >= 0', batch.leaseEpoch);
  }
  if (typeof batch.lastEntryId !== 'string' || !isStreamId(batch.lastEntryId)) {
    fail('lastEntryId', 'a Redis stream id ms-seq', batch.lastEntryId);
  }
  if (!Array.isArray(batch.tables)) fail('tables', 'an array', batch.tables);
  batch.tables.forEach((table, index) => {
    if (typeof table.table?.table !== 'string' || table.table.table === '') {
      fail(`tables[${index}].table.table`, 'a non-empty string', table.table?.table);
    }
    if (
      table.table.schema !== undefined &&
      (typeof table.table.schema !== 'string' || table.table.schema === '')
    ) {
      fail(`tables[${index}].table.schema`, 'a non-empty string when set', table.table.schema);
    }
    const strategy = table.strategy ?? 'upsert';
    if (!['upsert', 'replace', 'append', 'type2'].includes(strategy)) {
      fail(`tables[${index}].strategy`, 'upsert, replace, append or type2', table.strategy);
    }
    if (
      !Array.isArray(table.keyColumns) ||
      (table.keyColumns.length === 0 && strategy !== 'append') ||
      table.keyColumns.some((column) => typeof column !== 'string' || column === '')
    ) {
      fail(
        `tables[${index}].keyColumns`,
        strategy === 'append' ? 'an array of column names' : 'a non-empty array of column names',
        table.keyColumns,
      );
    }
    if (
      strategy === 'type2' &&
      (typeof table.type2?.activeCondition !== 'string' ||
        table.type2.activeCondition.trim() === '' ||
        !Array.isArray(table.type2.closeOut) ||
        table.type2.closeOut.length === 0)
    ) {
      fail(`tables[${index}].type2`, 'an activeCondition and at least one closeOut column', table.type2);
    }
    if (!Array.isArray(table.changes)) fail(`tables[${index}].changes`, 'an array', table.changes);
    table.changes.forEach((change, row) => {
      if (
        change.entryId !== undefined &&
        (typeof change.entryId !== 'string' || !isStreamId(change.entryId))
      ) {
        fail(`tables[${index}].changes[${row}].entryId`, 'a Redis stream id ms-seq when set', change.entryId);
      }
      if (change.op === 'delete-group' && Object.keys(change.values).length === 0) {
        fail(`tables[${index}].changes[${row}].values`, 'at least one group column', change.values);
      }
      if (change.entryId !== undefined && compareStreamIds(change.entryId, batch.lastEntryId) > 0) {
        fail(
          `tables[${index}].changes[${row}].entryId`,
          `at most the batch's lastEntryId ${batch.lastEntryId}`,
          change.entryId,
        );
      }
    });
  });
}
