/**
 * Delete reconciliation: finds target rows whose Redis key no longer exists and appends a `snapshot` change
 * event for each such key, so that apply, which reads the key's current value and deletes the row of a
 * missing key, removes them. A snapshot (SCAN) re-emits the keys that exist, but cannot show the keys deleted
 * while capture could not follow the stream (a full resync after a gap past the master's backlog), nor those
 * a FLUSHALL/FLUSHDB removed: this is the other half.
 *
 * For each relational.write output of a write-behind job, on a MySQL/MariaDB connection, whose key columns
 * map to the `*` parts of the job's key_pattern (one `*` per key column, in order: the same mapping apply
 * uses for a delete), the key columns of the target table are read in pages (keyset pagination, ordered by
 * the key columns, so that no page holds a long transaction or a large result on the target), each row's
 * key is rebuilt (key-template.ts), and the keys of a page are checked with one pipeline of EXISTS in the
 * job's db. A rebuilt key must give back the row's values through the pattern, or the row is left alone
 * (`a:*:*` with values `x:y`, `z` would rebuild `a:x:y:z`, whose parts are `x`, `y:z`). Outputs that cannot
 * be reconciled are skipped with one log line saying why.
 *
 * The result is exact when a key column's value, as the target returns it, is the key's `*` part: a key
 * `emp:007` stored into an INT column reads back as 7, whose key `emp:7` does not exist, so its row would be
 * deleted, exactly as a DEL of `emp:007` would delete it.
 */
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { ChangeEvent, ChangeLog } from '../../common/change-log/index.js';
import type { Logger } from '../../common/logger.js';
import type { ActiveConfig } from '../active-config.js';
import type { ApplyJob } from '../apply/types.js';
import { compileKeyPattern } from '../apply/key-pattern.js';
import { keyIdentityColumns } from '../apply/records.js';
import type { KeyPattern } from '../apply/key-pattern.js';
import type { ResolvedMysqlConnection } from '../connections.js';
import { classifyMysqlError } from '../targets/mysql/index.js';
import type { TableRef } from '../targets/mysql/index.js';
import { qualifiedName, quoteIdentifier } from '../targets/mysql/sql.js';
import { invertKeyPattern, isKeyTemplate } from './key-template.js';
import type { KeyTemplate } from './key-template.js';

/** One output whose rows can be mapped back to keys. */
export interface ReconcileOutput {
  job: string;
  /** The `sources` entry and db the job's keys live in. */
  source: string;
  db: number;
  /** The connection's name in config.yaml. */
  connection: string;
  table: TableRef;
  /** The key columns, in the order of the job's `keys`: the `*` parts of the pattern. */
  keyColumns: string[];
  template: KeyTemplate;
  pattern: KeyPattern;
}

/** An output left out, and why (for one log line). */
export interface SkippedOutput {
  job: string;
  table: string;
  reason: string;
}

export interface ReconcilePlan {
  outputs: ReconcileOutput[];
  skipped: SkippedOutput[];
}

const RECONCILABLE_TYPES = new Set(['mysql', 'mariadb']);

/** `schema.table`, or `table`. */
export function tableName(table: TableRef): string {
  return table.schema === undefined ? table.table : `${table.schema}.${table.table}`;
}

/**
 * The outputs of the jobs `include` selects that can be reconciled, and those that cannot with the reason.
 * Pure: reads only the configuration.
 */
export function planReconcile(config: ActiveConfig, include: (job: ApplyJob) => boolean): ReconcilePlan {
  const plan: ReconcilePlan = { outputs: [], skipped: [] };
  for (const job of config.jobs) {
    if (!include(job)) continue;
    const inverted = invertKeyPattern(job.keyPattern);
    for (const output of job.outputs) {
      const table = tableName(output.table);
      const skip = (reason: string): void => {
        plan.skipped.push({ job: job.name, table, reason });
      };
      const type = config.pipeline.connections.get(output.connection)?.type;
      if (type === undefined || !RECONCILABLE_TYPES.has(type)) {
        skip(
          `connection ${output.connection} is ${type ?? 'missing'}; reconciliation reads mysql and mariadb`,
        );
        continue;
      }
      if (!isKeyTemplate(inverted)) {
        skip(inverted.reason);
        continue;
      }
      // The columns the key gives: the key columns, or for child rows (sets, foreach) the group's.
      const identity = keyIdentityColumns(output);
      if (identity.length !== inverted.wildcards) {
        skip(
          `key_pattern ${JSON.stringify(job.keyPattern)} has ${inverted.wildcards} "*" for ` +
            `${identity.length} column(s) that identify the key: rows cannot be mapped back to keys; use one "*" ` +
            'per key column',
        );
        continue;
      }
      plan.outputs.push({
        job: job.name,
        source: job.source,
        db: job.db,
        connection: output.connection,
        table: output.table,
        keyColumns: identity,
        template: inverted,
        pattern: compileKeyPattern(job.keyPattern),
      });
    }
  }
  return plan;
}

/** Counts of a reconciliation so far. */
export interface ReconcileProgress {
  /** Target rows read. */
  rows: number;
  /** Keys found missing, each appended as a `snapshot` change event (apply deletes their rows). */
  deletes: number;
  /** Rows whose key columns do not rebuild a key of the pattern (NULL, or parts the pattern splits otherwise). */
  unmapped: number;
  /** Outputs that failed for a reason a retry does not fix (a missing table or column, access denied). */
  failed: number;
}

export interface ReconcileOptions {
  plan: ReconcilePlan;
  /** ioredis options of the source master; one connection per db is opened and closed here. */
  sourceOptions: RedisOptions;
  /** The resolved settings of a relational connection, by name. */
  target: (connection: string) => Promise<ResolvedMysqlConnection>;
  changeLog: ChangeLog;
  /** Keys starting with this (Ferry's own prefix and `:`) are never events. */
  ownPrefix: string;
  signal: AbortSignal;
  logger: Logger;
  /** Rows per page. @default 1000 */
  pageSize?: number;
  /** Called after every page, with the counts so far. */
  onProgress?: (progress: ReconcileProgress) => Promise<void>;
}

/** A reconciliation was stopped by its signal. */
export class ReconcileAbortedError extends Error {
  override readonly name = 'ReconcileAbortedError';
}

/**
 * Runs a plan: outputs one after the other. Throws on source, change log or transient target failures
 * (the caller runs the reconciliation again later: it is idempotent) and ReconcileAbortedError when the
 * signal aborts; an output that fails for good is logged, counted in `failed`, and the others go on.
 */
export async function reconcileDeletes(options: ReconcileOptions): Promise<ReconcileProgress> {
  const { plan, logger, signal } = options;
  const progress: ReconcileProgress = { rows: 0, deletes: 0, unmapped: 0, failed: 0 };
  for (const skipped of plan.skipped) {
    logger.info(skipped, `delete reconciliation skips an output: ${skipped.reason}`);
  }
  const sources = new Map<number, Redis>();
  const sourceOf = (db: number): Redis => {
    let redis = sources.get(db);
    if (!redis) {
      redis = new Redis({ ...options.sourceOptions, db, connectionName: 'ferry-capture-reconcile' });
      redis.on('error', (error: Error) => logger.debug({ err: error }, 'reconcile connection error'));
      sources.set(db, redis);
    }
    return redis;
  };
  try {
    for (const output of plan.outputs) {
      if (signal.aborted) throw new ReconcileAbortedError('reconciliation aborted');
      const where = { job: output.job, table: tableName(output.table), db: output.db };
      let connection: Connection | undefined;
      try {
        connection = await connect(await options.target(output.connection));
        await reconcileOutput(output, connection, sourceOf(output.db), options, progress);
      } catch (error) {
        if (error instanceof ReconcileAbortedError || signal.aborted) throw error;
        const kind = classifyMysqlError(error).kind;
        if (kind === 'transient' || !isDriverError(error)) throw error;
        progress.failed++;
        logger.error(
          { ...where, err: error },
          `delete reconciliation could not read ${where.table}; its rows were not reconciled`,
        );
      } finally {
        await connection?.end().catch(() => undefined);
      }
    }
  } finally {
    for (const redis of sources.values()) redis.disconnect();
  }
  return progress;
}

function isDriverError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && typeof (error as { errno?: unknown }).errno === 'number'
  );
}

async function connect(settings: ResolvedMysqlConnection): Promise<Connection> {
  return createConnection({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    ...(settings.database === undefined ? {} : { database: settings.database }),
    connectTimeout: settings.connectTimeoutMs,
    ...(settings.tls === undefined ? {} : { ssl: settings.tls }),
    charset: 'utf8mb4_general_ci',
    // Values come back as the text the server holds: no number or date reformatting before the key is built.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
  });
}

/**
 * The SELECT of one page, ordered by the key columns: the first page, or with `after` the page after the
 * previous page's last key values (given as parameters, then the page size).
 */
export function pageQuery(table: TableRef, columns: readonly string[], after: boolean): string {
  const list = columns.map(quoteIdentifier).join(', ');
  const from =
    table.schema === undefined ? quoteIdentifier(table.table) : qualifiedName(table.schema, table.table);
  const placeholders = columns.map(() => '?').join(', ');
  const condition = columns.length === 1 ? `${list} > ?` : `(${list}) > (${placeholders})`;
  // DISTINCT: an output with child rows has several rows per key.
  return `SELECT DISTINCT ${list} FROM ${from}${after ? ` WHERE ${condition}` : ''} ORDER BY ${list} LIMIT ?`;
}

/** A column value as the key's text; undefined for NULL (such a row has no key). */
function keyPart(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

async function reconcileOutput(
  output: ReconcileOutput,
  connection: Connection,
  source: Redis,
  options: ReconcileOptions,
  progress: ReconcileProgress,
): Promise<void> {
  const pageSize = options.pageSize ?? 1000;
  const first = pageQuery(output.table, output.keyColumns, false);
  const next = pageQuery(output.table, output.keyColumns, true);
  let last: unknown[] | undefined;
  for (;;) {
    if (options.signal.aborted) throw new ReconcileAbortedError('reconciliation aborted');
    const [result] = await connection.query({
      sql: last ? next : first,
      values: [...(last ?? []), pageSize],
      rowsAsArray: true,
    });
    const rows = result as unknown[][];
    if (rows.length === 0) return;
    last = rows[rows.length - 1];
    const keys = new Set<string>();
    for (const row of rows) {
      const values = row.map(keyPart);
      if (values.some((value) => value === undefined)) {
        progress.unmapped++;
        continue;
      }
      const parts = values as string[];
      const key = output.template.build(parts);
      const back = output.pattern.captures(key);
      if (key.startsWith(options.ownPrefix) || !back || back.some((part, index) => part !== parts[index])) {
        progress.unmapped++;
        continue;
      }
      keys.add(key);
    }
    progress.rows += rows.length;
    const missing = await missingKeys(source, [...keys]);
    if (missing.length > 0) {
      const events = missing.map((key): ChangeEvent => ({ key, command: 'snapshot', db: output.db }));
      await options.changeLog.append(events, options.signal);
      progress.deletes += missing.length;
    }
    await options.onProgress?.({ ...progress });
    if (rows.length < pageSize) return;
  }
}

/** The keys of `keys` that do not exist, checked with one pipeline of EXISTS. */
async function missingKeys(redis: Redis, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.exists(key);
  const results = (await pipeline.exec()) ?? [];
  const missing: string[] = [];
  keys.forEach((key, index) => {
    const [error, exists] = results[index] ?? [new Error('no reply to EXISTS')];
    if (error) throw error;
    if (exists === 0) missing.push(key);
  });
  return missing;
}
