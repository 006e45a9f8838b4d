/**
 * From the commands of one read of the replication stream to change events: the keys each write command
 * changes (the source's own key specs, CommandKeyTable, plus the other database of MOVE / COPY ... DB n),
 * kept when a tracked job's pattern and db match, and never under Ferry's own prefix. FLUSHALL / FLUSHDB /
 * SWAPDB change keys without naming them: each is a notice for the capture task to log and count, with the
 * work `on_flush: sync` calls for (maintenance.ts). Pure: nothing is written here.
 */
import type { ChangeEvent } from '../../common/change-log/index.js';
import type { KeyPattern } from '../apply/key-pattern.js';
import { IncompleteKeySpecError, crossDatabaseKeys, databaseEffect } from './key-specs.js';
import type { CommandKeyTable, DatabaseEffect, KeyAccess } from './key-specs.js';
import { flushMaintenance, mergeMaintenance, scopeIncludes } from './maintenance.js';
import type { Maintenance, ScopedJob } from './maintenance.js';
import type { ReplicatedCommand } from './replication-client.js';

/** A write-behind job as capture sees it: which keys of which database it tracks. */
export interface TrackedJob extends ScopedJob {
  name: string;
  pattern: KeyPattern;
}

/** Something the task logs and records in status. */
export type CommandNotice =
  | { kind: 'database'; effect: DatabaseEffect; db: number; offset: number; message: string }
  | { kind: 'incomplete'; command: string; message: string };

export interface CommandEvents {
  events: ChangeEvent[];
  /** Some write touched a key outside Ferry's prefix (tracked or not). */
  foreign: boolean;
  /** What FLUSHALL/FLUSHDB/SWAPDB call for under `on_flush: sync`. */
  maintenance?: Maintenance;
  notices: CommandNotice[];
}

/**
 * The change events of `commands`. Throws UnknownCommandError for a command the table does not describe
 * (reload the table and call again); a write whose keys the specs cannot all tell gives what they do tell,
 * with an `incomplete` notice.
 */
export function commandEvents(
  table: CommandKeyTable,
  commands: readonly ReplicatedCommand[],
  jobs: readonly TrackedJob[],
  ownPrefix: string,
): CommandEvents {
  const result: CommandEvents = { events: [], foreign: false, notices: [] };
  const add = (keyBuffer: Buffer, db: number, command: string, offset: number): void => {
    const key = keyBuffer.toString('utf8');
    if (key.startsWith(ownPrefix)) return;
    result.foreign = true;
    if (jobs.some((job) => job.db === db && job.pattern.matches(key))) {
      result.events.push({ key, command, db, offset: String(offset) });
    }
  };
  for (const { argv, db, offset } of commands) {
    if (!table.isWrite(argv)) continue;
    const command = (argv[0] as Buffer).toString('latin1').toLowerCase();
    const effect = databaseEffect(argv);
    if (effect) {
      result.foreign = true;
      const follow = flushMaintenance(effect, db, jobs);
      if (follow) result.maintenance = mergeMaintenance(result.maintenance, follow);
      result.notices.push({
        kind: 'database',
        effect,
        db,
        offset,
        message: flushMessage(command, db, follow, jobs),
      });
      continue;
    }
    let accesses: KeyAccess[];
    try {
      accesses = table.keysOf(argv);
    } catch (error) {
      if (!(error instanceof IncompleteKeySpecError)) throw error;
      result.notices.push({ kind: 'incomplete', command, message: error.message });
      accesses = error.partialKeys;
    }
    const elsewhere = crossDatabaseKeys(argv, db);
    for (const access of accesses) {
      if (!access.write) continue;
      // COPY src dst DB n: dst lives in n (listed below), not in this db.
      if (elsewhere.some((other) => other.key === access.key)) continue;
      add(access.key, db, command, offset);
    }
    for (const other of elsewhere) add(other.key, other.db, command, offset);
  }
  return result;
}

/** The warning of a FLUSHALL / FLUSHDB / SWAPDB, saying what follows. */
function flushMessage(
  command: string,
  db: number,
  follow: Maintenance | undefined,
  jobs: readonly TrackedJob[],
): string {
  const head = `${command.toUpperCase()} on the source (db ${db}) changed keys without naming them; `;
  if (!follow?.reconcile) {
    return `${head}the targets were left as they are (on_flush: keep); reconcile them (e.g. ferry reset) if needed`;
  }
  const scope = follow.reconcile;
  const synced = jobs.filter((job) => scopeIncludes(scope, job)).map((job) => job.name);
  const kept = jobs.length > synced.length ? ' (the other jobs keep theirs: on_flush keep)' : '';
  return `${head}on_flush is sync: reconciling the targets of ${synced.join(', ')}${kept}`;
}
