/**
 * The target goes away under load: a private MariaDB server is stopped for 20 s and started again on the same
 * port and data directory. Meanwhile status shows the target unreachable with its error, and the worker
 * process's memory stays bounded (it retries its batches; the backlog waits in the change log, not in the
 * worker). After the restart the worker catches up by itself and the target equals Redis exactly.
 */
import t from 'tap';
import type { ConnectionStatus } from '../../clients/generated/ferry/v1/ConnectionStatus.js';
import { NOT_CHECKED_YET } from '../../control-plane/pipeline-status.js';
import { rows } from '../fixtures/mysql/database.js';
import { setupApply, waitUntil } from '../helpers/apply.js';
import {
  EMP_JOB,
  EMP_TABLE,
  compareWithSource,
  sampleRss,
  spawnWorker,
  startLoad,
  startPrivateMariadb,
  waitDrained,
} from './processes.js';

const OUTAGE_MS = 20_000;
const MB = 1024 * 1024;
/**
 * How much the worker's RSS may grow during the outage over its largest size under the same load before
 * (about 200 MB: node, the piscina thread, their heaps). What the worker legitimately holds while it retries
 * does not depend on the outage's length: per partition one batch of at most read_batch_size (2000) entries
 * with their values (a few MB for these ~100-byte hashes, 4 partitions), a few failed connection attempts, and
 * the V8 heaps' slack (new space, fragmentation: tens of MB over two isolates). Measured: +1 to +35 MB. A worker
 * that buffered the backlog (20 s x 1000 writes/s = 20 000 entries and growing) or leaked per retry (about 80
 * failed batches here) would pass 100 MB well before an outage of a few minutes; this bound catches the gross
 * cases in 20 s without flagging GC noise.
 */
const RSS_GROWTH_BOUND = 100 * MB;

t.test('the target is down for 20 s under load: reported, bounded, caught up exactly', async (t) => {
  const started = Date.now();
  const mariadb = await startPrivateMariadb(t);
  const setup = await setupApply(t, 'sys-outage', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE, // on the shared server, unused: the pipeline writes to the private one
    partitions: 4,
    targetOverrides: { host: mariadb.host, port: mariadb.port },
    // Retries at least every second, so that the catch-up after the restart starts at once.
    extraConfig: 'applier:\n  retry_max_delay_ms: 1000\n',
  });
  const database = setup.db.database;
  const admin = await mariadb.connect();
  await admin.query(
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4; USE \`${database}\`; ${EMP_TABLE}`,
  );
  const client = setup.cp.client();
  const target = async (): Promise<ConnectionStatus | undefined> =>
    (await client.getStatus()).connections.find((connection) => connection.name === 'target');

  const load = startLoad(t, setup, { keys: 20_000, ratePerSecond: 1000 });
  t.comment(`load seed ${load.seed}`);
  const worker = spawnWorker(t, setup, 'outage-worker');
  const rss = sampleRss(t, worker.pid, 500);
  await waitUntil(
    'the worker writes to the target',
    async () => (await target())?.reachable === true,
    30_000,
  );
  // Some seconds of steady state under load: the RSS to compare with.
  const steadyFrom = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const [written] = await rows(admin, 'SELECT COUNT(*) AS n FROM emp');
  t.ok(Number(written?.['n']) > 0, `rows are written before the outage (${Number(written?.['n'])})`);
  const rssBefore = rss.maxBetween(steadyFrom, Date.now());

  const outageFrom = Date.now();
  await mariadb.stop();
  await waitUntil(
    'status shows the target unreachable',
    async () => {
      const status = await target();
      return status?.reachable === false && status.lastError !== '';
    },
    15_000,
    200,
  );
  const down = await target();
  t.match(down, { name: 'target', type: 'mariadb', reachable: false }, 'status: the target is unreachable');
  t.ok(
    down?.lastError && down.lastError !== NOT_CHECKED_YET,
    `with the error the worker met: ${down?.lastError}`,
  );
  t.ok(worker.alive(), 'the worker keeps running');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageFrom + OUTAGE_MS - Date.now())));
  t.same((await target())?.reachable, false, 'still unreachable at the end of the outage');
  const backlog = (await setup.changeLog.stats()).reduce((sum, partition) => sum + partition.length, 0);
  t.ok(backlog > 5000, `the change log holds the backlog meanwhile (${backlog} entries)`);
  await mariadb.start();
  const outageTo = Date.now();

  const rssDuring = rss.maxBetween(outageFrom, outageTo);
  t.comment(
    `worker RSS: ${(rssBefore / MB).toFixed(1)} MB under load before, up to ${(rssDuring / MB).toFixed(1)} MB during the outage`,
  );
  t.ok(
    rssDuring > 0 && rssDuring < rssBefore + RSS_GROWTH_BOUND,
    `the worker's RSS stayed below ${((rssBefore + RSS_GROWTH_BOUND) / MB).toFixed(0)} MB during the outage`,
  );

  await waitUntil(
    'status shows the target reachable again',
    async () => (await target())?.reachable === true,
    30_000,
    200,
  );
  t.comment(`reachable again ${Date.now() - outageTo} ms after the restart`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const stats = await load.stop();
  t.comment(`load: ${JSON.stringify(stats)}`);
  await waitDrained(setup, 60_000);
  t.ok(worker.alive(), 'the same worker process caught up');

  const after = await mariadb.connect(database);
  const comparison = await compareWithSource(setup, after);
  t.same(
    { missing: comparison.missing, extra: comparison.extra, different: comparison.different },
    { missing: 0, extra: 0, different: 0 },
    `the target equals Redis (${comparison.sourceKeys} keys, ${comparison.targetRows} rows)${comparison.first.length > 0 ? `:\n${comparison.first.join('\n')}` : ''}`,
  );
  t.same(worker.loggedErrors().slice(0, 5), [], 'the worker logged no error');
  t.comment(`took ${Date.now() - started} ms`);
});
