// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

/**
 * The timings of a job's most recent batch, in milliseconds.
 */
export interface BatchTimingsInput {
  'readMs'?: (number);
  'transformMs'?: (number);
  'writeMs'?: (number);
  'ackMs'?: (number);
  /**
   * Change events in the batch.
   */
  'size'?: (number);
  'finishedAt'?: (_google_protobuf_TimestampInput | null);
}

/**
 * The timings of a job's most recent batch, in milliseconds.
 */
export interface BatchTimings {
  'readMs': (number);
  'transformMs': (number);
  'writeMs': (number);
  'ackMs': (number);
  /**
   * Change events in the batch.
   */
  'size': (number);
  'finishedAt': (_google_protobuf_Timestamp | null);
}
