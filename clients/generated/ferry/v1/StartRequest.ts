// Original file: proto/ferry/v1/pipeline.proto


export interface StartRequestInput {
  /**
   * Jobs to start; empty means all.
   */
  'jobs'?: (string)[];
}

export interface StartRequest {
  /**
   * Jobs to start; empty means all.
   */
  'jobs': (string)[];
}
