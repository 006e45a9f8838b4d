// Original file: proto/ferry/v1/rejects.proto

import type { RejectedRecordInput as _ferry_v1_RejectedRecordInput, RejectedRecord as _ferry_v1_RejectedRecord } from '../../ferry/v1/RejectedRecord.js';
import type { Long } from '@grpc/proto-loader';

export interface ListRejectsResponseInput {
  'records'?: (_ferry_v1_RejectedRecordInput)[];
  /**
   * Pass as after_id for the next page; empty when there is none.
   */
  'nextAfterId'?: (string);
  /**
   * Records in the job's dead-letter stream in all.
   */
  'total'?: (number | string | Long);
}

export interface ListRejectsResponse {
  'records': (_ferry_v1_RejectedRecord)[];
  /**
   * Pass as after_id for the next page; empty when there is none.
   */
  'nextAfterId': (string);
  /**
   * Records in the job's dead-letter stream in all.
   */
  'total': (number);
}
