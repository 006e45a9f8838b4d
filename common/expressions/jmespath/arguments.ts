/**
 * What an extra function is (name, parameters, implementation) and the checks of its arguments. Every check
 * fails with a message that names the function, the argument's position and name, what was expected and what
 * was given: `left(): argument 2 (count) must be an integer (got string "5")`.
 */
import type { JSONObject, JSONValue, compile } from '@jmespath-community/jmespath';
import { JmespathEvaluationError } from './errors.js';

/** A compiled expression tree, as the library's `compile` returns it. */
export type ExpressionNode = ReturnType<typeof compile>;

/** One parameter of an extra function. */
export interface ParameterSpec {
  readonly name: string;
  /** May be left out (only trailing parameters are optional). */
  readonly optional?: boolean;
}

/** What a function implementation may ask of the evaluator. */
export interface CallContext {
  /** Evaluates a compiled expression against `value` as a fresh root (`@` and `$` are `value`). */
  evaluate(node: ExpressionNode, value: JSONValue): JSONValue;
  /** Compiles an expression given as a string argument (cached); throws JmespathSyntaxError. */
  compileArgument(source: string): ExpressionNode;
}

/** An extra function: its name, parameters, implementation and optional compile-time check of literals. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ParameterSpec[];
  readonly call: (args: ArgumentReader, context: CallContext) => JSONValue;
  /**
   * Checks the arguments that are literals in the source (`undefined` for the others) when the expression is
   * compiled, so that a bad hash name or regular expression is refused at deploy time. Returns what is wrong.
   */
  readonly checkLiterals?: (literals: readonly (JSONValue | undefined)[]) => string | undefined;
}

/** An `&expression` argument as the library passes it. */
export type ExpressionReference = ExpressionNode & { expref: true };

export function isExpressionReference(value: unknown): value is ExpressionReference {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { expref?: unknown }).expref === true
  );
}

export function isPlainObject(value: unknown): value is JSONObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !isExpressionReference(value)
  );
}

/** Sets `key` even when it is `__proto__`, so that data cannot reach an object's prototype. */
export function setMember(target: JSONObject, key: string, value: JSONValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** How a value is shown in messages: its JMESPath type, and the value itself when it is short. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  if (isExpressionReference(value)) return 'an expression';
  return 'an object';
}

/** The arguments of one call of an extra function, read with checks. */
export class ArgumentReader {
  constructor(
    readonly spec: FunctionSpec,
    readonly values: readonly unknown[],
  ) {}

  /** Whether argument `index` was given at all (optional parameters). */
  has(index: number): boolean {
    return index < this.values.length;
  }

  raw(index: number): unknown {
    return this.values[index] ?? null;
  }

  /** An evaluation error about argument `index`. */
  error(index: number, problem: string): JmespathEvaluationError {
    const param = this.spec.params[index]?.name ?? `#${index + 1}`;
    return new JmespathEvaluationError(`${this.spec.name}(): argument ${index + 1} (${param}) ${problem}`);
  }

  mismatch(index: number, expected: string): JmespathEvaluationError {
    return this.error(index, `must be ${expected} (got ${describeValue(this.raw(index))})`);
  }

  string(index: number): string {
    const value = this.raw(index);
    if (typeof value !== 'string') throw this.mismatch(index, 'a string');
    return value;
  }

  nullableString(index: number): string | null {
    const value = this.raw(index);
    if (value === null) return null;
    if (typeof value !== 'string') throw this.mismatch(index, 'a string or null');
    return value;
  }

  integer(index: number): number {
    const value = this.raw(index);
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.mismatch(index, 'an integer');
    return value;
  }

  nonNegativeInteger(index: number): number {
    const value = this.raw(index);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw this.mismatch(index, 'a non-negative integer');
    }
    return value;
  }

  nullableObject(index: number): JSONObject | null {
    const value = this.raw(index);
    if (value === null) return null;
    if (!isPlainObject(value)) throw this.mismatch(index, 'an object or null');
    return value;
  }

  nullableArray(index: number): JSONValue[] | null {
    const value = this.raw(index);
    if (value === null) return null;
    if (!Array.isArray(value)) throw this.mismatch(index, 'an array or null');
    return value as JSONValue[];
  }

  /** Any JSON value (not an `&expression`). */
  value(index: number): JSONValue {
    const value = this.raw(index);
    if (isExpressionReference(value)) throw this.mismatch(index, 'a value');
    return value as JSONValue;
  }
}
