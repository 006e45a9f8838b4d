// Original file: proto/ferry/v1/pipeline.proto

import type { ConfigVersionInput as _ferry_v1_ConfigVersionInput, ConfigVersion as _ferry_v1_ConfigVersion } from '../../ferry/v1/ConfigVersion.js';
import type { Long } from '@grpc/proto-loader';

export interface ListVersionsResponseInput {
  /**
   * Newest first.
   */
  'versions'?: (_ferry_v1_ConfigVersionInput)[];
  /**
   * Pass as before_version to read the next page; 0 when there is none.
   */
  'nextBeforeVersion'?: (number | string | Long);
}

export interface ListVersionsResponse {
  /**
   * Newest first.
   */
  'versions': (_ferry_v1_ConfigVersion)[];
  /**
   * Pass as before_version to read the next page; 0 when there is none.
   */
  'nextBeforeVersion': (number);
}
