// Original file: proto/ferry/v1/pipeline.proto


export interface StartRequestInput {
  /**
   * Must be empty: the engine starts as a whole (jobs share the pipeline's change log). Kept so that a
   * request naming jobs gets a clear INVALID_ARGUMENT rather than a silent start of everything.
   */
  'jobs'?: (string)[];
}

export interface StartRequest {
  /**
   * Must be empty: the engine starts as a whole (jobs share the pipeline's change log). Kept so that a
   * request naming jobs gets a clear INVALID_ARGUMENT rather than a silent start of everything.
   */
  'jobs': (string)[];
}
