/**
 * From a key's current value to the rows of a job's `relational.write` outputs: the value becomes records,
 * the job's transform blocks run (worker/transform/chain.ts), and each output turns the records into row
 * changes. Pure apart from the per-thread caches of compiled expressions: runs in a piscina thread.
 *
 * - The record is the value's fields: a hash's fields; a string holding a JSON object, its members; a
 *   RedisJSON document, its members; any other string, `{value}`. A set gives one record per member
 *   (`{member}`), a sorted set one per member with its score (`{member, score}`). Nested objects and arrays
 *   are written as JSON text.
 * - An upsert writes every mapped column; a mapped field missing from the record writes NULL (the row mirrors
 *   the key: HDEL of a field clears its column).
 * - Values the key itself gives: the parts of the Redis key matched by the `*` of `key_pattern`, in order,
 *   fill the columns that identify the key: every key column of a plain output, the group columns (below) of
 *   an output with child rows. With `key_pattern: emp:*` and `keys: [emp_id]`, `emp:7` has emp_id 7. They are
 *   used for a deleted key (its value is gone) and for a column the record leaves empty; when the pattern does
 *   not have exactly one `*` per such column the record is rejected with a message saying so.
 * - Child rows: an output with `foreach`, and any output of a set or sorted set, writes several rows per key,
 *   and keeps the key's rows equal to them: a delete-group removes the key's rows that are gone (matched by
 *   the group columns: the columns whose expression does not read the element), then each row is written. A
 *   deleted key deletes its group.
 * - Load strategies: UPSERT and REPLACE write rows and delete a deleted key's rows; TYPE2 closes them out
 *   instead of deleting; APPEND only inserts: a deleted key appends nothing (counted as filtered), unless the
 *   output has an `opcode_field`, which then appends the key columns with `d` in that column.
 * - `opcode_field`: a record whose field holds `d` deletes its row (APPEND appends it as it is).
 */
import { compileExpression } from '../../common/expressions/index.js';
import type { ColumnValue, RowChange } from '../targets/mysql/index.js';
import { TransformError, chainOf, contextOf } from '../transform/chain.js';
import type { Fields, TransformRecord } from '../transform/chain.js';
import { compileKeyPattern } from './key-pattern.js';
import type { KeyPattern } from './key-pattern.js';
import type {
  ApplyJob,
  RedisValue,
  RelationalTarget,
  SourceRecord,
  TransformReject,
  TransformResult,
  TransformTask,
} from './types.js';

type Record_ = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/** Reads a value from a record's fields; `key` is the record's key, for `key` and JMESPath expressions. */
type Getter = (fields: Record_, key: string) => unknown;

const getters = new Map<string, Getter>();
const patterns = new Map<string, KeyPattern>();

/** A field name or dotted path is read directly; anything else is evaluated as JMESPath (compiled once). */
function getter(expression: string): Getter {
  let get = getters.get(expression);
  if (get) return get;
  if (IDENTIFIER.test(expression)) {
    // A plain field is read without building the expression view (`key`, `after`) of the record.
    get = (fields, key) => {
      if (Object.hasOwn(fields, expression)) return fields[expression];
      if (expression === 'key') return key;
      return expression === 'after' ? fields : undefined;
    };
  } else if (DOTTED.test(expression)) {
    const steps = expression.split('.');
    get = (fields) => {
      // `after.x` is `x`, unless the record has a field named after.
      const path = steps[0] === 'after' && !Object.hasOwn(fields, 'after') ? steps.slice(1) : steps;
      let value: unknown = fields;
      for (const step of path) {
        if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
        value = (value as Record_)[step];
      }
      return value;
    };
  } else {
    const compiled = compileExpression(expression, 'jmespath');
    get = (fields, key) => compiled.evaluate(contextOf({ key, fields }));
  }
  getters.set(expression, get);
  return get;
}

function keyPattern(pattern: string): KeyPattern {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = compileKeyPattern(pattern);
    patterns.set(pattern, compiled);
  }
  return compiled;
}

/** The record a value stands for; undefined for a missing key. Throws RecordError for unusable values. */
export function recordOf(value: RedisValue): Record_ | undefined {
  switch (value.type) {
    case 'none':
      return undefined;
    case 'hash':
      return value.fields;
    case 'string':
      return parseObject(value.value) ?? { value: value.value };
    case 'json': {
      const parsed = parseObject(value.value);
      if (!parsed) throw new RecordError('NOT_AN_OBJECT', 'the JSON document is not an object');
      return parsed;
    }
    case 'set':
    case 'zset':
      throw new RecordError(
        'MEMBERS',
        `a ${value.type === 'set' ? 'set' : 'sorted set'} stands for one record per member; use membersOf`,
      );
    case 'other':
      throw new RecordError(
        'UNSUPPORTED_TYPE',
        `the key holds a ${value.redisType}, which relational.write cannot write; track hashes, strings, ` +
          'JSON, sets or sorted sets',
      );
  }
}

/** The records of a set (`{member}`) or sorted set (`{member, score}`), in Redis' order. */
export function membersOf(value: Extract<RedisValue, { type: 'set' | 'zset' }>): Record_[] {
  if (value.type === 'set') return value.members.map((member) => ({ member }));
  return value.members.map(([member, score]) => ({ member, score: parseScore(score) }));
}

/** Redis answers scores as text, with `inf` / `-inf` for the infinities. */
function parseScore(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function parseObject(text: string): Record_ | undefined {
  const first = text.trimStart()[0];
  if (first !== '{') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record_)
      : undefined;
  } catch {
    return undefined;
  }
}

export class RecordError extends Error {
  override readonly name = 'RecordError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A column value from whatever the expression gave. */
function columnValue(value: unknown): ColumnValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** An output compiled for one thread. */
interface CompiledOutput {
  keys: { target: string; get: Getter }[];
  mapping: { target: string; get: Getter }[];
  foreach?: { alias: string; get: Getter };
  /**
   * Child-row outputs: the columns that identify the key's rows (neither reading the foreach element nor,
   * for a set, the member or score), in keys-then-mapping order.
   */
  group: { target: string; get: Getter }[];
}

const outputs = new Map<string, CompiledOutput>();
/** By the task's (cloned) output object, so that the content lookup runs once per task, not per record. */
const outputsByObject = [
  new WeakMap<RelationalTarget, CompiledOutput>(),
  new WeakMap<RelationalTarget, CompiledOutput>(),
];

function compileOutput(output: RelationalTarget, members: boolean): CompiledOutput {
  const byObject = outputsByObject[members ? 1 : 0] as WeakMap<RelationalTarget, CompiledOutput>;
  const known = byObject.get(output);
  if (known) return known;
  const id = JSON.stringify([output.keys, output.mapping, output.foreach, members]);
  let compiled = outputs.get(id);
  if (compiled) {
    byObject.set(output, compiled);
    return compiled;
  }
  const compile = (column: { target: string; expression: string }): { target: string; get: Getter } => ({
    target: column.target,
    get: getter(column.expression),
  });
  const group = groupColumns(output, members);
  compiled = {
    keys: output.keys.map(compile),
    mapping: output.mapping.map(compile),
    ...(output.foreach
      ? { foreach: { alias: output.foreach.alias, get: getter(output.foreach.expression) } }
      : {}),
    group: group.map(compile),
  };
  outputs.set(id, compiled);
  byObject.set(output, compiled);
  return compiled;
}

/**
 * The columns that identify a key's rows when an output writes several rows per key (foreach, or the members
 * of a set when `members`): keys, and for foreach also mapped columns, whose expression does not read the
 * element (the foreach alias; `member` and `score`). Empty for an output that writes one row per key.
 */
function groupColumns(output: RelationalTarget, members: boolean): { target: string; expression: string }[] {
  if (!output.foreach && !members) return [];
  const names = output.foreach ? [output.foreach.alias] : ['member', 'score'];
  const readsElement = (expression: string): boolean =>
    names.some((name) => new RegExp(`(^|[^.\\w])${escapeRegExp(name)}(?![\\w])`).test(expression));
  const columns = output.foreach ? [...output.keys, ...output.mapping] : output.keys;
  const group: { target: string; expression: string }[] = [];
  for (const column of columns) {
    if (!readsElement(column.expression) && !group.some((seen) => seen.target === column.target)) {
      group.push(column);
    }
  }
  return group;
}

/**
 * The columns whose values the Redis key gives, in the order of the `*` of key_pattern: the key columns of
 * an output with one row per key, the group columns of one with child rows. Delete reconciliation reads them
 * from the target to rebuild keys.
 */
export function keyIdentityColumns(output: RelationalTarget): string[] {
  const grouped = output.foreach !== undefined || readsMembers(output);
  return grouped
    ? groupColumns(output, !output.foreach).map((column) => column.target)
    : output.keys.map((key) => key.target);
}

/** Whether an output's keys read a set's `member` or a sorted set's `score` (it writes one row per member). */
function readsMembers(output: RelationalTarget): boolean {
  return output.keys.some((key) => ELEMENT_FIELDS.test(key.expression));
}

const ELEMENT_FIELDS = /(^|[^.\w])(member|score)(?![\w])/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs the transform task: every record through every job that tracks it. */
export function transformRecords(task: TransformTask): TransformResult {
  const result: TransformResult = { rows: [], rejects: [], filtered: task.jobs.map(() => 0) };
  for (const record of task.records) {
    let fields: Record_[] | undefined;
    let members = false;
    let failure: RecordError | undefined;
    try {
      if (record.value.type === 'set' || record.value.type === 'zset') {
        fields = membersOf(record.value);
        members = true;
      } else {
        const single = recordOf(record.value);
        fields = single === undefined ? undefined : [single];
      }
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      failure = error;
    }
    for (const jobIndex of record.jobs) {
      const job = task.jobs[jobIndex];
      if (!job) continue;
      if (failure) {
        result.rejects.push(reject(jobIndex, record, '', {}, failure.code, failure.message));
        continue;
      }
      applyJob(result, jobIndex, job, record, fields, members);
    }
  }
  return result;
}

function applyJob(
  result: TransformResult,
  jobIndex: number,
  job: ApplyJob,
  record: SourceRecord,
  fields: Record_[] | undefined,
  members: boolean,
): void {
  let records: TransformRecord[] | undefined;
  if (fields) {
    if (job.transform && job.transform.length > 0) {
      // Each job gets its own deep copy: blocks change records (nested objects too) in place.
      const inputs = fields.map((value) => ({ key: record.key, fields: structuredClone(value) }));
      const chain = chainOf(job.transform);
      records = [];
      try {
        for (const input of inputs) records.push(...chain.run(input));
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        result.rejects.push(reject(jobIndex, record, '', {}, error.code, error.message));
        return;
      }
      // Every record dropped: nothing to write for this value (a deleted key still deletes).
      if (records.length === 0 && !members) {
        result.filtered[jobIndex] = (result.filtered[jobIndex] ?? 0) + 1;
        return;
      }
    } else {
      // Nothing changes records without transform blocks: they are read in place.
      records = fields.map((value) => ({ key: record.key, fields: value }));
    }
  }
  job.outputs.forEach((output, outputIndex) => {
    // A deleted key has no type any more: an output whose keys read `member` or `score` writes members.
    const built = changesFor(job, output, record, records, members || (!fields && readsMembers(output)));
    if ('error' in built) {
      result.rejects.push({ ...built.error, job: jobIndex });
      return;
    }
    if (built.changes.length === 0 && outputIndex === 0 && records === undefined) {
      result.filtered[jobIndex] = (result.filtered[jobIndex] ?? 0) + 1;
    }
    for (const change of built.changes) result.rows.push({ job: jobIndex, output: outputIndex, change });
  });
}

/** A shallow copy; spread defines own properties, so a field named `__proto__` stays a field. */
function copyFields(fields: Record_): Fields {
  return { ...fields };
}

function reject(
  job: number,
  record: SourceRecord,
  table: string,
  values: Record<string, ColumnValue>,
  errorCode: string,
  error: string,
): TransformReject {
  return { job, key: record.key, entryId: record.entryId, table, values, errorCode, error };
}

type Built = { changes: RowChange[] } | { error: TransformReject };

function changesFor(
  job: ApplyJob,
  output: RelationalTarget,
  record: SourceRecord,
  records: TransformRecord[] | undefined,
  members: boolean,
): Built {
  const compiled = compileOutput(output, members);
  const table = `${output.table.schema ?? ''}${output.table.schema ? '.' : ''}${output.table.table}`;
  const strategy = output.strategy ?? 'upsert';
  /** The row being built, for the reject of a failing expression. */
  let partial: Record<string, ColumnValue> = {};
  const fail = (code: string, message: string, values: Record<string, ColumnValue> = partial): Built => ({
    error: reject(-1, record, table, { ...values }, code, message),
  });
  const pattern = keyPattern(job.keyPattern);
  const grouped = compiled.group.length > 0 || output.foreach !== undefined || members;
  let captures: string[] | undefined;
  /** The `*` part for the position-th column the key identifies, or an error message. */
  const fromKey = (column: string, position: number, count: number, why: string): ColumnValue | Error => {
    captures ??= pattern.captures(record.key) ?? [];
    if (pattern.wildcards !== count || captures.length !== count) {
      const what = grouped ? 'column(s) that identify the key' : 'key column(s)';
      return new Error(
        `${grouped ? 'column' : 'key column'} ${column} has no value: ${why} and key_pattern ` +
          `${JSON.stringify(job.keyPattern)} has ${pattern.wildcards} "*" for ${count} ${what}, so the key ` +
          'cannot give it; use one "*" per key column',
      );
    }
    return captures[position] ?? null;
  };
  const change = (op: RowChange['op'], values: Record<string, ColumnValue>, keep?: RowChange['keep']) => ({
    key: record.key,
    op,
    values,
    entryId: record.entryId,
    ...(keep ? { keep } : {}),
  });

  if (members && !output.foreach && !readsMembers(output)) {
    return fail(
      'UNKEYED_MEMBERS',
      `the key holds a ${record.value.type === 'zset' ? 'sorted set' : 'set'}, which writes one row per member, ` +
        'but no key column of the output reads `member`; add one, e.g. keys: [id, {tag: member}]',
    );
  }
  try {
    if (grouped) {
      if (compiled.group.length === 0) {
        return fail(
          'NO_GROUP',
          `the output writes several rows per key but none of its columns identifies the key: add a key ` +
            `column taken from the key (one "*" of key_pattern per column)`,
        );
      }
      // The group's values: from the record when it has them, else (and for a deleted key) from the key.
      const parent = records?.[0];
      const group: Record<string, ColumnValue> = {};
      for (const [position, column] of compiled.group.entries()) {
        let value: ColumnValue = null;
        if (parent && output.foreach) value = columnValue(column.get(parent.fields, parent.key));
        if (value === null || value === '') {
          const derived = fromKey(
            column.target,
            position,
            compiled.group.length,
            records ? 'the record has no value for it' : 'the key was deleted',
          );
          if (derived instanceof Error) return fail('MISSING_KEY', derived.message, group);
          value = derived;
        }
        group[column.target] = value;
      }
      if (!records) {
        if (strategy === 'append') return { changes: [] };
        return { changes: [change('delete-group', group, [])] };
      }
      const rows: Record<string, ColumnValue>[] = [];
      for (const parentRecord of records) {
        const elements: Record_[] = output.foreach
          ? elementsOf(compiled, parentRecord)
          : [parentRecord.fields];
        for (const context of elements) {
          const values: Record<string, ColumnValue> = {};
          partial = values;
          for (const key of compiled.keys) {
            values[key.target] = Object.hasOwn(group, key.target)
              ? (group[key.target] as ColumnValue)
              : columnValue(key.get(context, record.key));
          }
          writeMapping(compiled, output, context, record.key, values, group);
          rows.push(values);
        }
      }
      const changes: RowChange[] = [];
      if (strategy !== 'append') {
        const keep = rows.map((values) =>
          Object.fromEntries(compiled.keys.map((key) => [key.target, values[key.target] ?? null])),
        );
        changes.push(change('delete-group', group, keep));
      }
      for (const values of rows) changes.push(change('upsert', values));
      return { changes };
    }

    // One row per record.
    if (!records) {
      const values: Record<string, ColumnValue> = {};
      for (const [position, key] of compiled.keys.entries()) {
        const derived = fromKey(key.target, position, compiled.keys.length, 'the key was deleted');
        if (derived instanceof Error) return fail('MISSING_KEY', derived.message, values);
        values[key.target] = derived;
      }
      if (strategy !== 'append') return { changes: [change('delete', values)] };
      if (output.opcodeField === undefined) return { changes: [] };
      values[output.opcodeField] = 'd';
      return { changes: [change('upsert', values)] };
    }
    const changes: RowChange[] = [];
    for (const transformed of records) {
      const context = transformed.fields;
      const values: Record<string, ColumnValue> = {};
      partial = values;
      for (const [position, key] of compiled.keys.entries()) {
        let value = columnValue(key.get(context, transformed.key));
        if (value === null || value === '') {
          const derived = fromKey(
            key.target,
            position,
            compiled.keys.length,
            'the record has no field for it',
          );
          if (derived instanceof Error) return fail('MISSING_KEY', derived.message, values);
          value = derived;
        }
        values[key.target] = value;
      }
      const deleted =
        output.opcodeField !== undefined && strategy !== 'append' && context[output.opcodeField] === 'd';
      if (deleted) {
        changes.push(change('delete', values));
        continue;
      }
      writeMapping(compiled, output, context, transformed.key, values, {});
      changes.push(change('upsert', values));
    }
    return { changes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail('EXPRESSION', `an expression failed: ${message}`);
  }
}

/** The foreach elements of a record, each as the record's fields plus the element under its alias. */
function elementsOf(compiled: CompiledOutput, record: TransformRecord): Record_[] {
  const foreach = compiled.foreach as NonNullable<CompiledOutput['foreach']>;
  const list = foreach.get(record.fields, record.key);
  if (list === null || list === undefined) return [];
  const elements = Array.isArray(list) ? (list as unknown[]) : [list];
  return elements.map((element) => {
    // A computed key defines an own property, whatever the alias is called.
    return { ...copyFields(record.fields), [foreach.alias]: element };
  });
}

/** Writes the mapped columns (or every field) into `values`, leaving key and group columns alone. */
function writeMapping(
  compiled: CompiledOutput,
  output: RelationalTarget,
  context: Record_,
  key: string,
  values: Record<string, ColumnValue>,
  group: Record<string, ColumnValue>,
): void {
  const isKey = (column: string): boolean =>
    Object.hasOwn(values, column) && compiled.keys.some((key) => key.target === column);
  if (compiled.mapping.length === 0) {
    // Every field under its own name: a name is not an expression here (`e-mail`, `user.name` are fields).
    // A field a key column already writes under another name (`tag: member`) is not written again.
    const consumed = new Set(
      output.keys.filter((key) => key.target !== key.expression).map((key) => key.expression),
    );
    for (const [name, value] of Object.entries(context)) {
      if (isKey(name) || consumed.has(name)) continue;
      if (name === output.opcodeField && (output.strategy ?? 'upsert') !== 'append') continue;
      if (output.foreach && name === output.foreach.alias) continue;
      values[name] = columnValue(value);
    }
  }
  for (const column of compiled.mapping) {
    if (isKey(column.target)) continue;
    values[column.target] = Object.hasOwn(group, column.target)
      ? (group[column.target] as ColumnValue)
      : columnValue(column.get(context, key));
  }
  // TYPE2: a new row is the active one; `column = literal` indicators are set unless the job maps the column.
  const active = output.type2 ? activeAssignment(output.type2.activeCondition) : undefined;
  if (active && !Object.keys(values).some((name) => name.toLowerCase() === active.column.toLowerCase())) {
    values[active.column] = active.value;
  }
}

const activeAssignments = new Map<string, { column: string; value: ColumnValue } | undefined>();

/** `is_active = 'Y'` -> {is_active, 'Y'}; `current = 1` -> {current, 1}; anything else: undefined. */
export function activeAssignment(condition: string): { column: string; value: ColumnValue } | undefined {
  if (activeAssignments.has(condition)) return activeAssignments.get(condition);
  const match = /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*=\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))\s*$/.exec(
    condition,
  );
  const assignment = match
    ? {
        column: match[1] as string,
        value: match[2] !== undefined ? match[2].replaceAll("''", "'") : Number(match[3]),
      }
    : undefined;
  activeAssignments.set(condition, assignment);
  return assignment;
}
