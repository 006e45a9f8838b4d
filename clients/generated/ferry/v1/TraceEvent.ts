// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

export interface TraceEventInput {
  'job'?: (string);
  /**
   * The Redis key (write-behind) or the source row's key (ingest).
   */
  'key'?: (string);
  /**
   * "read", "transform", "write" or "filtered".
   */
  'stage'?: (string);
  /**
   * The record at this stage, as JSON.
   */
  'recordJson'?: (string);
  'at'?: (_google_protobuf_TimestampInput | null);
}

export interface TraceEvent {
  'job': (string);
  /**
   * The Redis key (write-behind) or the source row's key (ingest).
   */
  'key': (string);
  /**
   * "read", "transform", "write" or "filtered".
   */
  'stage': (string);
  /**
   * The record at this stage, as JSON.
   */
  'recordJson': (string);
  'at': (_google_protobuf_Timestamp | null);
}
