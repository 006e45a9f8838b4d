// Original file: proto/ferry/v1/rejects.proto


export interface PurgeRejectsResponseInput {
  'purged'?: (number);
}

export interface PurgeRejectsResponse {
  'purged': (number);
}
