/**
 * Number functions of the `sql` language, with SQLite's results: ABS keeps INTEGER/REAL, ROUND always gives
 * a REAL rounded half away from zero, the math functions (CEIL ... PI) give NULL for text that is not a
 * number and for arguments outside their domain (`SQRT(-1)`, `LN(0)`), as SQLite's do. MIN and MAX with two
 * or more arguments are the scalar functions: NULL when any argument is NULL.
 */
import { decimalPlaces, digitsToNumber } from './decimal.js';
import { alias, arg, defineFunction, hasArg, integerArg, mathArg, numericArg } from './function-spec.js';
import type { FunctionSpec } from './function-spec.js';
import { RealValue, compareValues, isIntegerValue, numberOf, real } from './values.js';
import type { Value } from './values.js';

/** 2^52: from here on a double has no fractional part, so there is nothing to round. */
const NOTHING_TO_ROUND = 4503599627370496;

/** SQLite's ROUND: `decimals` clamped to 0..30, half away from zero on the decimal digits. */
function roundHalfAway(x: number, decimals: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= NOTHING_TO_ROUND) return x;
  const places = Math.min(Math.max(decimals, 0), 30);
  return digitsToNumber(decimalPlaces(x, places), x < 0);
}

/** A one-argument math function: NULL for NULL, non-numeric text or a result outside the reals. */
function math1(name: string, compute: (x: number) => number): FunctionSpec {
  return defineFunction(name, 1, 1, (args) => {
    const x = mathArg(arg(args, 0));
    return x === null ? null : real(compute(x));
  });
}

function positive(compute: (x: number) => number): (x: number) => number {
  return (x) => (x > 0 ? compute(x) : NaN);
}

/** CEIL and FLOOR keep an INTEGER as it is and give a REAL for a REAL, as SQLite. */
function ceilFloor(name: string, compute: (x: number) => number): FunctionSpec {
  return defineFunction(name, 1, 1, (args) => {
    const v = arg(args, 0);
    const x = mathArg(v);
    if (x === null) return null;
    const isInteger = typeof v === 'boolean' || (typeof v !== 'string' && v !== null && isIntegerValue(v));
    if (isInteger || (typeof v === 'string' && Number.isInteger(x))) return x;
    return real(compute(x) + 0);
  });
}

function extreme(name: string, wanted: 1 | -1): FunctionSpec {
  return defineFunction(
    name,
    2,
    Infinity,
    (args) => {
      let best: Value = null;
      for (const value of args) {
        if (value === null) return null;
        if (best === null || compareValues(value, best) * wanted > 0) best = value;
      }
      return best;
    },
    {
      arityHint: `; with one argument ${name} is an aggregate function, which an expression over one record cannot use`,
    },
  );
}

const CEIL = ceilFloor('CEIL', Math.ceil);
const POWER = defineFunction('POWER', 2, 2, (args) => {
  const x = mathArg(arg(args, 0));
  const y = mathArg(arg(args, 1));
  return x === null || y === null ? null : real(x ** y);
});
const MIN = extreme('MIN', -1);
const MAX = extreme('MAX', 1);

export const NUMBER_FUNCTIONS: readonly FunctionSpec[] = [
  defineFunction('ABS', 1, 1, (args, name) => {
    const v = arg(args, 0);
    const x = numericArg(v, name, 1);
    if (x === null) return null;
    if (typeof v === 'string') return real(Math.abs(numberOf(x))); // SQLite reads text as a REAL here
    if (x instanceof RealValue) return new RealValue(Math.abs(x.value));
    return isIntegerValue(x) ? Math.abs(x) + 0 : real(Math.abs(x));
  }),
  defineFunction('ROUND', 1, 2, (args, name) => {
    const x = numericArg(arg(args, 0), name, 1);
    const decimals = hasArg(args, 1) ? integerArg(arg(args, 1), name, 2) : 0;
    if (x === null || decimals === null) return null;
    return real(roundHalfAway(x instanceof RealValue ? x.value : x, decimals) + 0);
  }),
  CEIL,
  alias(CEIL, 'CEILING'),
  ceilFloor('FLOOR', Math.floor),
  defineFunction('SIGN', 1, 1, (args) => {
    const x = mathArg(arg(args, 0));
    return x === null ? null : Math.sign(x) + 0;
  }),
  defineFunction('MOD', 2, 2, (args) => {
    const x = mathArg(arg(args, 0));
    const y = mathArg(arg(args, 1));
    return x === null || y === null || y === 0 ? null : real(x % y);
  }),
  POWER,
  alias(POWER, 'POW'),
  math1('SQRT', (x) => (x >= 0 ? Math.sqrt(x) : NaN)),
  math1('EXP', Math.exp),
  math1('LN', positive(Math.log)),
  defineFunction('LOG', 1, 2, (args) => {
    // SQLite: LOG(x) is the base-10 logarithm, LOG(b, x) the base-b one.
    if (!hasArg(args, 1)) {
      const x = mathArg(arg(args, 0));
      return x === null ? null : real(x > 0 ? Math.log10(x) : NaN);
    }
    const base = mathArg(arg(args, 0));
    const x = mathArg(arg(args, 1));
    if (base === null || x === null) return null;
    if (base <= 0 || base === 1 || x <= 0) return null;
    if (base === 10) return real(Math.log10(x));
    if (base === 2) return real(Math.log2(x));
    return real(Math.log(x) / Math.log(base));
  }),
  math1('LOG10', positive(Math.log10)),
  math1('LOG2', positive(Math.log2)),
  defineFunction('PI', 0, 0, () => real(Math.PI)),
  defineFunction(
    'RANDOM',
    0,
    0,
    // A random integer; SQLite's spans 64 bits, this one the integers a double holds exactly.
    () => Math.floor(Math.random() * 2 ** 54) - 2 ** 53,
    { deterministic: false },
  ),
  MIN,
  MAX,
  alias(MIN, 'LEAST'),
  alias(MAX, 'GREATEST'),
];
