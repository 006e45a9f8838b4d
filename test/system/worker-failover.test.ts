/**
 * Two `ferry worker` processes share the partitions under load; one is killed with SIGKILL. Within about a
 * lease TTL the control plane's leader moves all its partitions to the survivor, which goes on under new
 * lease epochs from where the dead one's checkpoints stand; in the end the target equals Redis exactly.
 */
import t from 'tap';
import type { LeaseInfo } from '../../clients/generated/ferry/v1/LeaseInfo.js';
import { rows } from '../fixtures/mysql/database.js';
import { FAST_LEASES, setupApply, waitUntil } from '../helpers/apply.js';
import {
  EMP_JOB,
  EMP_TABLE,
  checkpointProblems,
  compareWithSource,
  installCheckpointAudit,
  readCheckpointMoves,
  spawnWorker,
  startLoad,
  waitDrained,
} from './processes.js';

const PARTITIONS = 4;
/** Scheduling slack on a busy two-core machine, on top of the lease TTL. */
const FAILOVER_SLACK_MS = 3000;

function expiresAtMs(lease: LeaseInfo): number {
  return lease.expiresAt ? Number(lease.expiresAt.seconds) * 1000 + lease.expiresAt.nanos / 1e6 : 0;
}

t.test('kill -9 one of two workers: the survivor takes every partition and catches up', async (t) => {
  const started = Date.now();
  const setup = await setupApply(t, 'sys-failover', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE,
    partitions: PARTITIONS,
  });
  const admin = setup.db.admin;
  await installCheckpointAudit(admin, setup.db.database);
  const client = setup.cp.client();

  /** Live apply leases: partition -> owner and epoch. */
  const leases = async (): Promise<Map<number, { owner: string; epoch: number }>> => {
    const now = Date.now();
    const held = new Map<number, { owner: string; epoch: number }>();
    for (const lease of (await client.listLeases()).leases) {
      if (lease.kind !== 'LEASE_KIND_APPLY' || lease.owner === '' || expiresAtMs(lease) <= now) continue;
      held.set(Number(lease.unit.slice('apply/'.length)), { owner: lease.owner, epoch: Number(lease.epoch) });
    }
    return held;
  };
  /** Partition -> the lease epoch of its last committed batch. */
  const checkpointEpochs = async (): Promise<Map<number, number>> => {
    const list = await rows(
      admin,
      'SELECT partition_no, lease_epoch FROM ferry_checkpoints WHERE pipeline = ?',
      [setup.prefix],
    );
    return new Map(list.map((row) => [Number(row['partition_no']), Number(row['lease_epoch'])]));
  };
  /** Every partition is leased to one of `owners`, and its holder has committed under that lease. */
  const applying = async (owners: readonly string[]): Promise<boolean> => {
    const held = await leases();
    const epochs = await checkpointEpochs();
    if (held.size !== PARTITIONS) return false;
    if (!owners.every((owner) => [...held.values()].some((lease) => lease.owner === owner))) return false;
    return [...held].every(
      ([partition, lease]) => owners.includes(lease.owner) && epochs.get(partition) === lease.epoch,
    );
  };

  const load = startLoad(t, setup, { keys: 20_000, ratePerSecond: 2000 });
  t.comment(`load seed ${load.seed}`);
  const a = spawnWorker(t, setup, 'failover-a');
  const b = spawnWorker(t, setup, 'failover-b');
  await waitUntil('both workers hold leases and apply', () => applying([a.id, b.id]), 30_000, 100);
  const before = await leases();
  const moved = [...before].filter(([, lease]) => lease.owner === a.id).map(([partition]) => partition);
  t.ok(
    moved.length > 0 && moved.length < PARTITIONS,
    `both workers hold partitions (${a.id}: ${moved.join(', ')})`,
  );

  const killedAt = Date.now();
  await a.kill9();
  await waitUntil(
    `every partition is leased to ${b.id}`,
    async () => {
      const held = await leases();
      return held.size === PARTITIONS && [...held.values()].every((lease) => lease.owner === b.id);
    },
    FAST_LEASES.ttlMs + FAILOVER_SLACK_MS + 5000,
    50,
  );
  const failoverMs = Date.now() - killedAt;
  t.ok(
    failoverMs <= FAST_LEASES.ttlMs + FAILOVER_SLACK_MS,
    `the partitions moved within the lease TTL + ${FAILOVER_SLACK_MS} ms (${failoverMs} ms)`,
  );
  const after = await leases();
  for (const partition of moved) {
    t.ok(
      (after.get(partition)?.epoch ?? 0) > (before.get(partition)?.epoch ?? 0),
      `partition ${partition} moved under a new epoch (${before.get(partition)?.epoch} -> ${after.get(partition)?.epoch})`,
    );
  }
  await waitUntil('the survivor commits on every partition', () => applying([b.id]), 30_000, 100);
  // A little more load on the survivor alone before it drains the log.
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const written = await load.stop();
  t.comment(`load: ${JSON.stringify(written)}`);
  await waitDrained(setup, 60_000);
  t.ok(b.alive(), 'the survivor is still running');

  const comparison = await compareWithSource(setup, admin);
  t.same(
    { missing: comparison.missing, extra: comparison.extra, different: comparison.different },
    { missing: 0, extra: 0, different: 0 },
    `the target equals Redis (${comparison.sourceKeys} keys, ${comparison.targetRows} rows)${comparison.first.length > 0 ? `:\n${comparison.first.join('\n')}` : ''}`,
  );
  const moves = await readCheckpointMoves(admin);
  t.same(
    checkpointProblems(moves).slice(0, 20),
    [],
    `every one of ${moves.length} checkpoint moves went strictly forward`,
  );
  t.same([...a.loggedErrors(), ...b.loggedErrors()].slice(0, 5), [], 'no worker logged an error');
  t.comment(`failover took ${failoverMs} ms; the test ${Date.now() - started} ms`);
});
