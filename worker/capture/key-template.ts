/**
 * A job's `key_pattern` turned around: from the values of a target row's key columns back to the Redis key
 * the row came from (`emp:*` with `keys: [emp_id]`: emp_id 7 is `emp:7`). Delete reconciliation uses it to
 * find rows whose key no longer exists. It is the inverse of what apply does for a delete (the `*` parts of
 * the key, in order, are the key columns), so it exists only where that mapping is one to one: a pattern
 * whose only glob character is `*`, with one `*` per key column. `?`, `[...]` and `\` escapes match keys
 * whose text the row does not hold, so such patterns cannot be inverted. Consecutive stars count as one, as
 * in key-pattern.ts.
 */

/** Builds the Redis key of a row from its key column values, in the order of the job's `keys`. */
export interface KeyTemplate {
  readonly pattern: string;
  /** How many values `build` takes: the pattern's `*` count. */
  readonly wildcards: number;
  build(values: readonly string[]): string;
}

/** Why a pattern cannot be inverted, for a log line. */
export interface NotInvertible {
  reason: string;
}

const OTHER_GLOB: Record<string, string> = {
  '?': '"?" (any one character)',
  '[': '"[...]" (a character class)',
  '\\': 'a "\\" escape',
};

/**
 * Inverts a key pattern, or says why it cannot: another glob character than `*`, or no `*` at all (a
 * pattern naming one key has no key column values to rebuild it from).
 */
export function invertKeyPattern(pattern: string): KeyTemplate | NotInvertible {
  const literals: string[] = [''];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const other = OTHER_GLOB[char];
    if (other !== undefined) {
      return {
        reason:
          `key_pattern ${JSON.stringify(pattern)} has ${other}: only patterns whose glob characters are all ` +
          '"*" map target rows back to keys',
      };
    }
    if (char === '*') {
      while (pattern[index + 1] === '*') index++;
      literals.push('');
    } else {
      literals[literals.length - 1] += char;
    }
  }
  const wildcards = literals.length - 1;
  if (wildcards === 0) {
    return { reason: `key_pattern ${JSON.stringify(pattern)} has no "*": it names one key, not one per row` };
  }
  return {
    pattern,
    wildcards,
    build(values) {
      if (values.length !== wildcards) {
        throw new RangeError(`${pattern} takes ${wildcards} value(s), got ${values.length}`);
      }
      let key = literals[0] as string;
      values.forEach((value, index) => {
        key += value + (literals[index + 1] as string);
      });
      return key;
    },
  };
}

/** Narrows the answer of invertKeyPattern. */
export function isKeyTemplate(value: KeyTemplate | NotInvertible): value is KeyTemplate {
  return 'build' in value;
}
