// Original file: proto/ferry/v1/cluster.proto

export const LeaseKind = {
  LEASE_KIND_UNSPECIFIED: 'LEASE_KIND_UNSPECIFIED',
  /**
   * Capture of one source master's replication stream.
   */
  LEASE_KIND_CAPTURE: 'LEASE_KIND_CAPTURE',
  /**
   * Apply of one change-log partition.
   */
  LEASE_KIND_APPLY: 'LEASE_KIND_APPLY',
  /**
   * Leadership of the control plane.
   */
  LEASE_KIND_LEADER: 'LEASE_KIND_LEADER',
} as const;

export type LeaseKindInput =
  | 'LEASE_KIND_UNSPECIFIED'
  | 0
  /**
   * Capture of one source master's replication stream.
   */
  | 'LEASE_KIND_CAPTURE'
  | 1
  /**
   * Apply of one change-log partition.
   */
  | 'LEASE_KIND_APPLY'
  | 2
  /**
   * Leadership of the control plane.
   */
  | 'LEASE_KIND_LEADER'
  | 3

export type LeaseKind = typeof LeaseKind[keyof typeof LeaseKind]
