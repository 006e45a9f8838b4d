/**
 * Dead-letter records <-> stream entry fields. Every entry has the same eight fields in the same order
 * (absent optional ones as empty strings), so that Redis stores the field names once per stream node.
 * `values` is JSON so that numbers, booleans and null come back as they went in.
 */
import { InvalidArgumentError } from '../errors.js';
import { streamIdMs } from './stream-id.js';
import { MALFORMED_ENTRY } from './types.js';
import type { DeadLetterRecord, DeadLetterValue, StoredDeadLetter } from './types.js';

const REQUIRED_FIELDS = ['key', 'table', 'values', 'error_code', 'error', 'rejected_at'] as const;

/**
 * The flat field/value list of one XADD: key, table, values, error_code, error, column, entry_id,
 * rejected_at. Throws InvalidArgumentError (naming the record) on a bad record. */
export function encodeRecord(record: DeadLetterRecord, job: string, index: number): string[] {
  const problem = recordProblem(record, job);
  if (problem) {
    throw new InvalidArgumentError(`dead-letter record ${index} ${problem}`, {
      context: { job, index, key: typeof record?.key === 'string' ? record.key : undefined },
    });
  }
  return [
    'key',
    record.key,
    'table',
    record.table,
    'values',
    JSON.stringify(record.values),
    'error_code',
    record.errorCode,
    'error',
    record.error,
    'column',
    record.column ?? '',
    'entry_id',
    record.entryId ?? '',
    'rejected_at',
    String(record.rejectedAt),
  ];
}

function recordProblem(record: DeadLetterRecord | undefined, job: string): string | undefined {
  if (typeof record !== 'object' || record === null) return 'must be an object';
  if (record.job !== job) {
    return `belongs to job ${JSON.stringify(record.job)}, not to ${JSON.stringify(job)}`;
  }
  for (const field of ['key', 'table', 'errorCode', 'error'] as const) {
    if (typeof record[field] !== 'string') return `${field} must be a string`;
  }
  for (const field of ['column', 'entryId'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      return `${field} must be a string when given`;
    }
  }
  if (!isValues(record.values)) {
    return 'values must be an object of strings, numbers, booleans and nulls';
  }
  if (!Number.isSafeInteger(record.rejectedAt) || record.rejectedAt < 0) {
    return `rejectedAt must be a non-negative integer of milliseconds (got ${String(record.rejectedAt)})`;
  }
  return undefined;
}

function isValues(values: unknown): values is Record<string, DeadLetterValue> {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
  return Object.values(values).every(
    (value) =>
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)),
  );
}

/**
 * Decodes one stream entry. An entry that Ferry did not write (a field missing, values that are not a JSON
 * object of scalars, a bad time) is not thrown at the caller, which would make the whole queue unreadable:
 * it comes back with the error code {@link MALFORMED_ENTRY} and a message that says what is wrong.
 */
export function decodeEntry(job: string, id: string, flat: readonly unknown[]): StoredDeadLetter {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    if (typeof name === 'string' && typeof value === 'string') fields.set(name, value);
  }
  const malformed = (problem: string): StoredDeadLetter => ({
    id,
    job,
    key: fields.get('key') ?? '',
    table: fields.get('table') ?? '',
    values: {},
    errorCode: MALFORMED_ENTRY,
    error: `not a Ferry dead-letter record (${problem}); it cannot be replayed: purge it`,
    rejectedAt: streamIdMs(id),
  });

  const missing = REQUIRED_FIELDS.filter((field) => !fields.has(field));
  if (missing.length > 0)
    return malformed(`missing field${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  let values: unknown;
  try {
    values = JSON.parse(fields.get('values') ?? '');
  } catch {
    return malformed('values is not JSON');
  }
  if (!isValues(values))
    return malformed('values is not a JSON object of strings, numbers, booleans and nulls');
  const rejectedAtText = fields.get('rejected_at') ?? '';
  const rejectedAt = /^\d+$/.test(rejectedAtText) ? Number(rejectedAtText) : Number.NaN;
  if (!Number.isSafeInteger(rejectedAt)) return malformed(`rejected_at is not a time in milliseconds`);

  const record: StoredDeadLetter = {
    id,
    job,
    key: fields.get('key') ?? '',
    table: fields.get('table') ?? '',
    values,
    errorCode: fields.get('error_code') ?? '',
    error: fields.get('error') ?? '',
    rejectedAt,
  };
  const column = fields.get('column');
  if (column) record.column = column;
  const entryId = fields.get('entry_id');
  if (entryId) record.entryId = entryId;
  return record;
}
