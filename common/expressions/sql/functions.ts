/**
 * The catalogue of built-in functions of the `sql` language, looked up by upper-case name, and the NULL
 * handling functions: COALESCE, IFNULL, NULLIF, IIF and IF. COALESCE, IFNULL, IIF and IF evaluate only the
 * arguments they need, so an argument that would fail for a record is not evaluated when it is not chosen:
 * `IIF(amount = '', 0, ABS(amount))`.
 */
import { DATE_FUNCTIONS } from './date-functions.js';
import { arg, defineFunction } from './function-spec.js';
import type { Evaluator, FunctionSpec } from './function-spec.js';
import { JSON_FUNCTIONS } from './json-functions.js';
import { NUMBER_FUNCTIONS } from './number-functions.js';
import { STRING_FUNCTIONS } from './string-functions.js';
import { equals, truth } from './values.js';
import type { Value } from './values.js';

function firstNotNull(args: readonly Value[]): Value {
  for (const value of args) if (value !== null) return value;
  return null;
}

/** COALESCE and IFNULL: the first argument that is not NULL, evaluating no further. */
function coalesceSpec(name: string, minArgs: number, maxArgs: number): FunctionSpec {
  return {
    ...defineFunction(name, minArgs, maxArgs, firstNotNull),
    compileLazy: (args) => {
      const [first, second] = args;
      if (args.length === 2 && first !== undefined && second !== undefined) {
        return (record) => first(record) ?? second(record);
      }
      return (record) => {
        for (const evaluate of args) {
          const value = evaluate(record);
          if (value !== null) return value;
        }
        return null;
      };
    },
  };
}

/** IIF(condition, then [, else]) and MySQL's IF: a NULL condition counts as false; no else gives NULL. */
function conditionalSpec(name: string): FunctionSpec {
  return {
    ...defineFunction(name, 2, 3, (args) => (truth(arg(args, 0)) === true ? arg(args, 1) : arg(args, 2))),
    compileLazy: (args) => {
      const [condition, then, otherwise] = args as [Evaluator, Evaluator, Evaluator | undefined];
      if (otherwise === undefined)
        return (record) => (truth(condition(record)) === true ? then(record) : null);
      return (record) => (truth(condition(record)) === true ? then(record) : otherwise(record));
    },
  };
}

const NULL_FUNCTIONS: readonly FunctionSpec[] = [
  coalesceSpec('COALESCE', 2, Infinity),
  coalesceSpec('IFNULL', 2, 2),
  defineFunction('NULLIF', 2, 2, (args) => {
    const first = arg(args, 0);
    return equals(first, arg(args, 1)) === true ? null : first;
  }),
  conditionalSpec('IIF'),
  conditionalSpec('IF'),
];

const CATALOGUE: ReadonlyMap<string, FunctionSpec> = new Map(
  [...NULL_FUNCTIONS, ...STRING_FUNCTIONS, ...NUMBER_FUNCTIONS, ...DATE_FUNCTIONS, ...JSON_FUNCTIONS].map(
    (spec) => [spec.name, spec],
  ),
);

/** The function called `name` (any case), or undefined. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  return CATALOGUE.get(name.toUpperCase());
}

/** Every function name, upper case, sorted. */
export function functionNames(): string[] {
  return [...CATALOGUE.keys()].sort();
}

/** SQL aggregate functions: they summarise many rows, which an expression over one record cannot do. */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'AVG',
  'COUNT',
  'GROUP_CONCAT',
  'STRING_AGG',
  'SUM',
  'TOTAL',
]);
