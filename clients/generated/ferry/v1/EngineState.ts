// Original file: proto/ferry/v1/pipeline.proto

/**
 * Whether the engine moves data.
 */
export const EngineState = {
  ENGINE_STATE_UNSPECIFIED: 'ENGINE_STATE_UNSPECIFIED',
  /**
   * Nothing deployed yet.
   */
  ENGINE_STATE_NOT_DEPLOYED: 'ENGINE_STATE_NOT_DEPLOYED',
  /**
   * Deployed and told to run; workers apply changes.
   */
  ENGINE_STATE_RUNNING: 'ENGINE_STATE_RUNNING',
  /**
   * Told to stop: the batches in flight finish, then nothing is applied; workers keep their leases and capture
   * may still fill the change log.
   */
  ENGINE_STATE_STOPPED: 'ENGINE_STATE_STOPPED',
} as const;

/**
 * Whether the engine moves data.
 */
export type EngineStateInput =
  | 'ENGINE_STATE_UNSPECIFIED'
  | 0
  /**
   * Nothing deployed yet.
   */
  | 'ENGINE_STATE_NOT_DEPLOYED'
  | 1
  /**
   * Deployed and told to run; workers apply changes.
   */
  | 'ENGINE_STATE_RUNNING'
  | 2
  /**
   * Told to stop: the batches in flight finish, then nothing is applied; workers keep their leases and capture
   * may still fill the change log.
   */
  | 'ENGINE_STATE_STOPPED'
  | 3

/**
 * Whether the engine moves data.
 */
export type EngineState = typeof EngineState[keyof typeof EngineState]
