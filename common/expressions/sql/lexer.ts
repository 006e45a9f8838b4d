/**
 * Splits the text of an `sql` expression into tokens, as SQLite does: keywords in any case, `'text'` with
 * `''` for a quote, `"name"`, `` `name` `` and `[name]` for identifiers with odd characters, decimal and
 * hexadecimal numbers, `--` and `/* *\/` comments.
 */
import { SqlSyntaxError } from './errors.js';
import { RealValue, isIntegral } from './values.js';
import type { Value } from './values.js';

export type TokenKind = 'number' | 'string' | 'identifier' | 'keyword' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /**
   * keyword: the word in upper case; operator: its characters; identifier: the name without quotes;
   * string: the value without quotes; number: the text as written; end: empty.
   */
  readonly text: string;
  /** 0-based offset of the first character. */
  readonly offset: number;
  /** Offset just past the last character. */
  readonly end: number;
  /** Identifiers: whether the name was quoted (then it is never a keyword or a function name). */
  readonly quoted: boolean;
  /** Numbers: the value (INTEGER, or REAL for a point, an exponent or a value past 64 bits). */
  readonly value: Value;
}

/** Words that are never field names unless quoted. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'AND',
  'AS',
  'BETWEEN',
  'CASE',
  'CAST',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_TIMESTAMP',
  'DISTINCT',
  'ELSE',
  'END',
  'ESCAPE',
  'FALSE',
  'FROM',
  'GLOB',
  'IN',
  'IS',
  'ISNULL',
  'LIKE',
  'NOT',
  'NOTNULL',
  'NULL',
  'OR',
  'THEN',
  'TRUE',
  'WHEN',
]);

/** Operators, longest first so that `<=` wins over `<`. */
const OPERATORS = [
  '->>',
  '||',
  '->',
  '<<',
  '>>',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '~',
  '(',
  ')',
  ',',
  '.',
];

function isIdentifierStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57) || c === 36; // digits, $
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** All tokens of `source`, ending with one `end` token placed just after the last real token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  let lastEnd = 0;
  const push = (kind: TokenKind, text: string, offset: number, end: number, extra: Partial<Token> = {}) => {
    tokens.push({ kind, text, offset, end, quoted: false, value: null, ...extra });
    lastEnd = end;
    i = end;
  };

  while (i < n) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 45 && source.charCodeAt(i + 1) === 45) {
      // -- comment to the end of the line
      const newline = source.indexOf('\n', i);
      i = newline < 0 ? n : newline + 1;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 42) {
      // /* comment */; an unterminated one runs to the end, as in SQLite
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 39) {
      const [value, end] = readQuoted(source, i, "'", 'text');
      push('string', value, i, end);
      continue;
    }
    if (c === 34 || c === 96) {
      const quote = c === 34 ? '"' : '`';
      const [name, end] = readQuoted(source, i, quote, 'identifier');
      push('identifier', name, i, end, { quoted: true });
      continue;
    }
    if (c === 91) {
      const close = source.indexOf(']', i + 1);
      if (close < 0) {
        throw new SqlSyntaxError('unterminated identifier (no closing ])', source, i);
      }
      push('identifier', source.slice(i + 1, close), i, close + 1, { quoted: true });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(i + 1)))) {
      const [value, end] = readNumberLiteral(source, i);
      push('number', source.slice(i, end), i, end, { value });
      continue;
    }
    if (isIdentifierStart(c)) {
      let end = i + 1;
      while (end < n && isIdentifierPart(source.charCodeAt(end))) end++;
      const word = source.slice(i, end);
      const upper = word.toUpperCase();
      if (KEYWORDS.has(upper)) push('keyword', upper, i, end);
      else push('identifier', word, i, end);
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator !== undefined) {
      push('operator', operator, i, i + operator.length);
      continue;
    }
    const character = String.fromCodePoint(source.codePointAt(i) ?? c);
    throw new SqlSyntaxError(`unexpected character "${character}"`, source, i);
  }
  tokens.push({ kind: 'end', text: '', offset: lastEnd, end: lastEnd, quoted: false, value: null });
  return tokens;
}

/** Reads `'...'`, `"..."` or `` `...` `` starting at `start`, a doubled quote standing for one. */
function readQuoted(source: string, start: number, quote: string, what: string): [string, number] {
  let value = '';
  let from = start + 1;
  for (;;) {
    const close = source.indexOf(quote, from);
    if (close < 0) {
      throw new SqlSyntaxError(`unterminated ${what} (no closing ${quote})`, source, start);
    }
    value += source.slice(from, close);
    if (source[close + 1] === quote) {
      value += quote;
      from = close + 2;
      continue;
    }
    return [value, close + 1];
  }
}

/** Reads `123`, `1.5`, `.5`, `1e3`, `0x1F`; a letter glued to the number is an error, as in SQLite. */
function readNumberLiteral(source: string, start: number): [Value, number] {
  const n = source.length;
  let i = start;
  let isReal = false;
  if (source[i] === '0' && (source[i + 1] === 'x' || source[i + 1] === 'X')) {
    let end = i + 2;
    while (end < n && /[0-9a-fA-F]/.test(source[end] ?? '')) end++;
    if (end === i + 2 || (end < n && isIdentifierPart(source.charCodeAt(end)))) {
      throw malformedNumber(source, start);
    }
    // SQLite reads hexadecimal literals as 64-bit two's complement.
    const value = BigInt.asIntN(64, BigInt(source.slice(i, end)));
    return [Number(value), end];
  }
  while (i < n && isDigit(source.charCodeAt(i))) i++;
  if (source[i] === '.') {
    isReal = true;
    i++;
    while (i < n && isDigit(source.charCodeAt(i))) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    isReal = true;
    i++;
    if (source[i] === '+' || source[i] === '-') i++;
    if (!isDigit(source.charCodeAt(i))) throw malformedNumber(source, start);
    while (i < n && isDigit(source.charCodeAt(i))) i++;
  }
  if (i < n && isIdentifierPart(source.charCodeAt(i))) throw malformedNumber(source, start);
  const value = Number(source.slice(start, i));
  if (isReal || !isIntegral(value)) return [isIntegral(value) ? new RealValue(value) : value, i];
  return [value, i];
}

function malformedNumber(source: string, start: number): SqlSyntaxError {
  let end = start;
  while (end < source.length && (isIdentifierPart(source.charCodeAt(end)) || source[end] === '.')) end++;
  return new SqlSyntaxError(`malformed number "${source.slice(start, end)}"`, source, start);
}
