/**
 * SQLite's date and time arithmetic (reading time values and applying modifiers), following its date.c step by step so that results match SQLite's,
 * quirks included (`DATE('2024-02-30')` is '2024-02-30' but `DATE('2024-02-30', '+0 days')` is '2024-03-01').
 *
 * A moment is a Julian day number in milliseconds (`jd`), valid from 0000-01-01 to 9999-12-31; a value is
 * parsed into calendar fields or a Julian day, whichever it gives, and the other is computed when needed.
 * Every time is UTC: 'localtime' and 'utc' change nothing (Ferry's workers run in any zone, and a
 * pipeline's result must not depend on where it runs).
 */

/** The state SQLite keeps while it reads a time value and applies modifiers. */
export interface Moment {
  /** Julian day number times 86,400,000. */
  jd: number;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Seconds with their fraction. */
  second: number;
  /** Time zone offset in minutes, as written in the value. */
  zone: number;
  validJd: boolean;
  /** The value was a bare number, kept in `second` until a modifier says what it is. */
  rawNumber: boolean;
  validDate: boolean;
  validTime: boolean;
  validZone: boolean;
  zoneSet: boolean;
  error: boolean;
}

/** Julian day of 9999-12-31 23:59:59.999, in milliseconds. */
const MAX_JD = 464269060799999;
/** The Unix epoch as a Julian day in milliseconds. */
export const UNIX_EPOCH_JD = 210866760000000;
const DAY_MS = 86400000;

function emptyMoment(): Moment {
  return {
    jd: 0,
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    zone: 0,
    validJd: false,
    rawNumber: false,
    validDate: false,
    validTime: false,
    validZone: false,
    zoneSet: false,
    error: false,
  };
}

function setError(p: Moment): void {
  Object.assign(p, emptyMoment(), { error: true });
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** Exactly `width` digits at `at`, between `min` and `max`; undefined otherwise. */
function digitsAt(text: string, at: number, width: number, min: number, max: number): number | undefined {
  let value = 0;
  for (let i = 0; i < width; i++) {
    const ch = text[at + i];
    if (!isDigit(ch)) return undefined;
    value = value * 10 + (ch as string).charCodeAt(0) - 48;
  }
  return value < min || value > max ? undefined : value;
}

/** The whole of `text` (white space aside) as a number, or undefined; as SQLite's sqlite3AtoF > 0. */
function wholeNumber(text: string): number | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[ \t\n\v\f\r]*$/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** `[+-]HH:MM` or `Z` (or nothing) at the end of a time; false on anything else. */
function parseZone(text: string, at: number, p: Moment): boolean {
  let i = at;
  while (isSpace(text[i])) i++;
  p.zone = 0;
  const c = text[i];
  if (c === 'Z' || c === 'z') {
    i++;
  } else if (c === '-' || c === '+') {
    const hours = digitsAt(text, i + 1, 2, 0, 14);
    const minutes = text[i + 3] === ':' ? digitsAt(text, i + 4, 2, 0, 59) : undefined;
    if (hours === undefined || minutes === undefined) return false;
    p.zone = (c === '-' ? -1 : 1) * (minutes + hours * 60);
    i += 6;
  } else {
    return c === undefined;
  }
  while (isSpace(text[i])) i++;
  p.zoneSet = true;
  return i >= text.length;
}

/** `HH:MM`, `HH:MM:SS` or `HH:MM:SS.FFF` (any number of fraction digits), then an optional zone. */
function parseTimeOfDay(text: string, at: number, p: Moment): boolean {
  const hour = digitsAt(text, at, 2, 0, 24);
  const minute = text[at + 2] === ':' ? digitsAt(text, at + 3, 2, 0, 59) : undefined;
  if (hour === undefined || minute === undefined) return false;
  let i = at + 5;
  let second = 0;
  let fraction = 0;
  if (text[i] === ':') {
    const s = digitsAt(text, i + 1, 2, 0, 59);
    if (s === undefined) return false;
    second = s;
    i += 3;
    if (text[i] === '.' && isDigit(text[i + 1])) {
      let scale = 1;
      i++;
      while (isDigit(text[i])) {
        fraction = fraction * 10 + (text[i] as string).charCodeAt(0) - 48;
        scale *= 10;
        i++;
      }
      fraction /= scale;
    }
  }
  p.validJd = false;
  p.rawNumber = false;
  p.validTime = true;
  p.hour = hour;
  p.minute = minute;
  p.second = second + fraction;
  if (!parseZone(text, i, p)) return false;
  p.validZone = p.zone !== 0;
  return true;
}

/** Fills `jd` from the calendar fields (2000-01-01 when there is no date). */
export function computeJd(p: Moment): void {
  if (p.validJd) return;
  let year = p.validDate ? p.year : 2000;
  let month = p.validDate ? p.month : 1;
  const day = p.validDate ? p.day : 1;
  if (year < -4713 || year > 9999 || p.rawNumber) {
    setError(p);
    return;
  }
  if (month <= 2) {
    year--;
    month += 12;
  }
  const a = Math.trunc(year / 100);
  const b = 2 - a + Math.trunc(a / 4);
  const x1 = Math.trunc((36525 * (year + 4716)) / 100);
  const x2 = Math.trunc((306001 * (month + 1)) / 10000);
  p.jd = Math.trunc((x1 + x2 + day + b - 1524.5) * DAY_MS);
  p.validJd = true;
  if (p.validTime) {
    p.jd += p.hour * 3600000 + p.minute * 60000 + Math.trunc(p.second * 1000 + 0.5);
    if (p.validZone) {
      p.jd -= p.zone * 60000;
      p.validDate = false;
      p.validTime = false;
      p.validZone = false;
    }
  }
}

/** `YYYY-MM-DD` with an optional time after white space or `T`. */
function parseDate(text: string, p: Moment): boolean {
  let i = 0;
  const negative = text[0] === '-';
  if (negative) i++;
  const year = digitsAt(text, i, 4, 0, 9999);
  const month = text[i + 4] === '-' ? digitsAt(text, i + 5, 2, 1, 12) : undefined;
  const day = text[i + 7] === '-' ? digitsAt(text, i + 8, 2, 1, 31) : undefined;
  if (year === undefined || month === undefined || day === undefined) return false;
  i += 10;
  while (isSpace(text[i]) || text[i] === 'T') i++;
  if (parseTimeOfDay(text, i, p)) {
    // the time was read
  } else if (i >= text.length) {
    p.validTime = false;
  } else {
    return false;
  }
  p.validJd = false;
  p.validDate = true;
  p.year = negative ? -year : year;
  p.month = month;
  p.day = day;
  if (p.validZone) computeJd(p);
  return true;
}

/** A bare number: a Julian day when in range; kept raw for 'unixepoch' or 'auto' in any case. */
function setRawNumber(p: Moment, r: number): void {
  p.second = r;
  p.rawNumber = true;
  if (r >= 0 && r < 5373484.5) {
    p.jd = Math.trunc(r * DAY_MS + 0.5);
    p.validJd = true;
  }
}

export function validJd(jd: number): boolean {
  return jd >= 0 && jd <= MAX_JD;
}

/** Fills the calendar date from `jd`. */
export function computeDate(p: Moment): void {
  if (p.validDate) return;
  if (!p.validJd) {
    p.year = 2000;
    p.month = 1;
    p.day = 1;
  } else if (!validJd(p.jd)) {
    setError(p);
    return;
  } else {
    const z = Math.trunc((p.jd + 43200000) / DAY_MS);
    let a = Math.trunc((z - 1867216.25) / 36524.25);
    a = z + 1 + a - Math.trunc(a / 4);
    const b = a + 1524;
    const c = Math.trunc((b - 122.1) / 365.25);
    const d = Math.trunc((36525 * (c & 32767)) / 100);
    const e = Math.trunc((b - d) / 30.6001);
    const x1 = Math.trunc(30.6001 * e);
    p.day = b - d - x1;
    p.month = e < 14 ? e - 1 : e - 13;
    p.year = p.month > 2 ? c - 4716 : c - 4715;
  }
  p.validDate = true;
}

/** Fills the time of day from `jd`. */
export function computeTime(p: Moment): void {
  if (p.validTime) return;
  computeJd(p);
  let s = Math.trunc((p.jd + 43200000) % DAY_MS);
  p.second = s / 1000;
  s = Math.trunc(p.second);
  p.second -= s;
  p.hour = Math.trunc(s / 3600);
  s -= p.hour * 3600;
  p.minute = Math.trunc(s / 60);
  p.second += s - p.minute * 60;
  p.rawNumber = false;
  p.validTime = true;
}

export function computeDateAndTime(p: Moment): void {
  computeDate(p);
  computeTime(p);
}

function clearFields(p: Moment): void {
  p.validDate = false;
  p.validTime = false;
  p.validZone = false;
}

/** The units of `'NNN units'` modifiers: largest magnitude allowed and seconds per unit. */
const UNITS: Readonly<Record<string, [number, number]>> = {
  second: [4.6427e14, 1],
  minute: [7.7379e12, 60],
  hour: [1.2897e11, 3600],
  day: [5373485, 86400],
  month: [176546, 2592000],
  year: [14713, 31536000],
};

/** Applies one modifier; false when it is not one SQLite knows (the function then gives NULL). */
function applyModifier(text: string, p: Moment, index: number): boolean {
  const lower = text.toLowerCase();
  switch (lower[0]) {
    case 'a':
      if (lower !== 'auto' || index > 1) return false;
      if (!p.rawNumber || p.validJd) {
        p.rawNumber = false;
        return true;
      }
      if (p.second >= -210866760000 && p.second <= 253402300799) {
        clearFields(p);
        p.jd = Math.trunc(p.second * 1000 + UNIX_EPOCH_JD + 0.5);
        p.validJd = true;
        p.rawNumber = false;
        return true;
      }
      return false;
    case 'j':
      if (lower !== 'julianday' || index > 1) return false;
      if (p.validJd && p.rawNumber) {
        p.rawNumber = false;
        return true;
      }
      return false;
    case 'l':
      // 'localtime': every time here is UTC, so only the normalisation that SQLite's conversion implies.
      if (lower !== 'localtime') return false;
      computeJd(p);
      if (p.error) return false;
      clearFields(p);
      computeDateAndTime(p);
      p.validJd = false;
      p.rawNumber = false;
      return !p.error;
    case 'u':
      if (lower === 'unixepoch' && p.rawNumber) {
        if (index > 1) return false;
        const r = p.second * 1000 + UNIX_EPOCH_JD;
        if (r >= 0 && r < 464269060800000) {
          clearFields(p);
          p.jd = Math.trunc(r + 0.5);
          p.validJd = true;
          p.rawNumber = false;
          return true;
        }
        return false;
      }
      if (lower === 'utc') {
        if (!p.zoneSet) {
          computeJd(p);
          if (p.error) return false;
          const jd = p.jd;
          Object.assign(p, emptyMoment(), { jd, validJd: true, zoneSet: true });
        }
        return true;
      }
      return false;
    case 'w': {
      if (!lower.startsWith('weekday ')) return false;
      const n = wholeNumber(lower.slice(8));
      if (n === undefined || n < 0 || n >= 7 || !Number.isInteger(n)) return false;
      computeDateAndTime(p);
      p.validZone = false;
      p.validJd = false;
      computeJd(p);
      let z = Math.trunc((p.jd + 129600000) / DAY_MS) % 7;
      if (z > n) z -= 7;
      p.jd += (n - z) * DAY_MS;
      clearFields(p);
      return true;
    }
    case 's': {
      if (!lower.startsWith('start of ')) return false;
      if (!p.validJd && !p.validDate && !p.validTime) return false;
      computeDate(p);
      p.validTime = true;
      p.hour = 0;
      p.minute = 0;
      p.second = 0;
      p.rawNumber = false;
      p.validZone = false;
      p.validJd = false;
      const what = lower.slice(9);
      if (what === 'month') p.day = 1;
      else if (what === 'year') {
        p.month = 1;
        p.day = 1;
      } else if (what !== 'day') return false;
      return true;
    }
    default:
      if (lower[0] === '+' || lower[0] === '-' || isDigit(lower[0])) return applyOffset(text, p);
      return false;
  }
}

/** `+NNN units` (days, hours, minutes, seconds, months, years; singular or plural) or `±HH:MM[:SS[.FFF]]`. */
function applyOffset(text: string, p: Moment): boolean {
  let n = 1;
  while (n < text.length && text[n] !== ':' && !isSpace(text[n])) n++;
  const r = wholeNumber(text.slice(0, n));
  if (r === undefined) return false;
  if (text[n] === ':') {
    const start = isDigit(text[0]) ? 0 : 1;
    const time = emptyMoment();
    if (!parseTimeOfDay(text, start, time)) return false;
    computeJd(time);
    time.jd -= 43200000;
    const day = Math.trunc(time.jd / DAY_MS);
    time.jd -= day * DAY_MS;
    if (text[0] === '-') time.jd = -time.jd;
    computeJd(p);
    clearFields(p);
    p.jd += time.jd;
    return true;
  }
  let rest = text.slice(n);
  while (isSpace(rest[0])) rest = rest.slice(1);
  if (rest.length > 10 || rest.length < 3) return false;
  let unit = rest.toLowerCase();
  if (unit.endsWith('s')) unit = unit.slice(0, -1);
  computeJd(p);
  const known = Object.hasOwn(UNITS, unit) ? UNITS[unit] : undefined;
  if (known === undefined || !(r > -known[0] && r < known[0])) {
    clearFields(p);
    return false;
  }
  let amount = r;
  if (unit === 'month') {
    computeDateAndTime(p);
    p.month += Math.trunc(amount);
    const years = p.month > 0 ? Math.trunc((p.month - 1) / 12) : Math.trunc((p.month - 12) / 12);
    p.year += years;
    p.month -= years * 12;
    p.validJd = false;
    amount -= Math.trunc(amount);
  } else if (unit === 'year') {
    computeDateAndTime(p);
    p.year += Math.trunc(amount);
    p.validJd = false;
    amount -= Math.trunc(amount);
  }
  computeJd(p);
  p.jd += Math.trunc(amount * 1000 * known[1] + (amount < 0 ? -0.5 : 0.5));
  clearFields(p);
  return true;
}

/** A time value as SQLite reads it: a number, or text; `now` is the current time. */
export type TimeValue = number | string;

/**
 * Reads a time value and applies the modifiers in order. Undefined when the value is not a time or a
 * modifier is unknown, as SQLite answers NULL then. `now` is the current time in milliseconds.
 */
export function readMoment(
  value: TimeValue | undefined,
  modifiers: readonly string[],
  now: () => number,
): Moment | undefined {
  const p = emptyMoment();
  if (value === undefined) {
    p.jd = now() + UNIX_EPOCH_JD;
    p.validJd = true;
  } else if (typeof value === 'number') {
    setRawNumber(p, value);
  } else if (parseDate(value, p)) {
    // a date, perhaps with a time
  } else if (parseTimeOfDay(value, 0, p)) {
    // a time of day (on 2000-01-01)
  } else if (value.toLowerCase() === 'now') {
    p.jd = now() + UNIX_EPOCH_JD;
    p.validJd = true;
  } else {
    const n = wholeNumber(value);
    if (n === undefined) return undefined;
    setRawNumber(p, n);
  }
  for (let i = 0; i < modifiers.length; i++) {
    if (!applyModifier(modifiers[i] as string, p, i + 1)) return undefined;
  }
  computeJd(p);
  if (p.error || !validJd(p.jd)) return undefined;
  return p;
}
