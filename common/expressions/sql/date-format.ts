/**
 * Writing a moment as SQLite's date and time functions do: DATE, TIME, DATETIME, JULIANDAY, UNIXEPOCH and
 * STRFTIME's conversions. Fields are computed from the Julian day when the value did not give them.
 */
import { UNIX_EPOCH_JD, computeDate, computeDateAndTime, computeJd, computeTime } from './date-time.js';
import type { Moment } from './date-time.js';

const DAY_MS = 86400000;

function two(n: number): string {
  return String(Math.trunc(n)).padStart(2, '0');
}

/** `YYYY-MM-DD`. */
export function formatDate(p: Moment): string {
  computeDate(p);
  const year = String(Math.abs(p.year) % 10000).padStart(4, '0');
  return `${p.year < 0 ? '-' : ''}${year}-${two(p.month % 100)}-${two(p.day % 100)}`;
}

/** `HH:MM:SS`. */
export function formatTime(p: Moment): string {
  computeTime(p);
  return `${two(p.hour % 100)}:${two(p.minute % 100)}:${two(Math.trunc(p.second) % 100)}`;
}

/** `YYYY-MM-DD HH:MM:SS`. */
export function formatDateTime(p: Moment): string {
  computeDateAndTime(p);
  return `${formatDate(p)} ${formatTime(p)}`;
}

/** The Julian day number (a REAL). */
export function julianDay(p: Moment): number {
  computeJd(p);
  return p.jd / DAY_MS;
}

/** Seconds since 1970-01-01 00:00:00 UTC, fractions dropped. */
export function unixSeconds(p: Moment): number {
  computeJd(p);
  return Math.trunc(p.jd / 1000) - UNIX_EPOCH_JD / 1000;
}

/** Days since January 1st of the moment's year (0-based). */
function dayOfYear(p: Moment): number {
  const start: Moment = { ...p, validJd: false, month: 1, day: 1 };
  computeJd(start);
  return Math.trunc((p.jd - start.jd + 43200000) / DAY_MS);
}

/**
 * STRFTIME's conversions: SQLite's %d %f %H %j %J %m %M %s %S %w %W %Y %%, and %e %F %I %k %l %p %P %R %T %u
 * of newer SQLite versions. Undefined for any other conversion (SQLite answers NULL).
 */
export function formatStrftime(
  format: string,
  p: Moment,
  formatReal16: (x: number) => string,
): string | undefined {
  computeJd(p);
  computeDateAndTime(p);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
    switch (format[i]) {
      case 'd':
        out += two(p.day);
        break;
      case 'e':
        out += String(p.day).padStart(2, ' ');
        break;
      case 'f': {
        const s = Math.min(p.second, 59.999);
        out += s.toFixed(3).padStart(6, '0');
        break;
      }
      case 'F':
        out += formatDate(p);
        break;
      case 'H':
        out += two(p.hour);
        break;
      case 'k':
        out += String(p.hour).padStart(2, ' ');
        break;
      case 'I':
        out += two(hour12);
        break;
      case 'l':
        out += String(hour12).padStart(2, ' ');
        break;
      case 'j':
        out += String(dayOfYear(p) + 1).padStart(3, '0');
        break;
      case 'W': {
        const weekday = Math.trunc((p.jd + 43200000) / DAY_MS) % 7; // 0 = Monday
        out += two(Math.trunc((dayOfYear(p) + 7 - weekday) / 7));
        break;
      }
      case 'J':
        out += formatReal16(p.jd / DAY_MS);
        break;
      case 'm':
        out += two(p.month);
        break;
      case 'M':
        out += two(p.minute);
        break;
      case 'p':
        out += p.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'P':
        out += p.hour >= 12 ? 'pm' : 'am';
        break;
      case 'R':
        out += `${two(p.hour)}:${two(p.minute)}`;
        break;
      case 's':
        out += String(unixSeconds(p));
        break;
      case 'S':
        out += two(Math.trunc(p.second));
        break;
      case 'T':
        out += formatTime(p);
        break;
      case 'u': {
        const weekday = Math.trunc((p.jd + 129600000) / DAY_MS) % 7; // 0 = Sunday
        out += String(weekday === 0 ? 7 : weekday);
        break;
      }
      case 'w':
        out += String(Math.trunc((p.jd + 129600000) / DAY_MS) % 7);
        break;
      case 'Y':
        out += String(p.year).padStart(4, '0');
        break;
      case '%':
        out += '%';
        break;
      default:
        return undefined;
    }
  }
  return out;
}
