/**
 * Text functions of the `sql` language: SQLite's (LENGTH, SUBSTR, INSTR, TRIM, REPLACE, HEX, CHAR, UNICODE,
 * QUOTE, TYPEOF...) and the common MySQL ones (CONCAT, CONCAT_WS, LEFT, RIGHT, LPAD, RPAD, REVERSE). Lengths
 * and positions count characters (code points), never UTF-16 units or bytes. NULL in gives NULL out unless
 * the function says otherwise.
 */
import { alias, arg, defineFunction, fail, hasArg, integerArg, textArg } from './function-spec.js';
import type { FunctionSpec } from './function-spec.js';
import { realText } from './decimal.js';
import { formatPrintf } from './printf.js';
import { RealValue, sqlTypeOf, textOf } from './values.js';
import type { Value } from './values.js';

const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of characters (code points). */
function charLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++; // count everything but low surrogates
  }
  return count;
}

/** Characters `start` (0-based) up to but not including `end`, counted in code points. */
function charSlice(text: string, start: number, end = Infinity): string {
  if (!SURROGATE.test(text)) return text.slice(start, end === Infinity ? undefined : end);
  return Array.from(text)
    .slice(start, end === Infinity ? undefined : end)
    .join('');
}

/** SQLite's SUBSTR: 1-based start, negative start counts from the end, negative length takes characters before. */
function substr(text: string, start: number, length: number | undefined): string {
  const size = charLength(text);
  let p1 = start;
  let p2 = length === undefined ? Infinity : Math.abs(length);
  const negativeLength = length !== undefined && length < 0;
  if (p1 < 0) {
    p1 += size;
    if (p1 < 0) {
      p2 += p1;
      if (p2 < 0) p2 = 0;
      p1 = 0;
    }
  } else if (p1 > 0) {
    p1--;
  } else if (p2 > 0) {
    p2--;
  }
  if (negativeLength) {
    p1 -= p2;
    if (p1 < 0) {
      p2 += p1;
      p1 = 0;
    }
  }
  return charSlice(text, p1, p1 + p2);
}

/** 1-based character position of `needle` in `haystack`, 0 when absent. */
function instr(haystack: string, needle: string): number {
  const index = haystack.indexOf(needle);
  if (index < 0) return 0;
  return charLength(haystack.slice(0, index)) + 1;
}

/** Removes characters of `set` from the start and/or end of `text`. */
function trimSet(text: string, set: string, start: boolean, end: boolean): string {
  const members = new Set(Array.from(set));
  const chars = Array.from(text);
  let from = 0;
  let to = chars.length;
  if (start) while (from < to && members.has(chars[from] as string)) from++;
  if (end) while (to > from && members.has(chars[to - 1] as string)) to--;
  return chars.slice(from, to).join('');
}

function trimFunction(name: string, start: boolean, end: boolean): FunctionSpec {
  return defineFunction(name, 1, 2, (args) => {
    const text = textArg(arg(args, 0));
    if (text === null) return null;
    if (!hasArg(args, 1)) {
      // SQLite trims spaces only, not tabs or newlines.
      let from = 0;
      let to = text.length;
      if (start) while (from < to && text.charCodeAt(from) === 32) from++;
      if (end) while (to > from && text.charCodeAt(to - 1) === 32) to--;
      return text.slice(from, to);
    }
    const set = textArg(arg(args, 1));
    return set === null ? null : trimSet(text, set, start, end);
  });
}

/** The longest text LPAD and RPAD build, so that a wild length fails fast instead of exhausting memory. */
const MAX_PAD_LENGTH = 10_000_000;

/** MySQL's LPAD/RPAD: pads to `length` characters, or cuts to it; NULL for a negative length. */
function padFunction(name: string, left: boolean): FunctionSpec {
  return defineFunction(name, 2, 3, (args, calledAs) => {
    const text = textArg(arg(args, 0));
    const length = integerArg(arg(args, 1), calledAs, 2);
    const pad = hasArg(args, 2) ? textArg(arg(args, 2)) : ' ';
    if (text === null || length === null || pad === null || length < 0) return null;
    const size = charLength(text);
    if (size >= length) return charSlice(text, 0, length);
    if (pad === '') return null;
    if (length > MAX_PAD_LENGTH) {
      fail(calledAs, `argument 2 must be at most ${MAX_PAD_LENGTH} (got ${length})`);
    }
    const needed = length - size;
    const filler = charSlice(pad.repeat(Math.ceil(needed / charLength(pad))), 0, needed);
    return left ? filler + text : text + filler;
  });
}

/**
 * SQLite's QUOTE: an SQL literal for the value; NULL gives the text NULL. A REAL that 15 digits do not give
 * back exactly is written with all the digits it needs (SQLite writes 20 there).
 */
function quote(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  const text = textOf(v);
  if (sqlTypeOf(v) !== 'real') return text;
  const x = v instanceof RealValue ? v.value : Number(v);
  return Number(text) === x || !Number.isFinite(x) ? text : realText(x, 17);
}

const UPPER = defineFunction('UPPER', 1, 1, (args) => textArg(arg(args, 0))?.toUpperCase() ?? null);
const LOWER = defineFunction('LOWER', 1, 1, (args) => textArg(arg(args, 0))?.toLowerCase() ?? null);

const SUBSTR = defineFunction('SUBSTR', 2, 3, (args, name) => {
  const text = textArg(arg(args, 0));
  const start = integerArg(arg(args, 1), name, 2);
  const length = hasArg(args, 2) ? integerArg(arg(args, 2), name, 3) : undefined;
  if (text === null || start === null || length === null) return null;
  return substr(text, start, length);
});

const PRINTF = defineFunction('PRINTF', 1, Infinity, (args, name) => {
  const format = textArg(arg(args, 0));
  return format === null ? null : formatPrintf(format, args.slice(1), name);
});

export const STRING_FUNCTIONS: readonly FunctionSpec[] = [
  defineFunction('LENGTH', 1, 1, (args) => {
    const text = textArg(arg(args, 0));
    return text === null ? null : charLength(text);
  }),
  UPPER,
  LOWER,
  alias(UPPER, 'UCASE'),
  alias(LOWER, 'LCASE'),
  trimFunction('TRIM', true, true),
  trimFunction('LTRIM', true, false),
  trimFunction('RTRIM', false, true),
  SUBSTR,
  alias(SUBSTR, 'SUBSTRING'),
  defineFunction('REPLACE', 3, 3, (args) => {
    const text = textArg(arg(args, 0));
    const from = textArg(arg(args, 1));
    const to = textArg(arg(args, 2));
    if (text === null || from === null || to === null) return null;
    return from === '' ? text : text.split(from).join(to);
  }),
  defineFunction('INSTR', 2, 2, (args) => {
    const haystack = textArg(arg(args, 0));
    const needle = textArg(arg(args, 1));
    return haystack === null || needle === null ? null : instr(haystack, needle);
  }),
  defineFunction('CONCAT', 1, Infinity, (args) => {
    let result = '';
    for (const value of args) {
      if (value === null) return null; // MySQL: NULL when any argument is NULL
      result += textOf(value);
    }
    return result;
  }),
  defineFunction('CONCAT_WS', 2, Infinity, (args) => {
    const separator = textArg(arg(args, 0));
    if (separator === null) return null;
    const parts: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const value = arg(args, i);
      if (value !== null) parts.push(textOf(value));
    }
    return parts.join(separator);
  }),
  defineFunction('LEFT', 2, 2, (args, name) => {
    const text = textArg(arg(args, 0));
    const count = integerArg(arg(args, 1), name, 2);
    if (text === null || count === null) return null;
    return count <= 0 ? '' : charSlice(text, 0, count);
  }),
  defineFunction('RIGHT', 2, 2, (args, name) => {
    const text = textArg(arg(args, 0));
    const count = integerArg(arg(args, 1), name, 2);
    if (text === null || count === null) return null;
    if (count <= 0) return '';
    const size = charLength(text);
    return count >= size ? text : charSlice(text, size - count);
  }),
  padFunction('LPAD', true),
  padFunction('RPAD', false),
  defineFunction('REVERSE', 1, 1, (args) => {
    const text = textArg(arg(args, 0));
    return text === null ? null : Array.from(text).reverse().join('');
  }),
  PRINTF,
  alias(PRINTF, 'FORMAT'),
  defineFunction('HEX', 1, 1, (args) => {
    // SQLite: the UTF-8 bytes of the text, upper case; NULL gives ''.
    const text = textArg(arg(args, 0));
    return text === null ? '' : Buffer.from(text, 'utf8').toString('hex').toUpperCase();
  }),
  defineFunction('CHAR', 0, Infinity, (args, name) => {
    let result = '';
    for (let i = 0; i < args.length; i++) {
      const code = integerArg(arg(args, i), name, i + 1) ?? 0;
      result += code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return result;
  }),
  defineFunction('UNICODE', 1, 1, (args) => {
    const text = textArg(arg(args, 0));
    return text === null || text === '' ? null : (text.codePointAt(0) ?? null);
  }),
  defineFunction('QUOTE', 1, 1, (args) => quote(arg(args, 0))),
  defineFunction('TYPEOF', 1, 1, (args) => sqlTypeOf(arg(args, 0))),
];
