// Original file: proto/ferry/v1/rejects.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

export interface RejectedRecordInput {
  /**
   * The record's id in the dead-letter stream.
   */
  'id'?: (string);
  'job'?: (string);
  /**
   * The Redis key the record came from.
   */
  'key'?: (string);
  /**
   * The record's values as sent to the target, as JSON.
   */
  'valuesJson'?: (string);
  /**
   * The target's error message.
   */
  'error'?: (string);
  /**
   * Ferry's error code for it, e.g. "CONSTRAINT_VIOLATION", "DATA_TOO_LONG", "CONVERSION".
   */
  'errorCode'?: (string);
  'rejectedAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * The target table, "schema.table".
   */
  'table'?: (string);
  /**
   * The column at fault, when the target or the converter named it; empty otherwise.
   */
  'column'?: (string);
  /**
   * The change-log entry the record came from, when known.
   */
  'entryId'?: (string);
}

export interface RejectedRecord {
  /**
   * The record's id in the dead-letter stream.
   */
  'id': (string);
  'job': (string);
  /**
   * The Redis key the record came from.
   */
  'key': (string);
  /**
   * The record's values as sent to the target, as JSON.
   */
  'valuesJson': (string);
  /**
   * The target's error message.
   */
  'error': (string);
  /**
   * Ferry's error code for it, e.g. "CONSTRAINT_VIOLATION", "DATA_TOO_LONG", "CONVERSION".
   */
  'errorCode': (string);
  'rejectedAt': (_google_protobuf_Timestamp | null);
  /**
   * The target table, "schema.table".
   */
  'table': (string);
  /**
   * The column at fault, when the target or the converter named it; empty otherwise.
   */
  'column': (string);
  /**
   * The change-log entry the record came from, when known.
   */
  'entryId': (string);
}
