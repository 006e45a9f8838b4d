// Original file: proto/ferry/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface ListVersionsRequestInput {
  /**
   * The most versions to return. 0 means 20; at most 1000.
   */
  'limit'?: (number);
  /**
   * Paging: return versions older than this one. 0 starts at the newest.
   */
  'beforeVersion'?: (number | string | Long);
}

export interface ListVersionsRequest {
  /**
   * The most versions to return. 0 means 20; at most 1000.
   */
  'limit': (number);
  /**
   * Paging: return versions older than this one. 0 starts at the newest.
   */
  'beforeVersion': (number);
}
