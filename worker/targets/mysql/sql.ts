/**
 * The SQL the MySQL/MariaDB writer sends, built as exact strings (unit-tested character by character).
 * Identifiers are backtick-quoted with backticks doubled; values are never interpolated, only `?`
 * placeholders, which mysql2 fills with escaped literals (the writer's sessions never use
 * NO_BACKSLASH_ESCAPES, which that escaping relies on).
 */
import { InvalidArgumentError } from '../../../common/errors.js';

/** The most placeholders one statement gets (the protocol's limit for prepared statements: 2^16 - 1). */
export const MAX_PLACEHOLDERS = 65_535;

/** The alias MySQL 8.0.19+ uses for the inserted row in `ON DUPLICATE KEY UPDATE`. */
export const INSERTED_ROW_ALIAS = 'ferry_new';

/** Which dialect variants the server takes. */
export interface SqlDialect {
  /**
   * MySQL 8.0.19+: `INSERT ... AS ferry_new ON DUPLICATE KEY UPDATE b = ferry_new.b` (VALUES() is deprecated
   * there). false for MariaDB and older MySQL: `b = VALUES(b)`.
   */
  insertRowAlias: boolean;
}

/** `name` quoted as an identifier: `` `a``b` `` for a`b. */
export function quoteIdentifier(name: string): string {
  if (name === '' || name.includes('\u0000')) {
    throw new InvalidArgumentError(`${JSON.stringify(name)} is not a valid MySQL identifier`);
  }
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `` `schema`.`table` ``. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

function placeholderRow(width: number): string {
  return `(${new Array<string>(width).fill('?').join(',')})`;
}

function placeholderRows(width: number, rows: number): string {
  const row = placeholderRow(width);
  return new Array<string>(rows).fill(row).join(',');
}

export interface UpsertSpec {
  schema: string;
  table: string;
  /** The columns written, key columns included, in the order of each row's values. */
  columns: readonly string[];
  keyColumns: readonly string[];
  rowCount: number;
}

/**
 * Multi-row upsert. Key columns are never updated; when every column is a key the update is a no-op
 * assignment of the first key to itself (INSERT IGNORE would also swallow other errors, which must surface).
 */
export function buildUpsertSql(spec: UpsertSpec, dialect: SqlDialect): string {
  if (spec.rowCount < 1 || spec.columns.length === 0) {
    throw new InvalidArgumentError('an upsert needs at least one row and one column');
  }
  const keys = new Set(spec.keyColumns);
  const updated = spec.columns.filter((column) => !keys.has(column));
  const alias = quoteIdentifier(INSERTED_ROW_ALIAS);
  const assignments = updated.map((column) => {
    const quoted = quoteIdentifier(column);
    return dialect.insertRowAlias ? `${quoted}=${alias}.${quoted}` : `${quoted}=VALUES(${quoted})`;
  });
  if (assignments.length === 0) {
    const first = quoteIdentifier(spec.columns[0] ?? '');
    assignments.push(`${first}=${first}`);
  }
  return (
    `INSERT INTO ${qualifiedName(spec.schema, spec.table)} (${spec.columns.map(quoteIdentifier).join(',')}) ` +
    `VALUES ${placeholderRows(spec.columns.length, spec.rowCount)}` +
    (dialect.insertRowAlias ? ` AS ${alias}` : '') +
    ` ON DUPLICATE KEY UPDATE ${assignments.join(',')}`
  );
}

export interface DeleteSpec {
  schema: string;
  table: string;
  keyColumns: readonly string[];
  rowCount: number;
}

/** `DELETE ... WHERE k IN (?,?)` for one key column, `WHERE (k1,k2) IN ((?,?),(?,?))` for several. */
export function buildDeleteSql(spec: DeleteSpec): string {
  if (spec.rowCount < 1 || spec.keyColumns.length === 0) {
    throw new InvalidArgumentError('a delete needs at least one row and one key column');
  }
  return `DELETE FROM ${qualifiedName(spec.schema, spec.table)} WHERE ${keyCondition(spec.keyColumns, spec.rowCount)}`;
}

/** `WHERE` condition matching rows by key: `k IN (?,?)`, or `(k1,k2) IN ((?,?),(?,?))`. */
function keyCondition(keyColumns: readonly string[], rowCount: number): string {
  if (keyColumns.length === 1) {
    return `${quoteIdentifier(keyColumns[0] ?? '')} IN (${new Array<string>(rowCount).fill('?').join(',')})`;
  }
  const keys = `(${keyColumns.map(quoteIdentifier).join(',')})`;
  return `${keys} IN (${placeholderRows(keyColumns.length, rowCount)})`;
}

/** Plain multi-row INSERT (APPEND, and the insert half of REPLACE and TYPE2). */
export function buildInsertSql(spec: Omit<UpsertSpec, 'keyColumns'>): string {
  if (spec.rowCount < 1 || spec.columns.length === 0) {
    throw new InvalidArgumentError('an insert needs at least one row and one column');
  }
  return (
    `INSERT INTO ${qualifiedName(spec.schema, spec.table)} (${spec.columns.map(quoteIdentifier).join(',')}) ` +
    `VALUES ${placeholderRows(spec.columns.length, spec.rowCount)}`
  );
}

export interface GroupDeleteSpec {
  schema: string;
  table: string;
  /** The columns that identify the group (the parent). */
  groupColumns: readonly string[];
  keyColumns: readonly string[];
  /** Rows of the group to keep, matched by key. */
  keepCount: number;
}

/**
 * `DELETE FROM t WHERE g1=? AND g2=? [AND NOT ((k1,k2) IN ((?,?),...))]`: one parent's child rows, except
 * the ones it still has. Parameters: the group values, then the kept rows' keys.
 */
export function buildGroupDeleteSql(spec: GroupDeleteSpec): string {
  return `DELETE FROM ${qualifiedName(spec.schema, spec.table)} WHERE ${groupCondition(spec)}`;
}

function groupCondition(spec: GroupDeleteSpec): string {
  if (spec.groupColumns.length === 0) throw new InvalidArgumentError('a group delete needs group columns');
  const group = spec.groupColumns.map((column) => `${quoteIdentifier(column)}=?`).join(' AND ');
  if (spec.keepCount === 0) return group;
  if (spec.keyColumns.length === 0) throw new InvalidArgumentError('kept rows need key columns');
  return `${group} AND NOT (${keyCondition(spec.keyColumns, spec.keepCount)})`;
}

export interface CloseOutSpec {
  schema: string;
  table: string;
  keyColumns: readonly string[];
  rowCount: number;
  /** The job's active_record_indicator: SQL from the job file. */
  activeCondition: string;
  /** The job's inactive_record_mapping: column -> SQL expression. */
  closeOut: readonly { column: string; sql: string }[];
}

/**
 * TYPE2: `UPDATE t SET c=(expr),... WHERE <keys IN ...> AND (<active condition>)`: the keys' active rows
 * become inactive. The condition and expressions are the job author's SQL, evaluated by the target.
 */
export function buildCloseOutSql(spec: CloseOutSpec): string {
  if (spec.rowCount < 1 || spec.closeOut.length === 0) {
    throw new InvalidArgumentError('a close-out needs at least one row and one column to set');
  }
  return (
    `UPDATE ${qualifiedName(spec.schema, spec.table)} SET ` +
    spec.closeOut.map(({ column, sql }) => `${quoteIdentifier(column)}=(${sql})`).join(',') +
    ` WHERE ${keyCondition(spec.keyColumns, spec.rowCount)} AND (${spec.activeCondition})`
  );
}

/** TYPE2 close-out of a group's active rows, except the kept keys (which are closed with their upsert). */
export function buildGroupCloseOutSql(
  spec: GroupDeleteSpec & Omit<CloseOutSpec, 'rowCount' | 'keyColumns'>,
): string {
  return (
    `UPDATE ${qualifiedName(spec.schema, spec.table)} SET ` +
    spec.closeOut.map(({ column, sql }) => `${quoteIdentifier(column)}=(${sql})`).join(',') +
    ` WHERE ${groupCondition(spec)} AND (${spec.activeCondition})`
  );
}

export interface ChunkLimits {
  /** Placeholders per statement. @default MAX_PLACEHOLDERS */
  maxPlaceholders?: number;
  /** Estimated bytes of values per statement (keep well below max_allowed_packet). */
  maxBytes?: number;
}

/**
 * Splits rows into statements of at most floor(maxPlaceholders / width) rows and about maxBytes of values
 * (a single row larger than maxBytes gets a statement of its own). Order is kept.
 */
export function chunkRows<T>(
  rows: readonly T[],
  width: number,
  limits: ChunkLimits,
  bytesOf: (row: T) => number,
): T[][] {
  const maxRows = Math.max(1, Math.floor((limits.maxPlaceholders ?? MAX_PLACEHOLDERS) / Math.max(1, width)));
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const row of rows) {
    const bytes = bytesOf(row);
    if (current.length > 0 && (current.length >= maxRows || currentBytes + bytes > maxBytes)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(row);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The `info` string of a multi-row INSERT: `Records: 3  Duplicates: 1  Warnings: 0`. */
export interface InsertInfo {
  records: number;
  duplicates: number;
  warnings: number;
}

export function parseInsertInfo(info: string): InsertInfo | undefined {
  const match = /Records:\s*(\d+)\s+Duplicates:\s*(\d+)\s+Warnings:\s*(\d+)/.exec(info);
  if (!match) return undefined;
  return { records: Number(match[1]), duplicates: Number(match[2]), warnings: Number(match[3]) };
}

/**
 * Inserted vs updated rows of one upsert. The writer connects without CLIENT_FOUND_ROWS, so the server
 * reports: affectedRows = inserted + 2 x changed, and (multi-row only) Duplicates = changed. Rows that
 * existed but whose values did not change count 0 in both, so `updated` = rows - inserted covers them. A
 * single-row statement has no info: affectedRows is 1 (inserted), 2 (changed) or 0 (unchanged).
 */
export function countUpsert(
  rowCount: number,
  affectedRows: number,
  info: string,
): { inserted: number; updated: number } {
  const parsed = parseInsertInfo(info);
  const changed = parsed ? parsed.duplicates : affectedRows === 2 ? 1 : 0;
  const inserted = Math.max(0, Math.min(rowCount, affectedRows - 2 * changed));
  return { inserted, updated: rowCount - inserted };
}

/** The checkpoint table, in the connection's database. */
export const CHECKPOINT_TABLE = 'ferry_checkpoints';

export function createCheckpointTableSql(database: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, CHECKPOINT_TABLE)} (` +
    '`pipeline` VARCHAR(200) NOT NULL, ' +
    '`partition_no` INT NOT NULL, ' +
    '`last_entry_id` VARCHAR(48) NOT NULL, ' +
    '`lease_epoch` BIGINT NOT NULL, ' +
    '`updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ' +
    'PRIMARY KEY (`pipeline`, `partition_no`)' +
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4'
  );
}

/** Creates the partition's row if missing; run in autocommit so that no transaction waits on a gap lock. */
export function insertCheckpointRowSql(database: string): string {
  return (
    `INSERT IGNORE INTO ${qualifiedName(database, CHECKPOINT_TABLE)} ` +
    "(`pipeline`,`partition_no`,`last_entry_id`,`lease_epoch`,`updated_at`) VALUES (?,?,'0-0',0,CURRENT_TIMESTAMP(3))"
  );
}

export function lockCheckpointSql(database: string): string {
  return (
    `SELECT \`last_entry_id\`,\`lease_epoch\` FROM ${qualifiedName(database, CHECKPOINT_TABLE)} ` +
    'WHERE `pipeline`=? AND `partition_no`=? FOR UPDATE'
  );
}

export function readCheckpointSql(database: string): string {
  return (
    `SELECT \`last_entry_id\`,\`lease_epoch\` FROM ${qualifiedName(database, CHECKPOINT_TABLE)} ` +
    'WHERE `pipeline`=? AND `partition_no`=?'
  );
}

/**
 * Writes the checkpoint; an upsert so that a row deleted behind the writer's back is recreated. Parameters:
 * pipeline, partition, last entry id, lease epoch, last entry id, lease epoch.
 */
export function writeCheckpointSql(database: string): string {
  return (
    `INSERT INTO ${qualifiedName(database, CHECKPOINT_TABLE)} ` +
    '(`pipeline`,`partition_no`,`last_entry_id`,`lease_epoch`,`updated_at`) VALUES (?,?,?,?,CURRENT_TIMESTAMP(3)) ' +
    'ON DUPLICATE KEY UPDATE `last_entry_id`=?,`lease_epoch`=?,`updated_at`=CURRENT_TIMESTAMP(3)'
  );
}

/**
 * The session's sql_mode for the writer: the server's, without NO_BACKSLASH_ESCAPES (mysql2's escaping needs
 * backslashes) and with STRICT_ALL_TABLES (a bad value must fail, not be truncated with a warning).
 */
export function writerSqlMode(serverMode: string): string {
  const modes = serverMode
    .split(',')
    .map((mode) => mode.trim().toUpperCase())
    .filter((mode) => mode !== '' && mode !== 'NO_BACKSLASH_ESCAPES');
  if (!modes.includes('STRICT_ALL_TABLES')) modes.push('STRICT_ALL_TABLES');
  return modes.join(',');
}

/** What the writer needs to know about the server, from `SELECT VERSION()`. */
export interface ServerTraits {
  mariaDb: boolean;
  dialect: SqlDialect;
}

/** MariaDB says so in its version string; MySQL 8.0.19 introduced the inserted-row alias. */
export function serverTraits(version: string): ServerTraits {
  const mariaDb = /mariadb/i.test(version);
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const [major, minor, patch] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const aliasSupported = major > 8 || (major === 8 && (minor > 0 || patch >= 19));
  return { mariaDb, dialect: { insertRowAlias: !mariaDb && aliasSupported } };
}

/** Statement size budget from max_allowed_packet: a quarter, as escaping and multi-byte text can triple sizes. */
export function statementByteBudget(maxAllowedPacket: number): number {
  return Math.max(64 * 1024, Math.floor(maxAllowedPacket / 4));
}
