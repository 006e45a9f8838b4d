// Original file: proto/ferry/v1/cluster.proto

export const WorkerState = {
  WORKER_STATE_UNSPECIFIED: 'WORKER_STATE_UNSPECIFIED',
  /**
   * Heartbeating and accepting leases.
   */
  WORKER_STATE_ACTIVE: 'WORKER_STATE_ACTIVE',
  /**
   * Heartbeating, handing its leases over, taking no new ones.
   */
  WORKER_STATE_DRAINING: 'WORKER_STATE_DRAINING',
  /**
   * No heartbeat within its lease time; its leases are being reassigned.
   */
  WORKER_STATE_GONE: 'WORKER_STATE_GONE',
} as const;

export type WorkerStateInput =
  | 'WORKER_STATE_UNSPECIFIED'
  | 0
  /**
   * Heartbeating and accepting leases.
   */
  | 'WORKER_STATE_ACTIVE'
  | 1
  /**
   * Heartbeating, handing its leases over, taking no new ones.
   */
  | 'WORKER_STATE_DRAINING'
  | 2
  /**
   * No heartbeat within its lease time; its leases are being reassigned.
   */
  | 'WORKER_STATE_GONE'
  | 3

export type WorkerState = typeof WorkerState[keyof typeof WorkerState]
