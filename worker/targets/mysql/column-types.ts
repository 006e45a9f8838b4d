/**
 * Turns a row of information_schema.COLUMNS into what the converter needs: the kind of value a column takes
 * and its limits (integer range by type and UNSIGNED, DECIMAL precision and scale, fractional-second digits,
 * length in characters or bytes, the members of an ENUM or SET). Pure, so that every type is unit-tested.
 */

/** One column as read from information_schema.COLUMNS (the catalog query aliases the fields to these names). */
export interface CatalogColumn {
  name: string;
  /** DATA_TYPE, e.g. `int`, `varchar`, `longtext` (lower case). */
  dataType: string;
  /** COLUMN_TYPE, e.g. `int(10) unsigned`, `enum('a','b')`, `decimal(10,2)`. */
  columnType: string;
  nullable: boolean;
  /** CHARACTER_MAXIMUM_LENGTH: characters for CHAR/VARCHAR/ENUM/SET, bytes for TEXT/BINARY/BLOB. */
  characterMaximumLength: number | null;
  /** CHARACTER_OCTET_LENGTH. */
  characterOctetLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  datetimePrecision: number | null;
  characterSetName: string | null;
  collationName: string | null;
  /** EXTRA, e.g. `auto_increment`, `VIRTUAL GENERATED`, `STORED GENERATED`. */
  extra: string;
  /** True for MySQL's JSON type and for MariaDB's JSON alias (LONGTEXT with a `json_valid(col)` CHECK). */
  isJson: boolean;
}

export type ColumnType =
  | { kind: 'integer'; min: bigint; max: bigint; boolean: boolean }
  | { kind: 'bit'; bits: number }
  | { kind: 'decimal'; precision: number; scale: number; unsigned: boolean }
  | { kind: 'float'; single: boolean; unsigned: boolean }
  | { kind: 'date' }
  | { kind: 'datetime'; fsp: number; timestamp: boolean }
  | { kind: 'time'; fsp: number }
  | { kind: 'year' }
  | { kind: 'text'; maxChars: number | null; maxBytes: number | null; charset: string | null }
  | { kind: 'binary'; maxBytes: number | null }
  | { kind: 'enum'; members: string[]; caseSensitive: boolean }
  | { kind: 'set'; members: string[]; caseSensitive: boolean }
  | { kind: 'json'; maxBytes: number | null }
  /** Validated by the server (MariaDB UUID, INET4, INET6): sent as text. */
  | { kind: 'passthrough' }
  /** Spatial and other types the writer cannot build a value for. */
  | { kind: 'unsupported' };

export interface TargetColumn {
  name: string;
  /** COLUMN_TYPE in upper case, for messages: `DECIMAL(10,2) UNSIGNED`. */
  sqlType: string;
  nullable: boolean;
  autoIncrement: boolean;
  generated: boolean;
  type: ColumnType;
}

const INTEGER_BITS: Record<string, number> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  integer: 32,
  bigint: 64,
};

const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const PASSTHROUGH_TYPES = new Set(['uuid', 'inet4', 'inet6']);

/** Describes a catalog column for the converter. */
export function describeColumn(column: CatalogColumn): TargetColumn {
  const extra = column.extra.toLowerCase();
  return {
    name: column.name,
    sqlType: column.columnType.toUpperCase(),
    nullable: column.nullable,
    autoIncrement: extra.includes('auto_increment'),
    generated: extra.includes('generated') || extra.includes('virtual') || extra.includes('persistent'),
    type: columnType(column),
  };
}

function columnType(column: CatalogColumn): ColumnType {
  const dataType = column.dataType.toLowerCase();
  const columnTypeText = column.columnType.toLowerCase();
  const unsigned = /\bunsigned\b/.test(columnTypeText);

  const bits = INTEGER_BITS[dataType];
  if (bits !== undefined) {
    const [min, max] = integerRange(bits, unsigned);
    return { kind: 'integer', min, max, boolean: /^tinyint\(1\)/.test(columnTypeText) };
  }
  if (column.isJson) return { kind: 'json', maxBytes: column.characterOctetLength };

  switch (dataType) {
    case 'bit':
      return { kind: 'bit', bits: column.numericPrecision ?? lengthInParentheses(columnTypeText) ?? 1 };
    case 'decimal':
    case 'numeric':
      return {
        kind: 'decimal',
        precision: column.numericPrecision ?? 10,
        scale: column.numericScale ?? 0,
        unsigned,
      };
    case 'float':
      return { kind: 'float', single: true, unsigned };
    case 'double':
    case 'real':
      return { kind: 'float', single: false, unsigned };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
      return { kind: 'datetime', fsp: column.datetimePrecision ?? 0, timestamp: false };
    case 'timestamp':
      return { kind: 'datetime', fsp: column.datetimePrecision ?? 0, timestamp: true };
    case 'time':
      return { kind: 'time', fsp: column.datetimePrecision ?? 0 };
    case 'year':
      return { kind: 'year' };
    case 'enum':
      return {
        kind: 'enum',
        members: parseMemberList(column.columnType),
        caseSensitive: isCaseSensitive(column),
      };
    case 'set':
      return {
        kind: 'set',
        members: parseMemberList(column.columnType),
        caseSensitive: isCaseSensitive(column),
      };
    case 'json':
      return { kind: 'json', maxBytes: column.characterOctetLength };
  }
  if (TEXT_TYPES.has(dataType)) {
    // CHAR/VARCHAR limits count characters; the TEXT types' limits count bytes in the column's charset.
    const countsCharacters = dataType === 'char' || dataType === 'varchar';
    return {
      kind: 'text',
      maxChars: countsCharacters ? column.characterMaximumLength : null,
      maxBytes: countsCharacters ? null : column.characterOctetLength,
      charset: column.characterSetName,
    };
  }
  if (BINARY_TYPES.has(dataType)) return { kind: 'binary', maxBytes: column.characterOctetLength };
  if (PASSTHROUGH_TYPES.has(dataType)) return { kind: 'passthrough' };
  return { kind: 'unsupported' };
}

function integerRange(bits: number, unsigned: boolean): [bigint, bigint] {
  const size = 1n << BigInt(bits);
  return unsigned ? [0n, size - 1n] : [-(size / 2n), size / 2n - 1n];
}

function lengthInParentheses(columnType: string): number | undefined {
  const match = /\((\d+)\)/.exec(columnType);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function isCaseSensitive(column: CatalogColumn): boolean {
  const collation = (column.collationName ?? '').toLowerCase();
  return collation.endsWith('_bin') || collation.endsWith('_cs') || collation === 'binary';
}

/**
 * The members of `enum('a','b''c')` or `set(...)`, as the catalog spells them: single-quoted, a quote inside
 * doubled. (The catalog never uses backslash escapes here.)
 */
export function parseMemberList(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const members: string[] = [];
  if (open < 0) return members;
  let index = open + 1;
  while (index < columnType.length && columnType[index] === "'") {
    let member = '';
    index += 1;
    for (;;) {
      const quote = columnType.indexOf("'", index);
      if (quote < 0) return members; // malformed: keep what was read
      member += columnType.slice(index, quote);
      if (columnType[quote + 1] === "'") {
        member += "'";
        index = quote + 2;
      } else {
        index = quote + 1;
        break;
      }
    }
    members.push(member);
    if (columnType[index] === ',') index += 1;
  }
  return members;
}
