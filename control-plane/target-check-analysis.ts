/**
 * The judgement of a check of the targets: one relational.write output against its table's catalog and the
 * rows of its sampled keys. Pure: the catalog is read (worker/targets/mysql/catalog.ts) and the keys are
 * sampled (target-check-sample.ts) before. Values are converted with the writer's own conversion
 * (worker/targets/mysql/convert.ts), so a value reported here is a value the writer would reject.
 *
 * Rules, as the writer applies them (worker/targets/mysql/plan.ts):
 * - column names are compared case-insensitively, as MySQL and MariaDB compare them;
 * - a mapping entry for a key column is not written: the key's value is (records.ts), so it is not checked;
 * - with load_strategy UPSERT (the default), the keys must be exactly the columns of the PRIMARY KEY or of
 *   one UNIQUE index (in any order), so that a key maps to one row and an upsert collides on that index; the
 *   other strategies insert (APPEND, TYPE2) or delete then insert (REPLACE) and need no unique key;
 * - TYPE2 also writes the column of a `column = value` active_record_indicator and the inactive_record_mapping
 *   columns;
 * - a key column's value converts as the column's type with NULL refused, whatever the column's NULL-ability.
 */
import type { ConfigProblem, RelationalWriteOutput, WriteBehindJob } from '../common/config/index.js';
import { didYouMean } from '../common/config/suggest.js';
import type { CatalogEntry, TableCatalog } from '../worker/targets/mysql/catalog.js';
import { activeAssignment } from '../worker/apply/records.js';
import { convertValue } from '../worker/targets/mysql/convert.js';
import type { Conversion } from '../worker/targets/mysql/convert.js';
import type { ColumnValue, RowChange } from '../worker/targets/mysql/index.js';
import type { TransformReject } from '../worker/apply/types.js';
import type { PathStep, ProblemLocator } from './target-check-locations.js';

/** What a check of the targets can find (ferry.v1.TargetProblemKind without its prefix). */
export type TargetProblemKind =
  | 'UNREACHABLE'
  | 'TABLE_MISSING'
  | 'COLUMN_MISSING'
  | 'KEY_COLUMN_MISSING'
  | 'KEYS_NOT_UNIQUE'
  | 'COLUMN_NOT_WRITABLE'
  | 'VALUES_DO_NOT_CONVERT'
  | 'RECORDS_REJECTED'
  | 'NOT_CHECKED';

/** One finding, located like a validation problem (ferry.v1.TargetProblem). */
export interface TargetProblem {
  problem: ConfigProblem;
  kind: TargetProblemKind;
  /** The connection or source concerned. */
  connection: string;
  /** '' for a connection or source as a whole. */
  job: string;
  /** `schema.table`; '' for a connection or source as a whole. */
  table: string;
  /** The column as the job names it; '' when the finding is not about one column. */
  column: string;
  /** A sampled key whose row fails (VALUES_DO_NOT_CONVERT, RECORDS_REJECTED); '' otherwise. */
  exampleKey: string;
  sampledRows: number;
  failedRows: number;
}

/** The rows of an output's sampled keys. */
export interface OutputSample {
  /** Keys sampled for the job. */
  keys: number;
  /** The output's upserts. */
  rows: RowChange[];
  /** Keys that could not become rows of this output. */
  rejects: TransformReject[];
}

/** One relational.write output whose table's catalog was read. */
export interface OutputUnderCheck {
  job: WriteBehindJob;
  /** The output's index in the job's `output` list. */
  index: number;
  output: RelationalWriteOutput;
  /** `schema.table`, the schema defaulted to the connection's database as the writer does. */
  table: string;
  catalog: TableCatalog;
  /** Absent when no keys could be sampled (the source was unreachable). */
  sample?: OutputSample;
}

const NO_SAMPLE = { exampleKey: '', sampledRows: 0, failedRows: 0 };

/** The columns TYPE2 writes besides keys and mapping, with where the job names them. */
function type2Columns(output: RelationalWriteOutput, withSteps: PathStep[]): [PathStep[], string][] {
  if (output.loadStrategy !== 'TYPE2') return [];
  const columns: [PathStep[], string][] = [];
  // Only a `column = literal` indicator names a column the writer sets (records.ts); other SQL is trusted.
  const active = activeAssignment(output.activeRecordIndicator ?? '');
  if (active) columns.push([[...withSteps, 'active_record_indicator'], active.column]);
  output.inactiveRecordMapping.forEach(({ column }, position) =>
    columns.push([[...withSteps, 'inactive_record_mapping', position], column]),
  );
  return columns;
}

/** A column the output writes, and where the job names it. */
interface WrittenColumn {
  /** As the job spells it. */
  name: string;
  steps: PathStep[];
  isKey: boolean;
}

/** Everything wrong with one output; in the order of the job file. */
export function checkOutput(target: OutputUnderCheck, locator: ProblemLocator): TargetProblem[] {
  const { job, index, output, catalog } = target;
  const problems: TargetProblem[] = [];
  const withSteps: PathStep[] = ['output', index, 'with'];
  const report = (
    kind: TargetProblemKind,
    steps: readonly PathStep[],
    column: string,
    message: string,
    sample: Pick<TargetProblem, 'exampleKey' | 'sampledRows' | 'failedRows'> = NO_SAMPLE,
  ): void => {
    problems.push({
      problem: locator.problem(job.file, steps, message),
      kind,
      connection: output.connection,
      job: job.name,
      table: target.table,
      column,
      ...sample,
    });
  };
  const columnList = catalog.columns.map((column) => column.name);
  const missing = (name: string, role: string): string =>
    `${role} "${name}" does not exist in ${target.table}${didYouMean(name, columnList)}; its columns: ` +
    columnList.join(', ');

  const keyNames = new Set(output.keys.map((key) => key.target.toLowerCase()));
  const written: WrittenColumn[] = [];
  output.keys.forEach((key, position) => {
    const steps = [...withSteps, 'keys', position];
    if (catalog.byName.has(key.target.toLowerCase())) written.push({ name: key.target, steps, isKey: true });
    else report('KEY_COLUMN_MISSING', steps, key.target, missing(key.target, 'key column'));
  });
  if (written.length === output.keys.length && output.loadStrategy === 'UPSERT') {
    const message = uniqueKeyProblem(output, catalog, target.table);
    if (message)
      report('KEYS_NOT_UNIQUE', output.keys.length > 0 ? [...withSteps, 'keys'] : withSteps, '', message);
  }
  output.mapping.forEach((mapped, position) => {
    // The key's value is written, not this entry's (records.ts): nothing of it reaches the table.
    if (keyNames.has(mapped.target.toLowerCase())) return;
    const steps = [...withSteps, 'mapping', position];
    if (catalog.byName.has(mapped.target.toLowerCase()))
      written.push({ name: mapped.target, steps, isKey: false });
    else report('COLUMN_MISSING', steps, mapped.target, missing(mapped.target, 'column'));
  });
  for (const [steps, name] of type2Columns(output, withSteps)) {
    if (catalog.byName.has(name.toLowerCase())) written.push({ name, steps, isKey: false });
    else report('COLUMN_MISSING', steps, name, missing(name, 'column'));
  }
  for (const column of written) {
    const entry = catalog.byName.get(column.name.toLowerCase()) as CatalogEntry;
    const message = notWritable(entry, target.table, output.mapping.length > 0 ? 'the mapping' : 'the job');
    if (message) report('COLUMN_NOT_WRITABLE', column.steps, column.name, message);
  }

  if (target.sample) {
    // Every column the job names, found or not: a missing one was reported above, at its entry.
    const named = new Set([
      ...keyNames,
      ...output.mapping.map((mapped) => mapped.target.toLowerCase()),
      ...type2Columns(output, withSteps).map(([, name]) => name.toLowerCase()),
    ]);
    problems.push(...checkSample(target, target.sample, written, named, locator));
  }
  return problems;
}

/** Why the keys do not identify one row, or undefined when they are exactly a unique key's columns. */
function uniqueKeyProblem(
  output: RelationalWriteOutput,
  catalog: TableCatalog,
  table: string,
): string | undefined {
  const keys = output.keys.map((key) => key.target.toLowerCase());
  const exact = catalog.uniqueKeys.some(
    (index) =>
      index.columns.length === keys.length &&
      index.columns.every((column) => keys.includes(column.toLowerCase())),
  );
  if (exact) return undefined;
  const described = catalog.uniqueKeys.map(describeUniqueKey);
  const existing =
    described.length === 0
      ? `${table} has no PRIMARY KEY and no UNIQUE index`
      : `the unique keys of ${table}: ${described.join(', ')}`;
  if (keys.length === 0) {
    const fix =
      described.length === 0
        ? 'add a PRIMARY KEY and set keys to its columns'
        : 'set keys to the columns of one';
    return `the output has no keys, so rows cannot be matched to Redis keys; ${existing}; ${fix}`;
  }
  const list = output.keys.map((key) => key.target).join(', ');
  const fix =
    described.length === 0
      ? `add a PRIMARY KEY or UNIQUE index on (${list})`
      : `set keys to the columns of one of them, or add a UNIQUE index on (${list})`;
  return `keys (${list}) are not exactly the columns of the PRIMARY KEY or of a UNIQUE index, so a key may not match one row; ${existing}; ${fix}`;
}

function describeUniqueKey(index: TableCatalog['uniqueKeys'][number]): string {
  const columns = `(${index.columns.join(', ')})`;
  return index.name === 'PRIMARY' ? `PRIMARY KEY ${columns}` : `UNIQUE ${index.name} ${columns}`;
}

/** Why the writer refuses to write a column at all, or undefined. */
function notWritable(entry: CatalogEntry, table: string, where: string): string | undefined {
  const column = entry.column;
  if (column.generated) {
    return `column ${column.name} of ${table} is generated and cannot be written; remove it from ${where}`;
  }
  if (column.type.kind === 'unsupported') {
    return `column ${column.name} of ${table} has type ${column.sqlType}, which Ferry's writer cannot write; remove it from ${where}`;
  }
  return undefined;
}

/** Failures of one column over the sampled rows. */
interface ColumnFailures {
  kind: TargetProblemKind;
  name: string;
  steps: PathStep[];
  rows: number;
  exampleKey: string;
  message: string;
}

/** Converts every sampled row as the writer would, and reports each column whose values do not convert. */
function checkSample(
  target: OutputUnderCheck,
  sample: OutputSample,
  written: readonly WrittenColumn[],
  named: ReadonlySet<string>,
  locator: ProblemLocator,
): TargetProblem[] {
  const { job, output, catalog, table } = target;
  const withSteps: PathStep[] = ['output', target.index, 'with'];
  const byName = new Map(written.map((column) => [column.name.toLowerCase(), column]));
  const allFields = output.mapping.length === 0;
  const failures = new Map<string, ColumnFailures>();
  const fail = (name: string, kind: TargetProblemKind, key: string, message: string): void => {
    const id = `${kind}\u0000${name.toLowerCase()}`;
    const known = failures.get(id);
    if (known) {
      known.rows += 1;
      return;
    }
    const steps = byName.get(name.toLowerCase())?.steps ?? withSteps;
    failures.set(id, { kind, name, steps, rows: 1, exampleKey: key, message });
  };

  for (const row of sample.rows) {
    for (const [name, value] of Object.entries(row.values)) {
      const column = byName.get(name.toLowerCase());
      const entry = catalog.byName.get(name.toLowerCase());
      if (!column && named.has(name.toLowerCase())) continue;
      if (column) {
        // Judged above: a missing or unwritable column of the job is reported once, at its entry.
        if (!entry || notWritable(entry, table, '')) continue;
      } else {
        // A column the job does not name: every field of the record when there is no mapping, or one the
        // strategy adds (an APPEND's opcode_field).
        const what = allFields ? `field "${name}"` : `column "${name}" of the rows`;
        if (!entry) {
          fail(name, 'COLUMN_MISSING', row.key, `${what} has no column in ${table}`);
          continue;
        }
        const refused = notWritable(
          entry,
          table,
          allFields ? 'the records (add a mapping that leaves it out)' : 'the job',
        );
        if (refused) {
          fail(name, 'COLUMN_NOT_WRITABLE', row.key, refused);
          continue;
        }
      }
      const conversion = convert(entry, value, column?.isKey ?? false);
      if (!conversion.ok) fail(name, 'VALUES_DO_NOT_CONVERT', row.key, conversion.message);
    }
  }

  const sampled = sample.rows.length;
  const problems: TargetProblem[] = [...failures.values()].map((failure) => ({
    problem: locator.problem(job.file, failure.steps, sampleMessage(failure, sampled, allFields)),
    kind: failure.kind,
    connection: output.connection,
    job: job.name,
    table,
    column: failure.name,
    exampleKey: failure.exampleKey,
    sampledRows: sampled,
    failedRows: failure.rows,
  }));
  problems.push(...rejectedRecords(target, sample, locator));
  return problems;
}

function sampleMessage(failure: ColumnFailures, sampled: number, allFields: boolean): string {
  const share = `${failure.rows} of ${sampled} sampled rows`;
  const example = `e.g. key ${JSON.stringify(failure.exampleKey)}`;
  switch (failure.kind) {
    case 'COLUMN_MISSING':
      return allFields
        ? `${failure.message} (${share}, ${example}); the output has no mapping, so every field of the record ` +
            'is written: add a mapping that leaves it out, or add the column'
        : `${failure.message} (${share}, ${example}); add the column`;
    case 'COLUMN_NOT_WRITABLE':
      return `${failure.message} (${share}, ${example})`;
    default:
      return `${share} would be rejected (${example}): ${failure.message}`;
  }
}

/** The writer's conversion; a key column takes no NULL, whatever the column allows (plan.ts convertKey). */
function convert(entry: CatalogEntry, value: ColumnValue, isKey: boolean): Conversion {
  if (!isKey) return convertValue(entry.column, value);
  const converted = convertValue({ ...entry.column, nullable: true, autoIncrement: false }, value);
  if (converted.ok && converted.value === null) {
    return { ok: false, code: 'NOT_NULL', message: `key column ${entry.column.name} has no value` };
  }
  return converted;
}

/**
 * Sampled keys the transform could not turn into a row of this output (a key column without a value, an
 * expression that fails), one finding per error code: the apply engine would dead-letter them.
 */
function rejectedRecords(
  target: OutputUnderCheck,
  sample: OutputSample,
  locator: ProblemLocator,
): TargetProblem[] {
  const groups = new Map<string, { count: number; first: TransformReject }>();
  for (const reject of sample.rejects) {
    const group = groups.get(reject.errorCode);
    if (group) group.count += 1;
    else groups.set(reject.errorCode, { count: 1, first: reject });
  }
  return [...groups.values()].map(({ count, first }) => ({
    problem: locator.problem(
      target.job.file,
      ['output', target.index, 'with', ...(first.errorCode === 'MISSING_KEY' ? ['keys'] : [])],
      `${count} of ${sample.keys} sampled keys cannot become a row of ${target.table} ` +
        `(e.g. key ${JSON.stringify(first.key)}): ${first.error}`,
    ),
    kind: 'RECORDS_REJECTED',
    connection: target.output.connection,
    job: target.job.name,
    table: target.table,
    column: '',
    exampleKey: first.key,
    sampledRows: sample.keys,
    failedRows: count,
  }));
}
