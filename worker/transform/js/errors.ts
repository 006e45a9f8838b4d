/**
 * The error of a js transform, and the mapping, done once, from what the guest reported to it: which code,
 * which message (the reason a dead-lettered record carries), and where in the user's code (line and column
 * relative to the code, from the guest's stack trace).
 */
import type { GuestFailure } from './guest-bootstrap.js';

export type JsTransformErrorCode =
  'JS_COMPILE' | 'JS_TIMEOUT' | 'JS_MEMORY' | 'JS_EXCEPTION' | 'JS_BAD_RESULT';

export interface JsTransformErrorDetails {
  line?: number;
  column?: number;
  cause?: unknown;
}

/**
 * A js transform failed. JS_COMPILE: the code does not compile or defines no `transform` function;
 * JS_TIMEOUT: a call ran past timeout_ms; JS_MEMORY: the sandbox's heap or stack ran out (or the engine
 * failed); JS_EXCEPTION: the code threw; JS_BAD_RESULT: the result is not a record, records or null.
 */
export class JsTransformError extends Error {
  override readonly name = 'JsTransformError';
  readonly code: JsTransformErrorCode;
  /** 1-based, when known (compile errors and exceptions thrown by user code), relative to the code. */
  readonly line?: number;
  readonly column?: number;

  constructor(code: JsTransformErrorCode, message: string, details: JsTransformErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}

/** Where a code location is reported from: the user's file name, and how far line 1 was shifted right. */
export interface CodeOrigin {
  filename: string;
  /** Characters added before the code on its first line (the factory's prefix), 0 when none. */
  firstLineShift: number;
}

/** QuickJS's resource errors: a catchable exception in the guest, a memory error for Ferry. */
export function isResourceError(name: string | undefined, message: string): boolean {
  if (message === 'out of memory') return name === 'InternalError' || name === 'RangeError';
  if (message === 'stack overflow') {
    return name === 'InternalError' || name === 'RangeError' || name === 'SyntaxError';
  }
  return false;
}

export function memoryError(memoryMb: number, message: string, cause?: unknown): JsTransformError {
  const text =
    message === 'stack overflow'
      ? 'the transform ran out of stack (recursion too deep for the sandbox)'
      : `the transform ran out of memory (memory_mb: ${memoryMb})`;
  return new JsTransformError('JS_MEMORY', text, { cause });
}

/**
 * When QuickJS cannot allocate even its "out of memory" error, the exception is null. A transform that
 * throws null itself is told the same, since the two cannot be told apart.
 */
export function nullThrownError(memoryMb: number): JsTransformError {
  return new JsTransformError(
    'JS_MEMORY',
    `the transform ran out of memory (memory_mb: ${memoryMb}), or threw null, which the engine uses to ` +
      'report that',
  );
}

export function timeoutError(timeoutMs: number): JsTransformError {
  return new JsTransformError(
    'JS_TIMEOUT',
    `the transform ran longer than timeout_ms (${timeoutMs} ms) and was stopped`,
  );
}

/** The error for a failure the guest described (see the driver in guest-bootstrap.ts). */
export function errorFromGuest(
  failure: GuestFailure,
  origin: CodeOrigin,
  memoryMb: number,
): JsTransformError {
  if (isResourceError(failure.name, failure.message)) return memoryError(memoryMb, failure.message);
  if (failure.nullish === true) return nullThrownError(memoryMb);
  const thrown = failure.name === undefined ? failure.message : `${failure.name}: ${failure.message}`;
  switch (failure.kind) {
    case 'no-transform':
      return new JsTransformError('JS_COMPILE', failure.message);
    case 'bad-result':
      return new JsTransformError(
        'JS_BAD_RESULT',
        failure.name === undefined
          ? failure.message
          : `a returned record cannot be converted to JSON: ${thrown}`,
      );
    case 'exception':
      return new JsTransformError('JS_EXCEPTION', thrown, locationOf(failure.stack, origin));
  }
}

/** A syntax error the engine reported while compiling the user's code. */
export function compileError(
  name: string,
  message: string,
  stack: string | undefined,
  origin: CodeOrigin,
): JsTransformError {
  return new JsTransformError('JS_COMPILE', `${name}: ${message}`, locationOf(stack, origin));
}

/**
 * The first frame of a QuickJS stack trace that is in the user's file: `    at transform (jobs/emp.js:3:9)`
 * or `    at jobs/emp.js:2:10`. Undefined when no frame is (a value thrown without a stack).
 */
export function locationOf(
  stack: string | undefined,
  origin: CodeOrigin,
): { line?: number; column?: number } {
  if (stack === undefined) return {};
  for (const frame of stack.split('\n')) {
    const match = /^\s*at (?:.*? \()?(.*):(\d+):(\d+)\)?$/.exec(frame);
    if (!match || match[1] !== origin.filename) continue;
    const line = Number(match[2]);
    const column = Number(match[3]);
    return { line, column: line === 1 ? Math.max(1, column - origin.firstLineShift) : column };
  }
  return {};
}
