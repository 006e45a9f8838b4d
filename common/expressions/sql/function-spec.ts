/**
 * What a built-in function of the `sql` language is (its name, how many arguments it takes, how it computes)
 * and the argument conversions the implementations share. A function that needs a number and gets text
 * that is not one raises SqlEvaluationError, unless SQLite answers NULL there (its math functions do), in
 * which case the function answers NULL too.
 */
import { SqlEvaluationError } from './errors.js';
import { RealValue, describeValue, numberOf, numericTextValue, toText } from './values.js';
import type { Numeric, Value } from './values.js';

/** A compiled expression: from a record to its value. */
export type Evaluator = (record: Readonly<Record<string, unknown>>) => Value;

/**
 * One call site's implementation. `args` is reused between calls by the caller: read it, do not keep it.
 */
export type FunctionCall = (args: readonly Value[]) => Value;

export interface FunctionSpec {
  /** Upper-case name. */
  readonly name: string;
  readonly minArgs: number;
  /** `Infinity` for any number. */
  readonly maxArgs: number;
  /** False when two calls with the same arguments may differ ('now', RANDOM): never folded at compile time. */
  readonly deterministic: boolean;
  /** A short hint added to an arity error, e.g. that one-argument MAX is an aggregate. */
  readonly arityHint?: string;
  /** Makes the implementation for one call site; `name` is the name as called (an alias, perhaps). */
  readonly create: (name: string) => FunctionCall;
  /** For functions that must not evaluate every argument (COALESCE, IIF): compiles the call itself. */
  readonly compileLazy?: (args: readonly Evaluator[], name: string) => Evaluator;
}

/** A function whose implementation needs no per-call-site state. */
export function defineFunction(
  name: string,
  minArgs: number,
  maxArgs: number,
  call: (args: readonly Value[], name: string) => Value,
  options: { deterministic?: boolean; arityHint?: string } = {},
): FunctionSpec {
  return {
    name,
    minArgs,
    maxArgs,
    deterministic: options.deterministic ?? true,
    ...(options.arityHint === undefined ? {} : { arityHint: options.arityHint }),
    create: (calledAs) => (args) => call(args, calledAs),
  };
}

/** The same function under another name (SUBSTRING for SUBSTR). */
export function alias(spec: FunctionSpec, name: string): FunctionSpec {
  return { ...spec, name };
}

/** Throws the SqlEvaluationError `NAME: message`. */
export function fail(name: string, message: string): never {
  throw new SqlEvaluationError(`${name}: ${message}`);
}

function ordinal(position: number): string {
  return `argument ${position}`;
}

/**
 * A number argument keeping INTEGER/REAL apart: numbers as they are, booleans as 1 and 0, text that is a
 * number literal converted, NULL as null. Other text is an error naming the function and the argument.
 */
export function numericArg(v: Value, name: string, position: number): Numeric | null {
  if (typeof v === 'number' || v === null || v instanceof RealValue) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = numericTextValue(v);
  if (n === undefined) fail(name, `${ordinal(position)} must be a number (got ${describeValue(v)})`);
  return n;
}

/** As numericArg, as a plain JS number. */
export function numberArg(v: Value, name: string, position: number): number | null {
  const n = numericArg(v, name, position);
  return n === null ? null : numberOf(n);
}

/** As numberArg, truncated toward zero (SQLite reads 2.7 as 2 where it wants an integer). */
export function integerArg(v: Value, name: string, position: number): number | null {
  const n = numberArg(v, name, position);
  return n === null ? null : Math.trunc(n);
}

/** A number argument for SQLite's math functions: text that is not a number gives NULL, as there. */
export function mathArg(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return numericTextValue(v) ?? null;
  return v.value;
}

/** A text argument: numbers written as SQLite writes them, NULL as null. */
export function textArg(v: Value): string | null {
  return toText(v);
}

/** The argument at `index` (present by the arity check). */
export function arg(args: readonly Value[], index: number): Value {
  return args[index] ?? null;
}

/** Whether the call has an argument at `index` (optional arguments). */
export function hasArg(args: readonly Value[], index: number): boolean {
  return args.length > index;
}
