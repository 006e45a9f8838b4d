// Original file: proto/ferry/v1/pipeline.proto

import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from '../../ferry/v1/ValidationProblem.js';
import type { TargetProblemKindInput as _ferry_v1_TargetProblemKindInput, TargetProblemKind as _ferry_v1_TargetProblemKind } from '../../ferry/v1/TargetProblemKind.js';

/**
 * One finding of a check of the targets.
 */
export interface TargetProblemInput {
  /**
   * Where and what, as for the offline problems: the job file (config.yaml for a connection or source), the
   * line and column of the output block, setting or mapping entry concerned, its path (for example
   * "output[1].with.mapping[2]" or "connections.target") and the message. Never contains a secret.
   */
  'problem'?: (_ferry_v1_ValidationProblemInput | null);
  'kind'?: (_ferry_v1_TargetProblemKindInput);
  /**
   * The connection (or source) concerned.
   */
  'connection'?: (string);
  /**
   * The job; empty for a problem of a connection or source as a whole.
   */
  'job'?: (string);
  /**
   * "schema.table" of the output; empty for a problem of a connection or source as a whole.
   */
  'table'?: (string);
  /**
   * The column concerned, as the job names it; empty when the problem is not about one column.
   */
  'targetColumn'?: (string);
  /**
   * VALUES_DO_NOT_CONVERT and RECORDS_REJECTED: a sampled Redis key whose row fails.
   */
  'exampleKey'?: (string);
  /**
   * VALUES_DO_NOT_CONVERT and RECORDS_REJECTED: the output's sampled rows (or the job's sampled keys), and
   * how many of them fail.
   */
  'sampledRows'?: (number);
  'failedRows'?: (number);
}

/**
 * One finding of a check of the targets.
 */
export interface TargetProblem {
  /**
   * Where and what, as for the offline problems: the job file (config.yaml for a connection or source), the
   * line and column of the output block, setting or mapping entry concerned, its path (for example
   * "output[1].with.mapping[2]" or "connections.target") and the message. Never contains a secret.
   */
  'problem': (_ferry_v1_ValidationProblem | null);
  'kind': (_ferry_v1_TargetProblemKind);
  /**
   * The connection (or source) concerned.
   */
  'connection': (string);
  /**
   * The job; empty for a problem of a connection or source as a whole.
   */
  'job': (string);
  /**
   * "schema.table" of the output; empty for a problem of a connection or source as a whole.
   */
  'table': (string);
  /**
   * The column concerned, as the job names it; empty when the problem is not about one column.
   */
  'targetColumn': (string);
  /**
   * VALUES_DO_NOT_CONVERT and RECORDS_REJECTED: a sampled Redis key whose row fails.
   */
  'exampleKey': (string);
  /**
   * VALUES_DO_NOT_CONVERT and RECORDS_REJECTED: the output's sampled rows (or the job's sampled keys), and
   * how many of them fail.
   */
  'sampledRows': (number);
  'failedRows': (number);
}
