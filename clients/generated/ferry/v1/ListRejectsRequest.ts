// Original file: proto/ferry/v1/rejects.proto


export interface ListRejectsRequestInput {
  /**
   * The job; required.
   */
  'job'?: (string);
  /**
   * The most records to return. 0 means 100; at most 10000.
   */
  'limit'?: (number);
  /**
   * Paging: return records after this id.
   */
  'afterId'?: (string);
}

export interface ListRejectsRequest {
  /**
   * The job; required.
   */
  'job': (string);
  /**
   * The most records to return. 0 means 100; at most 10000.
   */
  'limit': (number);
  /**
   * Paging: return records after this id.
   */
  'afterId': (string);
}
