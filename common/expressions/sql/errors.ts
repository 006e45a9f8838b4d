/**
 * The two errors of the `sql` expression language: one when an expression cannot be compiled (it points at
 * the offending token by offset, line and column), one when a compiled expression meets a value it cannot
 * work with while evaluating a record.
 */

/** Line and column (both 1-based) of a 0-based offset into `source`; lines end at `\n`. */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * An expression could not be compiled. The message says what was expected and what was found, and ends with
 * the position, e.g. `expected ")" after the arguments of SUBSTR but found end of expression at line 1,
 * column 17`; a hint such as `; did you mean "SUBSTR"?` may follow the position.
 */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
  readonly code = 'SQL_SYNTAX';
  /** 0-based offset of the offending token in the expression text. */
  readonly offset: number;
  /** 1-based line within the expression text. */
  readonly line: number;
  /** 1-based column within that line. */
  readonly column: number;

  /**
   * @param problem what is wrong, without the position: `expected ... but found ...`
   * @param hint text put after the position, starting with `; ` (a suggestion), or empty
   */
  constructor(problem: string, source: string, offset: number, hint = '') {
    const { line, column } = lineAndColumn(source, offset);
    super(`${problem} at line ${line}, column ${column}${hint}`);
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

/** A compiled expression met a value it cannot work with, e.g. `ABS('abc')` or malformed JSON text. */
export class SqlEvaluationError extends Error {
  override readonly name = 'SqlEvaluationError';
  readonly code = 'SQL_EVALUATION';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
