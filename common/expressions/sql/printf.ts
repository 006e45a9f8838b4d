/**
 * SQLite's printf (also called FORMAT): `%d %i %u %x %X %o %f %F %e %E %g %G %s %z %c %q %Q %w %%` with the
 * flags `- + space 0 # ,`, a width and a precision (either may be `*`, taken from the arguments). A missing
 * or NULL argument counts as 0 or empty text, as in SQLite; text that is not a number where a number is
 * formatted is an error. An unknown conversion ends the output there, as in SQLite.
 */
import { decimalPlaces, exponentText, fixedText, significantDigits, type Digits } from './decimal.js';
import { numberArg } from './function-spec.js';
import { textOf } from './values.js';
import type { Value } from './values.js';

interface Spec {
  left: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  alternate: boolean;
  thousands: boolean;
  width: number;
  precision: number | undefined;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Formats `args` by `format`; `name` is the function as called, for messages. Null where SQLite's printf
 * gives NULL: an empty format, or an unknown conversion before any output.
 */
export function formatPrintf(format: string, args: readonly Value[], name: string): string | null {
  if (format === '') return null;
  let out = '';
  let next = 0;
  const take = (): Value | undefined => (next < args.length ? args[next++] : undefined);
  const number = (): number => {
    const position = next + 2; // argument 1 is the format
    const v = take();
    return v === undefined ? 0 : (numberArg(v, name, position) ?? 0);
  };

  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    if (i >= format.length) {
      out += '%';
      break;
    }
    const spec: Spec = {
      left: false,
      plus: false,
      space: false,
      zero: false,
      alternate: false,
      thousands: false,
      width: 0,
      precision: undefined,
    };
    for (; i < format.length; i++) {
      const flag = format[i];
      if (flag === '-') spec.left = true;
      else if (flag === '+') spec.plus = true;
      else if (flag === ' ') spec.space = true;
      else if (flag === '0') spec.zero = true;
      else if (flag === '#') spec.alternate = true;
      else if (flag === ',') spec.thousands = true;
      else if (flag !== '!') break;
    }
    if (format[i] === '*') {
      i++;
      const width = Math.trunc(number());
      if (width < 0) spec.left = true;
      spec.width = Math.min(Math.abs(width), 100000);
    } else {
      const digits = /^\d+/.exec(format.slice(i));
      if (digits !== null) {
        spec.width = Math.min(Number(digits[0]), 100000);
        i += digits[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const precision = Math.trunc(number());
        spec.precision = precision < 0 ? undefined : Math.min(precision, 100000);
      } else {
        const digits = /^\d*/.exec(format.slice(i))?.[0] ?? '';
        spec.precision = Math.min(Number(digits || '0'), 100000);
        i += digits.length;
      }
    }
    while (format[i] === 'l') i++;
    const conversion = format[i++];
    switch (conversion) {
      case 'd':
      case 'i':
        out += pad(signed(toInt64(number()), spec), spec, true);
        break;
      case 'u':
        out += pad(unsigned(toInt64(number()), 10, spec, ''), spec, true);
        break;
      case 'x':
        out += pad(unsigned(toInt64(number()), 16, spec, spec.alternate ? '0x' : ''), spec, true);
        break;
      case 'X':
        out += pad(
          unsigned(toInt64(number()), 16, spec, spec.alternate ? '0X' : '').toUpperCase(),
          spec,
          true,
        );
        break;
      case 'o':
        out += pad(unsigned(toInt64(number()), 8, spec, spec.alternate ? '0' : ''), spec, true);
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        out += pad(formatFloat(number(), conversion, spec), spec, true);
        break;
      case 's':
      case 'z': {
        const v = take();
        const text = v === undefined || v === null ? '' : textOf(v);
        out += pad(
          spec.precision === undefined ? text : Array.from(text).slice(0, spec.precision).join(''),
          spec,
        );
        break;
      }
      case 'c': {
        const v = take();
        const text = v === undefined || v === null ? '' : textOf(v);
        out += pad(Array.from(text)[0] ?? '', spec);
        break;
      }
      case 'q':
      case 'Q':
      case 'w': {
        const v = take();
        out += pad(quoted(v === undefined ? null : v, conversion), spec);
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        return out === '' ? null : out; // SQLite stops at an unknown conversion
    }
  }
  return out;
}

function toInt64(n: number): bigint {
  if (!Number.isFinite(n)) return n > 0 ? INT64_MAX : n < 0 ? INT64_MIN : 0n;
  const t = BigInt(Math.trunc(n));
  return t > INT64_MAX ? INT64_MAX : t < INT64_MIN ? INT64_MIN : t;
}

function withThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

function signPrefix(negative: boolean, spec: Spec): string {
  return negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
}

/** %d: sign, then digits padded to the precision. The sign and digits are separated by `\0` for pad(). */
function signed(n: bigint, spec: Spec): string {
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  if (spec.thousands) digits = withThousands(digits);
  return `${signPrefix(negative, spec)}\0${digits}`;
}

function unsigned(n: bigint, radix: number, spec: Spec, prefix: string): string {
  let digits = BigInt.asUintN(64, n).toString(radix);
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  if (radix === 8 && prefix === '0' && digits.startsWith('0')) prefix = '';
  if (spec.thousands && radix === 10) digits = withThousands(digits);
  return `${prefix}\0${digits}`;
}

/** %f %e %g with SQLite's half-away-from-zero rounding; infinities print as Inf. */
function formatFloat(x: number, conversion: string, spec: Spec): string {
  const sign = signPrefix(x < 0, spec);
  if (!Number.isFinite(x)) return `${sign}\0Inf`;
  const precision = spec.precision ?? 6;
  const lower = conversion.toLowerCase();
  let body: string;
  if (lower === 'f') {
    body = fixedText(decimalPlaces(x, precision), precision);
    if (spec.alternate && precision === 0) body += '.';
  } else if (lower === 'e') {
    body = exponential(significantDigits(x, precision + 1), precision, spec.alternate);
  } else {
    const significant = precision === 0 ? 1 : precision;
    const rounded = significantDigits(x, significant);
    const exponent = rounded.digits === '' ? 0 : rounded.exponent;
    if (exponent < -4 || exponent >= significant) {
      body = exponential(rounded, significant - 1, spec.alternate);
      if (!spec.alternate) body = body.replace(/\.?0+(?=e)/, '');
    } else {
      const decimals = significant - 1 - exponent;
      body = fixedText(rounded, decimals);
      if (!spec.alternate && body.includes('.')) body = body.replace(/\.?0+$/, '');
    }
  }
  if (conversion === 'E' || conversion === 'G') body = body.toUpperCase();
  return `${sign}\0${body}`;
}

function exponential(value: Digits, decimals: number, alternate: boolean): string {
  const digits = value.digits === '' ? '0' : value.digits;
  const exponent = value.digits === '' ? 0 : value.exponent;
  const fraction = digits.slice(1).padEnd(decimals, '0').slice(0, decimals);
  const point = decimals > 0 || alternate ? '.' : '';
  return `${digits[0]}${point}${fraction}${exponentText(exponent)}`;
}

/** %q doubles single quotes, %Q also adds them (NULL is NULL), %w doubles double quotes. */
function quoted(v: Value, conversion: 'q' | 'Q' | 'w'): string {
  if (v === null) return conversion === 'Q' ? 'NULL' : '(NULL)';
  const text = textOf(v);
  if (conversion === 'w') return text.replace(/"/g, '""');
  const doubled = text.replace(/'/g, "''");
  return conversion === 'Q' ? `'${doubled}'` : doubled;
}

/**
 * Pads to the width. Numbers arrive as `sign\0digits` so that zero padding goes between the sign (or 0x
 * prefix) and the digits.
 */
function pad(text: string, spec: Spec, numeric = false): string {
  const split = numeric ? text.indexOf('\0') : -1;
  const head = split < 0 ? '' : text.slice(0, split);
  const body = split < 0 ? text : text.slice(split + 1);
  const length = head.length + Array.from(body).length;
  if (length >= spec.width) return head + body;
  const fill = spec.width - length;
  if (spec.left) return head + body + ' '.repeat(fill);
  if (numeric && spec.zero && body !== 'Inf') return head + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + head + body;
}
