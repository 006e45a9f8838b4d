/**
 * The MySQL/MariaDB target's errors, and the one place where mysql2 errors (`code` / `errno`) become our codes.
 *
 * Four outcomes, and who acts on them:
 * - transient (`TransientTargetError`, `TARGET_UNAVAILABLE`): the apply loop retries the same batch forever
 *   with capped backoff; the transaction was rolled back, nothing is half-written.
 * - row reject (a `RejectCode`): never thrown out of `applyBatch`; the writer isolates the row by bisection
 *   and returns it in `rejected`.
 * - schema / access (`TargetSchemaError` / `TargetAuthError`): an operator must act; the caller reports it
 *   and retries slowly, without dead-lettering anything.
 * - fencing (`FencedError`): the lease was lost; the worker must stop applying this partition.
 * Anything else is `TargetWriteError` (`TARGET_FAILED`), handled like a schema problem.
 */
import { FerryError } from '../../../common/errors.js';
import type { ErrorCode } from '../../../common/errors.js';
import type { RejectCode } from './types.js';

export type TargetErrorCode = Extract<
  ErrorCode,
  'TARGET_UNAVAILABLE' | 'TARGET_SCHEMA' | 'TARGET_AUTH' | 'FENCED' | 'TARGET_FAILED'
>;

export type TargetErrorContext = Record<string, string | number | boolean | undefined>;

export interface TargetErrorOptions {
  cause?: unknown;
  context?: TargetErrorContext;
}

/** Base class of the target's errors: a FerryError whose code is one of the target codes. */
export class TargetError extends FerryError {
  override readonly name: string = 'TargetError';
  declare readonly code: TargetErrorCode;

  constructor(code: TargetErrorCode, message: string, options: TargetErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The target cannot be reached or refused the transaction for now; retry the same batch later. */
export class TransientTargetError extends TargetError {
  override readonly name = 'TransientTargetError';
  constructor(message: string, options: TargetErrorOptions = {}) {
    super('TARGET_UNAVAILABLE', message, options);
  }
}

/** A table, column or database is missing or does not fit the job (operator problem, not a record problem). */
export class TargetSchemaError extends TargetError {
  override readonly name = 'TargetSchemaError';
  constructor(message: string, options: TargetErrorOptions = {}) {
    super('TARGET_SCHEMA', message, options);
  }
}

/** The target refused the credentials or a privilege. */
export class TargetAuthError extends TargetError {
  override readonly name = 'TargetAuthError';
  constructor(message: string, options: TargetErrorOptions = {}) {
    super('TARGET_AUTH', message, options);
  }
}

/** The checkpoint row carries a newer lease epoch than the batch: this worker lost its lease and wrote nothing. */
export class FencedError extends TargetError {
  override readonly name = 'FencedError';
  constructor(pipeline: string, partition: number, storedEpoch: number, batchEpoch: number) {
    super(
      'FENCED',
      `partition ${partition} of pipeline ${pipeline} is held under lease epoch ${storedEpoch}; ` +
        `a batch under epoch ${batchEpoch} may not write`,
      { context: { pipeline, partition, storedEpoch, batchEpoch } },
    );
  }
}

/** Any other failure (an unexpected server error, a driver or programming error). */
export class TargetWriteError extends TargetError {
  override readonly name = 'TargetWriteError';
  constructor(message: string, options: TargetErrorOptions = {}) {
    super('TARGET_FAILED', message, options);
  }
}

/** How a driver error is handled. */
export type MysqlErrorClass =
  | { kind: 'transient' }
  | { kind: 'reject'; rejectCode: RejectCode }
  | { kind: 'schema' }
  | { kind: 'auth' }
  | { kind: 'unknown' };

/**
 * Socket and driver-level codes (mysql2 `code` for errors without a server errno). All mean that the
 * connection is gone or never came up, so the batch can simply be retried. ENOTFOUND is included because a
 * DNS outage looks the same; a misspelt host shows up as a target that keeps failing in status.
 */
const TRANSIENT_DRIVER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
]);

/** Server error numbers that clear up by themselves: retry the whole batch. */
const TRANSIENT_ERRNOS = new Set([
  1021, // ER_DISK_FULL
  1037, // ER_OUTOFMEMORY
  1038, // ER_OUT_OF_SORTMEMORY
  1040, // ER_CON_COUNT_ERROR: too many connections
  1041, // ER_OUT_OF_RESOURCES
  1047, // ER_UNKNOWN_COM_ERROR: Galera node not ready (WSREP has not yet prepared node for application use)
  1053, // ER_SERVER_SHUTDOWN
  1114, // ER_RECORD_FILE_FULL: table is full (disk)
  1158, // ER_NET_READ_ERROR
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1180, // ER_ERROR_DURING_COMMIT
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK (the server already rolled the transaction back)
  1226, // ER_USER_LIMIT_REACHED (max_updates / max_questions per hour)
  1290, // ER_OPTION_PREVENTS_STATEMENT: --read-only (a failover in progress)
  1317, // ER_QUERY_INTERRUPTED
  1614, // ER_XA_RBDEADLOCK
  1637, // ER_TOO_MANY_CONCURRENT_TRXS
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836, // ER_READ_ONLY_MODE
  1927, // ER_CONNECTION_KILLED (MariaDB)
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8: disconnected for inactivity)
]);

/** Server error numbers that concern one row: isolate it and hand it to the dead-letter queue. */
const REJECT_ERRNOS = new Map<number, RejectCode>([
  [1022, 'DUPLICATE'], // ER_DUP_KEY
  [1062, 'DUPLICATE'], // ER_DUP_ENTRY (a UNIQUE index other than the one the upsert targets)
  [1586, 'DUPLICATE'], // ER_DUP_ENTRY_WITH_KEY_NAME
  [1216, 'CONSTRAINT_VIOLATION'], // ER_NO_REFERENCED_ROW (old servers)
  [1217, 'CONSTRAINT_VIOLATION'], // ER_ROW_IS_REFERENCED (old servers)
  [1451, 'CONSTRAINT_VIOLATION'], // ER_ROW_IS_REFERENCED_2: a delete or key change orphans child rows
  [1452, 'CONSTRAINT_VIOLATION'], // ER_NO_REFERENCED_ROW_2: the parent row is missing
  [1369, 'CONSTRAINT_VIOLATION'], // ER_VIEW_CHECK_FAILED (WITH CHECK OPTION)
  [3819, 'CONSTRAINT_VIOLATION'], // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
  [4025, 'CONSTRAINT_VIOLATION'], // ER_CONSTRAINT_FAILED (MariaDB CHECK)
  [1406, 'DATA_TOO_LONG'], // ER_DATA_TOO_LONG
  [1048, 'NOT_NULL'], // ER_BAD_NULL_ERROR
  [1263, 'NOT_NULL'], // ER_WARN_NULL_TO_NOTNULL
  [1364, 'NOT_NULL'], // ER_NO_DEFAULT_FOR_FIELD: a NOT NULL column without default left out of the row
  [1264, 'OUT_OF_RANGE'], // ER_WARN_DATA_OUT_OF_RANGE
  [1690, 'OUT_OF_RANGE'], // ER_DATA_OUT_OF_RANGE
  [1265, 'CONVERSION'], // WARN_DATA_TRUNCATED (e.g. a value outside an ENUM)
  [1292, 'CONVERSION'], // ER_TRUNCATED_WRONG_VALUE (dates and times)
  [1300, 'CONVERSION'], // ER_INVALID_CHARACTER_STRING
  [1366, 'CONVERSION'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (incl. characters the charset cannot hold)
  [1367, 'CONVERSION'], // ER_ILLEGAL_VALUE_FOR_TYPE
  [1411, 'CONVERSION'], // ER_WRONG_VALUE_FOR_TYPE
  [3140, 'CONVERSION'], // ER_INVALID_JSON_TEXT (MySQL)
  [1644, 'REJECTED'], // ER_SIGNAL_EXCEPTION: a trigger refused the row
]);

/** The table or column does not match the job, or the target cannot take writes at all. */
const SCHEMA_ERRNOS = new Set([
  1046, // ER_NO_DB_ERROR
  1049, // ER_BAD_DB_ERROR
  1051, // ER_BAD_TABLE_ERROR
  1054, // ER_BAD_FIELD_ERROR
  1109, // ER_UNKNOWN_TABLE
  1146, // ER_NO_SUCH_TABLE
  1288, // ER_NON_UPDATABLE_TABLE
  1442, // ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG
  1471, // ER_NON_INSERTABLE_TABLE
  1906, // ER_WARNING_NON_DEFAULT_VALUE_FOR_VIRTUAL_COLUMN (MariaDB generated column)
  3105, // ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN (MySQL)
]);

/** Credentials or privileges. */
const AUTH_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1129, // ER_HOST_IS_BLOCKED (needs FLUSH HOSTS)
  1130, // ER_HOST_NOT_PRIVILEGED
  1142, // ER_TABLEACCESS_DENIED_ERROR
  1143, // ER_COLUMNACCESS_DENIED_ERROR
  1227, // ER_SPECIFIC_ACCESS_DENIED_ERROR
  1251, // ER_NOT_SUPPORTED_AUTH_MODE
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN
]);

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  sqlMessage?: unknown;
  errors?: unknown;
}

function fieldsOf(error: unknown): DriverErrorFields {
  return typeof error === 'object' && error !== null ? error : {};
}

/** Classifies a mysql2 error (or anything else) by `code` and `errno`, never by message text. */
export function classifyMysqlError(error: unknown): MysqlErrorClass {
  const { code, errno, fatal, errors } = fieldsOf(error);
  if (typeof code === 'string' && TRANSIENT_DRIVER_CODES.has(code)) return { kind: 'transient' };
  if (typeof errno === 'number' && errno > 0) {
    if (TRANSIENT_ERRNOS.has(errno)) return { kind: 'transient' };
    const rejectCode = REJECT_ERRNOS.get(errno);
    if (rejectCode) return { kind: 'reject', rejectCode };
    if (SCHEMA_ERRNOS.has(errno)) return { kind: 'schema' };
    if (AUTH_ERRNOS.has(errno)) return { kind: 'auth' };
  }
  // Node's happy-eyeballs connect reports every address it tried in an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) {
    if (errors.every((inner) => classifyMysqlError(inner).kind === 'transient')) return { kind: 'transient' };
  }
  // A fatal error we do not know still means the connection is dead; a new one may well work.
  if (fatal === true) return { kind: 'transient' };
  return { kind: 'unknown' };
}

/** The server's own message (mysql2 `sqlMessage`), else the error's message. */
export function driverMessage(error: unknown): string {
  const { sqlMessage } = fieldsOf(error);
  if (typeof sqlMessage === 'string' && sqlMessage !== '') return sqlMessage;
  return error instanceof Error ? error.message : String(error);
}

/** mysql2's `code` and `errno` as log/context fields. */
export function driverContext(error: unknown): TargetErrorContext {
  const { code, errno } = fieldsOf(error);
  return {
    driverCode: typeof code === 'string' ? code : undefined,
    errno: typeof errno === 'number' ? errno : undefined,
  };
}

/**
 * Maps any error to a TargetError once, at the writer's boundary; TargetErrors pass through unchanged. A row
 * reject that reaches this point (outside bisection, e.g. on the checkpoint row) is a TargetWriteError.
 */
export function toTargetError(error: unknown, context: TargetErrorContext = {}): TargetError {
  if (error instanceof TargetError) return error;
  const options = { cause: error, context: { ...context, ...driverContext(error) } };
  const message = driverMessage(error);
  switch (classifyMysqlError(error).kind) {
    case 'transient':
      return new TransientTargetError(`the MySQL target is unavailable: ${message}`, options);
    case 'schema':
      return new TargetSchemaError(`the MySQL target's schema does not fit: ${message}`, options);
    case 'auth':
      return new TargetAuthError(`the MySQL target refused access: ${message}`, options);
    case 'reject':
    case 'unknown':
      return new TargetWriteError(`the MySQL target failed: ${message}`, options);
  }
}

/** What crosses the piscina thread boundary (DESIGN: errors cross as `{name, code, message}`). */
export interface TransferableTargetError {
  name: string;
  code: string;
  message: string;
  context: TargetErrorContext;
}

/**
 * A structured-cloneable copy of `error` (structured clone drops an Error's own `code` and `context`). Ferry's
 * common errors (InvalidArgumentError for a malformed batch) keep their own name and code.
 */
export function toTransferableError(error: unknown): TransferableTargetError {
  if (error instanceof FerryError) {
    return { name: error.name, code: error.code, message: error.message, context: { ...error.context } };
  }
  const target = toTargetError(error);
  return { name: target.name, code: target.code, message: target.message, context: { ...target.context } };
}
