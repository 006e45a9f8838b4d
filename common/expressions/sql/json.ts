/**
 * A small JSON reader for JSON_EXTRACT and friends. It keeps what JSON.parse loses and SQLite keeps: INTEGER
 * against REAL (`1.0` is REAL), duplicate keys in order (the first one wins, as in SQLite), and the text of
 * every value, so that an object or array comes back as its minified JSON. Paths are SQLite's: `$`, `.key`,
 * `."key with dots"`, `[N]`, `[#-N]`.
 */
import { RealValue, isIntegral } from './values.js';
import type { Value } from './values.js';

export type JsonNode =
  | { readonly type: 'null' | 'true' | 'false'; readonly text: string }
  | { readonly type: 'number'; readonly text: string; readonly value: number | RealValue }
  | { readonly type: 'string'; readonly text: string; readonly value: string }
  | { readonly type: 'array'; readonly items: readonly JsonNode[] }
  | { readonly type: 'object'; readonly entries: readonly JsonEntry[] };

export interface JsonEntry {
  readonly key: string;
  /** The key as written, quotes and escapes included. */
  readonly keyText: string;
  readonly value: JsonNode;
}

/** Malformed JSON text, or a malformed path. */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const MAX_DEPTH = 1000;

/** Parses one JSON value, surrounded by optional white space. */
export function parseJson(text: string): JsonNode {
  const reader = new JsonReader(text);
  reader.skipSpace();
  const node = reader.value(0);
  reader.skipSpace();
  if (reader.position < text.length) reader.fail('unexpected text after the JSON value');
  return node;
}

class JsonReader {
  position = 0;

  constructor(private readonly text: string) {}

  fail(problem: string): never {
    throw new JsonSyntaxError(`${problem} at character ${this.position + 1}`);
  }

  skipSpace(): void {
    const text = this.text;
    while (this.position < text.length) {
      const c = text.charCodeAt(this.position);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.position++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply');
    const c = this.text[this.position];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') {
      const start = this.position;
      const value = this.string();
      return { type: 'string', text: this.text.slice(start, this.position), value };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['null', 'true', 'false'] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return { type: word, text: word };
      }
    }
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(c)}`);
  }

  private object(depth: number): JsonNode {
    this.position++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return { type: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') this.fail('expected a key in double quotes');
      const keyStart = this.position;
      const key = this.string();
      const keyText = this.text.slice(keyStart, this.position);
      this.skipSpace();
      if (this.text[this.position] !== ':') this.fail('expected ":" after a key');
      this.position++;
      this.skipSpace();
      entries.push({ key, keyText, value: this.value(depth + 1) });
      this.skipSpace();
      const next = this.text[this.position++];
      if (next === '}') return { type: 'object', entries };
      if (next !== ',') {
        this.position--;
        this.fail('expected "," or "}" in an object');
      }
    }
  }

  private array(depth: number): JsonNode {
    this.position++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position++;
      return { type: 'array', items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.position++];
      if (next === ']') return { type: 'array', items };
      if (next !== ',') {
        this.position--;
        this.fail('expected "," or "]" in an array');
      }
    }
  }

  private string(): string {
    const text = this.text;
    let i = this.position + 1;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= text.length) {
        this.position = i;
        this.fail('unterminated string');
      }
      const c = text.charCodeAt(i);
      if (c === 34) break; // "
      if (c < 32) {
        this.position = i;
        this.fail('control character in a string');
      }
      if (c !== 92) {
        i++;
        continue;
      }
      out += text.slice(from, i);
      const escape = text[i + 1];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.position = i;
            this.fail('malformed \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.position = i;
          this.fail('unknown escape');
      }
      i += 2;
      from = i;
    }
    out += text.slice(from, i);
    this.position = i + 1;
    return out;
  }

  private number(): JsonNode {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
      this.text.slice(this.position, this.position + 400),
    );
    if (match === null) return this.fail('malformed number');
    const text = match[0];
    this.position += text.length;
    const n = Number(text);
    const isReal = match[1] !== undefined || match[2] !== undefined || !isIntegral(n);
    return { type: 'number', text, value: isReal && isIntegral(n) ? new RealValue(n) : n };
  }
}

/** The JSON text of a node, without white space. */
export function jsonText(node: JsonNode): string {
  switch (node.type) {
    case 'array':
      return `[${node.items.map(jsonText).join(',')}]`;
    case 'object':
      return `{${node.entries.map((entry) => `${entry.keyText}:${jsonText(entry.value)}`).join(',')}}`;
    default:
      return node.text;
  }
}

/** A node as an SQL value: JSON null is NULL, true/false booleans, objects and arrays their JSON text. */
export function jsonValue(node: JsonNode): Value {
  switch (node.type) {
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'number':
    case 'string':
      return node.value;
    default:
      return jsonText(node);
  }
}

export type PathStep = { readonly key: string } | { readonly index: number; readonly fromEnd: boolean };

/** Parses `$.a.b[0]."c d"[#-1]`. */
export function parseJsonPath(path: string): PathStep[] {
  const fail = (at: number): never => {
    throw new JsonSyntaxError(`JSON path error near '${path.slice(at)}'`);
  };
  if (path[0] !== '$') fail(0);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '"') {
        const close = path.indexOf('"', i + 2);
        if (close < 0) fail(i);
        steps.push({ key: path.slice(i + 2, close) });
        i = close + 1;
      } else {
        let end = i + 1;
        while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
        if (end === i + 1) fail(i);
        steps.push({ key: path.slice(i + 1, end) });
        i = end;
      }
    } else if (c === '[') {
      const match = /^\[(#(?:-(\d+))?|\d+)\]/.exec(path.slice(i));
      if (match === null) return fail(i);
      const [whole, inside, back] = match;
      if (inside?.startsWith('#'))
        steps.push({ index: back === undefined ? 0 : Number(back), fromEnd: true });
      else steps.push({ index: Number(inside), fromEnd: false });
      i += whole.length;
    } else {
      fail(i);
    }
  }
  return steps;
}

/** The node at `steps`, or undefined when there is none. */
export function lookupJson(root: JsonNode, steps: readonly PathStep[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const step of steps) {
    if (node === undefined) return undefined;
    if ('key' in step) {
      if (node.type !== 'object') return undefined;
      node = node.entries.find((entry) => entry.key === step.key)?.value;
    } else {
      if (node.type !== 'array') return undefined;
      const index = step.fromEnd ? node.items.length - step.index : step.index;
      node = index >= 0 ? node.items[index] : undefined;
    }
  }
  return node;
}
