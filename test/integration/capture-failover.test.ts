/**
 * A source failover, end to end with real processes: master A with replica B (both private redis-servers),
 * capture from A into a throwaway MariaDB database; then B is promoted (REPLICAOF NO ONE) and the pipeline's
 * source is redeployed to B under the same name. Capture goes on from its saved position with PSYNC (B keeps
 * A's replication history as its replid2): no full resync and no snapshot, and the writes made to B arrive.
 */
import t from 'tap';
import type { Redis } from 'ioredis';
import { ferryKeys } from '../../common/redis-keys.js';
import { readCaptureMaintenance } from '../../common/status/index.js';
import { rows, testDatabase } from '../fixtures/mysql/database.js';
import { FAST_LEASES, waitUntil } from '../helpers/apply.js';
import { captureConfigYaml, captureWorkers } from '../helpers/capture.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { startRedisServer } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { testRedis } from '../helpers/redis.js';

const EMP_JOB = `
source:
  redis:
    key_pattern: "emp:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: emp
      keys: [emp_id]
      mapping: [emp_id, name]
`;

type Row = { emp_id: string; name: string | null };

async function sourceRows(redis: Redis): Promise<Row[]> {
  const keys = await redis.keys('emp:*');
  const result: Row[] = [];
  for (const key of keys) result.push({ emp_id: key.slice(4), name: await redis.hget(key, 'name') });
  return result.sort((a, b) => Number(a.emp_id) - Number(b.emp_id));
}

t.test('the source fails over to its replica: capture continues with PSYNC', async (t) => {
  const masterA = await startRedisServer(t);
  const replicaB = await startRedisServer(t, { replicaOf: masterA.port });
  await waitUntil(
    'B replicates A',
    async () => (await replicaB.replicationInfo()).get('master_link_status') === 'up',
    10_000,
  );
  const cp = await startTestControlPlane(t, 'capture-failover', { assignment: FAST_LEASES });
  const keys = ferryKeys(cp.prefix);
  const state = testRedis(t);
  const db = await testDatabase(t);
  await db.admin.query('CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(40))');
  const onA = masterA.connect(0);
  const onB = replicaB.connect(0);
  for (let id = 1; id <= 10; id++) await onA.hset(`emp:${id}`, 'name', `A${id}`);
  const deploy = (server: RedisServer) =>
    cp.client().deploy({
      config: {
        name: 'config.yaml',
        content: captureConfigYaml(db, [{ name: 'app', host: server.host, port: server.port }]),
      },
      jobs: [{ name: 'jobs/emp.yaml', content: EMP_JOB }],
    });
  await deploy(masterA);
  await captureWorkers(t, cp.prefix)('capture-failover');

  const target = async (): Promise<Row[]> =>
    (await rows(db.admin, 'SELECT emp_id, name FROM emp ORDER BY emp_id')).map((row) => ({
      emp_id: String(row['emp_id'] as number),
      name: row['name'] as string | null,
    }));
  const converged = async (what: string, source: Redis): Promise<void> => {
    let last: unknown;
    await waitUntil(
      what,
      async () => {
        const [wanted, actual] = [await sourceRows(source), await target()];
        last = { wanted, actual };
        return JSON.stringify(actual) === JSON.stringify(wanted);
      },
      20_000,
      200,
    ).catch((error: unknown) => {
      t.comment(JSON.stringify(last));
      throw error;
    });
  };
  const status = async () => state.hgetall(keys.status.capture('app'));

  await converged('the snapshot from A is applied', onA);
  await waitUntil('the snapshot is done', async () => (await status())['snapshotDone'] === '1');
  for (let id = 11; id <= 15; id++) await onA.hset(`emp:${id}`, 'name', `A${id}`);
  await onA.hset('emp:1', 'name', 'A1-updated');
  await onA.del('emp:2');
  await converged('the live writes on A are applied', onA);
  const beforeFailover = await status();
  t.equal(beforeFailover['syncMode'], 'continue');

  // B has everything A wrote; then it becomes a master, keeping A's history as its replid2.
  const offsetA = (await masterA.replicationInfo()).get('master_repl_offset');
  await waitUntil(
    'B has all of A',
    async () => (await replicaB.replicationInfo()).get('master_repl_offset') === offsetA,
  );
  await onB.call('REPLICAOF', 'NO', 'ONE');
  const promoted = await replicaB.replicationInfo();
  t.equal(promoted.get('role'), 'master');
  t.equal(promoted.get('master_replid2'), beforeFailover['replid'], 'B knows A replication id');

  await deploy(replicaB);
  await waitUntil('capture follows the source to B', async () => {
    const fields = await status();
    return fields['state'] === 'streaming' && fields['replid'] === promoted.get('master_replid');
  });
  for (let id = 16; id <= 20; id++) await onB.hset(`emp:${id}`, 'name', `B${id}`);
  await onB.hset('emp:3', 'name', 'B3-updated');
  await onB.del('emp:4');
  await converged('the writes made to B arrive', onB);

  const after = await status();
  t.equal(after['syncMode'], 'continue', 'B continued the stream: no full resync');
  t.equal(after['state'], 'streaming', 'the link to A, no longer configured, left the status alone');
  const maintenance = readCaptureMaintenance(after);
  t.equal(maintenance.snapshotReason, 'first start', 'no new snapshot');
  t.equal(maintenance.snapshotKeys, 10);
  t.equal(after['lastError'] ?? '', '', 'no error recorded');
  const position = await state.hgetall(keys.capture.position('app'));
  t.equal(position['replid'], promoted.get('master_replid'), 'the position now follows B');
  const rowsOnB = await target();
  t.same(rowsOnB, await sourceRows(onB), 'the target equals B, row by row');
  t.equal(rowsOnB.length, 18);
});
