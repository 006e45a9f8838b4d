// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

/**
 * Whether Ferry can reach a connection of the configuration.
 */
export interface ConnectionStatusInput {
  'name'?: (string);
  /**
   * mysql, mariadb, postgresql, oracle, redis.
   */
  'type'?: (string);
  'reachable'?: (boolean);
  /**
   * The last error seen, without secrets; empty when reachable.
   */
  'lastError'?: (string);
  'checkedAt'?: (_google_protobuf_TimestampInput | null);
}

/**
 * Whether Ferry can reach a connection of the configuration.
 */
export interface ConnectionStatus {
  'name': (string);
  /**
   * mysql, mariadb, postgresql, oracle, redis.
   */
  'type': (string);
  'reachable': (boolean);
  /**
   * The last error seen, without secrets; empty when reachable.
   */
  'lastError': (string);
  'checkedAt': (_google_protobuf_Timestamp | null);
}
