// Original file: proto/ferry/v1/pipeline.proto

import type { JobKindInput as _ferry_v1_JobKindInput, JobKind as _ferry_v1_JobKind } from '../../ferry/v1/JobKind.js';
import type { BatchTimingsInput as _ferry_v1_BatchTimingsInput, BatchTimings as _ferry_v1_BatchTimings } from '../../ferry/v1/BatchTimings.js';
import type { Long } from '@grpc/proto-loader';

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
   * Change events waiting in the change log.
   */
  'pending'?: (number | string | Long);
  /**
   * Age of the oldest pending change event, in milliseconds; 0 when nothing is pending.
   */
  'lagMs'?: (number | string | Long);
  'lastBatch'?: (_ferry_v1_BatchTimingsInput | null);
}

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
   * Change events waiting in the change log.
   */
  'pending': (number);
  /**
   * Age of the oldest pending change event, in milliseconds; 0 when nothing is pending.
   */
  'lagMs': (number);
  'lastBatch': (_ferry_v1_BatchTimings | null);
}
