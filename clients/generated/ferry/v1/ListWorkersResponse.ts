// Original file: proto/ferry/v1/cluster.proto

import type { WorkerInfoInput as _ferry_v1_WorkerInfoInput, WorkerInfo as _ferry_v1_WorkerInfo } from '../../ferry/v1/WorkerInfo.js';

export interface ListWorkersResponseInput {
  /**
   * Sorted by id.
   */
  'workers'?: (_ferry_v1_WorkerInfoInput)[];
}

export interface ListWorkersResponse {
  /**
   * Sorted by id.
   */
  'workers': (_ferry_v1_WorkerInfo)[];
}
