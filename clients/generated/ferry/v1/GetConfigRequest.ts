// Original file: proto/ferry/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface GetConfigRequestInput {
  /**
   * The version to read; 0 means the newest.
   */
  'version'?: (number | string | Long);
}

export interface GetConfigRequest {
  /**
   * The version to read; 0 means the newest.
   */
  'version': (number);
}
