/**
 * Converts an incoming value (Redis gives strings) to what a MySQL/MariaDB column takes, or rejects the row
 * with a reason. Pure: the catalog decides the column type (column-types.ts), this file decides the value.
 *
 * The rules, decided once for every target:
 * - NULL: `null` is NULL. It is rejected (NOT_NULL) for a NOT NULL column, except an AUTO_INCREMENT one; it
 *   is never replaced by the column's default (leave the column out of the mapping for that).
 * - Empty string: a value for CHAR/VARCHAR/TEXT, BINARY/BLOB and SET (the empty set), and for an ENUM that
 *   lists ''. For every other type (numbers, BIT, booleans, dates and times, YEAR, JSON, UUID/INET) it means
 *   NULL, and so it is rejected (NOT_NULL) for a NOT NULL column.
 * - Integers: optional sign and digits only ("12", "-3"; not "1.5", "1e3", "0x10"); the range comes from
 *   the type and UNSIGNED. TINYINT(1) (BOOLEAN) and BIT(1) also take true/false, yes/no, on/off (any case).
 *   JS booleans are 1/0. Integers are sent as numeric literals, so BIGINT keys compare exactly.
 * - DECIMAL(p,s): plain or exponent notation; more than p-s integer digits is OUT_OF_RANGE, more than s
 *   digits after the point is rejected (CONVERSION), never rounded. Sent as an exact numeric literal.
 * - FLOAT/DOUBLE: decimal or exponent notation; NaN and infinities are rejected, FLOAT beyond ±3.4e38 is
 *   OUT_OF_RANGE. The server rounds to the type's precision.
 * - DATE/DATETIME/TIMESTAMP: ISO 8601 (with or without `T`, `Z` or an offset) or epoch milliseconds; see
 *   temporal.ts. Written in UTC (the writer's sessions use time_zone '+00:00'). Fraction digits beyond the
 *   column's precision are truncated, never rounded (a time never moves to the next second or day). A DATE
 *   rejects a value with a time of day other than midnight UTC.
 * - TIME: `[-]H:MM[:SS[.f]]`, -838:59:59 to 838:59:59. YEAR: four digits, 1901-2155, or 0000.
 * - CHAR/VARCHAR: length counted in characters (code points) against the declared length; TEXT types:
 *   bytes in the column's character set against the type's byte limit. Too long is DATA_TOO_LONG.
 * - ENUM/SET: members from COLUMN_TYPE, matched case-insensitively unless the collation is binary or
 *   case-sensitive; written as declared. A SET takes comma-separated members.
 * - JSON: must parse; written as received.
 * - BINARY/VARBINARY/BLOB: the string's UTF-8 bytes, as they are (not base64); length in bytes.
 * - JS numbers and booleans given to a text column are written as their string form.
 */
import type { ColumnType, TargetColumn } from './column-types.js';
import type { Instant, Parsed } from './temporal.js';
import type { ColumnValue, RejectCode } from './types.js';
import {
  describeTimeOfDay,
  formatDate,
  formatDateTime,
  formatTime,
  instantFromEpochMillis,
  isMidnight,
  parseInstant,
  parseTime,
} from './temporal.js';

/** An exact numeric literal (DECIMAL); mysql2 writes `toSqlString()` as is. Built only from validated digits. */
export class DecimalLiteral {
  constructor(readonly text: string) {}
  toSqlString(): string {
    return this.text;
  }
}

/** A value ready for mysql2's placeholder escaping. */
export type SqlParam = string | number | bigint | Buffer | DecimalLiteral | null;

export type Conversion = { ok: true; value: SqlParam } | { ok: false; code: RejectCode; message: string };

const BOOLEAN_WORDS = new Map<string, bigint>([
  ['true', 1n],
  ['false', 0n],
  ['yes', 1n],
  ['no', 0n],
  ['on', 1n],
  ['off', 0n],
]);
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT_MAX = 3.402823466e38;
const PREVIEW_CHARS = 40;

/** Converts `value` for `column`; `undefined` is treated like null (callers drop undefined values first). */
export function convertValue(column: TargetColumn, value: ColumnValue | undefined): Conversion {
  const emptyMeansNull = value === '' && !holdsEmptyString(column.type);
  if (value === null || value === undefined || emptyMeansNull) {
    if (column.nullable || column.autoIncrement) return { ok: true, value: null };
    const why = emptyMeansNull ? ` (an empty string counts as NULL for ${column.sqlType})` : '';
    return { ok: false, code: 'NOT_NULL', message: `column ${column.name} is NOT NULL and got NULL${why}` };
  }
  const result = convertPresent(column.type, value);
  if (result.ok) return result;
  return {
    ok: false,
    code: result.code,
    message: `column ${column.name} ${column.sqlType} cannot take ${preview(value)}: ${result.reason}`,
  };
}

type Outcome = { ok: true; value: SqlParam } | { ok: false; code: RejectCode; reason: string };

function convertPresent(type: ColumnType, value: string | number | boolean): Outcome {
  switch (type.kind) {
    case 'integer':
      return convertInteger(type.min, type.max, type.boolean, value);
    case 'bit':
      return convertBit(type.bits, value);
    case 'decimal':
      return convertDecimal(type.precision, type.scale, type.unsigned, value);
    case 'float':
      return convertFloat(type.single, type.unsigned, value);
    case 'date':
      return withInstant(value, (instant) => {
        if (!isMidnight(instant)) {
          return conversion(
            `it has a time of day (${describeTimeOfDay(instant)} UTC) that a DATE would drop`,
          );
        }
        return formattedOrRange(formatDate(instant));
      });
    case 'datetime':
      return withInstant(value, (instant) => formattedOrRange(formatDateTime(instant, type.fsp)));
    case 'time':
      return convertTime(type.fsp, value);
    case 'year':
      return convertYear(value);
    case 'text':
      return convertText(type.maxChars, type.maxBytes, type.charset, textOf(value));
    case 'binary':
      return convertBinary(type.maxBytes, textOf(value));
    case 'enum':
      return convertEnum(type.members, type.caseSensitive, textOf(value));
    case 'set':
      return convertSet(type.members, type.caseSensitive, textOf(value));
    case 'json':
      return convertJson(type.maxBytes, value);
    case 'passthrough':
      return { ok: true, value: textOf(value) };
    case 'unsupported':
      return conversion('the writer does not support this column type');
  }
}

/** Whether the empty string is a value of this type rather than NULL (see the header). */
function holdsEmptyString(type: ColumnType): boolean {
  switch (type.kind) {
    case 'text':
    case 'binary':
    case 'set':
      return true;
    case 'enum':
      return type.members.includes('');
    default:
      return false;
  }
}

function conversion(reason: string): Outcome {
  return { ok: false, code: 'CONVERSION', reason };
}

function outOfRange(reason: string): Outcome {
  return { ok: false, code: 'OUT_OF_RANGE', reason };
}

function textOf(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function parseInteger(value: string | number | boolean): bigint | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  const trimmed = value.trim();
  return INTEGER_TEXT.test(trimmed) ? BigInt(trimmed) : undefined;
}

function booleanWord(value: string | number | boolean): bigint | undefined {
  return typeof value === 'string' ? BOOLEAN_WORDS.get(value.trim().toLowerCase()) : undefined;
}

function convertInteger(
  min: bigint,
  max: bigint,
  acceptsWords: boolean,
  value: string | number | boolean,
): Outcome {
  const parsed = parseInteger(value) ?? (acceptsWords ? booleanWord(value) : undefined);
  if (parsed === undefined) {
    return conversion(
      acceptsWords ? 'expected an integer or true/false, yes/no, on/off' : 'expected an integer',
    );
  }
  if (parsed < min || parsed > max) return outOfRange(`the range is ${min} to ${max}`);
  return { ok: true, value: parsed };
}

function convertBit(bits: number, value: string | number | boolean): Outcome {
  const parsed = parseInteger(value) ?? (bits === 1 ? booleanWord(value) : undefined);
  if (parsed === undefined) {
    return conversion(bits === 1 ? 'expected 1/0, true/false, yes/no, on/off' : 'expected an integer');
  }
  const max = (1n << BigInt(bits)) - 1n;
  if (parsed < 0n || parsed > max) return outOfRange(`the range is 0 to ${max}`);
  return { ok: true, value: parsed };
}

function convertDecimal(
  precision: number,
  scale: number,
  unsigned: boolean,
  value: string | number | boolean,
): Outcome {
  if (typeof value === 'boolean') return conversion('expected a decimal number');
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match || !/\d/.test(text.split(/[eE]/)[0] ?? '')) return conversion('expected a decimal number');
  const [, sign = '', integerText = '', fractionText = '', exponentText] = match;
  const digits = integerText + fractionText;
  const point = integerText.length + Number(exponentText ?? 0);
  let integerPart: string;
  let fractionPart: string;
  if (point <= 0) {
    integerPart = '';
    fractionPart = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    integerPart = digits + '0'.repeat(point - digits.length);
    fractionPart = '';
  } else {
    integerPart = digits.slice(0, point);
    fractionPart = digits.slice(point);
  }
  integerPart = integerPart.replace(/^0+/, '');
  fractionPart = fractionPart.replace(/0+$/, '');
  const isZero = integerPart === '' && fractionPart === '';
  if (unsigned && sign === '-' && !isZero) return outOfRange('the column is UNSIGNED');
  if (integerPart.length > precision - scale) {
    return outOfRange(`at most ${precision - scale} digits before the decimal point`);
  }
  if (fractionPart.length > scale) {
    return conversion(
      `${fractionPart.length} digits after the decimal point, at most ${scale} (values are not rounded)`,
    );
  }
  const literal = `${sign === '-' && !isZero ? '-' : ''}${integerPart || '0'}${fractionPart ? `.${fractionPart}` : ''}`;
  return { ok: true, value: new DecimalLiteral(literal) };
}

function convertFloat(single: boolean, unsigned: boolean, value: string | number | boolean): Outcome {
  if (typeof value === 'boolean') return conversion('expected a number');
  let number: number;
  if (typeof value === 'number') {
    number = value;
  } else {
    const trimmed = value.trim();
    if (!FLOAT_TEXT.test(trimmed)) return conversion('expected a number');
    number = Number(trimmed);
  }
  if (Number.isNaN(number)) return conversion('NaN is not a value MySQL stores');
  if (!Number.isFinite(number) || (single && Math.abs(number) > FLOAT_MAX)) {
    return outOfRange(single ? 'FLOAT holds at most ±3.402823466e38' : 'beyond DOUBLE');
  }
  if (unsigned && number < 0) return outOfRange('the column is UNSIGNED');
  return { ok: true, value: Object.is(number, -0) ? 0 : number };
}

function withInstant(value: string | number | boolean, format: (instant: Instant) => Outcome): Outcome {
  let parsed: Parsed<Instant>;
  if (typeof value === 'boolean') return conversion('expected an ISO 8601 date-time or epoch milliseconds');
  if (typeof value === 'number') parsed = instantFromEpochMillis(value);
  else parsed = parseInstant(value);
  if (!parsed.ok) return conversion(`${parsed.reason} (expected ISO 8601 or epoch milliseconds)`);
  return format(parsed.value);
}

function formattedOrRange(literal: string | undefined): Outcome {
  return literal === undefined ? outOfRange('the year must be 0001 to 9999') : { ok: true, value: literal };
}

function convertTime(fsp: number, value: string | number | boolean): Outcome {
  if (typeof value !== 'string') return conversion('expected a time as H:MM[:SS[.fraction]]');
  const parsed = parseTime(value);
  if (!parsed.ok) return conversion(parsed.reason);
  const literal = formatTime(parsed.value, fsp);
  return literal === undefined
    ? outOfRange('the range is -838:59:59 to 838:59:59')
    : { ok: true, value: literal };
}

function convertYear(value: string | number | boolean): Outcome {
  let year: number;
  if (typeof value === 'number' && Number.isInteger(value)) year = value;
  else if (typeof value === 'string' && /^\d{4}$/.test(value.trim())) year = Number(value.trim());
  else return conversion('expected a four-digit year');
  if (year !== 0 && (year < 1901 || year > 2155)) return outOfRange('the range is 1901 to 2155, or 0000');
  return { ok: true, value: year };
}

function convertText(
  maxChars: number | null,
  maxBytes: number | null,
  charset: string | null,
  text: string,
): Outcome {
  // A string of n UTF-16 units has at most n code points, so only long strings need counting.
  if (maxChars !== null && text.length > maxChars) {
    const characters = countCodePoints(text);
    if (characters > maxChars) {
      return { ok: false, code: 'DATA_TOO_LONG', reason: `${characters} characters, at most ${maxChars}` };
    }
  }
  if (maxBytes !== null) {
    const bytes = byteLengthIn(charset, text);
    if (bytes !== undefined && bytes > maxBytes) {
      return {
        ok: false,
        code: 'DATA_TOO_LONG',
        reason: `${bytes} bytes in ${charset ?? 'its charset'}, at most ${maxBytes}`,
      };
    }
  }
  return { ok: true, value: text };
}

function convertBinary(maxBytes: number | null, text: string): Outcome {
  const bytes = Buffer.from(text, 'utf8');
  if (maxBytes !== null && bytes.length > maxBytes) {
    return { ok: false, code: 'DATA_TOO_LONG', reason: `${bytes.length} bytes, at most ${maxBytes}` };
  }
  return { ok: true, value: bytes };
}

function findMember(members: string[], caseSensitive: boolean, candidate: string): string | undefined {
  if (members.includes(candidate)) return candidate;
  if (caseSensitive) return undefined;
  const lower = candidate.toLowerCase();
  return members.find((member) => member.toLowerCase() === lower);
}

function listMembers(members: string[]): string {
  return members.map((member) => `'${member}'`).join(', ');
}

function convertEnum(members: string[], caseSensitive: boolean, text: string): Outcome {
  const member = findMember(members, caseSensitive, text);
  if (member === undefined) return conversion(`expected one of ${listMembers(members)}`);
  return { ok: true, value: member };
}

function convertSet(members: string[], caseSensitive: boolean, text: string): Outcome {
  if (text === '') return { ok: true, value: '' };
  const chosen = new Set<string>();
  for (const part of text.split(',')) {
    const member = findMember(members, caseSensitive, part);
    if (member === undefined)
      return conversion(`'${part}' is not a member; members are ${listMembers(members)}`);
    chosen.add(member);
  }
  return { ok: true, value: members.filter((member) => chosen.has(member)).join(',') };
}

function convertJson(maxBytes: number | null, value: string | number | boolean): Outcome {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    JSON.parse(text);
  } catch (error) {
    return conversion(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (maxBytes !== null && bytes > maxBytes) {
    return { ok: false, code: 'DATA_TOO_LONG', reason: `${bytes} bytes, at most ${maxBytes}` };
  }
  return { ok: true, value: text };
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // A high surrogate followed by a low one is a single character.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
    }
    count += 1;
  }
  return count;
}

/** The text's length in bytes in a MySQL character set; undefined for sets we do not model (the server checks). */
export function byteLengthIn(charset: string | null, text: string): number | undefined {
  switch ((charset ?? '').toLowerCase()) {
    case 'utf8mb4':
    case 'utf8mb3':
    case 'utf8':
      return Buffer.byteLength(text, 'utf8');
    case 'latin1':
    case 'ascii':
    case 'binary':
    case 'latin2':
    case 'latin5':
    case 'latin7':
    case 'cp1250':
    case 'cp1251':
    case 'cp1256':
    case 'cp1257':
      return countCodePoints(text);
    case 'ucs2':
      return countCodePoints(text) * 2;
    case 'utf16':
    case 'utf16le':
      return text.length * 2;
    case 'utf32':
      return countCodePoints(text) * 4;
    default:
      return undefined;
  }
}

/** A short, quoted preview of a value for messages: at most 40 characters of it. */
export function preview(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  if (value.length <= PREVIEW_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}... (${value.length} characters)`;
}
