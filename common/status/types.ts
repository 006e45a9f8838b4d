/**
 * What workers publish about their work in the state Redis and what the control plane's status reads back.
 * Field names are those of the stored JSON; see common/redis-keys.ts (`keys.status`) for where they live.
 */

/** What one applied batch of one job did. Each counter is a non-negative integer. */
export interface BatchCounts {
  /** Change events taken from the change log. */
  processed: number;
  /** Rows (or Redis records) written that did not exist before. */
  inserted: number;
  /** Rows (or Redis records) written over existing ones. */
  updated: number;
  /** Rows (or Redis records) deleted because the source key or row was gone. */
  deleted: number;
  /** Records dropped by a filter block. */
  filtered: number;
  /** Records the target refused for good: sent to the dead-letter stream, or dropped with `ignore`. */
  rejected: number;
}

/** The counter names, in the order status shows them. */
export const BATCH_COUNTERS = [
  'processed',
  'inserted',
  'updated',
  'deleted',
  'filtered',
  'rejected',
] as const satisfies readonly (keyof BatchCounts)[];

/** The timings of one job's batch, stored as its `lastBatch`. Durations in milliseconds, non-negative. */
export interface BatchTimingsRecord {
  /** Reading the entries from the change log and the keys' current values from the source. */
  readMs: number;
  /** Running the job's transforms. */
  transformMs: number;
  /** Writing to the target, checkpoint included. */
  writeMs: number;
  /** Acknowledging the entries in the change log. */
  ackMs: number;
  /** Change events in the batch. */
  size: number;
  /** When the batch finished, in milliseconds since the epoch. */
  finishedAt: number;
}

/** Whether a worker could reach a connection of the configuration when it last used or checked it. */
export interface ConnectionState {
  /** The connection's type as the worker saw it: mysql, mariadb, postgresql, oracle, redis. */
  type: string;
  reachable: boolean;
  /** The last error, without secrets; absent when reachable. */
  lastError?: string;
  /** When the worker checked, in milliseconds since the epoch. */
  checkedAt: number;
  /** The worker that checked. */
  workerId: string;
}

/** A job's cumulative counters and its most recent batch, as status reads them. */
export interface JobStatusRecord extends BatchCounts {
  /** Absent until a worker has finished a batch of the job (or when the stored value is unreadable). */
  lastBatch?: BatchTimingsRecord;
}
