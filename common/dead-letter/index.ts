/**
 * The dead-letter queue: per job, the records a target refused for good, with the target's error and the
 * time. Apply adds to it; the control plane lists, replays (through the change log: the key's current value
 * is written, not the stored one) and purges it.
 */
export { DeadLetterQueue } from './dead-letter-queue.js';
export { replay, replaySourceDb, REPLAY_COMMAND } from './replay.js';
export type { ReplayOptions, ReplayResult } from './replay.js';
export { MALFORMED_ENTRY } from './types.js';
export type { DeadLetterPage, DeadLetterRecord, DeadLetterValue, StoredDeadLetter } from './types.js';
