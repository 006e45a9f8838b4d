// Original file: proto/ferry/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface DescribeJobRequestInput {
  /**
   * The job's name.
   */
  'name'?: (string);
  /**
   * The configuration version; 0 means the newest.
   */
  'version'?: (number | string | Long);
}

export interface DescribeJobRequest {
  /**
   * The job's name.
   */
  'name': (string);
  /**
   * The configuration version; 0 means the newest.
   */
  'version': (number);
}
