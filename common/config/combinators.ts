/**
 * A small combinator library that decodes a yaml AST into typed values and reports every problem with the
 * position of the node it concerns. A decoder returns the value, or `undefined` after recording at least one
 * problem; it never throws and never stops the caller, so that one run lists every mistake of every file.
 *
 * Positions and paths follow one rule: a wrong value is reported at the value, with the value's path; a
 * missing, unknown or duplicate field is reported at the mapping (missing) or the key (unknown, duplicate),
 * with the path of the mapping that holds it, and the message names the field.
 */
import { Scalar, isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { didYouMean } from './suggest.js';
import { describeNode, joinPath, keyText } from './yaml-source.js';
import type { FileContext } from './yaml-source.js';

/** Where a decoder is looking: the file and the dotted path of the node. */
export interface Site {
  readonly ctx: FileContext;
  readonly path: string;
}

/** Decodes one node; `undefined` means a problem was recorded. */
export type Decoder<T> = (node: Node, at: Site) => T | undefined;

type Fields = Readonly<Record<string, Decoder<unknown>>>;
type Decoded<D> = D extends Decoder<infer T> ? T : never;

/** The decoded value of an `object` decoder: required fields present, the others optional. */
export type ObjectValue<F extends Fields, R extends keyof F> = {
  -readonly [K in keyof F as K extends R ? K : never]: Decoded<F[K]>;
} & {
  -readonly [K in keyof F as K extends R ? never : K]?: Decoded<F[K]>;
};

/** Records `must be <expected> (got <value>)` at the node. */
export function mismatch(node: Node, at: Site, expected: string, sensitive = false): undefined {
  at.ctx.problem(node, at.path, `must be ${expected} (got ${describeNode(node, { sensitive })})`);
  return undefined;
}

/** A string. Empty strings are refused unless `allowEmpty`; `sensitive` keeps the value out of messages. */
export function string(options: { allowEmpty?: boolean; sensitive?: boolean } = {}): Decoder<string> {
  return (node, at) => {
    if (!isScalar(node) || typeof node.value !== 'string') {
      return mismatch(node, at, 'a string', options.sensitive);
    }
    if (!options.allowEmpty && node.value.trim() === '') {
      at.ctx.problem(node, at.path, 'must not be empty');
      return undefined;
    }
    return node.value;
  };
}

/** The words for an integer range, as used in messages: `a positive integer`, `an integer between 0 and 15`. */
export function describeIntegerRange(min: number | undefined, max: number | undefined): string {
  if (max === undefined) {
    if (min === 1) return 'a positive integer';
    if (min === 0) return 'a non-negative integer';
    return min === undefined ? 'an integer' : `an integer >= ${min}`;
  }
  return min === undefined ? `an integer <= ${max}` : `an integer between ${min} and ${max}`;
}

/** An integer within `[min, max]` (each bound optional). */
export function integer(range: { min?: number; max?: number } = {}): Decoder<number> {
  const expected = describeIntegerRange(range.min, range.max);
  return (node, at) => {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) return mismatch(node, at, expected);
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      return mismatch(node, at, expected);
    }
    return value;
  };
}

/** `true` or `false` (YAML 1.2: `yes`, `on` are strings, and refused). */
export const boolean: Decoder<boolean> = (node, at) => {
  if (!isScalar(node) || typeof node.value !== 'boolean') return mismatch(node, at, 'true or false');
  return node.value;
};

/** One of a fixed set of strings, compared exactly; a near miss gets a suggestion. */
export function oneOf<const V extends string>(values: readonly V[]): Decoder<V> {
  const expected = values.length === 1 ? String(values[0]) : `one of ${values.join(', ')}`;
  return (node, at) => {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as V;
    const hint = typeof value === 'string' ? didYouMean(value, values) : '';
    at.ctx.problem(node, at.path, `must be ${expected} (got ${describeNode(node)})${hint}`);
    return undefined;
  };
}

/** A list whose items are decoded one by one; invalid items are reported and left out. */
export function array<T>(item: Decoder<T>, options: { nonEmpty?: boolean } = {}): Decoder<T[]> {
  return (node, at) => {
    if (!isSeq(node)) return mismatch(node, at, 'a list');
    if (options.nonEmpty && node.items.length === 0) {
      at.ctx.problem(node, at.path, 'must not be empty');
      return undefined;
    }
    const values: T[] = [];
    node.items.forEach((raw, index) => {
      const child = at.ctx.deref(raw) ?? nullAt(node.range?.[0] ?? 0);
      const value = item(child, { ctx: at.ctx, path: `${at.path}[${index}]` });
      if (value !== undefined) values.push(value);
    });
    return values;
  };
}

/** A mapping from names the user chooses to values of one kind, in the order written. */
export function mapOf<T>(value: (name: string) => Decoder<T>): Decoder<Map<string, T>> {
  return (node, at) => {
    if (!isMap(node)) return mismatch(node, at, 'a mapping');
    const view = new MappingView(at.ctx, at.path, node);
    const values = new Map<string, T>();
    const seen = new Set<string>();
    for (const key of view.keys()) {
      if (seen.has(key)) continue; // a duplicate: reported when the file was read
      seen.add(key);
      const decoded = value(key)(view.valueNode(key), { ctx: at.ctx, path: view.pathOf(key) });
      if (decoded !== undefined) values.set(key, decoded);
    }
    return values;
  };
}

/** A scalar that is kept as written: string, number, boolean or null. */
export type ScalarValue = string | number | boolean | null;

/** A mapping of names to scalars (driver arguments such as RDI's `connect_args`). */
export const scalarMap: Decoder<Record<string, ScalarValue>> = (node, at) => {
  const entries = mapOf<ScalarValue>(() => (child, site) => {
    const value: unknown = isScalar(child) ? child.value : undefined;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as ScalarValue;
    return mismatch(child, site, 'a string, number, boolean or null');
  })(node, at);
  return entries && Object.fromEntries(entries);
};

/** The specification of a mapping with known fields. */
export interface ObjectSpec<F extends Fields, R extends keyof F & string> {
  fields: F;
  /** Fields that must be given (and not null). */
  required?: readonly R[];
  /** Explanations for keys that are not fields here but are easy to put here by mistake. */
  hints?: Readonly<Record<string, string>>;
}

/** Cross-field rules of an `object`; runs when every required field decoded. */
export type ObjectCheck<T> = (value: T, view: MappingView) => void;

/**
 * A mapping with known fields. Unknown keys are problems (with a suggestion), missing required fields are
 * problems, and an optional field set to null (`field:` with nothing after it) counts as not given.
 */
export function object<F extends Fields, const R extends keyof F & string = never>(
  spec: ObjectSpec<F, R>,
  check?: ObjectCheck<ObjectValue<F, R>>,
): Decoder<ObjectValue<F, R>> {
  const known = Object.keys(spec.fields);
  const required: readonly string[] = spec.required ?? [];
  return (node, at) => {
    if (!isMap(node)) return mismatch(node, at, 'a mapping');
    const invalid = new Set<string>();
    const view = new MappingView(at.ctx, at.path, node, invalid);
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const key of view.keys()) {
      if (seen.has(key)) continue; // a duplicate: reported when the file was read
      seen.add(key);
      const decoder = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
      if (!decoder) {
        const hint = spec.hints?.[key];
        const advice = hint ? `; ${hint}` : didYouMean(key, known) || `; known fields: ${known.join(', ')}`;
        view.problemAtKey(key, `unknown field "${key}"${advice}`);
        continue;
      }
      if (!required.includes(key) && !view.given(key)) continue;
      const value = decoder(view.valueNode(key), { ctx: at.ctx, path: view.pathOf(key) });
      if (value === undefined) invalid.add(key);
      else result[key] = value;
    }
    let complete = true;
    for (const key of required) {
      if (!view.has(key)) {
        view.problem(`missing required field "${key}"`);
        complete = false;
      } else if (invalid.has(key)) {
        complete = false;
      }
    }
    if (!complete) return undefined;
    const value = result as ObjectValue<F, R>;
    check?.(value, view);
    return value;
  };
}

/** Picks the decoder by the value of one key, such as `uses`; an unknown value lists the known ones. */
export function discriminated<T>(key: string, variants: Readonly<Record<string, Decoder<T>>>): Decoder<T> {
  const tags = Object.keys(variants);
  const tagDecoder = oneOf(tags);
  return (node, at) => {
    if (!isMap(node)) return mismatch(node, at, 'a mapping');
    const view = new MappingView(at.ctx, at.path, node);
    if (!view.given(key)) {
      view.problem(`missing required field "${key}"`);
      return undefined;
    }
    const tag = tagDecoder(view.valueNode(key), { ctx: at.ctx, path: view.pathOf(key) });
    const variant = tag === undefined ? undefined : variants[tag];
    return variant ? variant(node, at) : undefined;
  };
}

/** One form of a mapping that accepts alternative shapes, recognised by the presence of its marker keys. */
export interface Form<T> {
  markers: readonly string[];
  decoder: Decoder<T>;
}

/**
 * A mapping that must take exactly one of several shapes, e.g. `{field, expression}` or `{fields: [...]}`.
 * `description` names the shapes for messages: `must have either <description>` / `..., not both`.
 */
export function alternatives<T>(description: string, forms: readonly Form<T>[]): Decoder<T> {
  return (node, at) => {
    if (!isMap(node)) return mismatch(node, at, 'a mapping');
    const view = new MappingView(at.ctx, at.path, node);
    const present = forms.filter((form) => form.markers.some((marker) => view.has(marker)));
    const [only, other] = present;
    if (!only) {
      view.problem(`must have either ${description}`);
      return undefined;
    }
    if (other) {
      view.problem(`must have either ${description}, not both`);
      return undefined;
    }
    return only.decoder(node, at);
  };
}

/** A decoder followed by a rule on its value; `rule` returns a message for a value that is refused. */
export function refine<T>(decoder: Decoder<T>, rule: (value: T) => string | undefined): Decoder<T> {
  return (node, at) => {
    const value = decoder(node, at);
    if (value === undefined) return undefined;
    const message = rule(value);
    if (message === undefined) return value;
    at.ctx.problem(node, at.path, message);
    return undefined;
  };
}

/** A decoder whose value is transformed once decoded. */
export function map<T, U>(decoder: Decoder<T>, transform: (value: T, node: Node, at: Site) => U): Decoder<U> {
  return (node, at) => {
    const value = decoder(node, at);
    return value === undefined ? undefined : transform(value, node, at);
  };
}

/** A null scalar positioned at an offset: the value of `key:` written without a value. */
function nullAt(offset: number): Scalar {
  const scalar = new Scalar(null);
  scalar.range = [offset, offset, offset];
  return scalar;
}

/** Read access to one mapping of the AST, with problem reporting at its keys and values. */
export class MappingView {
  constructor(
    readonly ctx: FileContext,
    readonly path: string,
    readonly node: YAMLMap,
    /** Fields that were given but did not decode. */
    readonly invalid: ReadonlySet<string> = new Set(),
  ) {}

  /** Keys in the order written, duplicates included; complex keys are left out (reported on reading). */
  keys(): string[] {
    const keys: string[] = [];
    for (const pair of this.node.items) {
      const key = keyText(this.ctx.deref(pair.key));
      if (key !== undefined) keys.push(key);
    }
    return keys;
  }

  /** True when the key is written, whatever its value. */
  has(key: string): boolean {
    return this.pair(key) !== undefined;
  }

  /** True when the key is written with a value other than null. */
  given(key: string): boolean {
    const value = this.valueNode(key);
    return this.has(key) && !(isScalar(value) && value.value === null);
  }

  /** The key's node; undefined when the key is not written. */
  keyNode(key: string): Node | undefined {
    return this.ctx.deref(this.pair(key)?.key) ?? undefined;
  }

  /** The value's node, aliases followed; a null scalar when the key has no value. */
  valueNode(key: string): Node {
    const pair = this.pair(key);
    const value = this.ctx.deref(pair?.value);
    if (value) return value;
    const keyNode = this.keyNode(key);
    return nullAt(keyNode?.range?.[1] ?? this.node.range?.[0] ?? 0);
  }

  /** The path of a field of this mapping. */
  pathOf(key: string): string {
    return joinPath(this.path, key);
  }

  /** A problem about the mapping as a whole, at its first character. */
  problem(message: string): void {
    this.ctx.problem(this.node, this.path, message);
  }

  /** A problem about a field's value, at the value. */
  problemAt(key: string, message: string): void {
    this.ctx.problem(this.valueNode(key), this.pathOf(key), message);
  }

  /** A problem about a field itself (unknown, conflicting), at its key, with this mapping's path. */
  problemAtKey(key: string, message: string): void {
    this.ctx.problem(this.keyNode(key) ?? this.node, this.path, message);
  }

  /** A warning about a field's value, at the value. */
  warningAt(key: string, message: string): void {
    this.ctx.warning(this.valueNode(key), this.pathOf(key), message);
  }

  private pair(key: string): { key: unknown; value: unknown } | undefined {
    return this.node.items.find((pair) => {
      const keyNode = this.ctx.deref(pair.key);
      return keyText(keyNode) === key;
    });
  }
}

/** The object without its undefined properties: optional settings that were not given are absent. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
