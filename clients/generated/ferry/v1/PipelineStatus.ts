// Original file: proto/ferry/v1/pipeline.proto

import type { ConfigVersionInput as _ferry_v1_ConfigVersionInput, ConfigVersion as _ferry_v1_ConfigVersion } from '../../ferry/v1/ConfigVersion.js';
import type { EngineStateInput as _ferry_v1_EngineStateInput, EngineState as _ferry_v1_EngineState } from '../../ferry/v1/EngineState.js';
import type { JobStatusInput as _ferry_v1_JobStatusInput, JobStatus as _ferry_v1_JobStatus } from '../../ferry/v1/JobStatus.js';
import type { WorkerInfoInput as _ferry_v1_WorkerInfoInput, WorkerInfo as _ferry_v1_WorkerInfo } from '../../ferry/v1/WorkerInfo.js';
import type { ConnectionStatusInput as _ferry_v1_ConnectionStatusInput, ConnectionStatus as _ferry_v1_ConnectionStatus } from '../../ferry/v1/ConnectionStatus.js';
import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';
import type { CaptureStatusInput as _ferry_v1_CaptureStatusInput, CaptureStatus as _ferry_v1_CaptureStatus } from '../../ferry/v1/CaptureStatus.js';

export interface PipelineStatusInput {
  /**
   * The newest deployed version; unset when nothing is deployed.
   */
  'config'?: (_ferry_v1_ConfigVersionInput | null);
  'engineState'?: (_ferry_v1_EngineStateInput);
  'jobs'?: (_ferry_v1_JobStatusInput)[];
  /**
   * Workers known to the cluster, live or recently gone.
   */
  'workers'?: (_ferry_v1_WorkerInfoInput)[];
  'connections'?: (_ferry_v1_ConnectionStatusInput)[];
  'observedAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * One per source master Ferry captures from the replication stream (capture: replication), in config order.
   */
  'captures'?: (_ferry_v1_CaptureStatusInput)[];
}

export interface PipelineStatus {
  /**
   * The newest deployed version; unset when nothing is deployed.
   */
  'config': (_ferry_v1_ConfigVersion | null);
  'engineState': (_ferry_v1_EngineState);
  'jobs': (_ferry_v1_JobStatus)[];
  /**
   * Workers known to the cluster, live or recently gone.
   */
  'workers': (_ferry_v1_WorkerInfo)[];
  'connections': (_ferry_v1_ConnectionStatus)[];
  'observedAt': (_google_protobuf_Timestamp | null);
  /**
   * One per source master Ferry captures from the replication stream (capture: replication), in config order.
   */
  'captures': (_ferry_v1_CaptureStatus)[];
}
