/**
 * Capture when it cannot simply follow the stream, end to end with real processes: a private redis-server as
 * the source, the shared Redis as the state Redis, a control plane assigning the units, an in-process worker
 * and a throwaway MariaDB database.
 * - A gap past a tiny replication backlog: the next worker gets a full resync, snapshots, and the delete
 *   reconciliation removes the rows of keys deleted in the gap; the target equals the source row by row.
 * - FLUSHDB and SWAPDB with `on_flush: sync` (the target follows) and `keep` (the target is left alone).
 * - Reset (`ferry reset`): rows deleted from the target by hand come back, stale ones go, and the snapshot id
 *   is reported.
 */
import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import type { Test } from 'tap';
import type { Redis } from 'ioredis';
import { SnapshotRequests } from '../../common/capture-sources.js';
import { silentLogger } from '../../common/logger.js';
import { loadFerryProto } from '../../common/proto.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { readCaptureMaintenance } from '../../common/status/index.js';
import { loadAuthenticator } from '../../control-plane/auth.js';
import { ClusterRegistry } from '../../control-plane/cluster-registry.js';
import { ConfigStore } from '../../control-plane/config-store.js';
import { pipelineService } from '../../control-plane/services/pipeline-service.js';
import { FerryClient } from '../../clients/ferry-client.js';
import { runFerry } from '../fixtures/cli/harness.js';
import { rows, testDatabase } from '../fixtures/mysql/database.js';
import type { TestDatabase } from '../fixtures/mysql/database.js';
import { FAST_LEASES, waitUntil } from '../helpers/apply.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { captureConfigYaml, captureWorkers } from '../helpers/capture.js';
import type { CaptureSource } from '../helpers/capture.js';
import { startRedisServer } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { testRedis } from '../helpers/redis.js';

type Row = Record<string, string | null>;
type Tap = Test;

function job(pattern: string, table: string, id: string, columns: string[], extra = ''): string {
  return [
    'source:',
    '  redis:',
    `    key_pattern: "${pattern}"`,
    '    trigger: write-behind',
    ...(extra ? [extra] : []),
    'output:',
    '  - uses: relational.write',
    '    with:',
    '      connection: target',
    `      table: ${table}`,
    `      keys: [${id}]`,
    `      mapping: [${[id, ...columns].join(', ')}]`,
  ].join('\n');
}

function source(name: string, server: RedisServer, settings: string[] = []): CaptureSource {
  return { name, host: server.host, port: server.port, settings };
}

/** A table as strings, ordered by its first column (numerically). */
async function table(db: TestDatabase, name: string): Promise<Row[]> {
  const found = await rows(db.admin, `SELECT * FROM ${name} ORDER BY 1`);
  return found.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        value === null ? null : String(value as string | number),
      ]),
    ),
  );
}

/** The rows the target must hold for the hashes `<prefix>:<id>` of a source database. */
async function expected(redis: Redis, prefix: string, id: string, columns: string[]): Promise<Row[]> {
  const keys = (await redis.keys(`${prefix}:*`)).sort(
    (a, b) => Number(a.slice(prefix.length + 1)) - Number(b.slice(prefix.length + 1)),
  );
  const result: Row[] = [];
  for (const key of keys) {
    const hash = await redis.hgetall(key);
    result.push({
      [id]: key.slice(prefix.length + 1),
      ...Object.fromEntries(columns.map((column) => [column, hash[column] ?? null])),
    });
  }
  return result;
}

/** A control plane, a database, the state Redis, and in-process workers, for one test. */
async function setup(t: Tap, name: string, schema: string) {
  const cp = await startTestControlPlane(t, name, { assignment: FAST_LEASES });
  const keys = ferryKeys(cp.prefix);
  const state = testRedis(t);
  const db = await testDatabase(t);
  await db.admin.query(schema);
  const startWorker = captureWorkers(t, cp.prefix);
  const deploy = (config: string, jobs: Record<string, string>) =>
    cp.client().deploy({
      config: { name: 'config.yaml', content: config },
      jobs: Object.entries(jobs).map(([file, content]) => ({ name: `jobs/${file}.yaml`, content })),
    });
  const status = (sourceName = 'app'): Promise<Record<string, string>> =>
    state.hgetall(keys.status.capture(sourceName));
  /** Waits until the target table equals what `want` reads from the source, row by row. */
  const converged = async (what: string, tableName: string, want: () => Promise<Row[]>): Promise<void> => {
    let last: unknown;
    await waitUntil(
      what,
      async () => {
        const [wanted, actual] = [await want(), await table(db, tableName)];
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
  return { cp, keys, state, db, startWorker, deploy, status, converged };
}

const TAGS_JOB = [
  'source:',
  '  redis:',
  '    key_pattern: "tags:*"',
  '    trigger: write-behind',
  'output:',
  '  - uses: relational.write',
  '    with:',
  '      connection: target',
  '      table: user_tags',
  '      keys: [user_id, {tag: member}]',
].join('\n');

const EMP_SCHEMA = 'CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(40), salary DECIMAL(10,2));';

t.test(
  'a gap past the backlog: full resync, snapshot, and the rows of keys deleted meanwhile go',
  async (t) => {
    const server = await startRedisServer(t, { backlogSize: '16kb' });
    const { db, startWorker, deploy, status, converged } = await setup(
      t,
      'resync',
      EMP_SCHEMA + 'CREATE TABLE user_tags (user_id INT, tag VARCHAR(20), PRIMARY KEY (user_id, tag));',
    );
    const source0 = server.connect(0);
    for (let id = 1; id <= 40; id++) await source0.hset(`emp:${id}`, { name: `E${id}`, salary: `${id}.00` });
    // Sets: one row per member; their rows are found by user_id, which the key gives.
    for (let id = 1; id <= 5; id++) await source0.sadd(`tags:${id}`, 'red', 'blue');
    await deploy(captureConfigYaml(db, [source('app', server)]), {
      emp: job('emp:*', 'emp', 'emp_id', ['name', 'salary']),
      tags: TAGS_JOB,
    });
    const tagRows = async (): Promise<string[]> =>
      (await rows(db.admin, 'SELECT user_id, tag FROM user_tags ORDER BY user_id, tag')).map(
        (row) => `${String(row['user_id'] as number)}:${String(row['tag'])}`,
      );
    const want = () => expected(source0, 'emp', 'emp_id', ['name', 'salary']);

    const first = await startWorker('resync-1');
    await converged('the first snapshot is applied', 'emp', want);
    await waitUntil('the first snapshot is done', async () => (await status())['snapshotDone'] === '1');
    const before = readCaptureMaintenance(await status());
    t.equal(before.snapshotReason, 'first start');
    t.equal(before.snapshotKeys, 45);
    await waitUntil('the sets are applied', async () => (await tagRows()).length === 10);
    t.match(
      before.warning,
      /^the source master's repl-backlog-size is 16 KiB: below the 64 MiB Ferry needs\. .*CONFIG SET repl-backlog-size 256mb/,
      'the small backlog is a warning in status',
    );

    await first.stop();
    // While no worker captures: deletes, updates, new keys, and more bytes than the 16 KiB backlog holds.
    for (let id = 1; id <= 10; id++) await source0.del(`emp:${id}`);
    for (let id = 11; id <= 20; id++) await source0.hset(`emp:${id}`, 'name', `Updated${id}`);
    for (let id = 41; id <= 45; id++) await source0.hset(`emp:${id}`, { name: `E${id}` });
    await source0.del('tags:1', 'tags:2');
    await source0.srem('tags:3', 'red');
    const filler = 'x'.repeat(1024);
    for (let index = 0; index < 64; index++) await source0.set(`filler:${index}`, filler);

    await startWorker('resync-2');
    await waitUntil('the new worker reports a full resync', async () => {
      const fields = await status();
      return fields['workerId'] === 'resync-2' && fields['syncMode'] === 'fullresync';
    });
    await waitUntil('the snapshot and reconciliation are done', async () => {
      const fields = readCaptureMaintenance(await status());
      return fields.snapshotDone && fields.reconcileDone && fields.snapshotReason === 'full resync';
    });
    const after = readCaptureMaintenance(await status());
    t.equal(after.snapshotKeys, 38, 'the snapshot emitted the keys that exist');
    t.equal(
      after.reconcileDeletes,
      12,
      'the reconciliation found the 10 hashes and 2 sets deleted in the gap',
    );
    t.ok(after.reconcileRows >= 40, `it read the target's rows (${after.reconcileRows})`);
    await converged('the target equals the source, row by row', 'emp', want);
    const ids = (await table(db, 'emp')).map((row) => Number(row['emp_id']));
    t.same(
      ids,
      [...Array.from({ length: 35 }, (_, index) => index + 11)],
      'rows 1-10 are gone, 41-45 arrived',
    );
    await waitUntil('the sets follow', async () => (await tagRows()).length === 5);
    t.same(await tagRows(), ['3:blue', '4:blue', '4:red', '5:blue', '5:red'], 'deleted sets lost their rows');
    t.equal((await status())['lastError'] ?? '', '', 'no error recorded');
  },
);

t.test('FLUSHDB and SWAPDB: on_flush sync follows them, keep leaves the target alone', async (t) => {
  const server = await startRedisServer(t);
  const schema = EMP_SCHEMA + 'CREATE TABLE boss (boss_id INT PRIMARY KEY, name VARCHAR(40));';
  const { db, startWorker, deploy, status, converged } = await setup(t, 'flush', schema);
  const [source0, source1, source2] = [server.connect(0), server.connect(1), server.connect(2)];
  for (let id = 1; id <= 5; id++) {
    await source0.hset(`emp:${id}`, { name: `E${id}`, salary: `${id}.00` });
    await source1.hset(`boss:${id}`, { name: `B${id}` });
  }
  // `app` and `kept` name the same master: one capture link, two flush policies.
  await deploy(
    captureConfigYaml(db, [
      source('app', server, ['on_flush: sync']),
      source('kept', server, ['on_flush: keep']),
    ]),
    {
      emp: job('emp:*', 'emp', 'emp_id', ['name', 'salary'], '    connection: app'),
      boss: job('boss:*', 'boss', 'boss_id', ['name'], '    db: 1\n    connection: kept'),
    },
  );
  const wantEmp = () => expected(source0, 'emp', 'emp_id', ['name', 'salary']);
  const allBosses = Array.from({ length: 5 }, (_, index) => ({
    boss_id: `${index + 1}`,
    name: `B${index + 1}`,
  }));
  await startWorker('flush-1');
  await converged('the snapshot is applied', 'emp', wantEmp);
  await converged('the bosses are applied', 'boss', () => Promise.resolve(allBosses));

  await source0.flushdb();
  await source1.flushdb();
  await source0.hset('emp:6', { name: 'E6', salary: '6.00' });
  await converged('after FLUSHDB the sync job keeps only what exists', 'emp', wantEmp);
  t.same(await table(db, 'emp'), [{ emp_id: '6', name: 'E6', salary: '6.00' }]);
  await waitUntil(
    'the reconciliation is reported',
    async () => readCaptureMaintenance(await status()).reconcileDone,
  );
  const flushed = await status();
  t.equal(flushed['databaseEvents'], '2', 'both FLUSHDB are counted');
  t.equal(readCaptureMaintenance(flushed).reconcileDeletes, 5, 'the five flushed emp rows were deleted');
  t.same(await table(db, 'boss'), allBosses, 'the keep job left its rows as they were');

  // SWAPDB 0 2: db 0 now holds what db 2 held; the sync job follows with a snapshot and a reconciliation.
  for (let id = 100; id <= 102; id++) await source2.hset(`emp:${id}`, { name: `S${id}`, salary: '1.00' });
  await source0.swapdb(0, 2);
  await converged('after SWAPDB the sync job shows the swapped-in keys', 'emp', wantEmp);
  t.same(
    (await table(db, 'emp')).map((row) => row['emp_id']),
    ['100', '101', '102'],
  );
  t.equal((await status())['databaseEvents'], '3');
  t.same(await table(db, 'boss'), allBosses, 'db 1 was not swapped: the keep job is untouched');
});

/** The pipeline service over gRPC as the control plane serves it, with Reset's snapshot requests. */
async function startPipelineServer(t: Tap, prefix: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const redis = testRedis(t);
  const keys = ferryKeys(prefix);
  const server = new grpc.Server();
  server.addService(
    loadFerryProto().proto.ferry.v1.PipelineService.service,
    pipelineService({
      authenticator: loadAuthenticator({ env }),
      logger: silentLogger(),
      store: new ConfigStore(redis, keys),
      registry: new ClusterRegistry(redis, keys),
      snapshots: new SnapshotRequests(redis, keys),
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  t.teardown(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

t.test('reset: rows deleted by hand come back, stale rows go, the snapshot id is reported', async (t) => {
  const server = await startRedisServer(t);
  const { cp, db, startWorker, deploy, status, converged } = await setup(t, 'reset', EMP_SCHEMA);
  const address = await startPipelineServer(t, cp.prefix);
  const source0 = server.connect(0);
  for (let id = 1; id <= 10; id++) await source0.hset(`emp:${id}`, { name: `E${id}`, salary: `${id}.00` });
  await deploy(captureConfigYaml(db, [source('app', server)]), {
    emp: job('emp:*', 'emp', 'emp_id', ['name', 'salary']),
  });
  const want = () => expected(source0, 'emp', 'emp_id', ['name', 'salary']);
  await startWorker('reset-1');
  await converged('the snapshot is applied', 'emp', want);
  await waitUntil('the first snapshot is done', async () => (await status())['snapshotDone'] === '1');

  await db.admin.query('DELETE FROM emp WHERE emp_id <= 3');
  await db.admin.query("INSERT INTO emp VALUES (99, 'stale', 9.99)");
  const run = await runFerry(['reset', '--server', address]);
  t.equal(run.code, 0, run.stderr);
  const id = /^Snapshot (\S+) requested\n/.exec(run.stdout)?.[1] ?? '';
  t.match(id, /^[0-9a-z]+-[0-9a-f]{8}$/, 'the snapshot id is printed first');
  t.match(
    run.stdout.split('\n').slice(-2)[0],
    new RegExp(`^Snapshot ${id} done in \\d+s: \\d+ keys? emitted \\(app\\)`),
    'then a summary once done',
  );
  await converged('the target equals the source again', 'emp', want);
  const served = readCaptureMaintenance(await status());
  t.equal(served.snapshotId, id, 'status reports the snapshot id it served');
  t.equal(served.snapshotRequested, id);
  t.equal(served.snapshotReason, 'reset');
  t.equal(served.snapshotKeys, 10);
  t.equal(served.reconcileDeletes, 1, 'the stale row was found');

  const client = new FerryClient({ server: address, token: '' });
  t.teardown(() => client.close());
  await t.rejects(client.reset(['payroll']), {
    code: grpc.status.INVALID_ARGUMENT,
    message: /no job is named "payroll" in the deployed pipeline; its jobs: emp/,
  });
  const noWait = await runFerry(['reset', 'emp', '--no-wait', '--json', '--server', address]);
  t.equal(noWait.code, 0, noWait.stderr);
  const document = JSON.parse(noWait.stdout) as { snapshotId: string };
  t.not(document.snapshotId, id, 'each reset has its own id');
  await waitUntil(
    'the second reset is served',
    async () => (await status())['snapshotId'] === document.snapshotId,
  );

  const empty = await startPipelineServer(t, `${cp.prefix}-nothing`);
  const nothing = await runFerry(['reset', '--server', empty]);
  t.equal(nothing.code, 1);
  t.match(nothing.stderr, /nothing is deployed yet; deploy a pipeline first/);

  const guarded = await startPipelineServer(t, cp.prefix, {
    FERRY_TOKENS: 'watcher:viewer:viewer-token-0123456789,ops:operator:operator-token-0123456789',
  });
  const viewer = await runFerry([
    'reset',
    '--no-wait',
    '--server',
    guarded,
    '--token',
    'viewer-token-0123456789',
  ]);
  t.equal(viewer.code, 1, 'a viewer may not reset');
  t.match(viewer.stderr, /operator/);
  const operator = await runFerry([
    'reset',
    '--no-wait',
    '--server',
    guarded,
    '--token',
    'operator-token-0123456789',
  ]);
  t.equal(operator.code, 0, operator.stderr);
});
