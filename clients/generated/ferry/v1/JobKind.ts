// Original file: proto/ferry/v1/pipeline.proto

/**
 * Whether a job moves changes from Redis to a database or from a database into Redis.
 */
export const JobKind = {
  JOB_KIND_UNSPECIFIED: 'JOB_KIND_UNSPECIFIED',
  /**
   * Changes to Redis keys written to a relational database.
   */
  JOB_KIND_WRITE_BEHIND: 'JOB_KIND_WRITE_BEHIND',
  /**
   * Changes from a relational database written into Redis.
   */
  JOB_KIND_INGEST: 'JOB_KIND_INGEST',
} as const;

/**
 * Whether a job moves changes from Redis to a database or from a database into Redis.
 */
export type JobKindInput =
  | 'JOB_KIND_UNSPECIFIED'
  | 0
  /**
   * Changes to Redis keys written to a relational database.
   */
  | 'JOB_KIND_WRITE_BEHIND'
  | 1
  /**
   * Changes from a relational database written into Redis.
   */
  | 'JOB_KIND_INGEST'
  | 2

/**
 * Whether a job moves changes from Redis to a database or from a database into Redis.
 */
export type JobKind = typeof JobKind[keyof typeof JobKind]
