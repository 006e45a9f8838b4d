/**
 * A `ferry worker` process under continuous load, killed with SIGKILL again and again while it applies, and
 * replaced by a new process (a new id, or the same id again). In the end the target equals Redis exactly, and
 * no change-log entry was applied twice: a trigger on ferry_checkpoints logs every committed checkpoint move,
 * and each one went strictly forward under a lease epoch that never went down.
 */
import t from 'tap';
import type { Connection } from 'mysql2/promise';
import { rows } from '../fixtures/mysql/database.js';
import { setupApply, waitUntil } from '../helpers/apply.js';
import {
  EMP_JOB,
  EMP_TABLE,
  checkpointProblems,
  compareWithSource,
  installCheckpointAudit,
  lastMoveId,
  pendingByConsumer,
  readCheckpointMoves,
  spawnWorker,
  startLoad,
  waitDrained,
} from './processes.js';
import type { WorkerProcess } from './processes.js';

/** Kills that must find entries in flight (delivered to the killed worker, not acknowledged). */
const MID_FLIGHT_KILLS = 5;
/** Kills at most: a kill between two batches does not count, but they cannot all be. */
const MAX_KILLS = 10;

/**
 * Whether one of the worker's connections to `database` is inside a batch transaction now: running a
 * statement (the processlist is live), or holding an open InnoDB transaction (INNODB_TRX is a snapshot that
 * may be up to 0.1 s old, so this is a strong hint, not a proof).
 */
async function inTransaction(admin: Connection, database: string): Promise<boolean> {
  const [row] = await rows(
    admin,
    `SELECT COUNT(*) AS n FROM information_schema.processlist p
       LEFT JOIN information_schema.innodb_trx trx ON trx.trx_mysql_thread_id = p.id
      WHERE p.db = ? AND p.id <> CONNECTION_ID() AND (p.command = 'Query' OR trx.trx_id IS NOT NULL)`,
    [database],
  );
  return Number(row?.['n'] ?? 0) > 0;
}

t.test('kill -9 mid-batch, again and again: nothing lost, nothing applied twice', async (t) => {
  const started = Date.now();
  const setup = await setupApply(t, 'sys-crash', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE,
    partitions: 4,
  });
  const admin = setup.db.admin;
  await installCheckpointAudit(admin, setup.db.database);

  const load = startLoad(t, setup, { keys: 20_000, ratePerSecond: 2000 });
  t.comment(`load seed ${load.seed}`);
  let worker: WorkerProcess = spawnWorker(t, setup, 'crash-0');
  const workers = [worker];
  const kills: { id: string; pending: number; inTransaction: boolean; aheadOfAck: number }[] = [];

  while (kills.filter((kill) => kill.pending > 0).length < MID_FLIGHT_KILLS && kills.length < MAX_KILLS) {
    // Wait until this process has committed something of its own...
    const mark = await lastMoveId(admin);
    const current = worker;
    await waitUntil(
      `worker ${current.id} commits a batch`,
      async () => {
        if (!current.alive()) throw new Error(`worker ${current.id} exited:\n${current.stderr()}`);
        return (await lastMoveId(admin)) > mark;
      },
      30_000,
      50,
    );
    // ...then, after a random pause (so that some kills hit the replay of what the previous process left
    // pending and some hit new batches), kill it at once, preferably while a batch transaction is open.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1500));
    let busy = false;
    const until = Date.now() + 3000;
    while (!busy && Date.now() < until) busy = await inTransaction(admin, setup.db.database);
    await worker.kill9();
    // What the dead process had read and not acknowledged: it comes back to the next holder.
    const pending = (await pendingByConsumer(setup)).get(worker.id) ?? 0;
    // Of it, entries whose rows were already committed (up to the checkpoint) but not yet acknowledged: the
    // next holder must skip them rather than apply them again.
    const checkpoints = await rows(
      admin,
      'SELECT partition_no, last_entry_id FROM ferry_checkpoints WHERE pipeline = ?',
      [setup.prefix],
    );
    let aheadOfAck = 0;
    for (const { partition_no, last_entry_id } of checkpoints) {
      const stream = setup.changeLog.streamKey(Number(partition_no));
      const entries = (await setup.redis.xpending(
        stream,
        setup.prefix,
        '-',
        String(last_entry_id),
        10_000,
      )) as [string, string, number, number][];
      aheadOfAck += entries.filter(([, consumer]) => consumer === worker.id).length;
    }
    kills.push({ id: worker.id, pending, inTransaction: busy, aheadOfAck });
    // Alternately a new worker id (the leases expire and move) and the same id again (it takes them up).
    const id = kills.length % 2 === 0 ? worker.id : `crash-${kills.length}`;
    worker = spawnWorker(t, setup, id);
    workers.push(worker);
  }
  t.comment(`kills: ${JSON.stringify(kills)}`);
  const midFlight = kills.filter((kill) => kill.pending > 0);
  t.ok(
    midFlight.length >= MID_FLIGHT_KILLS,
    `at least ${MID_FLIGHT_KILLS} kills found entries in flight (pending for the killed worker): ${midFlight.length} of ${kills.length}`,
  );
  t.comment(
    `${kills.filter((kill) => kill.inTransaction).length} kills while a batch transaction was open, ` +
      `${kills.filter((kill) => kill.aheadOfAck > 0).length} with entries committed but not yet acknowledged`,
  );

  // Let the last worker apply under load for a moment, then stop the load and let it finish.
  const mark = await lastMoveId(admin);
  await waitUntil(
    'the last worker commits a batch',
    async () => (await lastMoveId(admin)) > mark,
    30_000,
    50,
  );
  const written = await load.stop();
  t.comment(`load: ${JSON.stringify(written)}`);
  await waitDrained(setup, 60_000);
  t.ok(worker.alive(), 'the last worker is still running');
  t.same(
    await pendingByConsumer(setup),
    new Map(),
    'every entry in flight at a kill was redelivered and acknowledged',
  );

  const comparison = await compareWithSource(setup, admin);
  t.same(
    { missing: comparison.missing, extra: comparison.extra, different: comparison.different },
    { missing: 0, extra: 0, different: 0 },
    `the target equals Redis (${comparison.sourceKeys} keys, ${comparison.targetRows} rows)${comparison.first.length > 0 ? `:\n${comparison.first.join('\n')}` : ''}`,
  );
  t.ok(comparison.sourceKeys > 10_000, `the load touched most keys (${comparison.sourceKeys})`);

  const moves = await readCheckpointMoves(admin);
  const problems = checkpointProblems(moves);
  t.same(problems.slice(0, 20), [], `every one of ${moves.length} checkpoint moves went strictly forward`);
  t.same(
    new Set(moves.map((move) => move.partition)),
    new Set([0, 1, 2, 3]),
    'every partition moved its checkpoint',
  );
  const epochs = new Set(moves.map((move) => `${move.partition}/${move.newEpoch}`));
  t.ok(epochs.size > 4, `the partitions were applied under several lease epochs (${epochs.size})`);
  t.same(workers.flatMap((w) => w.loggedErrors()).slice(0, 5), [], 'no worker logged an error');
  t.comment(`took ${Date.now() - started} ms`);
});
