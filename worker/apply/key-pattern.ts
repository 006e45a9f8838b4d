/**
 * A job's `key_pattern`, with the glob rules of Redis' SCAN MATCH / KEYS (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`,
 * `\x`), compiled once to a regular expression. Each `*` is a capture group, so that a key's wildcard parts
 * can stand for the job's key columns when the key's value is gone (a delete).
 */
import { InvalidArgumentError } from '../../common/errors.js';

export interface KeyPattern {
  readonly pattern: string;
  /** How many `*` the pattern has (the parts `captures` returns). */
  readonly wildcards: number;
  matches(key: string): boolean;
  /** The parts of `key` matched by each `*`, in order, or undefined when the key does not match. */
  captures(key: string): string[] | undefined;
}

// `-` too: inside a class an escaped `\-` is a literal dash (`[a\-z]` is a, - or z), never a range.
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

function escapeChar(char: string): string {
  return char.replace(REGEX_SPECIAL, '\\$&');
}

/** Compiles a Redis glob. Throws InvalidArgumentError for an unclosed `[`. */
export function compileKeyPattern(pattern: string): KeyPattern {
  let source = '';
  let wildcards = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '*') {
      // Consecutive stars match like one; the first captures.
      while (pattern[index + 1] === '*') index++;
      source += '([\\s\\S]*?)';
      wildcards++;
    } else if (char === '?') {
      source += '[\\s\\S]';
    } else if (char === '\\' && index + 1 < pattern.length) {
      index++;
      source += escapeChar(pattern[index] as string);
    } else if (char === '[') {
      const close = findClassEnd(pattern, index);
      if (close === -1) {
        throw new InvalidArgumentError(`key_pattern ${JSON.stringify(pattern)} has an unclosed "["`);
      }
      source += compileClass(pattern.slice(index + 1, close));
      index = close;
    } else {
      source += escapeChar(char);
    }
  }
  const regex = new RegExp(`^${source}$`);
  return {
    pattern,
    wildcards,
    matches: (key) => regex.test(key),
    captures: (key) => {
      const match = regex.exec(key);
      return match ? match.slice(1) : undefined;
    },
  };
}

function findClassEnd(pattern: string, open: number): number {
  let index = open + 1;
  if (pattern[index] === '^') index++;
  for (; index < pattern.length; index++) {
    if (pattern[index] === '\\') index++;
    else if (pattern[index] === ']') return index;
  }
  return -1;
}

function compileClass(body: string): string {
  let negate = false;
  let index = 0;
  if (body[0] === '^') {
    negate = true;
    index = 1;
  }
  let out = '';
  for (; index < body.length; index++) {
    const char = body[index] as string;
    if (char === '\\' && index + 1 < body.length) {
      index++;
      out += escapeChar(body[index] as string);
    } else if (body[index + 1] === '-' && index + 2 < body.length) {
      const from = char;
      const to = body[index + 2] as string;
      // Redis accepts reversed ranges ([z-a] is [a-z]).
      const [low, high] = from <= to ? [from, to] : [to, from];
      out += `${escapeChar(low)}-${escapeChar(high)}`;
      index += 2;
    } else {
      out += escapeChar(char);
    }
  }
  if (out === '') return negate ? '[\\s\\S]' : '(?!)';
  return `[${negate ? '^' : ''}${out}]`;
}
