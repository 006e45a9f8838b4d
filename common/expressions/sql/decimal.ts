/**
 * Decimal digits of binary floating-point numbers, rounded half away from zero in the two ways SQLite rounds:
 *
 * - to a number of decimal places (ROUND, printf's %f): from the shortest decimal text that reads back as the
 *   same number, so `ROUND(2.675, 2)` is 2.68 although the double nearest 2.675 lies a little below it
 *   (SQLite nudges the value by a few units in the last place to the same effect);
 * - to a number of significant digits (REAL to text, printf's %e and %g): from the exact binary value, as
 *   SQLite does there, so 4.724 / 11 (0.42945454545454547768...) is 0.429454545454545 in 15 digits.
 */

/** A non-negative number as significant digits (no leading zero; `''` for zero) and a decimal exponent. */
export interface Digits {
  /** Significant digits without trailing zeros, e.g. `'2675'`; `''` for zero. */
  readonly digits: string;
  /** Exponent of the first digit: 2.675 has exponent 0, 0.05 has -2, 1500 has 3. */
  readonly exponent: number;
}

/** The shortest digits that identify `Math.abs(x)` (finite). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { digits: '', exponent: 0 };
  const text = Math.abs(x).toExponential();
  const e = text.indexOf('e');
  const digits = (text[1] === '.' ? text[0] + text.slice(2, e) : text.slice(0, e)).replace(/0+$/, '');
  return { digits, exponent: Number(text.slice(e + 1)) };
}

/** Keeps the first `keep` digits (may be 0 or negative), rounding half away from zero. */
function keepDigits(value: Digits, keep: number): Digits {
  const { digits, exponent } = value;
  if (keep >= digits.length) return value;
  if (keep < 0) return { digits: '', exponent: 0 };
  const roundUp = digits.charCodeAt(keep) >= 53; // '5'
  let kept = digits.slice(0, keep);
  if (!roundUp) {
    kept = kept.replace(/0+$/, '');
    return kept === '' ? { digits: '', exponent: 0 } : { digits: kept, exponent };
  }
  // Add one to the last kept digit, carrying through nines.
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === '9') i--;
  if (i < 0) return { digits: '1', exponent: exponent + 1 };
  kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
  return { digits: kept, exponent };
}

/** `x` rounded to `significant` significant digits (1 or more), from its exact binary value. */
export function significantDigits(x: number, significant: number): Digits {
  if (x === 0 || !Number.isFinite(x)) return { digits: '', exponent: 0 };
  // toExponential rounds the exact value, ties away from zero; past 101 digits only zeros would follow.
  const text = Math.abs(x).toExponential(Math.min(Math.max(significant, 1), 101) - 1);
  const e = text.indexOf('e');
  const digits = (text[1] === '.' ? text[0] + text.slice(2, e) : text.slice(0, e)).replace(/0+$/, '');
  return { digits, exponent: Number(text.slice(e + 1)) };
}

/** `x` rounded to `decimals` digits after the decimal point. */
export function decimalPlaces(x: number, decimals: number): Digits {
  const value = shortestDigits(x);
  return keepDigits(value, value.exponent + 1 + decimals);
}

/** The number the digits stand for, with the sign of `negative`. */
export function digitsToNumber(value: Digits, negative: boolean): number {
  if (value.digits === '') return 0;
  const n = Number(`${value.digits}e${value.exponent - value.digits.length + 1}`);
  return negative ? -n : n;
}

/** Fixed notation with exactly `decimals` digits after the point (none, and no point, when 0). */
export function fixedText(value: Digits, decimals: number): string {
  const { digits, exponent } = value;
  let whole: string;
  let fraction: string;
  if (digits === '') {
    whole = '0';
    fraction = '';
  } else if (exponent < 0) {
    whole = '0';
    fraction = '0'.repeat(-exponent - 1) + digits;
  } else {
    whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    fraction = digits.slice(exponent + 1);
  }
  if (decimals <= 0) return whole;
  return `${whole}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
}

/** `e+05` / `e-10`: the exponent as C's printf writes it, at least two digits. */
export function exponentText(exponent: number, letter = 'e'): string {
  const size = Math.abs(exponent);
  return `${letter}${exponent < 0 ? '-' : '+'}${size < 10 ? '0' : ''}${size}`;
}

/**
 * A REAL as SQLite writes it as text (`%!.15g`): 15 significant digits, exponent form below 1e-4 and from
 * 1e15, and always a decimal point: `12.5`, `100.0`, `0.3` (for 0.1 + 0.2), `1.0e+20`, `1.5e-07`, `Inf`.
 * With `significant` 17, the fewest digits that read back as the same number.
 */
export function realText(x: number, significant = 15): string {
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = significant >= 17 ? shortestDigits(x) : significantDigits(x, significant);
  if (exponent < -4 || exponent >= 15) {
    return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}${exponentText(exponent)}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}
