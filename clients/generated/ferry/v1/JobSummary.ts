// Original file: proto/ferry/v1/pipeline.proto

import type { JobKindInput as _ferry_v1_JobKindInput, JobKind as _ferry_v1_JobKind } from '../../ferry/v1/JobKind.js';

/**
 * A job in one line.
 */
export interface JobSummaryInput {
  /**
   * The job's name: its file's base name.
   */
  'name'?: (string);
  'kind'?: (_ferry_v1_JobKindInput);
  /**
   * What it reads: the key pattern for write-behind ("emp:*"), "server.schema.table" for ingest.
   */
  'source'?: (string);
  /**
   * Where it writes: "connection/schema.table" per relational output, "connection/data_type" per Redis output.
   */
  'targets'?: (string)[];
  /**
   * Number of transform blocks.
   */
  'transformCount'?: (number);
  /**
   * Number of output blocks.
   */
  'outputCount'?: (number);
}

/**
 * A job in one line.
 */
export interface JobSummary {
  /**
   * The job's name: its file's base name.
   */
  'name': (string);
  'kind': (_ferry_v1_JobKind);
  /**
   * What it reads: the key pattern for write-behind ("emp:*"), "server.schema.table" for ingest.
   */
  'source': (string);
  /**
   * Where it writes: "connection/schema.table" per relational output, "connection/data_type" per Redis output.
   */
  'targets': (string)[];
  /**
   * Number of transform blocks.
   */
  'transformCount': (number);
  /**
   * Number of output blocks.
   */
  'outputCount': (number);
}
