// Original file: proto/ferry/v1/pipeline.proto

import type { JobKindInput as _ferry_v1_JobKindInput, JobKind as _ferry_v1_JobKind } from '../../ferry/v1/JobKind.js';
import type { BatchTimingsInput as _ferry_v1_BatchTimingsInput, BatchTimings as _ferry_v1_BatchTimings } from '../../ferry/v1/BatchTimings.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One job of the deployed configuration, in the configuration's order. Counters add up since the job first
 * ran (or since a reset), over every worker; they are 0 until a worker has applied a batch of the job.
 */
export interface JobStatusInput {
  'name'?: (string);
  'kind'?: (_ferry_v1_JobKindInput);
  /**
   * Change events taken from the change log.
   */
  'processed'?: (number | string | Long);
  'inserted'?: (number | string | Long);
  'updated'?: (number | string | Long);
  'deleted'?: (number | string | Long);
  /**
   * Records dropped by a filter block.
   */
  'filtered'?: (number | string | Long);
  /**
   * Records sent to the dead-letter stream (or dropped, with error_handling: ignore).
   */
  'rejected'?: (number | string | Long);
  /**
   * Change events waiting in the pipeline's change log, shared by its write-behind jobs: every write-behind
   * job shows the same figure. 0 for ingest jobs.
   */
  'pending'?: (number | string | Long);
  /**
   * Age of the oldest change event waiting in the pipeline's change log, shared by its write-behind jobs,
   * in milliseconds; 0 when nothing is pending, and for ingest jobs.
   */
  'lagMs'?: (number | string | Long);
  /**
   * The job's most recent batch, by any worker; unset until one has finished.
   */
  'lastBatch'?: (_ferry_v1_BatchTimingsInput | null);
}

/**
 * One job of the deployed configuration, in the configuration's order. Counters add up since the job first
 * ran (or since a reset), over every worker; they are 0 until a worker has applied a batch of the job.
 */
export interface JobStatus {
  'name': (string);
  'kind': (_ferry_v1_JobKind);
  /**
   * Change events taken from the change log.
   */
  'processed': (number);
  'inserted': (number);
  'updated': (number);
  'deleted': (number);
  /**
   * Records dropped by a filter block.
   */
  'filtered': (number);
  /**
   * Records sent to the dead-letter stream (or dropped, with error_handling: ignore).
   */
  'rejected': (number);
  /**
   * Change events waiting in the pipeline's change log, shared by its write-behind jobs: every write-behind
   * job shows the same figure. 0 for ingest jobs.
   */
  'pending': (number);
  /**
   * Age of the oldest change event waiting in the pipeline's change log, shared by its write-behind jobs,
   * in milliseconds; 0 when nothing is pending, and for ingest jobs.
   */
  'lagMs': (number);
  /**
   * The job's most recent batch, by any worker; unset until one has finished.
   */
  'lastBatch': (_ferry_v1_BatchTimings | null);
}
