/**
 * What the apply loop hands to its piscina tasks and gets back: plain, structured-cloneable data only.
 */
import type { ColumnValue, LoadStrategy, RowChange, TableRef, Type2Options } from '../targets/mysql/index.js';
import type { ApplyTransform } from '../transform/chain.js';

/** A `relational.write` output of a job, as the tasks need it. */
export interface RelationalTarget {
  /** Name of the connection in config.yaml. */
  connection: string;
  table: TableRef;
  /** Key column -> expression (a field name, a dotted path or a JMESPath expression). */
  keys: { target: string; expression: string }[];
  /** Written column -> expression; empty means every top-level field of the record. */
  mapping: { target: string; expression: string }[];
  /**
   * `foreach: "alias: expression"`: one row per element of the array the expression gives, the element being
   * `alias` in keys and mapping; the key's rows in this table are kept equal to its elements.
   */
  foreach?: { alias: string; expression: string };
  /** Field of the record holding its operation: `d` deletes the row, anything else writes it. */
  opcodeField?: string;
  /** @default 'upsert' */
  strategy?: LoadStrategy;
  type2?: Type2Options;
}

/** A write-behind job, compiled for apply. */
export interface ApplyJob {
  name: string;
  keyPattern: string;
  db: number;
  /** Name of the entry of `sources` the keys live in. */
  source: string;
  excludeCommands: string[];
  /** The job's transform blocks, in order. @default [] */
  transform?: ApplyTransform[];
  outputs: RelationalTarget[];
}

/** A key's current value in the source Redis, as read by one pipelined script call. */
export type RedisValue =
  | { type: 'none' }
  | { type: 'hash'; fields: Record<string, string> }
  | { type: 'string'; value: string }
  | { type: 'json'; value: string }
  | { type: 'set'; members: string[] }
  | { type: 'zset'; members: [string, string][] }
  | { type: 'other'; redisType: string };

/** One coalesced key with its value, and the jobs (indexes into the task's jobs) that track it. */
export interface SourceRecord {
  key: string;
  db: number;
  entryId: string;
  jobs: number[];
  value: RedisValue;
}

/** A coalesced key to apply: the task reads its value from `source` (a `sources` name) in `db`. */
export interface KeyToApply {
  key: string;
  db: number;
  entryId: string;
  jobs: number[];
  source: string;
}

/** A row for one output of one job. */
export interface TransformedRow {
  job: number;
  output: number;
  change: RowChange;
}

/** A record that could not become a row: it goes to the job's dead-letter stream like a target reject. */
export interface TransformReject {
  job: number;
  key: string;
  entryId: string;
  /** `schema.table` of the output, or '' when the record failed before reaching one. */
  table: string;
  values: Record<string, ColumnValue>;
  errorCode: string;
  error: string;
}

export interface TransformTask {
  jobs: ApplyJob[];
  records: SourceRecord[];
}

export interface TransformResult {
  rows: TransformedRow[];
  rejects: TransformReject[];
  /** Records dropped by a filter, per job index. */
  filtered: number[];
}
