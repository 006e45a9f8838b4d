// Original file: proto/ferry/v1/pipeline.proto

import type { JobSummaryInput as _ferry_v1_JobSummaryInput, JobSummary as _ferry_v1_JobSummary } from '../../ferry/v1/JobSummary.js';
import type { Long } from '@grpc/proto-loader';

export interface ListJobsResponseInput {
  /**
   * The version the jobs were read from.
   */
  'version'?: (number | string | Long);
  /**
   * Sorted by name.
   */
  'jobs'?: (_ferry_v1_JobSummaryInput)[];
}

export interface ListJobsResponse {
  /**
   * The version the jobs were read from.
   */
  'version': (number);
  /**
   * Sorted by name.
   */
  'jobs': (_ferry_v1_JobSummary)[];
}
