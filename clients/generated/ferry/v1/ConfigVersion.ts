// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The metadata of one stored configuration version.
 */
export interface ConfigVersionInput {
  /**
   * 1, 2, 3, ... in deploy order.
   */
  'version'?: (number | string | Long);
  'deployedAt'?: (_google_protobuf_TimestampInput | null);
  /**
   * The name of the token that deployed it ("anonymous" when the server runs without tokens).
   */
  'deployedBy'?: (string);
  /**
   * "sha256:<hex>" over the files' names and contents, independent of file order.
   */
  'contentHash'?: (string);
  /**
   * The deploy's description.
   */
  'description'?: (string);
  /**
   * The job names in this version, sorted.
   */
  'jobNames'?: (string)[];
}

/**
 * The metadata of one stored configuration version.
 */
export interface ConfigVersion {
  /**
   * 1, 2, 3, ... in deploy order.
   */
  'version': (number);
  'deployedAt': (_google_protobuf_Timestamp | null);
  /**
   * The name of the token that deployed it ("anonymous" when the server runs without tokens).
   */
  'deployedBy': (string);
  /**
   * "sha256:<hex>" over the files' names and contents, independent of file order.
   */
  'contentHash': (string);
  /**
   * The deploy's description.
   */
  'description': (string);
  /**
   * The job names in this version, sorted.
   */
  'jobNames': (string)[];
}
