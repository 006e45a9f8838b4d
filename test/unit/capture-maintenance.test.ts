// What capture does beside its stream (worker/capture/maintenance.ts): scopes of snapshots and delete
// reconciliations, how they merge and are saved with the position, what FLUSHALL/FLUSHDB/SWAPDB and a
// connect call for; and the replication backlog warning (worker/capture/backlog-check.ts).
import t from 'tap';
import {
  backlogSizeFromInfo,
  backlogWarning,
  formatBytes,
  suggestedBacklogSize,
} from '../../worker/capture/backlog-check.js';
import {
  FULL_SCOPE,
  decodeScope,
  encodeScope,
  flushMaintenance,
  maintenanceAtConnect,
  mergeMaintenance,
  mergeScopes,
  scopeIncludes,
} from '../../worker/capture/maintenance.js';
import type { Scope, ScopedJob } from '../../worker/capture/maintenance.js';

const sync0: ScopedJob = { db: 0, flushSync: true };
const keep0: ScopedJob = { db: 0, flushSync: false };
const sync1: ScopedJob = { db: 1, flushSync: true };

t.test('scopes: which jobs, merged, and as saved with the position', (t) => {
  // prettier-ignore
  const includes: [Scope, ScopedJob, boolean][] = [
    [FULL_SCOPE, keep0, true],
    [{ dbs: [0], syncOnly: true }, sync0, true],
    [{ dbs: [0], syncOnly: true }, keep0, false],
    [{ dbs: [0], syncOnly: true }, sync1, false],
    [{ dbs: 'all', syncOnly: true }, sync1, true],
  ];
  for (const [scope, job, expected] of includes) {
    t.equal(scopeIncludes(scope, job), expected, `${encodeScope(scope)} includes ${JSON.stringify(job)}`);
  }
  // prettier-ignore
  const merges: [Scope | undefined, Scope | undefined, Scope | undefined][] = [
    [undefined, undefined, undefined],
    [{ dbs: [3], syncOnly: true }, undefined, { dbs: [3], syncOnly: true }],
    [{ dbs: [3], syncOnly: true }, { dbs: [1, 3], syncOnly: true }, { dbs: [1, 3], syncOnly: true }],
    [{ dbs: [3], syncOnly: true }, FULL_SCOPE, FULL_SCOPE],
    [{ dbs: 'all', syncOnly: true }, { dbs: [2], syncOnly: true }, { dbs: 'all', syncOnly: true }],
  ];
  for (const [a, b, expected] of merges) t.same(mergeScopes(a, b), expected, 'merge');
  // prettier-ignore
  const encoded: [Scope, string][] = [
    [FULL_SCOPE, 'all:*'],
    [{ dbs: [0, 3], syncOnly: true }, 'sync:0,3'],
    [{ dbs: 'all', syncOnly: true }, 'sync:*'],
  ];
  for (const [scope, text] of encoded) {
    t.equal(encodeScope(scope), text);
    t.same(decodeScope(text), scope, `${text} reads back`);
  }
  t.same(decodeScope('1'), FULL_SCOPE, 'the flag of earlier versions is the full scope');
  t.same(decodeScope('sync:x'), FULL_SCOPE, 'a damaged value does more, never less');
  t.end();
});

t.test('items merge: scopes, reasons, the newest request', (t) => {
  t.same(
    mergeMaintenance(
      { reasons: ['FLUSHDB'], reconcile: { dbs: [0], syncOnly: true } },
      { reasons: ['reset'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE, snapshotId: 'b' },
    ),
    { reasons: ['FLUSHDB', 'reset'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE, snapshotId: 'b' },
  );
  t.same(
    mergeMaintenance({ reasons: ['reset'], snapshot: FULL_SCOPE, snapshotId: 'a' }, { reasons: ['reset'] }),
    { reasons: ['reset'], snapshot: FULL_SCOPE, snapshotId: 'a' },
  );
  t.end();
});

t.test('FLUSHALL, FLUSHDB and SWAPDB call for work only where a sync job is', (t) => {
  // prettier-ignore
  const cases: [string, Parameters<typeof flushMaintenance>, ReturnType<typeof flushMaintenance>][] = [
    ['FLUSHDB of a db with a sync job', [{ kind: 'flushdb' }, 0, [sync0, keep0]], { reasons: ['FLUSHDB'], reconcile: { dbs: [0], syncOnly: true } }],
    ['FLUSHDB of a db with keep jobs only', [{ kind: 'flushdb' }, 0, [keep0, sync1]], undefined],
    ['FLUSHALL', [{ kind: 'flushall' }, 5, [sync1]], { reasons: ['FLUSHALL'], reconcile: { dbs: 'all', syncOnly: true } }],
    ['FLUSHALL with keep jobs only', [{ kind: 'flushall' }, 0, [keep0]], undefined],
    ['SWAPDB 1 0', [{ kind: 'swapdb', a: 1, b: 0 }, 4, [sync1]], { reasons: ['SWAPDB'], snapshot: { dbs: [0, 1], syncOnly: true }, reconcile: { dbs: [0, 1], syncOnly: true } }],
    ['SWAPDB of untracked dbs', [{ kind: 'swapdb', a: 2, b: 3 }, 0, [sync0, sync1]], undefined],
  ];
  for (const [name, args, expected] of cases) t.same(flushMaintenance(...args), expected, name);
  t.end();
});

t.test('what a connect calls for', (t) => {
  const reset = { reasons: ['reset'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE, snapshotId: 'r1' };
  // prettier-ignore
  const cases: [string, Parameters<typeof maintenanceAtConnect>[0], ReturnType<typeof maintenanceAtConnect>][] = [
    ['a first start that continued', { mode: 'continue', firstStart: true }, { reasons: ['first start'], snapshot: FULL_SCOPE }],
    ['a first start without a backlog', { mode: 'fullresync', firstStart: true }, { reasons: ['first start'], snapshot: FULL_SCOPE }],
    ['a resume', { mode: 'continue', firstStart: false }, undefined],
    ['a gap past the backlog', { mode: 'fullresync', firstStart: false }, { reasons: ['full resync'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE }],
    ['a resume after an interrupted FLUSHDB reconciliation', { mode: 'continue', firstStart: false, reconcileLeft: 'sync:0' },
      { reasons: ['interrupted'], reconcile: { dbs: [0], syncOnly: true } }],
    ['a gap after an interrupted snapshot', { mode: 'fullresync', firstStart: false, snapshotLeft: 'all:*' },
      { reasons: ['full resync', 'interrupted'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE }],
    ['a reset waiting', { mode: 'continue', firstStart: false, request: reset }, reset],
  ];
  for (const [name, facts, expected] of cases) t.same(maintenanceAtConnect(facts), expected, name);
  t.end();
});

const MiB = 1024 * 1024;

t.test('backlog warning: below 64 MiB, or below the outage window at the measured rate', (t) => {
  const fix = (size: string): string =>
    'A capture interruption (worker restart, failover, network outage) longer than the backlog covers forces ' +
    'a full resync, then a snapshot of every tracked key and a delete reconciliation. Raise it on the master ' +
    `with CONFIG SET repl-backlog-size ${size}, and write repl-backlog-size ${size} in its redis.conf so that ` +
    'it survives a restart';
  // prettier-ignore
  const cases: [string, Parameters<typeof backlogWarning>[0], string | undefined][] = [
    ['64 MiB, rate unknown', { backlogBytes: 64 * MiB, outageWindowS: 300 }, undefined],
    ['the Redis default of 1 MiB', { backlogBytes: MiB, outageWindowS: 300 },
      `the source master's repl-backlog-size is 1 MiB: below the 64 MiB Ferry needs. ${fix('256mb')}`],
    ['16 KiB and a rate', { backlogBytes: 16 * 1024, bytesPerSecond: 4096, outageWindowS: 300 },
      "the source master's repl-backlog-size is 16 KiB: below the 64 MiB Ferry needs; at the source's write " +
      `rate of 4 KiB/s it holds about 4 s of changes, less than outage_window_s (300 s). ${fix('256mb')}`],
    ['large enough for the rate', { backlogBytes: 256 * MiB, bytesPerSecond: MiB / 2, outageWindowS: 300 }, undefined],
    ['too small for a fast source', { backlogBytes: 256 * MiB, bytesPerSecond: 2 * MiB, outageWindowS: 300 },
      "the source master's repl-backlog-size is 256 MiB: at the source's write rate of 2 MiB/s it holds about " +
      `128 s of changes, less than outage_window_s (300 s). ${fix('2048mb')}`],
  ];
  for (const [name, figures, expected] of cases) t.equal(backlogWarning(figures), expected, name);
  t.equal(suggestedBacklogSize(0), '256mb');
  t.equal(suggestedBacklogSize(200 * MiB), '512mb');
  t.equal(formatBytes(1536), '1.5 KiB');
  t.equal(formatBytes(100), '100 bytes');
  t.equal(backlogSizeFromInfo('# Replication\r\nrole:master\r\nrepl_backlog_size:1048576\r\n'), MiB);
  t.equal(backlogSizeFromInfo('# Replication\r\nrole:master\r\n'), undefined);
  t.end();
});
