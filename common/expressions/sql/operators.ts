/**
 * The operators of the `sql` expression language with SQLite's semantics: arithmetic that keeps INTEGER and
 * REAL apart (`7 / 2` is 3, division by zero is NULL), bitwise operators on 64-bit integers, `||`, and CAST
 * with SQLite's type affinities (LIKE and GLOB are in patterns.ts). NULL in, NULL out, everywhere.
 */
import {
  RealValue,
  isIntegerValue,
  isIntegral,
  numberOf,
  readNumber,
  real,
  textOf,
  toNumeric,
  toText,
  truth,
} from './values.js';
import type { Value } from './values.js';

// ---------------------------------------------------------------------------------------------------------
// Arithmetic

/** `a + b`. The common case of two plain numbers stays on a short path. */
export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return plainResult(a + b, a, b);
  return arithmetic(a, b, '+');
}

export function subtract(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return plainResult(a - b, a, b);
  return arithmetic(a, b, '-');
}

export function multiply(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return plainResult(a * b, a, b);
  return arithmetic(a, b, '*');
}

/** The result of an operation on two plain numbers: REAL when either was, even if the result is integral. */
function plainResult(r: number, a: number, b: number): Value {
  if (Number.isInteger(r)) {
    return Number.isInteger(a) && Number.isInteger(b) ? r : new RealValue(r);
  }
  return Number.isNaN(r) ? null : r;
}

function arithmetic(a: Value, b: Value, operator: '+' | '-' | '*'): Value {
  const x = toNumeric(a);
  if (x === null) return null;
  const y = toNumeric(b);
  if (y === null) return null;
  const xv = numberOf(x);
  const yv = numberOf(y);
  const r = operator === '+' ? xv + yv : operator === '-' ? xv - yv : xv * yv;
  return isIntegerValue(x) && isIntegerValue(y) ? r : real(r);
}

/** `a / b`: INTEGER division truncates, as in SQLite; dividing by zero gives NULL. */
export function divide(a: Value, b: Value): Value {
  const x = toNumeric(a);
  if (x === null) return null;
  const y = toNumeric(b);
  if (y === null) return null;
  const xv = numberOf(x);
  const yv = numberOf(y);
  if (yv === 0) return null;
  // x - x % y is an exact multiple of y, so the quotient is exact where x / y could round up.
  if (isIntegerValue(x) && isIntegerValue(y)) return (xv - (xv % yv)) / yv + 0;
  return real(xv / yv);
}

/** `a % b`: both sides are truncated to integers first; REAL when either was REAL; `% 0` is NULL. */
export function remainder(a: Value, b: Value): Value {
  const x = toNumeric(a);
  if (x === null) return null;
  const y = toNumeric(b);
  if (y === null) return null;
  const xv = Math.trunc(numberOf(x));
  const yv = Math.trunc(numberOf(y));
  if (yv === 0 || !Number.isFinite(xv) || !Number.isFinite(yv)) return null;
  const r = (xv % yv) + 0;
  return isIntegerValue(x) && isIntegerValue(y) ? r : real(r);
}

/** Unary minus. */
export function negate(v: Value): Value {
  const x = toNumeric(v);
  if (x === null) return null;
  if (x instanceof RealValue) return new RealValue(-x.value);
  return isIntegral(x) ? 0 - x : -x;
}

// ---------------------------------------------------------------------------------------------------------
// Bitwise operators, on 64-bit two's complement integers as in SQLite

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function toInt64(v: Value): bigint | null {
  const x = toNumeric(v);
  if (x === null) return null;
  const n = Math.trunc(numberOf(x));
  if (n >= 9223372036854775808) return INT64_MAX;
  if (n < -9223372036854775808) return INT64_MIN;
  return BigInt(n);
}

function fromInt64(n: bigint): number {
  return Number(BigInt.asIntN(64, n));
}

export function bitNot(v: Value): Value {
  const x = toInt64(v);
  return x === null ? null : fromInt64(~x);
}

export function bitAnd(a: Value, b: Value): Value {
  const x = toInt64(a);
  const y = toInt64(b);
  return x === null || y === null ? null : fromInt64(x & y);
}

export function bitOr(a: Value, b: Value): Value {
  const x = toInt64(a);
  const y = toInt64(b);
  return x === null || y === null ? null : fromInt64(x | y);
}

/** `a << b`; a negative count shifts the other way, 64 or more shifts everything out. */
export function shiftLeft(a: Value, b: Value): Value {
  const x = toInt64(a);
  const y = toInt64(b);
  if (x === null || y === null) return null;
  return fromInt64(shift(x, y));
}

export function shiftRight(a: Value, b: Value): Value {
  const x = toInt64(a);
  const y = toInt64(b);
  if (x === null || y === null) return null;
  return fromInt64(shift(x, -y));
}

function shift(x: bigint, left: bigint): bigint {
  if (left >= 64n) return 0n;
  if (left <= -64n) return x < 0n ? -1n : 0n;
  return left >= 0n ? BigInt.asIntN(64, x << left) : x >> -left;
}

// ---------------------------------------------------------------------------------------------------------
// Text

/** `a || b`: both sides as text; NULL when either is NULL. */
export function concat(a: Value, b: Value): Value {
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a === null || b === null) return null;
  return textOf(a) + textOf(b);
}

// ---------------------------------------------------------------------------------------------------------
// CAST

/** What a CAST converts to, from the type name by SQLite's affinity rules (plus BOOLEAN). */
export type CastTarget = 'INTEGER' | 'REAL' | 'NUMERIC' | 'TEXT' | 'BLOB' | 'BOOLEAN';

/**
 * SQLite's rules, in order: a name containing INT is INTEGER; CHAR, CLOB or TEXT is TEXT; BLOB is BLOB;
 * REAL, FLOA or DOUB is REAL; anything else (NUMERIC, DECIMAL, DATE...) is NUMERIC. BOOL and BOOLEAN, which
 * SQLite would read as NUMERIC, give a boolean here.
 */
export function castTarget(typeName: string): CastTarget {
  const name = typeName.toUpperCase();
  if (name === 'BOOLEAN' || name === 'BOOL') return 'BOOLEAN';
  if (name.includes('INT')) return 'INTEGER';
  if (name.includes('CHAR') || name.includes('CLOB') || name.includes('TEXT')) return 'TEXT';
  if (name.includes('BLOB')) return 'BLOB';
  if (name.includes('REAL') || name.includes('FLOA') || name.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

/** The largest double below 2^63: where conversions to INTEGER saturate. */
const LARGEST_INTEGER = 9223372036854774784;

function saturate(n: number): number {
  if (n > LARGEST_INTEGER) return LARGEST_INTEGER;
  if (n < -9223372036854775808) return -9223372036854775808;
  return n + 0;
}

/** The integer a text starts with (`'12.9abc'` is 12, `'abc'` is 0), as CAST(... AS INTEGER) reads it. */
function integerPrefix(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return match === null ? 0 : saturate(Number(match[1]));
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off']);

export function castValue(v: Value, target: CastTarget): Value {
  if (v === null) return null;
  switch (target) {
    case 'INTEGER':
      if (typeof v === 'string') return integerPrefix(v);
      return saturate(Math.trunc(numberOf(v)));
    case 'REAL':
      return real(typeof v === 'string' ? readNumber(v).value : numberOf(v));
    case 'NUMERIC':
      // A text becomes INTEGER when its number is integral ('12.0' is 12), REAL otherwise; numbers stay.
      if (typeof v === 'string') return readNumber(v).value + 0;
      return typeof v === 'boolean' ? Number(v) : v;
    case 'TEXT':
    case 'BLOB':
      return toText(v);
    case 'BOOLEAN':
      return toBoolean(v);
  }
}

/** CAST(x AS BOOLEAN): numbers are true when non-zero; texts also accept true/false, yes/no, on/off, t/f. */
function toBoolean(v: Exclude<Value, null>): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return numberOf(v) !== 0;
  const word = v.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return truth(v) === true;
}
