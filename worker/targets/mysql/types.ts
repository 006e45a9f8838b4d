/**
 * The data the MySQL/MariaDB target writer takes and returns. Everything here is structured-cloneable (plain
 * objects, strings, numbers, booleans, null, arrays) because batches cross the piscina thread boundary; the
 * only exception is `MysqlTargetOptions.logger`, which the task module creates inside the worker thread.
 */

/** A value as the transform hands it over: Redis gives strings, transforms may produce the other scalars. */
export type ColumnValue = string | number | boolean | null;

/** Pino-compatible structured logger; pino's `Logger` satisfies it. */
export interface TargetLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface MysqlTargetTls {
  /** PEM CA bundle that signs the server's certificate; default: Node's trusted roots. */
  ca?: string;
  /** PEM client certificate, for mutual TLS. */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** Verify the server's certificate and host name. @default true */
  rejectUnauthorized?: boolean;
}

export interface MysqlTargetOptions {
  host: string;
  /** TCP port, 1-65535. */
  port: number;
  user: string;
  password: string;
  /**
   * The default database: tables without a `schema` live here, and so does `ferry_checkpoints`. Required for
   * `ensureCheckpointTable`, `applyBatch` and `readCheckpoint`.
   */
  database?: string;
  /** Connections in this writer's pool (per worker thread). @default 4 */
  poolSize?: number;
  /** How long to wait for a TCP connection and handshake, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * innodb_lock_wait_timeout for the writer's sessions, in seconds: how long a statement waits for a row
   * lock held by someone else before failing (transiently: the batch is retried). @default the server's
   * setting (50 s unless configured)
   */
  lockWaitTimeoutSeconds?: number;
  /** TLS to the server; omitted means plain TCP. */
  tls?: MysqlTargetTls;
  /** Receives debug/info/warn logs; default: logs nothing. Not cloneable: create it inside the thread. */
  logger?: TargetLogger;
}

/** A target table. `schema` is the MySQL database; default: the connection's `database`. */
export interface TableRef {
  schema?: string;
  table: string;
}

export interface RowChange {
  /** The Redis key the row comes from, for the dead-letter queue and logs. */
  key: string;
  /**
   * - `upsert`: write the row (how depends on the table's load strategy);
   * - `delete`: remove the row with these key values (TYPE2: close it out);
   * - `delete-group`: remove every row whose `values` columns (the group: the columns that identify the
   *   parent, e.g. the Redis key's id) match, except those whose key values are in `keep`. One key's child
   *   rows (foreach, the members of a set) are replaced this way: a delete-group, then an upsert per row.
   */
  op: 'upsert' | 'delete' | 'delete-group';
  /**
   * Column -> value. For an upsert, the columns to write (key columns included; columns left out keep their
   * value on update and their default on insert; a property whose value is `undefined` counts as left out).
   * For a delete only the key columns are read; for a delete-group, the group's columns.
   */
  values: Record<string, ColumnValue>;
  /** delete-group only: the key values of the rows to keep (the group's new rows). @default [] */
  keep?: Record<string, ColumnValue>[];
  /**
   * The change-log entry id this row's value stands for (the newest entry of its key in the read batch).
   * A row whose id is at or below the partition's stored checkpoint was committed by an earlier attempt of
   * the same entries (a crash between COMMIT and XACK) and is skipped. Absent: always written.
   */
  entryId?: string;
}

/**
 * How a table's upserts are written (the job's `load_strategy`):
 * - `upsert`: INSERT ... ON DUPLICATE KEY UPDATE; a PRIMARY KEY or UNIQUE index must lie within the keys;
 * - `replace`: DELETE by the keys, then INSERT: columns left out get their defaults, not their old values;
 * - `append`: INSERT only, a new row per change (keys may be empty); deletes are up to the caller;
 * - `type2`: slowly changing dimension: the key's active rows (`activeCondition`) are closed out with
 *   `closeOut`, then the new row is INSERTed; a delete only closes out.
 */
export type LoadStrategy = 'upsert' | 'replace' | 'append' | 'type2';

export interface Type2Options {
  /** SQL condition that holds for a key's active row, e.g. `is_active = 'Y'` (trusted: from the job file). */
  activeCondition: string;
  /** Columns set when a row is closed out: column -> SQL expression, e.g. `is_active` -> `'N'`. */
  closeOut: { column: string; sql: string }[];
}

export interface TableBatch {
  table: TableRef;
  /**
   * The columns that identify a row; with `upsert`, a PRIMARY KEY or UNIQUE index of the table must lie
   * within them. Empty only with `append`.
   */
  keyColumns: string[];
  /** @default 'upsert' */
  strategy?: LoadStrategy;
  /** Required with `type2`. */
  type2?: Type2Options;
  /**
   * In order. One Redis key gives one change per table, or, for child rows (foreach, set members), one
   * delete-group followed by its rows.
   */
  changes: RowChange[];
}

export interface WriteBatch {
  pipeline: string;
  /** The change-log partition this batch comes from, >= 0. */
  partition: number;
  /** The epoch of the lease under which the batch was read, >= 0. */
  leaseEpoch: number;
  /** Redis stream id `ms-seq` of the last change-log entry this batch covers. */
  lastEntryId: string;
  /**
   * Deletes run first, in reverse table order, then upserts in table order: list parent tables before their
   * child tables and foreign keys are satisfied both ways.
   */
  tables: TableBatch[];
}

export type RejectCode =
  | 'CONSTRAINT_VIOLATION'
  | 'DATA_TOO_LONG'
  | 'CONVERSION'
  | 'NOT_NULL'
  | 'OUT_OF_RANGE'
  | 'DUPLICATE'
  | 'REJECTED';

/** A row the target refused (or the converter could not convert); the rest of the batch was written. */
export interface RejectedRow {
  key: string;
  /** `schema.table`, unquoted. */
  table: string;
  /** The values as received, unconverted. */
  values: Record<string, ColumnValue>;
  errorCode: RejectCode;
  /** The database's message, or the converter's (which names the column, the value and the expected type). */
  error: string;
  /** The column at fault, when known (conversion rejects). */
  column?: string;
}

export interface BatchResult {
  /** True when the checkpoint was already at or past `lastEntryId`: nothing was written. */
  skipped: boolean;
  /** Rows left out because their `entryId` was at or below the stored checkpoint (already applied). */
  skippedRows: number;
  /** Rows that did not exist before. */
  inserted: number;
  /** Rows that existed and were upserted (whether or not a value changed). */
  updated: number;
  deleted: number;
  /** The same counts per table of the batch, in the batch's order (rejects excepted). */
  tables: { inserted: number; updated: number; deleted: number }[];
  /** Always returned, whatever `onReject`; with `ignore` the caller drops them instead of dead-lettering. */
  rejected: RejectedRow[];
  /** Milliseconds from BEGIN to COMMIT (or to the rollback of a skipped batch). */
  writeMs: number;
}

export interface ApplyMode {
  /** What the caller does with rejects; the writer isolates and returns them either way. @default 'dlq' */
  onReject: 'dlq' | 'ignore';
}

/** In-thread hooks of one applyBatch call (functions: not cloneable, so never part of a task's data). */
export interface ApplyHooks {
  /**
   * Called with the batch's rejects after the rows are written and before the checkpoint and COMMIT, when
   * there is at least one. The apply engine dead-letters them here, so that a crash can duplicate a reject
   * (the batch is retried and rejects it again) but never lose one (a committed batch is skipped on retry).
   * A throw rolls the whole batch back.
   */
  beforeCommit?: (rejected: readonly RejectedRow[]) => Promise<void>;
}

export interface Checkpoint {
  lastEntryId: string;
  leaseEpoch: number;
}
