// Original file: proto/ferry/v1/pipeline.proto


export interface ResetRequestInput {
  /**
   * Jobs to re-snapshot; empty means all.
   */
  'jobs'?: (string)[];
}

export interface ResetRequest {
  /**
   * Jobs to re-snapshot; empty means all.
   */
  'jobs': (string)[];
}
