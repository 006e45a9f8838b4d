/**
 * Date and time functions. Every one works in UTC: a date and time without an offset is taken as UTC, and
 * formatted output is UTC. A date and time is either an ISO 8601 string (`2011-11-04T00:05:23+04:00`,
 * `2011-11-04 00:05:23`, `2011-11-04`) or a number of seconds since the Unix epoch (fractions allowed).
 *
 * - time_delta_days / time_delta_seconds (RDI): whole days / seconds from the given time to now, positive for
 *   a time in the past, negative for one in the future, rounded down as Python's `timedelta` does.
 * - format_datetime / parse_datetime (Ferry additions): strftime-style formatting to text, and parsing of ISO
 *   8601 or strptime-style text to epoch seconds.
 */
import type { ArgumentReader, FunctionSpec } from './arguments.js';

/** A point in time: whole seconds since the epoch (rounded down) and the microseconds past them. */
export interface Instant {
  readonly seconds: number;
  readonly micros: number;
}

const ISO_EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ISO_BASIC =
  /^(\d{4})(\d{2})(\d{2})(?:[Tt ](\d{2})(?:(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  /** Seconds east of UTC. */
  offset: number;
}

/** The instant of calendar fields, or a message saying which field is out of range. */
function instantOf(fields: Fields): Instant | string {
  const { year, month, day, hour, minute, second } = fields;
  if (month < 1 || month > 12) return `month ${month} is not between 1 and 12`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${day} does not exist in ${year}-${month}`;
  if (hour > 23) return `hour ${hour} is not between 0 and 23`;
  if (minute > 59) return `minute ${minute} is not between 0 and 59`;
  if (second > 59) return `second ${second} is not between 0 and 59`;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return { seconds: date.getTime() / 1000 - fields.offset, micros: fields.micros };
}

function offsetSeconds(text: string | undefined): number {
  if (text === undefined || text === 'Z' || text === 'z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

function microsOf(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
}

/** An ISO 8601 date, or date and time with an optional offset (UTC without one); a message when it is not. */
export function parseIsoDateTime(text: string): Instant | string {
  const match = ISO_EXTENDED.exec(text.trim()) ?? ISO_BASIC.exec(text.trim());
  if (!match) return 'is not an ISO 8601 date and time (for example 2011-11-04T00:05:23+04:00)';
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const offsetText = offset?.replace(':', '');
  if (offsetText !== undefined && offsetText.length > 1) {
    const hours = Number(offsetText.slice(1, 3));
    const minutes = Number(offsetText.slice(3, 5) || '0');
    if (hours > 23 || minutes > 59) return `has the offset ${offset}, which is out of range`;
  }
  const instant = instantOf({
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    micros: microsOf(fraction),
    offset: offsetSeconds(offset),
  });
  return typeof instant === 'string' ? `is not a valid date and time: ${instant}` : instant;
}

/** Epoch seconds (fractions allowed) as an instant. */
export function instantFromEpoch(epochSeconds: number): Instant {
  const seconds = Math.floor(epochSeconds);
  return { seconds, micros: Math.min(999_999, Math.round((epochSeconds - seconds) * 1e6)) };
}

/** Argument `index` as an instant: an ISO 8601 string or epoch seconds; null stays null. */
function instantArgument(args: ArgumentReader, index: number): Instant | null {
  const value = args.raw(index);
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return instantFromEpoch(value);
  if (typeof value !== 'string') {
    throw args.mismatch(index, 'an ISO 8601 date and time string or a number of seconds since the epoch');
  }
  const instant = parseIsoDateTime(value);
  if (typeof instant === 'string') throw args.error(index, instant);
  return instant;
}

/** Milliseconds from `instant` to `nowMs`. */
function millisSince(instant: Instant, nowMs: number): number {
  return nowMs - (instant.seconds * 1000 + instant.micros / 1000);
}

const pad = (value: number, width: number, fill = '0'): string => String(value).padStart(width, fill);
const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

type Formatter = (date: Date, instant: Instant) => string;

const STRFTIME: Readonly<Record<string, Formatter>> = {
  a: (d) => capital(WEEKDAYS[d.getUTCDay()] ?? '').slice(0, 3),
  A: (d) => capital(WEEKDAYS[d.getUTCDay()] ?? ''),
  b: (d) => capital(MONTHS[d.getUTCMonth()] ?? '').slice(0, 3),
  h: (d) => capital(MONTHS[d.getUTCMonth()] ?? '').slice(0, 3),
  B: (d) => capital(MONTHS[d.getUTCMonth()] ?? ''),
  d: (d) => pad(d.getUTCDate(), 2),
  e: (d) => pad(d.getUTCDate(), 2, ' '),
  f: (_, i) => pad(i.micros, 6),
  F: (d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`,
  H: (d) => pad(d.getUTCHours(), 2),
  I: (d) => pad(d.getUTCHours() % 12 || 12, 2),
  j: (d) => pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
  m: (d) => pad(d.getUTCMonth() + 1, 2),
  M: (d) => pad(d.getUTCMinutes(), 2),
  p: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  s: (_, i) => String(i.seconds),
  S: (d) => pad(d.getUTCSeconds(), 2),
  T: (d) => `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`,
  u: (d) => String(d.getUTCDay() || 7),
  w: (d) => String(d.getUTCDay()),
  y: (d) => pad(d.getUTCFullYear() % 100, 2),
  Y: (d) => pad(d.getUTCFullYear(), 4),
  z: () => '+0000',
  Z: () => 'UTC',
  '%': () => '%',
};

/** The pieces of a strftime format: literal text and directive letters; throws Error for unknown ones. */
function strftimePieces(format: string): readonly (string | Formatter)[] {
  const pieces: (string | Formatter)[] = [];
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char !== '%') {
      pieces.push(char);
      continue;
    }
    const directive = format[++i];
    const formatter = directive === undefined ? undefined : STRFTIME[directive];
    if (!formatter) {
      throw new Error(
        directive === undefined
          ? 'the format ends with a lone %'
          : `the format has the unknown directive %${directive} (supported: ${Object.keys(STRFTIME)
              .map((key) => `%${key}`)
              .join(' ')})`,
      );
    }
    pieces.push(formatter);
  }
  return pieces;
}

/** `instant` formatted in UTC with a strftime format. */
export function formatInstant(instant: Instant, format: string): string {
  const date = new Date(instant.seconds * 1000);
  return strftimePieces(format)
    .map((piece) => (typeof piece === 'string' ? piece : piece(date, instant)))
    .join('');
}

/** How one strptime directive reads its text into fields. */
interface Reader {
  readonly pattern: string;
  readonly read?: (text: string, fields: ParsedFields) => string | undefined;
}

interface ParsedFields extends Fields {
  hour12?: number;
  pm?: boolean;
  dayOfYear?: number;
  epoch?: number;
}

const numberInto =
  (field: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'dayOfYear' | 'hour12') =>
  (text: string, fields: ParsedFields): undefined => {
    fields[field] = Number(text);
    return undefined;
  };

const monthName = (text: string, fields: ParsedFields): string | undefined => {
  const lower = text.toLowerCase();
  const index = MONTHS.findIndex((month) => month === lower || month.slice(0, 3) === lower);
  if (index < 0) return `"${text}" is not a month name`;
  fields.month = index + 1;
  return undefined;
};

const weekdayName = (text: string): string | undefined => {
  const lower = text.toLowerCase();
  return WEEKDAYS.some((day) => day === lower || day.slice(0, 3) === lower)
    ? undefined
    : `"${text}" is not a weekday name`;
};

const STRPTIME: Readonly<Record<string, Reader>> = {
  Y: { pattern: '(\\d{4})', read: numberInto('year') },
  y: {
    pattern: '(\\d{2})',
    read: (text, fields) => {
      const year = Number(text);
      fields.year = year < 69 ? 2000 + year : 1900 + year;
      return undefined;
    },
  },
  m: { pattern: '(\\d{1,2})', read: numberInto('month') },
  d: { pattern: '(\\d{1,2})', read: numberInto('day') },
  e: { pattern: '\\s?(\\d{1,2})', read: numberInto('day') },
  H: { pattern: '(\\d{1,2})', read: numberInto('hour') },
  I: { pattern: '(\\d{1,2})', read: numberInto('hour12') },
  M: { pattern: '(\\d{1,2})', read: numberInto('minute') },
  S: { pattern: '(\\d{1,2})', read: numberInto('second') },
  f: {
    pattern: '(\\d{1,6})',
    read: (text, fields) => {
      fields.micros = microsOf(text);
      return undefined;
    },
  },
  j: { pattern: '(\\d{1,3})', read: numberInto('dayOfYear') },
  b: { pattern: '([A-Za-z]+)', read: monthName },
  h: { pattern: '([A-Za-z]+)', read: monthName },
  B: { pattern: '([A-Za-z]+)', read: monthName },
  a: { pattern: '([A-Za-z]+)', read: weekdayName },
  A: { pattern: '([A-Za-z]+)', read: weekdayName },
  p: {
    pattern: '(AM|PM)',
    read: (text, fields) => {
      fields.pm = text.toUpperCase() === 'PM';
      return undefined;
    },
  },
  z: {
    pattern: '(Z|[+-]\\d{2}(?::?\\d{2})?)',
    read: (text, fields) => {
      fields.offset = offsetSeconds(text.toUpperCase());
      return undefined;
    },
  },
  Z: { pattern: '(?:UTC|GMT|Z)' },
  s: {
    pattern: '(-?\\d+(?:\\.\\d+)?)',
    read: (text, fields) => {
      fields.epoch = Number(text);
      return undefined;
    },
  },
  '%': { pattern: '%' },
};

const EXPANSIONS: Readonly<Record<string, string>> = { F: '%Y-%m-%d', T: '%H:%M:%S' };

interface CompiledParser {
  readonly regex: RegExp;
  readonly readers: readonly Reader[];
}

const parsers = new Map<string, CompiledParser>();

/** A strptime format as one regular expression; throws Error for an unknown directive. */
function compileParser(format: string): CompiledParser {
  const cached = parsers.get(format);
  if (cached) return cached;
  const expanded = format.replace(/%([FT])/g, (_, letter: string) => EXPANSIONS[letter] ?? '');
  let source = '';
  const readers: Reader[] = [];
  for (let i = 0; i < expanded.length; i++) {
    const char = expanded[i] as string;
    if (char === '%') {
      const directive = expanded[++i];
      const reader = directive === undefined ? undefined : STRPTIME[directive];
      if (!reader) {
        throw new Error(
          directive === undefined
            ? 'the format ends with a lone %'
            : `the format has the unknown directive %${directive} (supported: ${[
                ...Object.keys(STRPTIME),
                'F',
                'T',
              ]
                .map((key) => `%${key}`)
                .join(' ')})`,
        );
      }
      source += reader.pattern;
      if (reader.read) readers.push(reader);
    } else if (/\s/.test(char)) {
      while (/\s/.test(expanded[i + 1] ?? '')) i++;
      source += '\\s+';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  if (parsers.size >= 256) parsers.clear();
  const compiled = { regex: new RegExp(`^${source}$`, 'i'), readers };
  parsers.set(format, compiled);
  return compiled;
}

/** Text read with a strptime format; a message when it does not match. */
export function parseWithFormat(text: string, format: string): Instant | string {
  const { regex, readers } = compileParser(format);
  const match = regex.exec(text.trim());
  if (!match) return `does not match the format ${JSON.stringify(format)}`;
  const fields: ParsedFields = {
    year: 1900,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    micros: 0,
    offset: 0,
  };
  for (const [index, reader] of readers.entries()) {
    const problem = reader.read?.(match[index + 1] ?? '', fields);
    if (problem) return problem;
  }
  if (fields.epoch !== undefined) return instantFromEpoch(fields.epoch);
  if (fields.hour12 !== undefined) {
    if (fields.hour12 < 1 || fields.hour12 > 12) return `hour ${fields.hour12} is not between 1 and 12`;
    fields.hour = (fields.hour12 % 12) + (fields.pm ? 12 : 0);
  }
  if (fields.dayOfYear !== undefined) {
    const date = new Date(0);
    date.setUTCFullYear(fields.year, 0, fields.dayOfYear);
    if (fields.dayOfYear < 1 || date.getUTCFullYear() !== fields.year) {
      return `day of year ${fields.dayOfYear} does not exist in ${fields.year}`;
    }
    fields.month = date.getUTCMonth() + 1;
    fields.day = date.getUTCDate();
  }
  const instant = instantOf(fields);
  return typeof instant === 'string' ? `is not a valid date and time: ${instant}` : instant;
}

/** Whole days or seconds from `instant` to `nowMs` (default: now), rounded down. */
export function timeDelta(instant: Instant, unit: 'days' | 'seconds', nowMs: number = Date.now()): number {
  const millis = millisSince(instant, nowMs);
  return Math.floor(millis / (unit === 'days' ? 86_400_000 : 1000));
}

function checkFormat(compileFormat: (format: string) => unknown, index: number) {
  return (literals: readonly unknown[]): string | undefined => {
    const format = literals[index];
    if (typeof format !== 'string') return undefined;
    try {
      compileFormat(format);
      return undefined;
    } catch (cause) {
      return `argument ${index + 1} (format) is not a valid format: ${(cause as Error).message}`;
    }
  };
}

function deltaFunction(name: string, unit: 'days' | 'seconds'): FunctionSpec {
  return {
    name,
    params: [{ name: 'datetime' }],
    call: (args) => {
      const instant = instantArgument(args, 0);
      return instant === null ? null : timeDelta(instant, unit);
    },
  };
}

export const DATE_FUNCTIONS: readonly FunctionSpec[] = [
  deltaFunction('time_delta_days', 'days'),
  deltaFunction('time_delta_seconds', 'seconds'),
  {
    name: 'format_datetime',
    params: [{ name: 'datetime' }, { name: 'format' }],
    call: (args) => {
      const instant = instantArgument(args, 0);
      const format = args.string(1);
      try {
        strftimePieces(format);
      } catch (cause) {
        throw args.error(1, `is not a valid format: ${(cause as Error).message}`);
      }
      return instant === null ? null : formatInstant(instant, format);
    },
    checkLiterals: checkFormat(strftimePieces, 1),
  },
  {
    name: 'parse_datetime',
    params: [{ name: 'text' }, { name: 'format', optional: true }],
    call: (args) => {
      const text = args.nullableString(0);
      const format = args.has(1) ? args.string(1) : undefined;
      if (format !== undefined) {
        try {
          compileParser(format);
        } catch (cause) {
          throw args.error(1, `is not a valid format: ${(cause as Error).message}`);
        }
      }
      if (text === null) return null;
      const instant = format === undefined ? parseIsoDateTime(text) : parseWithFormat(text, format);
      if (typeof instant === 'string') throw args.error(0, instant);
      return instant.seconds + instant.micros / 1e6;
    },
    checkLiterals: checkFormat(compileParser, 1),
  },
];
