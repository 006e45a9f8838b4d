// Original file: proto/ferry/v1/rejects.proto


/**
 * Counted in keys: the records of one key are replayed as one change of that key.
 */
export interface ReplayRejectsResponseInput {
  /**
   * Keys whose current value was written to the target this time.
   */
  'replayed'?: (number);
  /**
   * Records rejected again: new records in the stream, with the new error, for replayed keys.
   */
  'rejectedAgain'?: (number);
  /**
   * Keys queued again but not yet applied when the call returned (the engine is stopped, or apply is behind);
   * apply will get to them: follow them with `ferry status` and `ferry get-rejected`.
   */
  'pending'?: (number);
}

/**
 * Counted in keys: the records of one key are replayed as one change of that key.
 */
export interface ReplayRejectsResponse {
  /**
   * Keys whose current value was written to the target this time.
   */
  'replayed': (number);
  /**
   * Records rejected again: new records in the stream, with the new error, for replayed keys.
   */
  'rejectedAgain': (number);
  /**
   * Keys queued again but not yet applied when the call returned (the engine is stopped, or apply is behind);
   * apply will get to them: follow them with `ferry status` and `ferry get-rejected`.
   */
  'pending': (number);
}
