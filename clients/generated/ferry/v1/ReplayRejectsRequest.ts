// Original file: proto/ferry/v1/rejects.proto


export interface ReplayRejectsRequestInput {
  'job'?: (string);
  /**
   * Records to replay; empty means all of the job's. Ids no longer in the stream are skipped.
   */
  'ids'?: (string)[];
}

export interface ReplayRejectsRequest {
  'job': (string);
  /**
   * Records to replay; empty means all of the job's. Ids no longer in the stream are skipped.
   */
  'ids': (string)[];
}
