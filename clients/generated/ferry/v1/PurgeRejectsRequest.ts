// Original file: proto/ferry/v1/rejects.proto


export interface PurgeRejectsRequestInput {
  'job'?: (string);
  /**
   * Records to delete; empty means all of the job's.
   */
  'ids'?: (string)[];
}

export interface PurgeRejectsRequest {
  'job': (string);
  /**
   * Records to delete; empty means all of the job's.
   */
  'ids': (string)[];
}
