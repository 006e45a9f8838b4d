/**
 * The compiled form of a job file (`jobs/<name>.yaml`, RDI's job format): where changes come from, how each
 * record is transformed, and where it is written. Transform and output blocks are discriminated unions on
 * `uses`, as in the YAML; alternative YAML shapes (one field or a `fields` list) are compiled to one shape.
 */

/** An expression evaluated against a record. Not compiled here: the transform task compiles it. */
export interface Expression {
  /** The expression text as written (`expression`). */
  expression: string;
  /** Its language (`language`). @default 'jmespath' */
  language: ExpressionLanguage;
}

export type ExpressionLanguage = 'jmespath' | 'sql';

/** Capture from Redis and write to a relational database (`source.redis`). */
export interface WriteBehindSource {
  kind: 'write-behind';
  /** Glob of the Redis keys this job tracks, as for SCAN MATCH (`key_pattern`). */
  keyPattern: string;
  /** Always 'write-behind' (`trigger`). */
  trigger: 'write-behind';
  /** Lower-case Redis commands whose changes this job ignores, e.g. `json.del` (`exclude_commands`). @default [] */
  excludeCommands: string[];
  /** Logical database of the source the keys live in, 0..15 (`db`). @default 0 */
  db: number;
  /** Name of the entry of `sources` to capture from (`connection`). @default the only source */
  connection: string;
}

/** Row image Debezium sends: the new values only (`partial`), or before, after and metadata (`full`). */
export type RowFormat = 'full' | 'partial';

/** Change events of one source table, written to Redis (`source` with `table`). */
export interface IngestSource {
  kind: 'ingest';
  /** Debezium's logical server name (`server_name`). @default any */
  serverName?: string;
  /** Source database (`db`). @default any */
  db?: string;
  /** Source schema (`schema`). @default any */
  schema?: string;
  /** Source table (`table`). */
  table: string;
  /** Shape of the record the transforms see (`row_format`). @default 'partial' */
  rowFormat: RowFormat;
}

/** A field computed by an expression, for `add_field` and the mapping form of `map`. */
export interface FieldExpression {
  /** Field to set; dots address nested fields (`field`). */
  field: string;
  expression: Expression;
}

/** A field rename for `rename_field`. */
export interface FieldRename {
  /** Field to move (`from_field`). */
  fromField: string;
  /** New name (`to_field`). */
  toField: string;
}

/** The `expression` of `map`: one expression that builds the record, or a mapping of field -> expression. */
export type MapExpression = string | MapObject;
export interface MapObject {
  readonly [field: string]: string | MapObject;
}

export interface AddFieldTransform {
  uses: 'add_field';
  /** The fields to add, in order (`field`/`expression`/`language`, or `fields`). */
  fields: FieldExpression[];
}

export interface FilterTransform {
  uses: 'filter';
  /** Records for which it is false are dropped (`expression`, `language`). */
  expression: Expression;
}

export interface MapTransform {
  uses: 'map';
  /** The new record (`expression`). */
  expression: MapExpression;
  /** Language of the expression(s) (`language`). @default 'jmespath' */
  language: ExpressionLanguage;
}

export interface RemoveFieldTransform {
  uses: 'remove_field';
  /** Fields to remove (`field`, or `fields: [{field}]`). */
  fields: string[];
}

export interface RenameFieldTransform {
  uses: 'rename_field';
  /** Renames, in order (`from_field`/`to_field`, or `fields`). */
  fields: FieldRename[];
}

export interface KeyTransform {
  uses: 'key';
  /** Computes the record's target key (`expression`, `language`). */
  expression: Expression;
}

/** Ferry's sandboxed JavaScript transform (no modules, process, file system or network). */
export interface JsTransform {
  uses: 'js';
  /** The code inline (`code`), or a file deployed with the pipeline (`file`). */
  script: { kind: 'inline'; code: string } | { kind: 'file'; path: string };
  /** CPU time per record in milliseconds (`timeout_ms`). @default 50 */
  timeoutMs: number;
  /** Heap limit of the sandbox in MiB (`memory_mb`). @default 32 */
  memoryMb: number;
}

export type TransformBlock =
  | AddFieldTransform
  | FilterTransform
  | MapTransform
  | RemoveFieldTransform
  | RenameFieldTransform
  | KeyTransform
  | JsTransform;

export const TransformDefaults = Object.freeze({
  language: 'jmespath',
  jsTimeoutMs: 50,
  jsMemoryMb: 32,
} as const);

/** One written column or field: `name` (same name both sides) or `target: expression`. */
export interface FieldMapping {
  /** Column (relational) or field / JSON path (Redis) written. */
  target: string;
  /** JMESPath expression evaluated against the record; a bare name is the field of that name. */
  expression: string;
}

export type LoadStrategy = 'APPEND' | 'REPLACE' | 'UPSERT' | 'TYPE2';

/** A column written when a TYPE2 record is closed out. */
export interface InactiveRecordColumn {
  /** Column set (`target`, defaulting to `source`). */
  column: string;
  /** SQL expression giving its value, e.g. CURRENT_DATE (`source`). */
  sql: string;
}

export interface RelationalWriteOutput {
  uses: 'relational.write';
  /** Name of a mysql, mariadb, postgresql or oracle connection (`connection`). */
  connection: string;
  /** Schema (database for MySQL) of the table (`schema`). @default the connection's */
  schema?: string;
  /** Target table (`table`). */
  table: string;
  /** Key columns: upserts and deletes match on them (`keys`). @default [] */
  keys: FieldMapping[];
  /** Columns written (`mapping`). @default [] (every field of the record) */
  mapping: FieldMapping[];
  /** Splits a list into one row per element: `column: expression` (`foreach`). */
  foreach?: { column: string; expression: string };
  /** Field holding the operation (c, u, d, r) of each record (`opcode_field`). */
  opcodeField?: string;
  /** How rows are written (`load_strategy`). @default 'UPSERT' */
  loadStrategy: LoadStrategy;
  /** TYPE2 only: SQL condition of the active row, e.g. `is_active = 'Y'` (`active_record_indicator`). */
  activeRecordIndicator?: string;
  /** TYPE2 only: columns set when a row is closed out (`inactive_record_mapping`). @default [] */
  inactiveRecordMapping: InactiveRecordColumn[];
}

export type RedisDataType = 'hash' | 'json' | 'set' | 'sorted_set' | 'stream' | 'string';

/** Embeds child records in the parent's JSON document (`nest`). */
export interface NestOptions {
  /** The parent's change events (`parent`: `table`, optionally `server_name`, `schema`). */
  parent: { serverName?: string; schema?: string; table: string };
  /** Child field holding the child's id; the key inside the parent's map (`nesting_key`). */
  nestingKey: string;
  /** Parent field the children refer to (`parent_key`, also accepted as `parent_field`). */
  parentKey: string;
  /** Child field holding the parent's id (`child_key`). @default parentKey */
  childKey: string;
  /** JSONPath in the parent document, starting with `$` (`path`). */
  path: string;
  /** Shape of the nested collection (`structure`). @default 'map' */
  structure: 'map';
}

export interface RedisWriteOutput {
  uses: 'redis.write';
  /** Name of a redis connection (`connection`). @default the only redis connection, else `target` */
  connection: string;
  /** Redis type written (`data_type`). @default applier.targetDataType; 'json' with nest */
  dataType: RedisDataType;
  /** Computes the target key (`key`). @default `<table>:<key column>:<value>...` */
  key?: Expression;
  /** Fields written; hash, json and stream only (`mapping`). @default [] (every field) */
  mapping: FieldMapping[];
  /** Existing hash / JSON: merge fields into it, or replace it (`on_update`). @default 'replace' */
  onUpdate: 'merge' | 'replace';
  /** TTL of written keys in seconds; 0 never expires (`expire`). @default 0 */
  expireSeconds: number;
  /** Embed into a parent document instead of writing a key of its own (`nest`). */
  nest?: NestOptions;
  /** Type-specific arguments, e.g. `score` for sorted sets, kept as written (`args`). @default {} */
  args: Readonly<Record<string, string | number | boolean | null>>;
}

export type OutputBlock = RelationalWriteOutput | RedisWriteOutput;

interface JobCommon {
  /** The job's name: the file's base name (`jobs/emp.yaml` -> `emp`). */
  name: string;
  /** The file it came from, as deployed. */
  file: string;
  /** Transforms, applied in order (`transform`). @default [] */
  transform: TransformBlock[];
}

/** A job whose source is Redis keys and whose outputs are relational tables. */
export interface WriteBehindJob extends JobCommon {
  kind: 'write-behind';
  source: WriteBehindSource;
  /** At least one (`output`). */
  output: RelationalWriteOutput[];
}

/** A job whose source is a relational table's change events and whose outputs are Redis keys. */
export interface IngestJob extends JobCommon {
  kind: 'ingest';
  source: IngestSource;
  /** At least one (`output`). */
  output: RedisWriteOutput[];
}

export type JobConfig = WriteBehindJob | IngestJob;
