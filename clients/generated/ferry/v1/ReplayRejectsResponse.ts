// Original file: proto/ferry/v1/rejects.proto


export interface ReplayRejectsResponseInput {
  /**
   * Records written this time.
   */
  'replayed'?: (number);
  /**
   * Records rejected again (they stay in the stream with the new error).
   */
  'rejectedAgain'?: (number);
}

export interface ReplayRejectsResponse {
  /**
   * Records written this time.
   */
  'replayed': (number);
  /**
   * Records rejected again (they stay in the stream with the new error).
   */
  'rejectedAgain': (number);
}
