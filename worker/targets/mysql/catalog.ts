/**
 * Reads a table's columns and unique keys from information_schema, once per table per writer (the writer
 * caches the result and reads again only when a batch does not fit what it cached).
 */
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { describeColumn } from './column-types.js';
import type { CatalogColumn, TargetColumn } from './column-types.js';
import { TargetSchemaError, classifyMysqlError } from './errors.js';

export interface CatalogEntry {
  column: TargetColumn;
  /** 0-based position in the table, so that statements list columns in table order. */
  ordinal: number;
}

export interface TableCatalog {
  schema: string;
  table: string;
  /** In table order. */
  columns: TargetColumn[];
  /** By lower-cased name: MySQL column names are case-insensitive. */
  byName: Map<string, CatalogEntry>;
  /** The PRIMARY KEY and every UNIQUE index, as lists of column names. */
  uniqueKeys: { name: string; columns: string[] }[];
}

const COLUMNS_SQL =
  'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS isNullable, ' +
  'CHARACTER_MAXIMUM_LENGTH AS characterMaximumLength, CHARACTER_OCTET_LENGTH AS characterOctetLength, ' +
  'NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale, DATETIME_PRECISION AS datetimePrecision, ' +
  'CHARACTER_SET_NAME AS characterSetName, COLLATION_NAME AS collationName, EXTRA AS extra ' +
  'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION';

const UNIQUE_KEYS_SQL =
  'SELECT INDEX_NAME AS indexName, COLUMN_NAME AS columnName FROM information_schema.STATISTICS ' +
  'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX';

/** MariaDB only: its JSON type is LONGTEXT plus a `json_valid(col)` CHECK (MySQL's CHECK_CONSTRAINTS has no TABLE_NAME). */
const CHECKS_SQL =
  'SELECT CHECK_CLAUSE AS checkClause FROM information_schema.CHECK_CONSTRAINTS ' +
  'WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?';

const JSON_CHECK = /^json_valid\(`((?:[^`]|``)+)`\)$/i;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Columns whose values MariaDB checks with `json_valid(col)`. */
async function mariaDbJsonColumns(
  connection: PoolConnection,
  schema: string,
  table: string,
): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    const [rows] = await connection.query<RowDataPacket[]>(CHECKS_SQL, [schema, table]);
    for (const row of rows) {
      const match = JSON_CHECK.exec(text(row['checkClause']).trim());
      if (match?.[1] !== undefined) names.add(match[1].replaceAll('``', '`').toLowerCase());
    }
  } catch (error) {
    // Servers without CHECK_CONSTRAINTS (before 10.2) have no JSON alias either.
    if (classifyMysqlError(error).kind !== 'schema') throw error;
  }
  return names;
}

/** Reads one table's catalog; a table without columns (missing or invisible to the user) is a TargetSchemaError. */
export async function readTableCatalog(
  connection: PoolConnection,
  schema: string,
  table: string,
  mariaDb: boolean,
): Promise<TableCatalog> {
  const [columnRows] = await connection.query<RowDataPacket[]>(COLUMNS_SQL, [schema, table]);
  if (columnRows.length === 0) {
    throw new TargetSchemaError(
      `table ${schema}.${table} does not exist in the MySQL target, or the target user cannot see it`,
      { context: { table: `${schema}.${table}` } },
    );
  }
  const jsonColumns = mariaDb ? await mariaDbJsonColumns(connection, schema, table) : new Set<string>();
  const columns = columnRows.map((row) => {
    const name = text(row['name']);
    const catalogColumn: CatalogColumn = {
      name,
      dataType: text(row['dataType']).toLowerCase(),
      columnType: text(row['columnType']),
      nullable: text(row['isNullable']).toUpperCase() === 'YES',
      characterMaximumLength: numberOrNull(row['characterMaximumLength']),
      characterOctetLength: numberOrNull(row['characterOctetLength']),
      numericPrecision: numberOrNull(row['numericPrecision']),
      numericScale: numberOrNull(row['numericScale']),
      datetimePrecision: numberOrNull(row['datetimePrecision']),
      characterSetName: row['characterSetName'] === null ? null : text(row['characterSetName']),
      collationName: row['collationName'] === null ? null : text(row['collationName']),
      extra: text(row['extra']),
      isJson: text(row['dataType']).toLowerCase() === 'json' || jsonColumns.has(name.toLowerCase()),
    };
    return describeColumn(catalogColumn);
  });

  const [keyRows] = await connection.query<RowDataPacket[]>(UNIQUE_KEYS_SQL, [schema, table]);
  const keys = new Map<string, string[]>();
  for (const row of keyRows) {
    const indexName = text(row['indexName']);
    const list = keys.get(indexName) ?? [];
    list.push(text(row['columnName']));
    keys.set(indexName, list);
  }

  return {
    schema,
    table,
    columns,
    byName: new Map(columns.map((column, ordinal) => [column.name.toLowerCase(), { column, ordinal }])),
    uniqueKeys: [...keys].map(([name, keyColumns]) => ({ name, columns: keyColumns })),
  };
}
