/**
 * Rows -> write batches: per target connection, rows in change-log order cut into transactions of about
 * write_batch_size rows, never splitting one key's rows, so that each transaction's last entry id bounds
 * exactly the rows committed up to it (the checkpoint's promise). Pure.
 */
import { compareStreamIds } from '../targets/mysql/index.js';
import type { TableBatch } from '../targets/mysql/index.js';
import type { ApplyJob, TransformedRow } from './types.js';

export interface PlannedWrite {
  connection: string;
  lastEntryId: string;
  /** One table batch per (job, output) present in the transaction, with the job index of each. */
  tables: { job: number; batch: TableBatch }[];
}

export function planWrites(
  jobs: readonly ApplyJob[],
  rows: readonly TransformedRow[],
  size: number,
): PlannedWrite[] {
  const byConnection = new Map<string, TransformedRow[]>();
  for (const row of rows) {
    const connection = jobs[row.job]?.outputs[row.output]?.connection ?? '';
    let list = byConnection.get(connection);
    if (!list) {
      list = [];
      byConnection.set(connection, list);
    }
    list.push(row);
  }
  const planned: PlannedWrite[] = [];
  for (const [connection, list] of byConnection) {
    for (const chunk of chunks(list, size)) {
      const tables = new Map<string, { job: number; batch: TableBatch }>();
      let lastEntryId = '0-0';
      for (const row of chunk) {
        const id = `${row.job}/${row.output}`;
        let table = tables.get(id);
        if (!table) {
          const output = jobs[row.job]?.outputs[row.output];
          table = {
            job: row.job,
            batch: {
              table: output?.table ?? { table: '' },
              keyColumns: output?.keys.map((key) => key.target) ?? [],
              ...(output?.strategy ? { strategy: output.strategy } : {}),
              ...(output?.type2 ? { type2: output.type2 } : {}),
              changes: [],
            },
          };
          tables.set(id, table);
        }
        table.batch.changes.push(row.change);
        if (row.change.entryId && compareStreamIds(row.change.entryId, lastEntryId) > 0) {
          lastEntryId = row.change.entryId;
        }
      }
      planned.push({ connection, lastEntryId, tables: [...tables.values()] });
    }
  }
  return planned;
}

/** Splits rows into chunks of about `size` rows, never splitting one key's rows. */
function* chunks(rows: TransformedRow[], size: number): Generator<TransformedRow[]> {
  let chunk: TransformedRow[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as TransformedRow;
    chunk.push(row);
    const next = rows[index + 1];
    if (chunk.length >= size && (!next || next.change.key !== row.change.key)) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
