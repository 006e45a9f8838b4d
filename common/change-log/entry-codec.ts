/**
 * Change events <-> stream entry fields. Every entry has the same five short fields in the same order
 * (`k` key, `c` command, `d` db, `o` offset, `t` captured-at ms); Redis stores a stream's field names once
 * per node when entries repeat the node's first entry's fields, so fixed names keep the log compact.
 * An absent offset is stored as an empty string for the same reason.
 */
import { FerryError, InvalidArgumentError } from '../errors.js';
import { partitionOf } from './key-slot.js';
import type { ChangeEvent, LogEntry } from './types.js';

/** Values per event in the flat argument list handed to append-events.lua: k, c, d, o, t. */
export const VALUES_PER_EVENT = 5;

/**
 * Validates `events` and groups their field values by partition, keeping append order within each
 * partition (which is all the order there is: one key always maps to one partition). Throws
 * InvalidArgumentError on the first bad event, before anything is appended.
 */
export function encodeEvents(
  events: readonly ChangeEvent[],
  partitions: number,
  now: number,
): Map<number, string[]> {
  const byPartition = new Map<number, string[]>();
  const nowText = String(now);
  events.forEach((event, index) => {
    const problem = eventProblem(event);
    if (problem) {
      throw new InvalidArgumentError(`change event ${index} ${problem}`, {
        context: { index, key: typeof event?.key === 'string' ? event.key : undefined },
      });
    }
    const partition = partitionOf(event.key, partitions);
    let values = byPartition.get(partition);
    if (!values) byPartition.set(partition, (values = []));
    values.push(
      event.key,
      event.command.toLowerCase(),
      event.db === 0 ? '0' : String(event.db),
      event.offset ?? '',
      event.at === undefined ? nowText : String(event.at),
    );
  });
  return byPartition;
}

function eventProblem(event: ChangeEvent | undefined): string | undefined {
  if (typeof event !== 'object' || event === null) return 'must be an object';
  if (typeof event.key !== 'string') return 'key must be a string';
  if (typeof event.command !== 'string' || event.command.length === 0) {
    return 'command must be a non-empty string';
  }
  if (!Number.isSafeInteger(event.db) || event.db < 0)
    return `db must be a non-negative integer (got ${event.db})`;
  if (event.offset !== undefined && typeof event.offset !== 'string') return 'offset must be a string';
  if (event.at !== undefined && (!Number.isSafeInteger(event.at) || event.at < 0)) {
    return `at must be a non-negative integer of milliseconds (got ${event.at})`;
  }
  return undefined;
}

/**
 * Decodes one stream entry. An entry without a key or command was not written by Ferry; it is reported as
 * an INTERNAL error rather than skipped, because skipping would lose a change silently.
 */
export function decodeEntry(id: string, fields: unknown, partition: number, redelivered: boolean): LogEntry {
  let key: string | undefined;
  let command: string | undefined;
  let db = 0;
  let offset = '';
  let at = 0;
  if (Array.isArray(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value: unknown = fields[i + 1];
      if (typeof value !== 'string') continue;
      switch (fields[i]) {
        case 'k':
          key = value;
          break;
        case 'c':
          command = value;
          break;
        case 'd':
          db = Number(value);
          break;
        case 'o':
          offset = value;
          break;
        case 't':
          at = Number(value);
          break;
      }
    }
  }
  if (key === undefined || command === undefined) {
    throw new FerryError(
      'INTERNAL',
      `change log entry ${id} of partition ${partition} has no key or command`,
      {
        context: { partition, id },
      },
    );
  }
  const entry: LogEntry = { id, partition, key, command, db, at, redelivered };
  if (offset !== '') entry.offset = offset;
  return entry;
}
