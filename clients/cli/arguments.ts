/**
 * Parsers for option values. They throw commander's InvalidArgumentError, so that a bad value is reported like
 * any other usage error (`ferry: option '--limit <N>' argument 'x' is invalid. ...`) with exit code 1.
 */
import { InvalidArgumentError } from 'commander';

/** An integer >= `min`; the message names the flag's meaning, e.g. "a version number". */
export function integerAtLeast(min: number, what: string): (value: string) => number {
  return (value: string) => {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min) {
      throw new InvalidArgumentError(`${what} must be an integer >= ${min} (got ${JSON.stringify(value)}).`);
    }
    return parsed;
  };
}

/** A configuration version: 1, 2, ...; 0 means the newest. */
export const versionNumber = integerAtLeast(0, 'a version (0 for the newest)');

/** A count of things to show. */
export const positiveCount = integerAtLeast(1, 'the limit');

/** Milliseconds, at least one. */
export const milliseconds = integerAtLeast(1, 'a duration in milliseconds');
