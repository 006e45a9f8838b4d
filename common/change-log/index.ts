/**
 * The change log between capture and apply: Redis Streams, one per partition, partition = the key's Redis
 * Cluster hash slot mod the partition count. See change-log.ts for the invariants (order per key, no loss,
 * back-pressure, at least once).
 */
export { ChangeLog } from './change-log.js';
export { ChangeLogAbortError } from './append-abort.js';
export { changeLogKeys } from './change-log-keys.js';
export type { ChangeLogKeys } from './change-log-keys.js';
export { CLUSTER_SLOTS, crc16, keySlot, partitionOf } from './key-slot.js';
export { ChangeLogSettingsDefaults, MAX_PARTITIONS, compileChangeLogSettings } from './settings.js';
export type { ChangeLogSettings, CompiledChangeLogSettings } from './settings.js';
export type { AckResult, ChangeEvent, LogEntry, PartitionStats, ReadBatchOptions } from './types.js';
