/**
 * Dates and times for MySQL/MariaDB literals. Pure calendar arithmetic on integers (no `Date`, whose
 * two-digit-year and local-time rules would get in the way), so results do not depend on the process's zone.
 *
 * Accepted instants (for DATE, DATETIME, TIMESTAMP):
 * - ISO 8601 / RFC 3339: `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fraction]]`,
 *   optionally followed by `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`. With an offset the time is converted
 *   to UTC; without one it is taken as UTC already (written unchanged).
 * - Epoch milliseconds: an integer (digits, optionally signed). Always milliseconds, never seconds.
 * Accepted times of day / durations (for TIME): `[-]H:MM[:SS[.fraction]]` with up to three hour digits,
 * optionally followed by `Z` or an offset (converted to UTC modulo 24 hours, for times within a day only).
 */

/** An instant in UTC: whole seconds since 1970-01-01T00:00:00Z plus the fraction's digits as written. */
export interface Instant {
  epochSeconds: number;
  /** 0 to 9 digits, never rounded. */
  fraction: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const SECONDS_PER_DAY = 86_400;

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([Zz]|[+-]\d{2}(?::?\d{2})?))?)?$/;
const EPOCH_MILLIS = /^[+-]?\d{1,16}$/;
const TIME_OF_DAY =
  /^(-)?(\d{1,3}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([Zz]|[+-]\d{2}(?::?\d{2})?))?$/;

/** Parses an ISO 8601 date or date-time, or epoch milliseconds. */
export function parseInstant(text: string): Parsed<Instant> {
  const trimmed = text.trim();
  if (EPOCH_MILLIS.test(trimmed)) return instantFromEpochMillis(Number(trimmed));
  const match = ISO_INSTANT.exec(trimmed);
  if (!match) return { ok: false, reason: 'not an ISO 8601 date-time or epoch milliseconds' };
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: 'not a calendar date' };
  }
  const hour = Number(hourText ?? 0);
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'not a time of day' };
  const offset = zone === undefined ? 0 : offsetSeconds(zone);
  if (offset === undefined) return { ok: false, reason: 'not a UTC offset' };
  const epochSeconds =
    daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  return { ok: true, value: { epochSeconds, fraction: fraction ?? '' } };
}

/** An instant from epoch milliseconds; must be an integer. */
export function instantFromEpochMillis(millis: number): Parsed<Instant> {
  if (!Number.isSafeInteger(millis)) return { ok: false, reason: 'not an integer number of milliseconds' };
  const epochSeconds = Math.floor(millis / 1000);
  const remainder = millis - epochSeconds * 1000;
  return { ok: true, value: { epochSeconds, fraction: String(remainder).padStart(3, '0') } };
}

/** `YYYY-MM-DD HH:MM:SS[.f]` with exactly `fsp` fraction digits (extra digits truncated); undefined when the
 * year falls outside 0001-9999. */
export function formatDateTime(instant: Instant, fsp: number): string | undefined {
  const date = formatDate(instant);
  if (date === undefined) return undefined;
  const clock = formatClock(secondOfDay(instant));
  return fsp > 0 ? `${date} ${clock}.${instant.fraction.padEnd(fsp, '0').slice(0, fsp)}` : `${date} ${clock}`;
}

/** `YYYY-MM-DD` of the instant's UTC day; undefined outside 0001-9999. */
export function formatDate(instant: Instant): string | undefined {
  const [year, month, day] = civilFromDays(Math.floor(instant.epochSeconds / SECONDS_PER_DAY));
  if (year < 1 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** True when the instant is exactly midnight UTC (nothing a DATE column would drop). */
export function isMidnight(instant: Instant): boolean {
  return secondOfDay(instant) === 0 && /^0*$/.test(instant.fraction);
}

/** Time of day (UTC) as `HH:MM:SS[.fraction]`, for messages. */
export function describeTimeOfDay(instant: Instant): string {
  const clock = formatClock(secondOfDay(instant));
  return instant.fraction === '' ? clock : `${clock}.${instant.fraction}`;
}

/** A TIME value: signed whole seconds plus the fraction's digits. */
export interface TimeValue {
  negative: boolean;
  seconds: number;
  fraction: string;
}

/** MySQL's TIME range is -838:59:59 to 838:59:59. */
const MAX_TIME_SECONDS = 838 * 3600 + 59 * 60 + 59;

/** Parses `[-]H:MM[:SS[.f]]` with optional `Z` or offset; see the header. */
export function parseTime(text: string): Parsed<TimeValue> {
  const match = TIME_OF_DAY.exec(text.trim());
  if (!match) return { ok: false, reason: 'not a time (H:MM[:SS[.fraction]])' };
  const [, sign, hourText, minuteText, secondText, fraction, zone] = match;
  const minute = Number(minuteText);
  const second = Number(secondText ?? 0);
  if (minute > 59 || second > 59) return { ok: false, reason: 'minutes and seconds must be below 60' };
  let seconds = Number(hourText) * 3600 + minute * 60 + second;
  let negative = sign === '-';
  if (zone !== undefined) {
    const offset = offsetSeconds(zone);
    if (offset === undefined) return { ok: false, reason: 'not a UTC offset' };
    if (negative || seconds >= SECONDS_PER_DAY) {
      return { ok: false, reason: 'a UTC offset only applies to a time of day (00:00 to 23:59)' };
    }
    seconds = (((seconds - offset) % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  }
  if (seconds === 0 && /^0*$/.test(fraction ?? '')) negative = false;
  return { ok: true, value: { negative, seconds, fraction: fraction ?? '' } };
}

/** `[-]HH:MM:SS[.f]` with exactly `fsp` fraction digits (truncated); undefined outside MySQL's TIME range. */
export function formatTime(time: TimeValue, fsp: number): string | undefined {
  if (time.seconds > MAX_TIME_SECONDS) return undefined;
  const hours = Math.floor(time.seconds / 3600);
  const minutes = Math.floor((time.seconds % 3600) / 60);
  const seconds = time.seconds % 60;
  const base = `${time.negative ? '-' : ''}${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
  return fsp > 0 ? `${base}.${time.fraction.padEnd(fsp, '0').slice(0, fsp)}` : base;
}

function offsetSeconds(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (hours * 3600 + minutes * 60);
}

function secondOfDay(instant: Instant): number {
  return ((instant.epochSeconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
}

function formatClock(seconds: number): string {
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor((seconds % 3600) / 60), 2)}:${pad(seconds % 60, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of daysFromCivil: [year, month, day]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex + (monthIndex < 10 ? 3 : -9);
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
