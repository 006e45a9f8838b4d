// Original file: proto/ferry/v1/pipeline.proto


export interface WatchStatusRequestInput {
  /**
   * How often to send the status. 0 means 1000; at least 200.
   */
  'intervalMs'?: (number);
}

export interface WatchStatusRequest {
  /**
   * How often to send the status. 0 means 1000; at least 200.
   */
  'intervalMs': (number);
}
