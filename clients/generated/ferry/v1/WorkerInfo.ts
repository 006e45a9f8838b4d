// Original file: proto/ferry/v1/cluster.proto

import type { WorkerStateInput as _ferry_v1_WorkerStateInput, WorkerState as _ferry_v1_WorkerState } from '../../ferry/v1/WorkerState.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

export interface WorkerInfoInput {
  /**
   * The worker's id (--id, default host-pid).
   */
  'id'?: (string);
  'host'?: (string);
  'pid'?: (number);
  /**
   * Ferry's version on the worker.
   */
  'version'?: (string);
  /**
   * Threads in its piscina pool.
   */
  'threads'?: (number);
  'state'?: (_ferry_v1_WorkerStateInput);
  'startedAt'?: (_google_protobuf_TimestampInput | null);
  'lastHeartbeatAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * Leases it holds now.
   */
  'leaseCount'?: (number);
}

export interface WorkerInfo {
  /**
   * The worker's id (--id, default host-pid).
   */
  'id': (string);
  'host': (string);
  'pid': (number);
  /**
   * Ferry's version on the worker.
   */
  'version': (string);
  /**
   * Threads in its piscina pool.
   */
  'threads': (number);
  'state': (_ferry_v1_WorkerState);
  'startedAt': (_google_protobuf_Timestamp | null);
  'lastHeartbeatAt': (_google_protobuf_Timestamp | null);
  /**
   * Leases it holds now.
   */
  'leaseCount': (number);
}
