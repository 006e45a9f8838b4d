/**
 * SQL values inside the evaluator and SQLite's rules for converting between them.
 *
 * SQLite tells INTEGER from REAL (`5 / 2` is 2, `5.0 / 2` is 2.5, `typeof(1.0)` is 'real'). Here a plain JS
 * number is an INTEGER when it is integral and in the 64-bit range, and a REAL otherwise; a REAL whose value
 * happens to be integral (5.0) is boxed in a `RealValue` so that it keeps its kind. Booleans are INTEGERs 1
 * and 0 that remember they were booleans, so that `a > 1` hands back `true`, not 1. Records are read through
 * `fromRecord`, results leave through `toPublic`: nothing else of this module shows outside.
 */
import { realText } from './decimal.js';
import { SqlEvaluationError } from './errors.js';

/** A REAL whose value is integral, such as 5.0: boxed so that it is not taken for the INTEGER 5. */
export class RealValue {
  constructor(readonly value: number) {}
}

/** A value during evaluation; `null` is SQL NULL. */
export type Value = string | number | boolean | null | RealValue;

/** A number-like value: INTEGER or REAL (booleans are turned into 1 and 0 before they get here). */
export type Numeric = number | RealValue;

/** SQLite's storage classes, as `TYPEOF` names them. */
export type SqlType = 'null' | 'integer' | 'real' | 'text';

const TWO_TO_63 = 9223372036854775808;

/** Whether a plain number is an INTEGER: integral and within the 64-bit range. */
export function isIntegral(n: number): boolean {
  return Number.isInteger(n) && n >= -TWO_TO_63 && n < TWO_TO_63;
}

/** A REAL result: integral values are boxed so they stay REAL; NaN (no SQL value) becomes NULL. */
export function real(n: number): Numeric | null {
  if (Number.isNaN(n)) return null;
  return isIntegral(n) ? new RealValue(n) : n;
}

/** The JS number of an INTEGER, REAL or boolean. */
export function numberOf(v: Numeric | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v.value;
}

/** Whether a numeric value is an INTEGER (as opposed to a REAL). */
export function isIntegerValue(v: Numeric): v is number {
  return typeof v === 'number' && isIntegral(v);
}

export function sqlTypeOf(v: Value): SqlType {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'boolean') return 'integer';
  if (typeof v === 'number') return isIntegral(v) ? 'integer' : 'real';
  return 'real';
}

/** The text of a value as SQLite writes it: `12`, `12.5`, `5.0`, `1.0e+20`; booleans are `1` and `0`. */
export function toText(v: Value): string | null {
  if (typeof v === 'string') return v;
  if (v === null) return null;
  if (typeof v === 'number') return isIntegral(v) ? String(v) : realText(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return realText(v.value);
}

/** The text of a non-NULL value. */
export function textOf(v: Exclude<Value, null>): string {
  return toText(v) ?? '';
}

// ---------------------------------------------------------------------------------------------------------
// Text to number

/** A number read from the start of a text, the way SQLite's sqlite3AtoF reads one. */
export interface NumberInText {
  /** The number; 0 when the text does not start with one. */
  readonly value: number;
  /** True when the number was written as an integer (no point, no exponent) and fits 64 bits. */
  readonly integer: boolean;
  /** True when the whole text is that number, apart from surrounding white space. */
  readonly complete: boolean;
}

const NOT_A_NUMBER: NumberInText = { value: 0, integer: true, complete: false };

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reads `[space] [+-] digits [. digits] [e [+-] digits]` from the start of `text`. */
export function readNumber(text: string): NumberInText {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const start = i;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) i++; // + -
  let digits = 0;
  while (i < n && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  let integer = true;
  if (text.charCodeAt(i) === 46) {
    // '.'
    let j = i + 1;
    let fraction = 0;
    while (j < n && isDigit(text.charCodeAt(j))) {
      j++;
      fraction++;
    }
    if (digits + fraction > 0) {
      i = j;
      digits += fraction;
      integer = false;
    }
  }
  if (digits === 0) return NOT_A_NUMBER;
  c = text.charCodeAt(i);
  if (c === 101 || c === 69) {
    // e E: an exponent only when digits follow
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      i = j;
      integer = false;
    }
  }
  const value = Number(text.slice(start, i));
  let end = i;
  while (end < n && isSpace(text.charCodeAt(end))) end++;
  return { value, integer: integer && isIntegral(value), complete: end === n };
}

/** `'123'` or `'-45'` (up to 15 digits, nothing else) as a number without allocating; undefined otherwise. */
function plainInteger(text: string): number | undefined {
  const n = text.length;
  if (n === 0 || n > 15) return undefined;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return undefined;
  const negative = i === 1;
  let value = 0;
  for (; i < n; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? 0 - value : value;
}

/**
 * A text used as a number in arithmetic, as SQLite does it: the number it starts with, INTEGER when written
 * as one (`'12abc'` is 12, `'12.5'` is 12.5, `'5.0'` is the REAL 5.0, `'abc'` is 0).
 */
function numericOfText(text: string): Numeric {
  const plain = plainInteger(text);
  if (plain !== undefined) return plain;
  const read = readNumber(text);
  return read.integer ? read.value : new RealValue(read.value);
}

/**
 * The number a text stands for under numeric affinity (when it is compared with a number, or handed to a
 * function that wants a number): only a text that is a whole number literal, white space aside, counts;
 * `undefined` otherwise. The result is a plain number, so an integral value is an INTEGER (`'3.0e+5'` is
 * 300000) as in a NUMERIC column.
 */
export function numericTextValue(text: string): number | undefined {
  const plain = plainInteger(text);
  if (plain !== undefined) return plain;
  const read = readNumber(text);
  return read.complete ? read.value : undefined;
}

/** A value as a number for arithmetic; NULL stays NULL, text follows `numericOfText`. */
export function toNumeric(v: Value): Numeric | null {
  if (typeof v === 'number' || v === null) return v;
  if (typeof v === 'string') return numericOfText(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** A value as a condition: non-zero numbers are true, text counts by the number it starts with, NULL is NULL. */
export function truth(v: Value): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === null) return null;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return readNumber(v).value !== 0;
  return v.value !== 0;
}

// ---------------------------------------------------------------------------------------------------------
// Comparison

/** Text order by code point (what SQLite's BINARY collation gives for UTF-8), not by UTF-16 unit. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (astral code points) sort after U+E000..U+FFFF in code point order.
        x += x < 0xe000 ? 0x2000 : -0x800;
        y += y < 0xe000 ? 0x2000 : -0x800;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

function compareNumbers(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders two non-NULL values: numbers numerically; texts by code point; a number against a text that is a
 * number literal (`'12'`, as Redis hashes hold them) numerically, against any other text as smaller.
 */
export function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if (typeof a === 'string') {
    if (typeof b === 'string') return compareText(a, b);
    const n = numericTextValue(a);
    return n === undefined ? 1 : compareNumbers(n, numberOf(b));
  }
  if (typeof b === 'string') {
    const n = numericTextValue(b);
    return n === undefined ? -1 : compareNumbers(numberOf(a), n);
  }
  return compareNumbers(numberOf(a), numberOf(b));
}

/** `a = b` with three-valued logic. */
export function equals(a: Value, b: Value): boolean | null {
  if (a === null || b === null) return null;
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  return compareValues(a, b) === 0;
}

// ---------------------------------------------------------------------------------------------------------
// The boundary: records in, results out

/** A record's value as an SQL value: objects and arrays become their JSON text, undefined and NaN NULL. */
export function fromRecord(v: unknown, field: string): Value {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isNaN(v) ? null : v;
    case 'bigint': {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v.toString();
    }
    case 'object':
      return v === null ? null : objectText(v, field);
    default:
      return null;
  }
}

function objectText(v: object, field: string): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  try {
    return JSON.stringify(v, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
  } catch (error) {
    throw new SqlEvaluationError(`field "${field}" holds an object that cannot be written as JSON text`, {
      cause: error,
    });
  }
}

/** The value handed back to callers: REALs unboxed. */
export function toPublic(v: Value): string | number | boolean | null {
  return v instanceof RealValue ? v.value : v;
}

/** A value as messages show it: `text 'abc'`, `integer 5`, `real 2.5`, `NULL`. */
export function describeValue(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') {
    const shown = v.length > 40 ? `${v.slice(0, 40)}...` : v;
    return `text '${shown.replace(/'/g, "''")}'`;
  }
  return `${sqlTypeOf(v)} ${textOf(v)}`;
}
