/**
 * RDI's functions on objects and values: to_entries, from_entries, filter_entries, in, json_parse, hash, uuid
 * and xml_to_dict.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { JSONObject, JSONValue } from '@jmespath-community/jmespath';
import { isExpressionReference, isPlainObject, setMember } from './arguments.js';
import type { ExpressionNode, FunctionSpec } from './arguments.js';
import { didYouMean } from '../../config/suggest.js';
import { xmlToDict } from './xml.js';

/** RDI's hash names (Python's hashlib) -> node's. Python's blake2b and blake2s have their full digest sizes. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  md5: 'md5',
  sha3_224: 'sha3-224',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
};

function hashProblem(name: string): string | undefined {
  if (HASH_ALGORITHMS[name.toLowerCase()] !== undefined) return undefined;
  const names = Object.keys(HASH_ALGORITHMS);
  return `must be one of ${names.join(', ')} (got ${JSON.stringify(name)})${didYouMean(name, names)}`;
}

/** JSON with object keys sorted at every level and no spaces: the bytes that hash() digests for non-strings. */
export function canonicalJson(value: JSONValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** JMESPath equality: same type and same value, objects and arrays compared member by member. */
export function jsonEquals(a: JSONValue, b: JSONValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i] ?? null));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key] ?? null, b[key] ?? null))
    );
  }
  return false;
}

/** JMESPath's truthiness: false, null, "", [] and {} are false. */
function isTruthy(value: JSONValue): boolean {
  if (value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export const OBJECT_FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'to_entries',
    params: [{ name: 'object' }],
    call: (args) => {
      const object = args.nullableObject(0);
      if (object === null) return null;
      return Object.entries(object).map(([key, value]) => ({ key, value }));
    },
  },
  {
    name: 'from_entries',
    params: [{ name: 'entries' }],
    call: (args) => {
      const entries = args.nullableArray(0);
      if (entries === null) return null;
      const result: JSONObject = {};
      for (const [position, entry] of entries.entries()) {
        // As in RDI: what is not an object, or has no key, is skipped; a later key wins.
        if (!isPlainObject(entry)) continue;
        const key = entry.key ?? null;
        if (key === null) continue;
        if (typeof key === 'object') {
          throw args.error(0, `has entry ${position} whose key is not a string, a number or a boolean`);
        }
        setMember(result, String(key), entry.value ?? null);
      }
      return result;
    },
  },
  {
    name: 'filter_entries',
    params: [{ name: 'object' }, { name: 'predicate' }],
    call: (args, context) => {
      const object = args.nullableObject(0);
      const predicateArg = args.raw(1);
      let predicate: ExpressionNode;
      if (isExpressionReference(predicateArg)) predicate = predicateArg;
      else if (typeof predicateArg === 'string') {
        try {
          predicate = context.compileArgument(predicateArg);
        } catch (cause) {
          throw args.error(1, `is not a valid expression: ${(cause as Error).message}`);
        }
      } else throw args.mismatch(1, 'a string holding an expression, or an &expression');
      if (object === null) return null;
      const result: JSONObject = {};
      for (const [key, value] of Object.entries(object)) {
        let keep = false;
        try {
          keep = isTruthy(context.evaluate(predicate, { key, value }));
        } catch {
          // As in RDI: an entry the predicate fails on is left out.
        }
        if (keep) setMember(result, key, value);
      }
      return result;
    },
  },
  {
    name: 'in',
    params: [{ name: 'value' }, { name: 'values' }],
    call: (args) => {
      const value = args.value(0);
      const values = args.nullableArray(1);
      return values !== null && values.some((item) => jsonEquals(value, item));
    },
  },
  {
    name: 'json_parse',
    params: [{ name: 'text' }],
    call: (args) => {
      const text = args.nullableString(0);
      if (text === null) return null;
      try {
        return JSON.parse(text) as JSONValue;
      } catch (cause) {
        throw args.error(0, `is not valid JSON: ${(cause as Error).message}`);
      }
    },
  },
  {
    name: 'hash',
    params: [{ name: 'value' }, { name: 'algorithm', optional: true }],
    call: (args) => {
      const value = args.value(0);
      const algorithm = args.has(1) ? args.string(1) : 'sha1';
      const problem = hashProblem(algorithm);
      if (problem) throw args.error(1, problem);
      const input = value === null ? '' : typeof value === 'string' ? value : canonicalJson(value);
      return createHash(HASH_ALGORITHMS[algorithm.toLowerCase()] ?? algorithm)
        .update(input, 'utf8')
        .digest('hex');
    },
    checkLiterals: ([, algorithm]) => {
      if (typeof algorithm !== 'string') return undefined;
      const problem = hashProblem(algorithm);
      return problem && `argument 2 (algorithm) ${problem}`;
    },
  },
  { name: 'uuid', params: [], call: () => randomUUID() },
  {
    name: 'xml_to_dict',
    params: [{ name: 'xml' }],
    call: (args) => {
      const xml = args.nullableString(0);
      if (xml === null) return null;
      if (xml === '') return '';
      try {
        return xmlToDict(xml);
      } catch (cause) {
        throw args.error(0, `is not well-formed XML: ${(cause as Error).message}`);
      }
    },
  },
];
