/**
 * Coalescing: a key changed ten times in a batch is read and written once. Apply is state-based (it writes
 * the key's current value), so only the newest entry of each key matters for the checkpoint; every command
 * is kept because a job's `exclude_commands` applies to the key only when all of them are excluded.
 */
import type { LogEntry } from '../../common/change-log/index.js';

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

/** A stream id's two numbers, parsed once (ms fits a double exactly; seq is small in practice). */
interface ParsedId {
  ms: number;
  seq: number;
}

function parseId(id: string): ParsedId {
  const dash = id.indexOf('-');
  return { ms: Number(id.slice(0, dash)), seq: Number(id.slice(dash + 1)) };
}

function compareParsed(a: ParsedId, b: ParsedId): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq;
}

type Accumulator = CoalescedKey & { commandSet: Set<string>; newest: ParsedId };

/** One CoalescedKey per (db, key), ordered by their newest entry id. */
export function coalesce(entries: readonly LogEntry[]): CoalescedKey[] {
  const byKey = new Map<string, Accumulator>();
  for (const entry of entries) {
    const id = `${entry.db}\u0000${entry.key}`;
    const existing = byKey.get(id);
    const parsed = parseId(entry.id);
    if (!existing) {
      byKey.set(id, {
        key: entry.key,
        db: entry.db,
        entryId: entry.id,
        newest: parsed,
        commands: [],
        commandSet: new Set([entry.command]),
        firstAt: entry.at,
        entries: 1,
      });
      continue;
    }
    existing.commandSet.add(entry.command);
    existing.entries++;
    if (compareParsed(parsed, existing.newest) > 0) {
      existing.entryId = entry.id;
      existing.newest = parsed;
    }
    if (entry.at < existing.firstAt) existing.firstAt = entry.at;
  }
  return [...byKey.values()]
    .sort((a, b) => compareParsed(a.newest, b.newest))
    .map(({ key, db, entryId, commandSet, firstAt, entries: count }) => ({
      key,
      db,
      entryId,
      commands: [...commandSet],
      firstAt,
      entries: count,
    }));
}
