// Original file: proto/ferry/v1/pipeline.proto


export interface ResetResponseInput {
  /**
   * An id to follow the snapshot's progress in the status.
   */
  'snapshotId'?: (string);
}

export interface ResetResponse {
  /**
   * An id to follow the snapshot's progress in the status.
   */
  'snapshotId': (string);
}
