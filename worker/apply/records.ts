/**
 * From a key's current value to the rows of a job's `relational.write` outputs (plain mapping; transform
 * blocks come on top of this). Pure: runs in a piscina thread.
 *
 * - The record is the value's fields: a hash's fields; a string holding a JSON object, its members; a
 *   RedisJSON document, its members; any other string, `{value}`. Nested objects and arrays are written as
 *   JSON text.
 * - An upsert writes every mapped column; a mapped field missing from the record writes NULL (the row mirrors
 *   the key: HDEL of a field clears its column).
 * - A key column missing from the record, and every key column of a delete (the key is gone, so is its
 *   value), is taken from the parts of the Redis key matched by the `*` of `key_pattern`, in order: with
 *   `key_pattern: emp:*` and `keys: [emp_id]`, `emp:7` has emp_id 7. When the pattern has not exactly one `*`
 *   per key column the record is rejected with a message saying so.
 */
import jmespath from 'jmespath';
import type { ColumnValue, RowChange } from '../targets/mysql/index.js';
import { compileKeyPattern } from './key-pattern.js';
import type { KeyPattern } from './key-pattern.js';
import type {
  ApplyJob,
  RedisValue,
  SourceRecord,
  TransformReject,
  TransformResult,
  TransformTask,
} from './types.js';

type Record_ = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

type Getter = (record: Record_) => unknown;

const getters = new Map<string, Getter>();
const patterns = new Map<string, KeyPattern>();

/** A field name or dotted path is read directly; anything else is evaluated as JMESPath (compiled once). */
function getter(expression: string): Getter {
  let get = getters.get(expression);
  if (get) return get;
  if (IDENTIFIER.test(expression)) {
    get = (record) => record[expression];
  } else if (DOTTED.test(expression)) {
    const path = expression.split('.');
    get = (record) => {
      let value: unknown = record;
      for (const step of path) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Record_)[step];
      }
      return value;
    };
  } else {
    get = (record) => jmespath.search(record, expression) as unknown;
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
        'UNSUPPORTED_TYPE',
        `a ${value.type === 'set' ? 'set' : 'sorted set'} cannot be written by relational.write yet; ` +
          'track hashes, strings or JSON with this job',
      );
    case 'other':
      throw new RecordError(
        'UNSUPPORTED_TYPE',
        `the key holds a ${value.redisType}, which relational.write cannot write; track hashes, strings or JSON`,
      );
  }
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

/** Runs the transform task: every record through every job that tracks it. */
export function transformRecords(task: TransformTask): TransformResult {
  const result: TransformResult = { rows: [], rejects: [], filtered: task.jobs.map(() => 0) };
  for (const record of task.records) {
    let fields: Record_ | undefined;
    let failure: RecordError | undefined;
    try {
      fields = recordOf(record.value);
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
      job.outputs.forEach((_, outputIndex) => {
        const row = rowFor(job, outputIndex, record, fields);
        if ('error' in row) result.rejects.push({ ...row.error, job: jobIndex });
        else result.rows.push({ job: jobIndex, output: outputIndex, change: row.change });
      });
    }
  }
  return result;
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

function rowFor(
  job: ApplyJob,
  outputIndex: number,
  record: SourceRecord,
  fields: Record_ | undefined,
): { change: RowChange } | { error: TransformReject } {
  const output = job.outputs[outputIndex] as ApplyJob['outputs'][number];
  const table = `${output.table.schema ?? ''}${output.table.schema ? '.' : ''}${output.table.table}`;
  const values: Record<string, ColumnValue> = {};
  const fail = (code: string, message: string): { error: TransformReject } => ({
    error: reject(-1, record, table, { ...values }, code, message),
  });
  let captures: string[] | undefined;
  const fromKey = (column: string, position: number): ColumnValue | { error: string } => {
    const pattern = keyPattern(job.keyPattern);
    captures ??= pattern.captures(record.key) ?? [];
    if (pattern.wildcards !== output.keys.length || captures.length !== output.keys.length) {
      return {
        error:
          `key column ${column} has no value: ${fields ? `the record has no field for it` : 'the key was deleted'} ` +
          `and key_pattern ${JSON.stringify(job.keyPattern)} has ${pattern.wildcards} "*" for ` +
          `${output.keys.length} key column(s), so the key cannot give it; use one "*" per key column`,
      };
    }
    return captures[position] ?? null;
  };

  try {
    for (const [position, key] of output.keys.entries()) {
      let value: ColumnValue = fields ? columnValue(getter(key.expression)(fields)) : null;
      if (value === null || value === '') {
        const derived = fromKey(key.target, position);
        if (typeof derived === 'object' && derived !== null) return fail('MISSING_KEY', derived.error);
        value = derived;
      }
      values[key.target] = value;
    }
    if (!fields) return { change: { key: record.key, op: 'delete', values, entryId: record.entryId } };
    const isKey = (column: string): boolean =>
      column in values && output.keys.some((key) => key.target === column);
    if (output.mapping.length === 0) {
      // Every field under its own name: a name is not an expression here (`e-mail`, `user.name` are fields).
      for (const [name, value] of Object.entries(fields)) {
        if (!isKey(name)) values[name] = columnValue(value);
      }
    }
    for (const column of output.mapping) {
      if (!isKey(column.target)) values[column.target] = columnValue(getter(column.expression)(fields));
    }
  } catch (error) {
    return fail('EXPRESSION', `an expression failed: ${(error as Error).message}`);
  }
  return { change: { key: record.key, op: 'upsert', values, entryId: record.entryId } };
}
