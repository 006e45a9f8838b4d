/**
 * RDI's string functions: capitalize, concat, lower, upper, left, right, mid, replace, split, base64_decode,
 * plus base64_encode (a Ferry addition, the inverse of base64_decode). A null text gives null. Positions and
 * lengths count characters (Unicode code points), as RDI's do; negative counts follow its slicing rules.
 */
import type { JSONValue } from '@jmespath-community/jmespath';
import type { ArgumentReader, FunctionSpec } from './arguments.js';

/** Python's `string.capwords`: words split on whitespace, each with a capital then lower case, one space apart. */
export function capitalizeWords(text: string): string {
  return text
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map((word) => {
      const [first = '', ...rest] = Array.from(word);
      return first.toUpperCase() + rest.join('').toLowerCase();
    })
    .join(' ');
}

/** A value as concat() writes it: strings as they are, null as nothing, anything else as JSON. */
export function concatText(value: JSONValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function sliceChars(text: string, start: number, end?: number): string {
  return Array.from(text).slice(start, end).join('');
}

/** `text` with up to `count` occurrences of `search` replaced (all when `count` is undefined). */
function replaceText(text: string, search: string, replacement: string, count: number | undefined): string {
  if (search === '') return text;
  const parts = text.split(search);
  if (count === undefined || count >= parts.length - 1) return parts.join(replacement);
  return parts.slice(0, count + 1).join(replacement) + search + parts.slice(count + 1).join(search);
}

/** Splits on `separator` (each character when empty); with `count`, at most that many splits. */
function splitText(text: string, separator: string, count: number | undefined): string[] {
  if (text === '' && separator === '') return [];
  const parts = separator === '' ? Array.from(text) : text.split(separator);
  if (count === undefined || count >= parts.length - 1) return parts;
  return [...parts.slice(0, count), parts.slice(count).join(separator)];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeBase64(args: ArgumentReader): string | null {
  const encoded = args.nullableString(0);
  if (encoded === null) return null;
  const compact = encoded.replace(/\s+/g, '');
  if (!BASE64.test(compact)) {
    throw args.error(
      0,
      'is not valid base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with = to 4 characters)',
    );
  }
  try {
    return UTF8.decode(Buffer.from(compact, 'base64'));
  } catch (cause) {
    throw args.error(0, `decodes to bytes that are not UTF-8 text (${(cause as Error).message})`);
  }
}

/** Maps a nullable string argument through `transform`. */
function textFunction(name: string, transform: (text: string) => string): FunctionSpec {
  return {
    name,
    params: [{ name: 'text' }],
    call: (args) => {
      const text = args.nullableString(0);
      return text === null ? null : transform(text);
    },
  };
}

export const STRING_FUNCTIONS: readonly FunctionSpec[] = [
  textFunction('capitalize', capitalizeWords),
  textFunction('lower', (text) => text.toLowerCase()),
  textFunction('upper', (text) => text.toUpperCase()),
  textFunction('base64_encode', (text) => Buffer.from(text, 'utf8').toString('base64')),
  { name: 'base64_decode', params: [{ name: 'text' }], call: decodeBase64 },
  {
    name: 'concat',
    params: [{ name: 'values' }],
    call: (args) => args.nullableArray(0)?.map(concatText).join('') ?? null,
  },
  {
    name: 'left',
    params: [{ name: 'text' }, { name: 'count' }],
    call: (args) => {
      const text = args.nullableString(0);
      const count = args.integer(1);
      return text === null ? null : sliceChars(text, 0, count);
    },
  },
  {
    name: 'right',
    params: [{ name: 'text' }, { name: 'count' }],
    call: (args) => {
      const text = args.nullableString(0);
      const count = args.integer(1);
      if (text === null) return null;
      return count === 0 ? '' : sliceChars(text, -count);
    },
  },
  {
    name: 'mid',
    params: [{ name: 'text' }, { name: 'offset' }, { name: 'count' }],
    call: (args) => {
      const text = args.nullableString(0);
      const offset = args.integer(1);
      const count = args.integer(2);
      return text === null ? null : sliceChars(text, offset, offset + count);
    },
  },
  {
    name: 'replace',
    params: [{ name: 'text' }, { name: 'old' }, { name: 'new' }, { name: 'count', optional: true }],
    call: (args) => {
      const text = args.nullableString(0);
      const search = args.string(1);
      const replacement = args.string(2);
      const count = args.has(3) ? args.nonNegativeInteger(3) : undefined;
      return text === null ? null : replaceText(text, search, replacement, count);
    },
  },
  {
    name: 'split',
    params: [{ name: 'text' }, { name: 'separator', optional: true }, { name: 'count', optional: true }],
    call: (args) => {
      const text = args.nullableString(0);
      const separator = args.has(1) ? args.string(1) : ',';
      const count = args.has(2) ? args.nonNegativeInteger(2) : undefined;
      return text === null ? null : splitText(text, separator, count);
    },
  },
];
