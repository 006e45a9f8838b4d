/**
 * Turns a syntax tree into one closure per node, once, so that evaluating a record runs no parser and no
 * dispatch on node kinds. Sub-trees without fields (`'a' || 'b'`, `ROUND(2.5)`) are computed at compile time,
 * unless they read the clock or would fail (the failure is then reported when a record is evaluated).
 * Function names and argument counts are checked here, with the position of the call.
 */
import { closestMatch } from '../../config/suggest.js';
import { currentTime } from './date-functions.js';
import { SqlEvaluationError, SqlSyntaxError } from './errors.js';
import type { Evaluator } from './function-spec.js';
import { AGGREGATE_FUNCTIONS, functionNames, lookupFunction } from './functions.js';
import { arrowOperator } from './json-functions.js';
import {
  add,
  bitAnd,
  bitNot,
  bitOr,
  castTarget,
  castValue,
  concat,
  divide,
  multiply,
  negate,
  remainder,
  shiftLeft,
  shiftRight,
  subtract,
} from './operators.js';
import type { BinaryOperator, SqlNode } from './parser.js';
import { patternMatcher } from './patterns.js';
import { compareValues, equals, fromRecord, truth } from './values.js';
import type { Value } from './values.js';

interface Compiled {
  readonly evaluate: Evaluator;
  /** True when the node's value does not depend on the record or the time: `evaluate` returns `value`. */
  readonly constant: boolean;
}

type Truth = boolean | null;

const EMPTY_RECORD: Readonly<Record<string, unknown>> = Object.freeze({});

function constant(value: Value): Compiled {
  return { evaluate: () => value, constant: true };
}

/** Compiles a parsed expression; `source` is its text, for the positions in syntax errors. */
export function compileTree(node: SqlNode, source: string): Evaluator {
  return new Compiler(source).compile(node).evaluate;
}

// ---- three-valued logic and comparisons

function not(t: Truth): Truth {
  return t === null ? null : !t;
}

function and(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function lessThan(a: Value, b: Value): Truth {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (a === null || b === null) return null;
  return compareValues(a, b) < 0;
}

function lessOrEqual(a: Value, b: Value): Truth {
  if (typeof a === 'number' && typeof b === 'number') return a <= b;
  if (a === null || b === null) return null;
  return compareValues(a, b) <= 0;
}

function greaterThan(a: Value, b: Value): Truth {
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  if (a === null || b === null) return null;
  return compareValues(a, b) > 0;
}

function greaterOrEqual(a: Value, b: Value): Truth {
  if (typeof a === 'number' && typeof b === 'number') return a >= b;
  if (a === null || b === null) return null;
  return compareValues(a, b) >= 0;
}

function notEquals(a: Value, b: Value): Truth {
  return not(equals(a, b));
}

/** `a IS b`: equality where NULL equals NULL. */
function same(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  return equals(a, b) === true;
}

/** The binary operators that evaluate both sides and combine the values (not AND, OR, -> and ->>). */
type ValueOperator = Exclude<BinaryOperator, 'AND' | 'OR' | '->' | '->>'>;

const BINARY_FUNCTIONS: Readonly<Record<ValueOperator, (a: Value, b: Value) => Value>> = {
  '=': equals,
  '!=': notEquals,
  '<': lessThan,
  '<=': lessOrEqual,
  '>': greaterThan,
  '>=': greaterOrEqual,
  IS: same,
  'IS NOT': (a, b) => !same(a, b),
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': remainder,
  '||': concat,
  '&': bitAnd,
  '|': bitOr,
  '<<': shiftLeft,
  '>>': shiftRight,
};

/** `(n arguments)` wording for arity errors. */
function expectedArguments(min: number, max: number): string {
  const count = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (min === max) return min === 0 ? 'no arguments' : count(min);
  if (max === Infinity) return `at least ${count(min)}`;
  if (max === min + 1) return `${min} or ${count(max)}`;
  return `between ${min} and ${count(max)}`;
}

class Compiler {
  constructor(private readonly source: string) {}

  compile(node: SqlNode): Compiled {
    switch (node.kind) {
      case 'literal':
        return constant(node.value);
      case 'field':
        return { evaluate: fieldReader(node.path), constant: false };
      case 'currentTime': {
        const keyword = node.keyword;
        return { evaluate: () => currentTime(keyword), constant: false };
      }
      case 'unary':
        return this.unary(node.operator, this.compile(node.operand));
      case 'binary':
        return this.binary(node.operator, this.compile(node.left), this.compile(node.right));
      case 'isNull': {
        const operand = this.compile(node.operand);
        const evaluate = operand.evaluate;
        const negated = node.negated;
        return this.fold((record) => (evaluate(record) === null) !== negated, [operand]);
      }
      case 'isTruth': {
        const operand = this.compile(node.operand);
        const { truth: wanted, negated } = node;
        const evaluate = operand.evaluate;
        return this.fold((record) => (truth(evaluate(record)) === wanted) !== negated, [operand]);
      }
      case 'between':
        return this.between(node);
      case 'in':
        return this.inList(node);
      case 'like':
        return this.like(node);
      case 'case':
        return this.caseExpression(node);
      case 'cast': {
        const operand = this.compile(node.operand);
        const target = castTarget(node.typeName);
        const evaluate = operand.evaluate;
        return this.fold((record) => castValue(evaluate(record), target), [operand]);
      }
      case 'call':
        return this.call(node);
    }
  }

  /**
   * Computes a node now when every child is constant; `children` is undefined for a node that must run for
   * every record (it reads the clock). A node that fails stays a closure, so that the error shows when a
   * record is evaluated.
   */
  private fold(evaluate: Evaluator, children: readonly Compiled[] | undefined): Compiled {
    if (children !== undefined && children.every((child) => child.constant)) {
      try {
        return constant(evaluate(EMPTY_RECORD));
      } catch (error) {
        if (!(error instanceof SqlEvaluationError)) throw error;
      }
    }
    return { evaluate, constant: false };
  }

  private unary(operator: '-' | '+' | '~' | 'NOT', operand: Compiled): Compiled {
    const o = operand.evaluate;
    switch (operator) {
      case '+':
        return operand; // SQLite's unary plus changes nothing, not even text into a number
      case '-':
        return this.fold((record) => negate(o(record)), [operand]);
      case '~':
        return this.fold((record) => bitNot(o(record)), [operand]);
      case 'NOT':
        return this.fold((record) => not(truth(o(record))), [operand]);
    }
  }

  private binary(operator: BinaryOperator, left: Compiled, right: Compiled): Compiled {
    const l = left.evaluate;
    const r = right.evaluate;
    if (operator === 'AND') {
      return this.fold(
        (record) => {
          const a = truth(l(record));
          if (a === false) return false;
          const b = truth(r(record));
          if (b === false) return false;
          return a === null || b === null ? null : true;
        },
        [left, right],
      );
    }
    if (operator === 'OR') {
      return this.fold(
        (record) => {
          const a = truth(l(record));
          if (a === true) return true;
          const b = truth(r(record));
          if (b === true) return true;
          return a === null || b === null ? null : false;
        },
        [left, right],
      );
    }
    const fn = operator === '->' || operator === '->>' ? arrowOperator(operator) : BINARY_FUNCTIONS[operator];
    if (right.constant) {
      const b = r(EMPTY_RECORD);
      return this.fold((record) => fn(l(record), b), [left, right]);
    }
    return this.fold((record) => fn(l(record), r(record)), [left, right]);
  }

  private between(node: Extract<SqlNode, { kind: 'between' }>): Compiled {
    const operand = this.compile(node.operand);
    const low = this.compile(node.low);
    const high = this.compile(node.high);
    const [x, lo, hi] = [operand.evaluate, low.evaluate, high.evaluate];
    const negated = node.negated;
    return this.fold(
      (record) => {
        const value = x(record);
        const inside = and(greaterOrEqual(value, lo(record)), lessOrEqual(value, hi(record)));
        return negated ? not(inside) : inside;
      },
      [operand, low, high],
    );
  }

  /** `x IN (...)`: TRUE on a match; else NULL when x or an item is NULL; else FALSE. */
  private inList(node: Extract<SqlNode, { kind: 'in' }>): Compiled {
    const operand = this.compile(node.operand);
    const items = node.items.map((item) => this.compile(item));
    const x = operand.evaluate;
    const evaluators = items.map((item) => item.evaluate);
    const negated = node.negated;
    return this.fold(
      (record) => {
        if (evaluators.length === 0) return negated;
        const value = x(record);
        if (value === null) return null;
        let sawNull = false;
        for (const item of evaluators) {
          const found = equals(value, item(record));
          if (found === true) return !negated;
          if (found === null) sawNull = true;
        }
        return sawNull ? null : negated;
      },
      [operand, ...items],
    );
  }

  private like(node: Extract<SqlNode, { kind: 'like' }>): Compiled {
    const operand = this.compile(node.operand);
    const pattern = this.compile(node.pattern);
    const escape = node.escape === undefined ? undefined : this.compile(node.escape);
    const match = patternMatcher(node.operator);
    const [x, p, e] = [operand.evaluate, pattern.evaluate, escape?.evaluate];
    const negated = node.negated;
    const children = escape === undefined ? [operand, pattern] : [operand, pattern, escape];
    return this.fold((record) => {
      const found = match(x(record), p(record), e === undefined ? undefined : e(record));
      return negated ? not(found) : found;
    }, children);
  }

  private caseExpression(node: Extract<SqlNode, { kind: 'case' }>): Compiled {
    const base = node.base === undefined ? undefined : this.compile(node.base);
    const whens = node.branches.map((branch) => this.compile(branch.when));
    const thens = node.branches.map((branch) => this.compile(branch.then));
    const otherwise = node.otherwise === undefined ? undefined : this.compile(node.otherwise);
    const conditions = whens.map((when) => when.evaluate);
    const results = thens.map((then) => then.evaluate);
    const fallback = otherwise?.evaluate;
    const b = base?.evaluate;
    const children = [...whens, ...thens];
    if (base !== undefined) children.push(base);
    if (otherwise !== undefined) children.push(otherwise);
    const evaluate: Evaluator =
      b === undefined
        ? (record) => {
            for (let i = 0; i < conditions.length; i++) {
              if (truth((conditions[i] as Evaluator)(record)) === true)
                return (results[i] as Evaluator)(record);
            }
            return fallback === undefined ? null : fallback(record);
          }
        : (record) => {
            const value = b(record);
            for (let i = 0; i < conditions.length; i++) {
              if (equals(value, (conditions[i] as Evaluator)(record)) === true) {
                return (results[i] as Evaluator)(record);
              }
            }
            return fallback === undefined ? null : fallback(record);
          };
    return this.fold(evaluate, children);
  }

  private call(node: Extract<SqlNode, { kind: 'call' }>): Compiled {
    const name = node.name;
    const spec = lookupFunction(name);
    if (spec === undefined) {
      if (AGGREGATE_FUNCTIONS.has(name)) {
        throw new SqlSyntaxError(
          `${name} is an aggregate function, which an expression over one record cannot use`,
          this.source,
          node.offset,
        );
      }
      const suggestion = closestMatch(name, functionNames());
      throw new SqlSyntaxError(
        `unknown function ${name}`,
        this.source,
        node.offset,
        suggestion === undefined ? '' : `; did you mean ${suggestion}?`,
      );
    }
    const count = node.args.length;
    if (count < spec.minArgs || count > spec.maxArgs) {
      throw new SqlSyntaxError(
        `${name} expects ${expectedArguments(spec.minArgs, spec.maxArgs)} but got ${count}`,
        this.source,
        node.offset,
        count === 1 ? (spec.arityHint ?? '') : '',
      );
    }
    const args = node.args.map((argument) => this.compile(argument));
    const evaluators = args.map((argument) => argument.evaluate);
    const children = spec.deterministic ? args : undefined;
    if (spec.compileLazy !== undefined) return this.fold(spec.compileLazy(evaluators, name), children);
    const call = spec.create(name);
    const buffer: Value[] = new Array<Value>(count).fill(null);
    let evaluate: Evaluator;
    const [a0, a1, a2] = evaluators;
    if (count === 0) evaluate = () => call(buffer);
    else if (count === 1 && a0 !== undefined) {
      evaluate = (record) => {
        buffer[0] = a0(record);
        return call(buffer);
      };
    } else if (count === 2 && a0 !== undefined && a1 !== undefined) {
      evaluate = (record) => {
        buffer[0] = a0(record);
        buffer[1] = a1(record);
        return call(buffer);
      };
    } else if (count === 3 && a0 !== undefined && a1 !== undefined && a2 !== undefined) {
      evaluate = (record) => {
        buffer[0] = a0(record);
        buffer[1] = a1(record);
        buffer[2] = a2(record);
        return call(buffer);
      };
    } else {
      evaluate = (record) => {
        for (let i = 0; i < count; i++) buffer[i] = (evaluators[i] as Evaluator)(record);
        return call(buffer);
      };
    }
    return this.fold(evaluate, children);
  }
}

/** Reads a field, or a path into nested objects; missing steps give NULL. */
function fieldReader(path: readonly string[]): Evaluator {
  const name = path[0] as string;
  if (path.length === 1) {
    return (record) => {
      if (!Object.hasOwn(record, name)) return null;
      const v = record[name];
      if (typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number' && !Number.isNaN(v)) return v;
      return fromRecord(v, name);
    };
  }
  const dotted = path.join('.');
  return (record) => {
    let v: unknown = record;
    for (const step of path) {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, step)) return null;
      v = (v as Record<string, unknown>)[step];
    }
    return fromRecord(v, dotted);
  };
}
