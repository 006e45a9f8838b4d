// Original file: proto/ferry/v1/pipeline.proto


/**
 * A connection or source as a check of the targets used it.
 */
export interface TargetConnectionCheckInput {
  /**
   * Its name under connections (or targets) or sources.
   */
  'name'?: (string);
  /**
   * "connections" or "sources".
   */
  'section'?: (string);
  /**
   * mysql, mariadb, postgresql, oracle or redis.
   */
  'type'?: (string);
  /**
   * host:port as configured (a host taken from the secret store is shown as its reference).
   */
  'address'?: (string);
  /**
   * "ok", "unreachable", or "not checked" (a type Ferry cannot check yet).
   */
  'state'?: (string);
  /**
   * Why it is unreachable; empty otherwise.
   */
  'error'?: (string);
  /**
   * Connections: target tables read. Sources: keys sampled.
   */
  'tables'?: (number);
  'sampledKeys'?: (number);
  /**
   * How long connecting and checking took, in milliseconds.
   */
  'elapsedMs'?: (number);
}

/**
 * A connection or source as a check of the targets used it.
 */
export interface TargetConnectionCheck {
  /**
   * Its name under connections (or targets) or sources.
   */
  'name': (string);
  /**
   * "connections" or "sources".
   */
  'section': (string);
  /**
   * mysql, mariadb, postgresql, oracle or redis.
   */
  'type': (string);
  /**
   * host:port as configured (a host taken from the secret store is shown as its reference).
   */
  'address': (string);
  /**
   * "ok", "unreachable", or "not checked" (a type Ferry cannot check yet).
   */
  'state': (string);
  /**
   * Why it is unreachable; empty otherwise.
   */
  'error': (string);
  /**
   * Connections: target tables read. Sources: keys sampled.
   */
  'tables': (number);
  'sampledKeys': (number);
  /**
   * How long connecting and checking took, in milliseconds.
   */
  'elapsedMs': (number);
}
