// Original file: proto/ferry/v1/pipeline.proto

import type { JobSummaryInput as _ferry_v1_JobSummaryInput, JobSummary as _ferry_v1_JobSummary } from '../../ferry/v1/JobSummary.js';
import type { ValidationProblemInput as _ferry_v1_ValidationProblemInput, ValidationProblem as _ferry_v1_ValidationProblem } from '../../ferry/v1/ValidationProblem.js';

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
}
