/** The records that flow through the change log: what capture appends and what apply reads. */

/** One change of one Redis key, as capture appends it. Apply reads the key's current value, not a diff. */
export interface ChangeEvent {
  /** The changed key, as Redis names it (UTF-8). */
  key: string;
  /** The command that changed it, lower-case as the log stores it: `hset`, `del`, `json.set`... */
  command: string;
  /** The logical database of the source Redis (0 on a cluster); a non-negative integer. */
  db: number;
  /** The source's replication offset of the command, for tracing; absent for snapshot events. */
  offset?: string;
  /** When capture saw the change, in milliseconds since the epoch. @default the time of the append */
  at?: number;
}

/** A change event read back from the log. */
export interface LogEntry {
  /** The stream entry id (`<ms>-<seq>`); ids increase along a partition, so they order its entries. */
  id: string;
  /** The partition the entry was read from. */
  partition: number;
  key: string;
  command: string;
  db: number;
  /** Absent when capture gave none. */
  offset?: string;
  /** When capture saw the change, in milliseconds since the epoch. */
  at: number;
  /**
   * True when the entry had been delivered before (to this consumer or another) without being acknowledged:
   * a crash or a lease change happened. Its effects may already be in the target; the target's checkpoint
   * makes applying it again a no-op.
   */
  redelivered: boolean;
}

/** What {@link ChangeLog.readBatch} reads at most and how long it waits for new entries. */
export interface ReadBatchOptions {
  /** Most entries returned, a positive integer (applier `read_batch_size`). */
  count: number;
  /**
   * Milliseconds to wait for new entries when the partition has none, a non-negative integer; 0 returns at
   * once (applier `duration`). The wait holds the connection: see {@link ChangeLog.readBatch}.
   */
  blockMs: number;
  /**
   * Read only new entries (XREADGROUP `>`), skipping the claim of pending ones. For a reader that is
   * topping up a batch it has just read: its own entries are pending by then and would come back again.
   * @default false
   */
  newOnly?: boolean;
}

/** What one {@link ChangeLog.ack} did. */
export interface AckResult {
  /** Entries acknowledged now (ids already acknowledged, or unknown, are not counted). */
  acked: number;
  /** Entries trimmed from the partition because every consumer group has acknowledged them. */
  trimmed: number;
}

/** The state of one partition, for status and metrics. */
export interface PartitionStats {
  partition: number;
  /** Entries in the partition: not yet acknowledged by every pipeline. */
  length: number;
  /** Entries delivered to this pipeline's consumers and not yet acknowledged (in flight or stranded). */
  pending: number;
  /**
   * Age of the oldest entry in the partition in milliseconds, on the Redis server's clock (so no clock skew
   * between processes): how far apply is behind. 0 when the partition is empty.
   */
  lagMs: number;
  /** The partition holds its cap of entries: appends to it wait (back-pressure). */
  capped: boolean;
}
