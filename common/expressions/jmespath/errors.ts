/**
 * The two ways a JMESPath expression fails: it cannot be compiled (a syntax error, an unknown function, a wrong
 * number of arguments, a bad literal argument), or it cannot be evaluated against one record (an argument of the
 * wrong type, a string that is not valid base64 or JSON...). Callers decide on `code`, never on message text.
 */

/** Where in an expression's source a problem is: 0-based offset, 1-based line and column. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** An expression that cannot be compiled. The message says what is wrong and near what. */
export class JmespathSyntaxError extends Error {
  override readonly name = 'JmespathSyntaxError';
  readonly code = 'JMESPATH_SYNTAX';
  /** 0-based offset in the source (the source's length when the expression ends too early). */
  readonly offset: number;
  /** 1-based line of `offset`. */
  readonly line: number;
  /** 1-based column of `offset`, in UTF-16 code units from the start of its line. */
  readonly column: number;

  constructor(message: string, position: SourcePosition, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }
}

/** An expression that failed on one record, for example a function given an argument of the wrong type. */
export class JmespathEvaluationError extends Error {
  override readonly name = 'JmespathEvaluationError';
  readonly code = 'JMESPATH_EVALUATION';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The line and column of `offset` in `source`. */
export function positionOf(source: string, offset: number): SourcePosition {
  const clamped = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}
