// Original file: proto/ferry/v1/pipeline.proto


export interface TraceRequestInput {
  /**
   * The job to trace.
   */
  'job'?: (string);
  /**
   * Stop after this many records. 0 means 10.
   */
  'maxRecords'?: (number);
  /**
   * Stop after this long, in milliseconds. 0 means 20000.
   */
  'timeoutMs'?: (number);
}

export interface TraceRequest {
  /**
   * The job to trace.
   */
  'job': (string);
  /**
   * Stop after this many records. 0 means 10.
   */
  'maxRecords': (number);
  /**
   * Stop after this long, in milliseconds. 0 means 20000.
   */
  'timeoutMs': (number);
}
