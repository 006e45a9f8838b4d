/**
 * Coalescing: a key changed ten times in a batch is read and written once. Apply is state-based (it writes
 * the key's current value), so only the newest entry of each key matters for the checkpoint; every command
 * is kept because a job's `exclude_commands` applies to the key only when all of them are excluded.
 */
import type { LogEntry } from '../../common/change-log/index.js';
import { compareStreamIds } from '../targets/mysql/stream-id.js';

export interface CoalescedKey {
  key: string;
  db: number;
  /** The newest entry id of the key in the batch: the row's value stands for every entry up to it. */
  entryId: string;
  /** Distinct commands of the key's entries, lower-case. */
  commands: string[];
  /** Capture time of the key's oldest entry in the batch (ms since the epoch), for latency. */
  firstAt: number;
  /** Entries coalesced into this key. */
  entries: number;
}

/** One CoalescedKey per (db, key), ordered by their newest entry id. */
export function coalesce(entries: readonly LogEntry[]): CoalescedKey[] {
  const byKey = new Map<string, CoalescedKey & { commandSet: Set<string> }>();
  for (const entry of entries) {
    const id = `${entry.db}\u0000${entry.key}`;
    const existing = byKey.get(id);
    if (!existing) {
      byKey.set(id, {
        key: entry.key,
        db: entry.db,
        entryId: entry.id,
        commands: [],
        commandSet: new Set([entry.command]),
        firstAt: entry.at,
        entries: 1,
      });
      continue;
    }
    existing.commandSet.add(entry.command);
    existing.entries++;
    if (compareStreamIds(entry.id, existing.entryId) > 0) existing.entryId = entry.id;
    if (entry.at < existing.firstAt) existing.firstAt = entry.at;
  }
  return [...byKey.values()]
    .map(({ commandSet, ...key }) => ({ ...key, commands: [...commandSet] }))
    .sort((a, b) => compareStreamIds(a.entryId, b.entryId));
}
