// Original file: proto/ferry/v1/pipeline.proto


export interface StopRequestInput {
  /**
   * Jobs to stop; empty means all.
   */
  'jobs'?: (string)[];
}

export interface StopRequest {
  /**
   * Jobs to stop; empty means all.
   */
  'jobs': (string)[];
}
