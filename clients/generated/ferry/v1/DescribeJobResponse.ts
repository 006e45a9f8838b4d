// Original file: proto/ferry/v1/pipeline.proto

import type { JobSummaryInput as _ferry_v1_JobSummaryInput, JobSummary as _ferry_v1_JobSummary } from '../../ferry/v1/JobSummary.js';
import type { PipelineFileInput as _ferry_v1_PipelineFileInput, PipelineFile as _ferry_v1_PipelineFile } from '../../ferry/v1/PipelineFile.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeJobResponseInput {
  'version'?: (number | string | Long);
  'summary'?: (_ferry_v1_JobSummaryInput | null);
  /**
   * The job's file as deployed.
   */
  'file'?: (_ferry_v1_PipelineFileInput | null);
  /**
   * The job as Ferry runs it, with every default applied, as JSON.
   */
  'compiledJson'?: (string);
}

export interface DescribeJobResponse {
  'version': (number);
  'summary': (_ferry_v1_JobSummary | null);
  /**
   * The job's file as deployed.
   */
  'file': (_ferry_v1_PipelineFile | null);
  /**
   * The job as Ferry runs it, with every default applied, as JSON.
   */
  'compiledJson': (string);
}
