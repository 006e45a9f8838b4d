/** The records of a job's dead-letter queue: what apply puts there and what the admin calls read back. */

/** A value of a rejected record's column, as the target writer received it (unconverted). */
export type DeadLetterValue = string | number | boolean | null;

/** One record the target refused for good (a hard reject), as apply hands it to the dead-letter queue. */
export interface DeadLetterRecord {
  /** The job whose write was refused; it names the dead-letter stream. */
  job: string;
  /** The Redis key the record came from. */
  key: string;
  /** The target table, `schema.table`. */
  table: string;
  /** The record's values as sent to the target; JSON types (numbers, booleans, null) survive storage. */
  values: Record<string, DeadLetterValue>;
  /** Ferry's code for the reject, e.g. `CONSTRAINT_VIOLATION`, `DATA_TOO_LONG`, `CONVERSION`. */
  errorCode: string;
  /** The target's (or the converter's) message. */
  error: string;
  /** The column at fault, when known. */
  column?: string;
  /** The change-log entry id the record came from, when known. */
  entryId?: string;
  /** When the target refused it, in milliseconds since the epoch. */
  rejectedAt: number;
}

/** A record read back from the dead-letter stream. */
export interface StoredDeadLetter extends DeadLetterRecord {
  /** The stream entry id (`<ms>-<seq>`): ids grow with time, so they order the records. */
  id: string;
}

/** One page of {@link DeadLetterQueue.list}. */
export interface DeadLetterPage {
  /** Oldest first. */
  records: StoredDeadLetter[];
  /** Pass as `afterId` for the next page; empty when there is none. */
  nextAfterId: string;
  /** Records in the job's dead-letter stream in all. */
  total: number;
}

/**
 * The error code of an entry that was not written by Ferry (fields missing, values not JSON...). Such an
 * entry is listed with this code and a message saying what is wrong, never replayed; purge it.
 */
export const MALFORMED_ENTRY = 'MALFORMED_ENTRY';
