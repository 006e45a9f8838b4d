// Original file: proto/ferry/v1/pipeline.proto


export interface StopRequestInput {
  /**
   * Must be empty: the engine stops as a whole (jobs share the pipeline's change log).
   */
  'jobs'?: (string)[];
}

export interface StopRequest {
  /**
   * Must be empty: the engine stops as a whole (jobs share the pipeline's change log).
   */
  'jobs': (string)[];
}
