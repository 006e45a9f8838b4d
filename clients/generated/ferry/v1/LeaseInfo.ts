// Original file: proto/ferry/v1/cluster.proto

import type { LeaseKindInput as _ferry_v1_LeaseKindInput, LeaseKind as _ferry_v1_LeaseKind } from '../../ferry/v1/LeaseKind.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface LeaseInfoInput {
  /**
   * The unit of work, e.g. "apply/7" or "capture/127.0.0.1:6379".
   */
  'unit'?: (string);
  'kind'?: (_ferry_v1_LeaseKindInput);
  /**
   * Worker id (or control-plane id for the leader lease); empty when unassigned.
   */
  'owner'?: (string);
  /**
   * Increases by one at every change of owner; writes carry it, and older epochs are fenced off.
   */
  'epoch'?: (number | string | Long);
  'expiresAt'?: (_google_protobuf_TimestampInput | null);
}

export interface LeaseInfo {
  /**
   * The unit of work, e.g. "apply/7" or "capture/127.0.0.1:6379".
   */
  'unit': (string);
  'kind': (_ferry_v1_LeaseKind);
  /**
   * Worker id (or control-plane id for the leader lease); empty when unassigned.
   */
  'owner': (string);
  /**
   * Increases by one at every change of owner; writes carry it, and older epochs are fenced off.
   */
  'epoch': (number);
  'expiresAt': (_google_protobuf_Timestamp | null);
}
