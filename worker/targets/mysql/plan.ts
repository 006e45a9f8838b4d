/**
 * Turns one table's changes into statement-ready rows, against the table's catalog: column names resolved
 * (case-insensitively, as MySQL does), values converted, upserts grouped by column set, conversion rejects
 * set aside (they never reach SQL). Anything that is the job's or the schema's fault rather than one
 * record's (an unknown or generated column, key columns without a unique index) is a TargetSchemaError.
 * Pure given the catalog.
 */
import { InvalidArgumentError } from '../../../common/errors.js';
import type { CatalogEntry, TableCatalog } from './catalog.js';
import { convertValue } from './convert.js';
import type { SqlParam } from './convert.js';
import { TargetSchemaError } from './errors.js';
import type { ColumnValue, LoadStrategy, RejectedRow, RowChange, TableBatch, Type2Options } from './types.js';

/** A converted row: `params` in the order of its statement's columns. */
export interface PlannedRow {
  key: string;
  values: Record<string, ColumnValue>;
  params: SqlParam[];
  /** Estimated bytes of the row's literals, for sizing statements. */
  bytes: number;
  /** Upserts only: the key columns' params, in key order (for REPLACE's delete and TYPE2's close-out). */
  keyParams?: SqlParam[];
}

/** A delete-group: rows whose `columns` equal `params`, except those whose keys are in `keep`. */
export interface PlannedGroupDelete {
  key: string;
  values: Record<string, ColumnValue>;
  /** As the catalog spells them. */
  columns: string[];
  params: SqlParam[];
  /** Key params of each row to keep, in key order. */
  keep: SqlParam[][];
}

/** Upserts that write the same columns, in table order. */
export interface UpsertGroup {
  columns: string[];
  rows: PlannedRow[];
}

export interface TablePlan {
  schema: string;
  table: string;
  /** `schema.table`, as reported in rejects. */
  name: string;
  /** As the catalog spells them. */
  keyColumns: string[];
  strategy: LoadStrategy;
  type2?: Type2Options;
  upserts: UpsertGroup[];
  deletes: PlannedRow[];
  groupDeletes: PlannedGroupDelete[];
  rejected: RejectedRow[];
}

/** Plans one table batch. `schema` is the resolved schema (TableRef.schema or the connection's database). */
export function planTable(batch: TableBatch, catalog: TableCatalog): TablePlan {
  const name = `${catalog.schema}.${catalog.table}`;
  const keyEntries = batch.keyColumns.map((column) => lookup(catalog, column, 'key column'));
  const keyColumns = keyEntries.map((entry) => entry.column.name);
  const strategy = batch.strategy ?? 'upsert';
  // Only an upsert relies on the index; TYPE2 and APPEND keep several rows per key by design.
  if (strategy === 'upsert') requireUniqueKey(catalog, keyColumns);
  if (strategy === 'type2') {
    for (const { column } of batch.type2?.closeOut ?? []) lookup(catalog, column, 'inactive_record_mapping');
  }

  const plan: TablePlan = {
    schema: catalog.schema,
    table: catalog.table,
    name,
    keyColumns,
    strategy,
    ...(batch.type2 ? { type2: batch.type2 } : {}),
    upserts: [],
    deletes: [],
    groupDeletes: [],
    rejected: [],
  };
  const groups = new Map<string, UpsertGroup>();
  for (const change of batch.changes) {
    if (change.op === 'delete') planDelete(plan, keyEntries, change);
    else if (change.op === 'upsert') planUpsert(plan, catalog, keyEntries, groups, change);
    else if (change.op === 'delete-group') planGroupDelete(plan, catalog, keyEntries, change);
    else
      throw new InvalidArgumentError(
        `change for key ${change.key} has op ${JSON.stringify(change.op)}; expected upsert, delete or delete-group`,
      );
  }
  plan.upserts = [...groups.values()];
  return plan;
}

function lookup(catalog: TableCatalog, column: string, role: string): CatalogEntry {
  const entry = catalog.byName.get(column.toLowerCase());
  if (entry) return entry;
  const available = catalog.columns.map((known) => known.name).join(', ');
  throw new TargetSchemaError(
    `table ${catalog.schema}.${catalog.table} has no column ${JSON.stringify(column)} (${role}); its columns are: ${available}`,
    { context: { table: `${catalog.schema}.${catalog.table}`, column } },
  );
}

/**
 * An upsert is only an upsert if some PRIMARY KEY or UNIQUE index lies within the key columns; otherwise
 * ON DUPLICATE KEY UPDATE would insert a second row for the same key.
 */
function requireUniqueKey(catalog: TableCatalog, keyColumns: string[]): void {
  const keys = new Set(keyColumns.map((column) => column.toLowerCase()));
  const covered = catalog.uniqueKeys.some((index) =>
    index.columns.every((column) => keys.has(column.toLowerCase())),
  );
  if (covered) return;
  throw new TargetSchemaError(
    `table ${catalog.schema}.${catalog.table} has no PRIMARY KEY or UNIQUE index on (${keyColumns.join(', ')}); ` +
      "add one, or change the job's keys, so that a key maps to one row",
    { context: { table: `${catalog.schema}.${catalog.table}`, keyColumns: keyColumns.join(',') } },
  );
}

function reject(
  plan: TablePlan,
  change: RowChange,
  errorCode: RejectedRow['errorCode'],
  error: string,
  column?: string,
): void {
  plan.rejected.push({
    key: change.key,
    table: plan.name,
    values: change.values,
    errorCode,
    error,
    ...(column === undefined ? {} : { column }),
  });
}

/** The change's value for a column, whatever case the job used for the name. */
function valueFor(change: RowChange, column: string): ColumnValue | undefined {
  if (Object.hasOwn(change.values, column)) return change.values[column];
  const lower = column.toLowerCase();
  for (const [name, value] of Object.entries(change.values)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

function convertKey(
  plan: TablePlan,
  change: RowChange,
  entry: CatalogEntry,
  value: ColumnValue | undefined,
): SqlParam | undefined {
  const converted = convertValue({ ...entry.column, nullable: true, autoIncrement: false }, value);
  if (!converted.ok) {
    reject(plan, change, converted.code, converted.message, entry.column.name);
    return undefined;
  }
  if (converted.value === null) {
    reject(plan, change, 'NOT_NULL', `key column ${entry.column.name} has no value`, entry.column.name);
    return undefined;
  }
  return converted.value;
}

function planDelete(plan: TablePlan, keyEntries: CatalogEntry[], change: RowChange): void {
  const params: SqlParam[] = [];
  for (const entry of keyEntries) {
    const param = convertKey(plan, change, entry, valueFor(change, entry.column.name));
    if (param === undefined) return;
    params.push(param);
  }
  plan.deletes.push({ key: change.key, values: change.values, params, bytes: estimateBytes(params) });
}

function planGroupDelete(
  plan: TablePlan,
  catalog: TableCatalog,
  keyEntries: CatalogEntry[],
  change: RowChange,
): void {
  const columns: string[] = [];
  const params: SqlParam[] = [];
  for (const [column, value] of Object.entries(change.values)) {
    const entry = lookup(catalog, column, 'group column');
    const param = convertKey(plan, change, entry, value);
    if (param === undefined) return;
    columns.push(entry.column.name);
    params.push(param);
  }
  const keep: SqlParam[][] = [];
  for (const kept of change.keep ?? []) {
    const tuple: SqlParam[] = [];
    for (const entry of keyEntries) {
      const converted = convertValue(
        { ...entry.column, nullable: true, autoIncrement: false },
        valueOf(kept, entry),
      );
      // A row whose key cannot convert is rejected by its own upsert; here it simply keeps nothing.
      if (!converted.ok || converted.value === null) break;
      tuple.push(converted.value);
    }
    if (tuple.length === keyEntries.length && tuple.length > 0) keep.push(tuple);
  }
  plan.groupDeletes.push({ key: change.key, values: change.values, columns, params, keep });
}

function valueOf(values: Record<string, ColumnValue>, entry: CatalogEntry): ColumnValue | undefined {
  return valueFor({ key: '', op: 'upsert', values }, entry.column.name);
}

function planUpsert(
  plan: TablePlan,
  catalog: TableCatalog,
  keyEntries: CatalogEntry[],
  groups: Map<string, UpsertGroup>,
  change: RowChange,
): void {
  const written: { entry: CatalogEntry; value: ColumnValue }[] = [];
  for (const [column, value] of Object.entries(change.values)) {
    if (value === undefined) continue;
    const entry = lookup(catalog, column, 'in the change');
    if (entry.column.generated) {
      throw new TargetSchemaError(
        `column ${entry.column.name} of ${plan.name} is generated and cannot be written; remove it from the job's mapping`,
        { context: { table: plan.name, column: entry.column.name } },
      );
    }
    if (entry.column.type.kind === 'unsupported') {
      throw new TargetSchemaError(
        `column ${entry.column.name} of ${plan.name} has type ${entry.column.sqlType}, which the writer cannot write`,
        { context: { table: plan.name, column: entry.column.name } },
      );
    }
    if (written.some((seen) => seen.entry.ordinal === entry.ordinal)) {
      throw new TargetSchemaError(
        `the change for key ${change.key} names column ${entry.column.name} of ${plan.name} twice (names are case-insensitive)`,
        { context: { table: plan.name, column: entry.column.name } },
      );
    }
    written.push({ entry, value });
  }
  written.sort((a, b) => a.entry.ordinal - b.entry.ordinal);

  const params: SqlParam[] = [];
  const keyOrdinals = new Set(keyEntries.map((entry) => entry.ordinal));
  const keyParams = new Map<number, SqlParam>();
  for (const { entry, value } of written) {
    if (keyOrdinals.has(entry.ordinal)) {
      const param = convertKey(plan, change, entry, value);
      if (param === undefined) return;
      params.push(param);
      keyParams.set(entry.ordinal, param);
      continue;
    }
    const converted = convertValue(entry.column, value);
    if (!converted.ok) {
      reject(plan, change, converted.code, converted.message, entry.column.name);
      return;
    }
    params.push(converted.value);
  }
  const writtenOrdinals = new Set(written.map(({ entry }) => entry.ordinal));
  const missingKey = keyEntries.find((entry) => !writtenOrdinals.has(entry.ordinal));
  if (missingKey) {
    reject(
      plan,
      change,
      'NOT_NULL',
      `key column ${missingKey.column.name} has no value`,
      missingKey.column.name,
    );
    return;
  }

  const signature = written.map(({ entry }) => entry.ordinal).join(',');
  let group = groups.get(signature);
  if (!group) {
    group = { columns: written.map(({ entry }) => entry.column.name), rows: [] };
    groups.set(signature, group);
  }
  const row: PlannedRow = { key: change.key, values: change.values, params, bytes: estimateBytes(params) };
  if (plan.strategy === 'replace' || plan.strategy === 'type2') {
    row.keyParams = keyEntries.map((entry) => keyParams.get(entry.ordinal) as SqlParam);
  }
  group.rows.push(row);
}

/** Rough size of the row's literals: text length, twice a binary's length (hex), a constant otherwise. */
export function estimateBytes(params: readonly SqlParam[]): number {
  let bytes = 0;
  for (const param of params) {
    if (typeof param === 'string') bytes += param.length + 3;
    else if (Buffer.isBuffer(param)) bytes += param.length * 2 + 3;
    else bytes += 24;
  }
  return bytes;
}
