/**
 * MysqlWriter: applies write batches to MySQL/MariaDB, one transaction per batch, with the partition's
 * checkpoint row in the same transaction (fencing and replay skipping, see applyBatch). Runs inside a piscina
 * worker thread: it owns its mysql2 pool, keeps no globals, and takes and returns structured-cloneable data.
 */
import { performance } from 'node:perf_hooks';
import { createPool } from 'mysql2/promise';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { FerryError } from '../../../common/errors.js';
import { readTableCatalog } from './catalog.js';
import type { TableCatalog } from './catalog.js';
import { FencedError, TargetError, TargetSchemaError, TargetWriteError, toTargetError } from './errors.js';
import type { TargetErrorContext } from './errors.js';
import { checkWriteBatch, compileMysqlOptions } from './options.js';
import type { CompiledMysqlOptions } from './options.js';
import { planTable } from './plan.js';
import type { TablePlan } from './plan.js';
import {
  createCheckpointTableSql,
  insertCheckpointRowSql,
  lockCheckpointSql,
  readCheckpointSql,
  serverTraits,
  statementByteBudget,
  writeCheckpointSql,
  writerSqlMode,
} from './sql.js';
import type { ServerTraits } from './sql.js';
import { writeDeletes, writeUpserts } from './statements.js';
import type { StatementContext, WriteCounts } from './statements.js';
import { compareStreamIds, isStreamId } from './stream-id.js';
import type {
  ApplyHooks,
  ApplyMode,
  BatchResult,
  Checkpoint,
  MysqlTargetOptions,
  TableBatch,
  WriteBatch,
} from './types.js';

/** The stored id of a checkpoint row that no batch has committed yet. */
const NOTHING_APPLIED = '0-0';

interface SessionInfo {
  traits: ServerTraits;
  maxStatementBytes: number;
}

export class MysqlWriter {
  readonly #options: CompiledMysqlOptions;
  readonly #pool: Pool;
  /** Core connections whose session (time zone, sql_mode) is set up. */
  readonly #initialized = new WeakSet<object>();
  #session: SessionInfo | undefined;
  readonly #catalogs = new Map<string, TableCatalog>();
  readonly #checkpointRows = new Set<string>();
  readonly #warnedTables = new Set<string>();
  #closed = false;

  /** Checks the options (InvalidArgumentError) and creates the pool; connects lazily, on first use. */
  constructor(options: MysqlTargetOptions) {
    this.#options = compileMysqlOptions(options);
    const { tls } = this.#options;
    this.#pool = createPool({
      host: this.#options.host,
      port: this.#options.port,
      user: this.#options.user,
      password: this.#options.password,
      ...(this.#options.database === undefined ? {} : { database: this.#options.database }),
      connectionLimit: this.#options.poolSize,
      connectTimeout: this.#options.connectTimeoutMs,
      ...(tls === undefined ? {} : { ssl: tls }),
      charset: 'utf8mb4_general_ci',
      // Without CLIENT_FOUND_ROWS the server reports changed rows, which is what countUpsert decodes.
      flags: ['-FOUND_ROWS'],
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
      waitForConnections: true,
      enableKeepAlive: true,
    });
  }

  /** Creates `ferry_checkpoints` in the connection's database if it does not exist. */
  async ensureCheckpointTable(): Promise<void> {
    const database = this.#requireDatabase();
    await this.#withConnection({ operation: 'ensureCheckpointTable' }, async (connection) => {
      await connection.query(createCheckpointTableSql(database));
    });
  }

  /** The partition's checkpoint, or undefined when no batch has been committed for it. */
  async readCheckpoint(pipeline: string, partition: number): Promise<Checkpoint | undefined> {
    const database = this.#requireDatabase();
    return this.#withConnection({ operation: 'readCheckpoint', pipeline, partition }, async (connection) => {
      const [rows] = await connection.query<RowDataPacket[]>(readCheckpointSql(database), [
        pipeline,
        partition,
      ]);
      const checkpoint = rows[0] ? toCheckpoint(rows[0]) : undefined;
      return checkpoint?.lastEntryId === NOTHING_APPLIED ? undefined : checkpoint;
    });
  }

  /**
   * Applies one batch in one transaction:
   * 1. lock the partition's checkpoint row (SELECT ... FOR UPDATE);
   * 2. fencing: a stored lease epoch above the batch's means this worker lost its lease: roll back and throw
   *    FencedError, writing nothing;
   * 3. skipping: a stored id at or past `lastEntryId` means the batch was committed before (a crash between
   *    COMMIT and XACK): roll back and return `skipped: true`;
   * 4. convert the rows against the tables' catalogs (conversion rejects never reach SQL), then deletes
   *    (tables in reverse order) and upserts (tables in order); rows the server refuses are isolated by
   *    bisection under savepoints and returned, the others stay;
   * 5. write the checkpoint (id and epoch of the batch) and COMMIT.
   * Throws TransientTargetError (retry the same batch), TargetSchemaError / TargetAuthError / TargetWriteError
   * (report; retry slowly), FencedError, or InvalidArgumentError for a malformed batch. After any throw the
   * transaction is rolled back: nothing of the batch is written.
   */
  async applyBatch(
    batch: WriteBatch,
    mode: ApplyMode = { onReject: 'dlq' },
    hooks: ApplyHooks = {},
  ): Promise<BatchResult> {
    checkWriteBatch(batch);
    const database = this.#requireDatabase();
    const context: TargetErrorContext = {
      pipeline: batch.pipeline,
      partition: batch.partition,
      leaseEpoch: batch.leaseEpoch,
      lastEntryId: batch.lastEntryId,
    };
    return this.#withConnection(context, async (connection) => {
      await this.#ensureCheckpointRow(connection, database, batch);
      const started = performance.now();
      await connection.query('START TRANSACTION');
      const stored = await this.#lockCheckpoint(connection, database, batch);
      if (stored.leaseEpoch > batch.leaseEpoch) {
        this.#options.logger.warn(
          { ...context, storedEpoch: stored.leaseEpoch },
          'batch fenced off: the lease has moved on',
        );
        throw new FencedError(batch.pipeline, batch.partition, stored.leaseEpoch, batch.leaseEpoch);
      }
      if (compareStreamIds(stored.lastEntryId, batch.lastEntryId) >= 0) {
        await connection.query('ROLLBACK');
        this.#options.logger.info(
          { ...context, storedEntryId: stored.lastEntryId },
          'batch already applied; skipped',
        );
        return {
          skipped: true,
          skippedRows: countRows(batch.tables),
          inserted: 0,
          updated: 0,
          deleted: 0,
          tables: batch.tables.map(() => ({ inserted: 0, updated: 0, deleted: 0 })),
          rejected: [],
          writeMs: performance.now() - started,
        };
      }

      // Rows of entries an earlier attempt committed (the checkpoint lies between this batch's ids).
      const { tables, skippedRows } = withoutAppliedRows(batch.tables, stored.lastEntryId);
      // Planned only now, so that fencing and skipping win over any schema problem of the batch.
      const plans = await this.#planBatch(connection, database, tables);
      const counts: WriteCounts = {
        inserted: 0,
        updated: 0,
        deleted: 0,
        rejected: plans.flatMap(({ plan }) => plan.rejected),
      };
      const tableCounts = tables.map(() => ({ inserted: 0, updated: 0, deleted: 0 }));
      const measure = async (index: number, write: () => Promise<void>): Promise<void> => {
        const before = { inserted: counts.inserted, updated: counts.updated, deleted: counts.deleted };
        await write();
        const table = tableCounts[index];
        if (!table) return;
        table.inserted += counts.inserted - before.inserted;
        table.updated += counts.updated - before.updated;
        table.deleted += counts.deleted - before.deleted;
      };
      const statements: StatementContext = {
        connection,
        dialect: this.#sessionInfo().traits.dialect,
        limits: { maxBytes: this.#sessionInfo().maxStatementBytes },
      };
      for (const { index, plan } of [...plans].reverse()) {
        await measure(index, () => writeDeletes(statements, plan, counts));
      }
      for (const { index, plan } of plans) await measure(index, () => writeUpserts(statements, plan, counts));
      if (counts.rejected.length > 0 && hooks.beforeCommit) await hooks.beforeCommit(counts.rejected);
      await connection.query(writeCheckpointSql(database), [
        batch.pipeline,
        batch.partition,
        batch.lastEntryId,
        batch.leaseEpoch,
        batch.lastEntryId,
        batch.leaseEpoch,
      ]);
      await connection.query('COMMIT');
      const writeMs = performance.now() - started;
      this.#logResult(context, counts, writeMs, mode);
      return { skipped: false, skippedRows, ...counts, tables: tableCounts, writeMs };
    });
  }

  /** Closes the pool; later calls fail with TargetWriteError. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #requireDatabase(): string {
    if (this.#options.database === undefined) {
      throw new TargetSchemaError(
        'the MySQL target has no `database`: it holds ferry_checkpoints and unqualified tables',
      );
    }
    return this.#options.database;
  }

  #sessionInfo(): SessionInfo {
    if (!this.#session) throw new TargetWriteError('no MySQL session has been set up yet');
    return this.#session;
  }

  /**
   * Runs `work` on a pooled connection. Any failure rolls back whatever transaction is open and is mapped
   * once to a TargetError (or passes through if it is already a Ferry error); a connection whose rollback
   * fails is destroyed rather than returned to the pool.
   */
  async #withConnection<T>(
    context: TargetErrorContext,
    work: (connection: PoolConnection) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new TargetWriteError('the MySQL writer is closed', { context });
    let connection: PoolConnection | undefined;
    try {
      connection = await this.#acquire();
      const result = await work(connection);
      connection.release();
      return result;
    } catch (error) {
      if (connection) {
        if (await this.#rollback(connection)) connection.release();
        else connection.destroy();
      }
      // Ferry's own errors (a malformed batch, fencing, a schema problem the planner found) pass through.
      if (error instanceof FerryError && !(error instanceof TargetError)) throw error;
      const mapped = toTargetError(error, context);
      if (mapped.code === 'TARGET_SCHEMA') this.#catalogs.clear();
      if (!(error instanceof TargetError)) {
        this.#options.logger.warn({ ...context, ...mapped.context, code: mapped.code }, mapped.message);
      }
      throw mapped;
    }
  }

  async #rollback(connection: PoolConnection): Promise<boolean> {
    try {
      await connection.query('ROLLBACK');
      return true;
    } catch (error) {
      this.#options.logger.debug({ err: error }, 'rollback failed; dropping the connection');
      return false;
    }
  }

  /** A pooled connection whose session uses UTC and a strict sql_mode without NO_BACKSLASH_ESCAPES. */
  async #acquire(): Promise<PoolConnection> {
    const connection = await this.#pool.getConnection();
    if (this.#initialized.has(connection.connection)) return connection;
    try {
      const [rows] = await connection.query<RowDataPacket[]>(
        'SELECT @@SESSION.sql_mode AS sqlMode, VERSION() AS version, @@max_allowed_packet AS maxAllowedPacket',
      );
      const row: Record<string, unknown> = rows[0] ?? {};
      const sqlMode = typeof row['sqlMode'] === 'string' ? row['sqlMode'] : '';
      // READ COMMITTED: no gap locks, so concurrent partitions upserting neighbouring keys of one table do
      // not deadlock each other (under REPEATABLE READ, multi-row INSERT ... ON DUPLICATE KEY UPDATE does).
      // Correctness does not need more: each row is written by one partition, serialized by its lease.
      await connection.query("SET SESSION time_zone = '+00:00', SESSION sql_mode = ?", [
        writerSqlMode(sqlMode),
      ]);
      await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      if (this.#options.lockWaitTimeoutSeconds !== undefined) {
        await connection.query('SET SESSION innodb_lock_wait_timeout = ?', [
          this.#options.lockWaitTimeoutSeconds,
        ]);
      }
      this.#session ??= {
        traits: serverTraits(typeof row['version'] === 'string' ? row['version'] : ''),
        maxStatementBytes: statementByteBudget(Number(row['maxAllowedPacket'] ?? 16 * 1024 * 1024)),
      };
      this.#initialized.add(connection.connection);
      return connection;
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /**
   * Creates the partition's checkpoint row once per writer, in autocommit, so that the batch transaction
   * only ever locks an existing row (two transactions inserting the same new row would deadlock).
   */
  async #ensureCheckpointRow(connection: PoolConnection, database: string, batch: WriteBatch): Promise<void> {
    const id = `${batch.pipeline}\u0000${batch.partition}`;
    if (this.#checkpointRows.has(id)) return;
    await connection.query(insertCheckpointRowSql(database), [batch.pipeline, batch.partition]);
    this.#checkpointRows.add(id);
  }

  async #lockCheckpoint(
    connection: PoolConnection,
    database: string,
    batch: WriteBatch,
  ): Promise<Checkpoint> {
    const [rows] = await connection.query<RowDataPacket[]>(lockCheckpointSql(database), [
      batch.pipeline,
      batch.partition,
    ]);
    // A row deleted behind our back (an operator's reset) counts as "nothing applied"; the checkpoint write
    // recreates it.
    return rows[0] ? toCheckpoint(rows[0]) : { lastEntryId: NOTHING_APPLIED, leaseEpoch: 0 };
  }

  /**
   * Plans every table against its cached catalog. The cache may be stale (ALTER TABLE since it was read): a
   * table whose plan fails with a schema error or rejects rows is read again once, and planned again.
   */
  /** Plans the non-empty tables; `index` is the table's position in `tables`. */
  async #planBatch(
    connection: PoolConnection,
    database: string,
    tables: TableBatch[],
  ): Promise<{ index: number; plan: TablePlan }[]> {
    const plans: { index: number; plan: TablePlan }[] = [];
    for (const [index, tableBatch] of tables.entries()) {
      if (tableBatch.changes.length === 0) continue;
      const schema = tableBatch.table.schema ?? database;
      const cacheKey = `${schema}\u0000${tableBatch.table.table}`;
      const cached = this.#catalogs.get(cacheKey);
      const catalog =
        cached ?? (await this.#loadCatalog(connection, cacheKey, schema, tableBatch.table.table));
      let plan: TablePlan | undefined;
      try {
        plan = planTable(tableBatch, catalog);
      } catch (error) {
        if (!cached || !(error instanceof TargetSchemaError)) throw error;
      }
      if (cached && (!plan || plan.rejected.length > 0)) {
        plan = planTable(
          tableBatch,
          await this.#loadCatalog(connection, cacheKey, schema, tableBatch.table.table),
        );
      }
      if (plan) plans.push({ index, plan });
    }
    return plans;
  }

  async #loadCatalog(
    connection: PoolConnection,
    cacheKey: string,
    schema: string,
    table: string,
  ): Promise<TableCatalog> {
    const catalog = await readTableCatalog(connection, schema, table, this.#sessionInfo().traits.mariaDb);
    this.#catalogs.set(cacheKey, catalog);
    if (catalog.uniqueKeys.length > 1 && !this.#warnedTables.has(cacheKey)) {
      this.#warnedTables.add(cacheKey);
      this.#options.logger.warn(
        { table: `${schema}.${table}`, uniqueKeys: catalog.uniqueKeys.map((index) => index.name) },
        'table has more than one unique index: an upsert that collides on another one updates the row it collides with',
      );
    }
    return catalog;
  }

  #logResult(context: TargetErrorContext, counts: WriteCounts, writeMs: number, mode: ApplyMode): void {
    const { logger } = this.#options;
    const fields = {
      ...context,
      inserted: counts.inserted,
      updated: counts.updated,
      deleted: counts.deleted,
      writeMs,
    };
    if (counts.rejected.length === 0) {
      logger.debug(fields, 'batch applied');
      return;
    }
    const [first] = counts.rejected;
    logger.warn(
      {
        ...fields,
        rejected: counts.rejected.length,
        onReject: mode.onReject,
        firstKey: first?.key,
        firstError: first?.error,
      },
      'batch applied with rejected rows',
    );
  }
}

function toCheckpoint(row: RowDataPacket): Checkpoint {
  const lastEntryId = String(row['last_entry_id']);
  if (!isStreamId(lastEntryId)) {
    throw new TargetSchemaError(
      `ferry_checkpoints holds ${JSON.stringify(lastEntryId)}, which is not a stream id`,
    );
  }
  return { lastEntryId, leaseEpoch: Number(row['lease_epoch']) };
}

function countRows(tables: readonly TableBatch[]): number {
  return tables.reduce((sum, table) => sum + table.changes.length, 0);
}

/** The tables without the rows whose entryId is at or below `storedId`, and how many were left out. */
function withoutAppliedRows(
  tables: readonly TableBatch[],
  storedId: string,
): { tables: TableBatch[]; skippedRows: number } {
  let skippedRows = 0;
  const kept = tables.map((table) => {
    const changes = table.changes.filter(
      (change) => change.entryId === undefined || compareStreamIds(change.entryId, storedId) > 0,
    );
    skippedRows += table.changes.length - changes.length;
    return changes.length === table.changes.length ? table : { ...table, changes };
  });
  return { tables: kept, skippedRows };
}
