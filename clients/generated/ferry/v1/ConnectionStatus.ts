// Original file: proto/ferry/v1/pipeline.proto

import type { TimestampInput as _google_protobuf_TimestampInput, Timestamp as _google_protobuf_Timestamp } from '../../google/protobuf/Timestamp.js';

/**
 * Whether Ferry can reach a connection of the configuration (a connection or a source), as a worker last
 * saw it. A connection no worker has used yet shows reachable false, last_error "not checked yet: no worker
 * has used this connection" and no checked_at.
 */
export interface ConnectionStatusInput {
  'name'?: (string);
  /**
   * mysql, mariadb, postgresql, oracle, redis, from the configuration.
   */
  'type'?: (string);
  'reachable'?: (boolean);
  /**
   * The last error seen, without secrets; empty when reachable.
   */
  'lastError'?: (string);
  /**
   * When a worker last checked; unset when none has.
   */
  'checkedAt'?: (_google_protobuf_TimestampInput | null);
}

/**
 * Whether Ferry can reach a connection of the configuration (a connection or a source), as a worker last
 * saw it. A connection no worker has used yet shows reachable false, last_error "not checked yet: no worker
 * has used this connection" and no checked_at.
 */
export interface ConnectionStatus {
  'name': (string);
  /**
   * mysql, mariadb, postgresql, oracle, redis, from the configuration.
   */
  'type': (string);
  'reachable': (boolean);
  /**
   * The last error seen, without secrets; empty when reachable.
   */
  'lastError': (string);
  /**
   * When a worker last checked; unset when none has.
   */
  'checkedAt': (_google_protobuf_Timestamp | null);
}
