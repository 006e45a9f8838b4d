/**
 * Ferry's error classes. Every error that crosses a boundary (gRPC, the piscina thread boundary, the CLI) is
 * one of these, and code decides on `code`, never on message text. Each boundary maps errors once:
 * driver errors -> our codes, our codes -> gRPC status (control-plane/grpc-status.ts), Lua codes -> our codes.
 */

/** Stable error codes. Adding one is an API change: the gRPC mapping and the CLI exit codes depend on them. */
export type ErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'VERSION_CONFLICT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'UNIMPLEMENTED'
  | 'FAILED_PRECONDITION'
  | 'INTERNAL'
  // A target database (worker/targets): unreachable for now, a table or column that does not fit the job, a
  // refused login or privilege, a write under a lost lease, anything else.
  | 'TARGET_UNAVAILABLE'
  | 'TARGET_SCHEMA'
  | 'TARGET_AUTH'
  | 'FENCED'
  | 'TARGET_FAILED';

/** Where in a pipeline's files a problem is: the file name as deployed, 1-based line and column, dotted path. */
export interface ConfigProblem {
  /** `config.yaml` or `jobs/<name>.yaml`. */
  file: string;
  /** 1-based line; 0 when the problem concerns the file as a whole (for example a missing file). */
  line: number;
  /** 1-based column; 0 when unknown. */
  column: number;
  /** Dotted path with [index] for sequences, e.g. `output[0].with.table`; empty for the document itself. */
  path: string;
  /** What is wrong and, where it helps, what to do. Never contains a secret's value. */
  message: string;
}

export interface FerryErrorOptions {
  cause?: unknown;
  /** Typed context for logs and status details: job, key, partition, version... */
  context?: Record<string, string | number | boolean | undefined>;
}

/** Base class: a literal `name`, a stable `code`, an optional `cause` and typed context. */
export class FerryError extends Error {
  override readonly name: string = 'FerryError';
  readonly code: ErrorCode;
  readonly context: Record<string, string | number | boolean | undefined>;

  constructor(code: ErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
  }
}

/** A pipeline's configuration was rejected; `problems` lists every problem found, not just the first. */
export class ConfigValidationError extends FerryError {
  override readonly name = 'ConfigValidationError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('INVALID_CONFIG', summarizeProblems(problems));
    this.problems = problems;
  }
}

/** A deploy's expected version did not match the newest version in the store. */
export class VersionConflictError extends FerryError {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      'VERSION_CONFLICT',
      `expected the newest configuration to be version ${expectedVersion} but it is version ${currentVersion}; ` +
        'read it again (ferry get-config) and redeploy',
      { context: { expectedVersion, currentVersion } },
    );
  }
}

export class NotFoundError extends FerryError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options: FerryErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

export class InvalidArgumentError extends FerryError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options: FerryErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
}

export class UnavailableError extends FerryError {
  override readonly name = 'UnavailableError';
  constructor(message: string, options: FerryErrorOptions = {}) {
    super('UNAVAILABLE', message, options);
  }
}

export class UnimplementedError extends FerryError {
  override readonly name = 'UnimplementedError';
  constructor(message: string) {
    super('UNIMPLEMENTED', message);
  }
}

export class AuthError extends FerryError {
  override readonly name = 'AuthError';
  constructor(code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED', message: string) {
    super(code, message);
  }
}

/** Formats a problem the way compilers do: `file:line:column: path: message`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

function summarizeProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length;
  const first = problems[0];
  if (!first) return 'the configuration is invalid';
  const head = `the configuration has ${count} problem${count === 1 ? '' : 's'}`;
  return `${head}; first: ${formatProblem(first)}`;
}

/** True when `error` is a FerryError with the given code. */
export function hasCode(error: unknown, code: ErrorCode): error is FerryError {
  return error instanceof FerryError && error.code === code;
}
