/**
 * LIKE and GLOB, as SQLite matches them. LIKE: `%` any run of characters, `_` one character, ASCII letters
 * match either case (SQLite folds no other letters), an ESCAPE character makes the next one plain. GLOB:
 * `*`, `?`, `[abc]`, `[a-z]`, `[^a-z]` (a `]` right after `[` or `[^` is a member), case-sensitive.
 *
 * A pattern is compiled to a list of tokens and matched by the classic wildcard algorithm that returns to the
 * last `%` on a mismatch: at most length(text) x length(pattern) steps, whatever the pattern (patterns may
 * come from the data, so a regular expression's exponential backtracking is not an option).
 */
import { SqlEvaluationError } from './errors.js';
import { textOf } from './values.js';
import type { Value } from './values.js';

/** Any run of characters. */
const STAR = -1;
/** Exactly one character. */
const ONE = -2;

/** A GLOB set: code point ranges, perhaps negated. */
interface CharSet {
  readonly negated: boolean;
  readonly ranges: readonly (readonly [number, number])[];
}

/** STAR, ONE, a code point (ASCII letters in lower case for LIKE), or a set. */
type Token = number | CharSet;

interface CompiledPattern {
  readonly tokens: readonly Token[];
  readonly foldCase: boolean;
  /** False for a pattern that can match nothing (an unclosed `[`, a trailing escape character). */
  readonly possible: boolean;
}

function foldAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function codePoints(text: string): number[] {
  const points: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i) as number;
    points.push(c);
    if (c > 0xffff) i++;
  }
  return points;
}

function compileLike(pattern: string, escape: number | undefined): CompiledPattern {
  const tokens: Token[] = [];
  let escaped = false;
  for (const c of codePoints(pattern)) {
    if (escaped) {
      tokens.push(foldAscii(c));
      escaped = false;
    } else if (c === escape) escaped = true;
    else if (c === 37)
      tokens.push(STAR); // %
    else if (c === 95)
      tokens.push(ONE); // _
    else tokens.push(foldAscii(c));
  }
  return { tokens, foldCase: true, possible: !escaped };
}

function compileGlob(pattern: string): CompiledPattern {
  const chars = codePoints(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as number;
    if (c === 42)
      tokens.push(STAR); // *
    else if (c === 63)
      tokens.push(ONE); // ?
    else if (c === 91) {
      // [
      let j = i + 1;
      const negated = chars[j] === 94; // ^
      if (negated) j++;
      const ranges: [number, number][] = [];
      let first = true;
      while (j < chars.length && (chars[j] !== 93 || first)) {
        const low = chars[j] as number;
        const high = chars[j + 2];
        if (chars[j + 1] === 45 && high !== undefined && high !== 93) {
          ranges.push([low, high]);
          j += 3;
        } else {
          ranges.push([low, low]);
          j++;
        }
        first = false;
      }
      if (j >= chars.length) return { tokens, foldCase: false, possible: false };
      tokens.push({ negated, ranges });
      i = j;
    } else tokens.push(c);
  }
  return { tokens, foldCase: false, possible: true };
}

function tokenMatches(token: Token, c: number): boolean {
  if (typeof token === 'number') return token === ONE || token === c;
  let inside = false;
  for (const [low, high] of token.ranges) {
    if (c >= low && c <= high) {
      inside = true;
      break;
    }
  }
  return inside !== token.negated;
}

function matchPattern(pattern: CompiledPattern, text: string): boolean {
  if (!pattern.possible) return false;
  const tokens = pattern.tokens;
  const subject = codePoints(text);
  if (pattern.foldCase) for (let i = 0; i < subject.length; i++) subject[i] = foldAscii(subject[i] as number);
  let t = 0;
  let p = 0;
  let starToken = -1;
  let starText = 0;
  while (t < subject.length) {
    const token = tokens[p];
    if (token === STAR) {
      starToken = p++;
      starText = t;
    } else if (token !== undefined && tokenMatches(token, subject[t] as number)) {
      p++;
      t++;
    } else if (starToken >= 0) {
      // Let the last star take one more character and try again from there.
      p = starToken + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (tokens[p] === STAR) p++;
  return p === tokens.length;
}

/**
 * A LIKE or GLOB test keeping the last compiled pattern, so that a constant pattern is compiled once.
 * Returns `(subject, pattern, escape) => boolean | null`; NULL anywhere gives NULL.
 */
export function patternMatcher(
  operator: 'LIKE' | 'GLOB',
): (subject: Value, pattern: Value, escape: Value | undefined) => boolean | null {
  let lastPattern: string | undefined;
  let lastEscape: number | undefined;
  let compiled: CompiledPattern | undefined;
  return (subject, pattern, escape) => {
    if (subject === null || pattern === null || escape === null) return null;
    const patternText = textOf(pattern);
    let escapeCode: number | undefined;
    if (escape !== undefined) {
      const escapeText = textOf(escape);
      const points = codePoints(escapeText);
      if (points.length !== 1) {
        throw new SqlEvaluationError(
          `the ESCAPE of LIKE must be a single character (got ${JSON.stringify(escapeText)})`,
        );
      }
      escapeCode = points[0];
    }
    if (compiled === undefined || patternText !== lastPattern || escapeCode !== lastEscape) {
      compiled = operator === 'LIKE' ? compileLike(patternText, escapeCode) : compileGlob(patternText);
      lastPattern = patternText;
      lastEscape = escapeCode;
    }
    return matchPattern(compiled, textOf(subject));
  };
}
