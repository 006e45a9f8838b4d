/**
 * Runs a table plan's statements inside the batch's transaction, and isolates rejected rows by bisection:
 * when the server refuses a statement for a row-level reason (constraint, data too long, NOT NULL...), the
 * statement is rolled back by the server alone, and the writer splits its rows in halves and retries each
 * half, down to single rows. Good rows stay in the transaction; each bad row is returned with the server's
 * message. Any other error propagates and the caller rolls everything back.
 */
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { classifyMysqlError, driverMessage } from './errors.js';
import type { PlannedRow, TablePlan } from './plan.js';
import { buildDeleteSql, buildUpsertSql, chunkRows, countUpsert } from './sql.js';
import type { ChunkLimits, SqlDialect } from './sql.js';
import type { RejectedRow } from './types.js';

export interface WriteCounts {
  inserted: number;
  updated: number;
  deleted: number;
  rejected: RejectedRow[];
}

export interface StatementContext {
  connection: PoolConnection;
  dialect: SqlDialect;
  limits: ChunkLimits;
}

type RunRows = (rows: PlannedRow[]) => Promise<void>;

async function execute(
  connection: PoolConnection,
  sql: string,
  rows: readonly PlannedRow[],
): Promise<ResultSetHeader> {
  const params = rows.flatMap((row) => row.params);
  const [result] = await connection.query<ResultSetHeader>(sql, params);
  return result;
}

/**
 * Runs `rows`; when the server refuses the statement for a row-level reason, splits the rows in halves and
 * tries each, down to single rows. No SAVEPOINT is needed: InnoDB rolls back a failed statement by itself
 * (statement atomicity) and keeps the transaction open, so the rows written before it stay; the errors that
 * abort the whole transaction (deadlock, lock wait timeout, a lost connection) are not rejects and propagate,
 * and the caller retries the batch. This saves one round trip per statement.
 */
async function isolate(
  context: StatementContext,
  plan: TablePlan,
  rows: PlannedRow[],
  run: RunRows,
  counts: WriteCounts,
): Promise<void> {
  try {
    await run(rows);
    return;
  } catch (error) {
    const classified = classifyMysqlError(error);
    if (classified.kind !== 'reject') throw error;
    const [only] = rows;
    if (rows.length === 1 && only) {
      counts.rejected.push({
        key: only.key,
        table: plan.name,
        values: only.values,
        errorCode: classified.rejectCode,
        error: driverMessage(error),
      });
      return;
    }
  }
  const middle = Math.ceil(rows.length / 2);
  await isolate(context, plan, rows.slice(0, middle), run, counts);
  await isolate(context, plan, rows.slice(middle), run, counts);
}

/** Deletes the plan's rows by key; counts what the server deleted. */
export async function writeDeletes(
  context: StatementContext,
  plan: TablePlan,
  counts: WriteCounts,
): Promise<void> {
  if (plan.deletes.length === 0) return;
  const run: RunRows = async (rows) => {
    const sql = buildDeleteSql({
      schema: plan.schema,
      table: plan.table,
      keyColumns: plan.keyColumns,
      rowCount: rows.length,
    });
    const result = await execute(context.connection, sql, rows);
    counts.deleted += result.affectedRows;
  };
  for (const chunk of chunkRows(plan.deletes, plan.keyColumns.length, context.limits, (row) => row.bytes)) {
    await isolate(context, plan, chunk, run, counts);
  }
}

/** Upserts the plan's rows, one statement per column set and chunk; counts inserted and updated rows. */
export async function writeUpserts(
  context: StatementContext,
  plan: TablePlan,
  counts: WriteCounts,
): Promise<void> {
  for (const group of plan.upserts) {
    const run: RunRows = async (rows) => {
      const sql = buildUpsertSql(
        {
          schema: plan.schema,
          table: plan.table,
          columns: group.columns,
          keyColumns: plan.keyColumns,
          rowCount: rows.length,
        },
        context.dialect,
      );
      const result = await execute(context.connection, sql, rows);
      const { inserted, updated } = countUpsert(rows.length, result.affectedRows, result.info);
      counts.inserted += inserted;
      counts.updated += updated;
    };
    for (const chunk of chunkRows(group.rows, group.columns.length, context.limits, (row) => row.bytes)) {
      await isolate(context, plan, chunk, run, counts);
    }
  }
}
