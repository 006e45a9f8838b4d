// Original file: proto/ferry/v1/cluster.proto

import type { LeaseInfoInput as _ferry_v1_LeaseInfoInput, LeaseInfo as _ferry_v1_LeaseInfo } from '../../ferry/v1/LeaseInfo.js';

export interface ListLeasesResponseInput {
  /**
   * Sorted by unit.
   */
  'leases'?: (_ferry_v1_LeaseInfoInput)[];
}

export interface ListLeasesResponse {
  /**
   * Sorted by unit.
   */
  'leases': (_ferry_v1_LeaseInfo)[];
}
