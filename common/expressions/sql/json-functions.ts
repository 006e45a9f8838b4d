/**
 * JSON functions of the `sql` language: JSON_EXTRACT, JSON_ARRAY_LENGTH and the `->` / `->>` operators, as
 * in SQLite. A record field that holds an object is read as its JSON text, so `JSON_EXTRACT(after, '$.a')`
 * works on nested records as well as on JSON kept in a string. Malformed JSON and malformed paths are
 * errors (SQLite raises them too); a path that leads nowhere gives NULL.
 */
import { SqlEvaluationError } from './errors.js';
import { arg, fail, hasArg, textArg } from './function-spec.js';
import type { FunctionCall, FunctionSpec } from './function-spec.js';
import { JsonSyntaxError, jsonText, jsonValue, lookupJson, parseJson, parseJsonPath } from './json.js';
import type { JsonNode, PathStep } from './json.js';
import { RealValue, isIntegral, textOf } from './values.js';
import type { Value } from './values.js';

/**
 * Parsed documents and paths of one call site, keeping the last of each: a constant path is parsed once,
 * and a record read by several extracts of the same field is parsed once per record.
 */
class JsonCache {
  private documentText: string | undefined;
  private parsed: JsonNode | undefined;
  private readonly paths = new Map<string, PathStep[]>();

  /** @param document what the JSON text is, for messages: `argument 1`, `the left side` */
  constructor(
    private readonly name: string,
    private readonly document = 'argument 1',
  ) {}

  parse(text: string): JsonNode {
    if (text !== this.documentText || this.parsed === undefined) {
      try {
        this.parsed = parseJson(text);
      } catch (error) {
        this.documentText = undefined;
        throw this.wrap(error, `${this.document} is not valid JSON`);
      }
      this.documentText = text;
    }
    return this.parsed;
  }

  path(text: string): PathStep[] {
    let steps = this.paths.get(text);
    if (steps === undefined) {
      try {
        steps = parseJsonPath(text);
      } catch (error) {
        throw this.wrap(error, 'bad JSON path');
      }
      if (this.paths.size > 64) this.paths.clear();
      this.paths.set(text, steps);
    }
    return steps;
  }

  private wrap(error: unknown, what: string): Error {
    if (!(error instanceof JsonSyntaxError)) return error instanceof Error ? error : new Error(String(error));
    return new SqlEvaluationError(`${this.name}: ${what} (${error.message})`, { cause: error });
  }
}

function jsonExtract(name: string): FunctionCall {
  const cache = new JsonCache(name);
  return (args) => {
    const json = textArg(arg(args, 0));
    if (json === null) return null;
    const paths: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const path = textArg(arg(args, i));
      if (path === null) return null;
      paths.push(path);
    }
    const document = cache.parse(json);
    if (paths.length === 1) {
      const node = lookupJson(document, cache.path(paths[0] as string));
      return node === undefined ? null : jsonValue(node);
    }
    // Several paths: a JSON array of what each finds (null where nothing).
    const found = paths.map((path) => {
      const node = lookupJson(document, cache.path(path));
      return node === undefined ? 'null' : jsonText(node);
    });
    return `[${found.join(',')}]`;
  };
}

function jsonArrayLength(name: string): FunctionCall {
  const cache = new JsonCache(name);
  return (args) => {
    const json = textArg(arg(args, 0));
    const path = hasArg(args, 1) ? textArg(arg(args, 1)) : '$';
    if (json === null || path === null) return null;
    const node = lookupJson(cache.parse(json), cache.path(path));
    if (node === undefined) return null;
    return node.type === 'array' ? node.items.length : 0;
  };
}

export const JSON_FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'JSON_EXTRACT', minArgs: 2, maxArgs: Infinity, deterministic: true, create: jsonExtract },
  { name: 'JSON_ARRAY_LENGTH', minArgs: 1, maxArgs: 2, deterministic: true, create: jsonArrayLength },
];

/**
 * The right side of `->` and `->>`: a text starting with `$` is a path, another text is one key, an integer
 * an array index (negative ones count from the end).
 */
function arrowPath(right: Exclude<Value, null>, cache: JsonCache, operator: string): PathStep[] {
  if (typeof right === 'string') return right.startsWith('$') ? cache.path(right) : [{ key: right }];
  const n = right instanceof RealValue ? right.value : typeof right === 'boolean' ? Number(right) : right;
  if (!isIntegral(n)) {
    return fail(operator, `the right side must be a path, a key or an integer index (got ${textOf(right)})`);
  }
  return [n < 0 ? { index: -n, fromEnd: true } : { index: n, fromEnd: false }];
}

/** `json -> path` (the JSON text found) or `json ->> path` (its SQL value), with a per-site cache. */
export function arrowOperator(operator: '->' | '->>'): (left: Value, right: Value) => Value {
  const cache = new JsonCache(operator, 'the left side');
  return (left, right) => {
    if (left === null || right === null) return null;
    const node = lookupJson(cache.parse(textOf(left)), arrowPath(right, cache, operator));
    if (node === undefined) return null;
    return operator === '->' ? jsonText(node) : jsonValue(node);
  };
}
