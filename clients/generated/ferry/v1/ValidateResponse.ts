// Original file: proto/ferry/v1/pipeline.proto

import type { JobSummaryInput as _ferry_v1_JobSummaryInput, JobSummary as _ferry_v1_JobSummary } from '../../ferry/v1/JobSummary.js';
import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from '../../ferry/v1/ValidationProblem.js';
import type { TargetProblemInput as _ferry_v1_TargetProblemInput, TargetProblem as _ferry_v1_TargetProblem } from '../../ferry/v1/TargetProblem.js';
import type { TargetConnectionCheckInput as _ferry_v1_TargetConnectionCheckInput, TargetConnectionCheck as _ferry_v1_TargetConnectionCheck } from '../../ferry/v1/TargetConnectionCheck.js';

export interface ValidateResponseInput {
  /**
   * The jobs found, as ListJobs would show them after a deploy.
   */
  'jobs'?: (_ferry_v1_JobSummaryInput)[];
  /**
   * Allowed but suspicious settings.
   */
  'warnings'?: (_ferry_v1_ValidationProblemInput)[];
  /**
   * The content hash the configuration would get (same files give the same hash).
   */
  'contentHash'?: (string);
  /**
   * With check_targets: what the target tables and the sampled keys disagree on, in file, line and column
   * order (config.yaml first). Empty when every checked output fits its table.
   */
  'targetProblems'?: (_ferry_v1_TargetProblemInput)[];
  /**
   * With check_targets: outputs Ferry could not check (targets of type postgresql or oracle), same shape.
   */
  'targetWarnings'?: (_ferry_v1_TargetProblemInput)[];
  /**
   * With check_targets: each connection and source the check used, connections first, in config order.
   */
  'targetConnections'?: (_ferry_v1_TargetConnectionCheckInput)[];
}

export interface ValidateResponse {
  /**
   * The jobs found, as ListJobs would show them after a deploy.
   */
  'jobs': (_ferry_v1_JobSummary)[];
  /**
   * Allowed but suspicious settings.
   */
  'warnings': (_ferry_v1_ValidationProblem)[];
  /**
   * The content hash the configuration would get (same files give the same hash).
   */
  'contentHash': (string);
  /**
   * With check_targets: what the target tables and the sampled keys disagree on, in file, line and column
   * order (config.yaml first). Empty when every checked output fits its table.
   */
  'targetProblems': (_ferry_v1_TargetProblem)[];
  /**
   * With check_targets: outputs Ferry could not check (targets of type postgresql or oracle), same shape.
   */
  'targetWarnings': (_ferry_v1_TargetProblem)[];
  /**
   * With check_targets: each connection and source the check used, connections first, in config order.
   */
  'targetConnections': (_ferry_v1_TargetConnectionCheck)[];
}
