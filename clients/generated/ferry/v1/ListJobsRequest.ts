// Original file: proto/ferry/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface ListJobsRequestInput {
  /**
   * The configuration version; 0 means the newest.
   */
  'version'?: (number | string | Long);
}

export interface ListJobsRequest {
  /**
   * The configuration version; 0 means the newest.
   */
  'version': (number);
}
