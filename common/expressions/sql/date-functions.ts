/**
 * Date and time functions of the `sql` language, as SQLite's (UTC): DATE, TIME, DATETIME, JULIANDAY,
 * UNIXEPOCH and STRFTIME take a time value and modifiers; NOW() is MySQL's name for DATETIME('now').
 * Anything that is not a time, and any unknown modifier, gives NULL, as in SQLite.
 */
import {
  formatDate,
  formatDateTime,
  formatStrftime,
  formatTime,
  julianDay,
  unixSeconds,
} from './date-format.js';
import { readMoment } from './date-time.js';
import type { Moment, TimeValue } from './date-time.js';
import { defineFunction } from './function-spec.js';
import type { FunctionSpec } from './function-spec.js';
import type { CurrentTimeKeyword } from './parser.js';
import { formatPrintf } from './printf.js';
import { RealValue, numberOf, real, toText } from './values.js';
import type { Value } from './values.js';

/** Milliseconds since the Unix epoch, read once per function call. */
const clock = (): number => Date.now();

/** A time-value argument: numbers stay numbers (Julian days unless 'unixepoch' follows), text stays text. */
function timeValue(v: Value): TimeValue | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof RealValue) return numberOf(v);
  return null;
}

/**
 * Reads `args[first]` as the time value and the rest as modifiers; no argument at all means now.
 * Undefined when SQLite would answer NULL.
 */
function momentOf(args: readonly Value[], first: number): Moment | undefined {
  if (args.length <= first) return readMoment(undefined, [], clock);
  const value = timeValue(args[first] ?? null);
  if (value === null) return undefined;
  const modifiers: string[] = [];
  for (let i = first + 1; i < args.length; i++) {
    const modifier = toText(args[i] ?? null);
    if (modifier === null) return undefined;
    modifiers.push(modifier);
  }
  return readMoment(value, modifiers, clock);
}

function dateFunction(name: string, format: (p: Moment) => Value): FunctionSpec {
  return defineFunction(
    name,
    0,
    Infinity,
    (args) => {
      const moment = momentOf(args, 0);
      return moment === undefined ? null : format(moment);
    },
    { deterministic: false },
  );
}

const real16 = (x: number): string => formatPrintf('%.16g', [x], 'STRFTIME') ?? '';

export const DATE_FUNCTIONS: readonly FunctionSpec[] = [
  dateFunction('DATE', formatDate),
  dateFunction('TIME', formatTime),
  dateFunction('DATETIME', formatDateTime),
  dateFunction('JULIANDAY', (p) => real(julianDay(p))),
  dateFunction('UNIXEPOCH', unixSeconds),
  defineFunction(
    'STRFTIME',
    1,
    Infinity,
    (args) => {
      const format = toText(args[0] ?? null);
      if (format === null) return null;
      const moment = momentOf(args, 1);
      return moment === undefined ? null : (formatStrftime(format, moment, real16) ?? null);
    },
    { deterministic: false },
  ),
  defineFunction(
    'NOW',
    0,
    0,
    () => {
      const moment = readMoment(undefined, [], clock);
      return moment === undefined ? null : formatDateTime(moment);
    },
    { deterministic: false },
  ),
];

/** CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP: the current date, time or both, as text. */
export function currentTime(keyword: CurrentTimeKeyword): Value {
  const moment = readMoment(undefined, [], clock);
  if (moment === undefined) return null;
  switch (keyword) {
    case 'CURRENT_DATE':
      return formatDate(moment);
    case 'CURRENT_TIME':
      return formatTime(moment);
    case 'CURRENT_TIMESTAMP':
      return formatDateTime(moment);
  }
}
