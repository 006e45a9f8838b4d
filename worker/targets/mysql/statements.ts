/**
 * Runs a table plan's statements inside the batch's transaction, and isolates rejected rows by bisection:
 * when the server refuses a statement for a row-level reason (constraint, data too long, NOT NULL...), the
 * statement is rolled back by the server alone, and the writer splits its rows in halves and retries each
 * half, down to single rows. Good rows stay in the transaction; each bad row is returned with the server's
 * message. Any other error propagates and the caller rolls everything back.
 */
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { classifyMysqlError, driverMessage } from './errors.js';
import type { SqlParam } from './convert.js';
import type { PlannedGroupDelete, PlannedRow, TablePlan } from './plan.js';
import {
  buildCloseOutSql,
  buildDeleteSql,
  buildGroupCloseOutSql,
  buildGroupDeleteSql,
  buildInsertSql,
  buildUpsertSql,
  chunkRows,
  countUpsert,
} from './sql.js';
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

/**
 * Deletes the plan's rows by key (TYPE2: closes out their active rows), then its groups' rows that are gone;
 * counts what the server deleted (closed out).
 */
export async function writeDeletes(
  context: StatementContext,
  plan: TablePlan,
  counts: WriteCounts,
): Promise<void> {
  if (plan.deletes.length > 0) {
    const run: RunRows = async (rows) => {
      const result = await execute(context.connection, keyedSql(plan, rows.length), rows);
      counts.deleted += result.affectedRows;
    };
    for (const chunk of chunkRows(plan.deletes, plan.keyColumns.length, context.limits, (row) => row.bytes)) {
      await isolate(context, plan, chunk, run, counts);
    }
  }
  for (const group of plan.groupDeletes) await writeGroupDelete(context, plan, group, counts);
}

/** DELETE (TYPE2: close-out) by key of `rowCount` rows. */
function keyedSql(plan: TablePlan, rowCount: number): string {
  if (plan.strategy === 'type2' && plan.type2) {
    return buildCloseOutSql({
      schema: plan.schema,
      table: plan.table,
      keyColumns: plan.keyColumns,
      rowCount,
      activeCondition: plan.type2.activeCondition,
      closeOut: plan.type2.closeOut,
    });
  }
  return buildDeleteSql({ schema: plan.schema, table: plan.table, keyColumns: plan.keyColumns, rowCount });
}

async function writeGroupDelete(
  context: StatementContext,
  plan: TablePlan,
  group: PlannedGroupDelete,
  counts: WriteCounts,
): Promise<void> {
  const spec = {
    schema: plan.schema,
    table: plan.table,
    groupColumns: group.columns,
    keyColumns: plan.keyColumns,
    keepCount: group.keep.length,
  };
  const sql =
    plan.strategy === 'type2' && plan.type2
      ? buildGroupCloseOutSql({
          ...spec,
          activeCondition: plan.type2.activeCondition,
          closeOut: plan.type2.closeOut,
        })
      : buildGroupDeleteSql(spec);
  const row: PlannedRow = {
    key: group.key,
    values: group.values,
    params: [...group.params, ...group.keep.flat()],
    bytes: 0,
  };
  await isolate(
    context,
    plan,
    [row],
    async () => {
      const result = await execute(context.connection, sql, [row]);
      counts.deleted += result.affectedRows;
    },
    counts,
  );
}

/**
 * Writes the plan's rows by its load strategy, one statement per column set and chunk: UPSERT as INSERT ... ON
 * DUPLICATE KEY UPDATE; REPLACE deletes the keys' rows first; TYPE2 closes out the keys' active rows first;
 * APPEND only inserts. Counts inserted and updated rows (a replaced row counts as updated; a TYPE2 version as
 * inserted).
 */
export async function writeUpserts(
  context: StatementContext,
  plan: TablePlan,
  counts: WriteCounts,
): Promise<void> {
  for (const group of plan.upserts) {
    const run: RunRows = async (rows) => {
      if (plan.strategy === 'upsert') {
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
        return;
      }
      let replaced = 0;
      if (plan.strategy === 'replace' || plan.strategy === 'type2') {
        const keys = rows.map((row) => ({ ...row, params: row.keyParams ?? ([] as SqlParam[]) }));
        const result = await execute(context.connection, keyedSql(plan, rows.length), keys);
        if (plan.strategy === 'replace') replaced = Math.min(rows.length, result.affectedRows);
      }
      const sql = buildInsertSql({
        schema: plan.schema,
        table: plan.table,
        columns: group.columns,
        rowCount: rows.length,
      });
      await execute(context.connection, sql, rows);
      counts.inserted += rows.length - replaced;
      counts.updated += replaced;
    };
    for (const chunk of chunkRows(group.rows, group.columns.length, context.limits, (row) => row.bytes)) {
      await isolate(context, plan, chunk, run, counts);
    }
  }
}
