/**
 * RedisJSON documents end to end, live: runs when FERRY_TEST_REDISJSON_MODULE names the module's shared library
 * (RedisJSON is not packaged for this project's machines; like the Oracle live test, it runs where the module
 * is available). A private redis-server loads it; JSON.SET, JSON.NUMINCRBY, JSON.ARRAPPEND and JSON.DEL from a
 * plain client become rows, updates and deletes in MariaDB. Without the module, capture reports
 * `redisJson: not loaded` in its status (test/integration/capture.test.ts checks that).
 */
import t from 'tap';
import { rows, testDatabase } from '../fixtures/mysql/database.js';
import { FAST_LEASES, waitUntil } from '../helpers/apply.js';
import { captureConfigYaml, captureWorkers } from '../helpers/capture.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { startRedisServer } from '../helpers/redis-server.js';

const MODULE = process.env['FERRY_TEST_REDISJSON_MODULE'];

const DOC_JOB = `
source:
  redis:
    key_pattern: "doc:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: doc
      keys: [doc_id]
      mapping: [title, views, tags]
`;

if (!MODULE) {
  t.plan(0, 'FERRY_TEST_REDISJSON_MODULE is not set: no RedisJSON module to load');
} else {
  t.test('RedisJSON documents: JSON.SET, NUMINCRBY, ARRAPPEND and DEL become rows', async (t) => {
    const source = await startRedisServer(t, { args: ['--loadmodule', MODULE] });
    const cp = await startTestControlPlane(t, 'redisjson', { assignment: FAST_LEASES });
    const db = await testDatabase(t);
    await db.admin.query(
      'CREATE TABLE doc (doc_id INT PRIMARY KEY, title VARCHAR(40), views INT, tags TEXT)',
    );
    const redis = source.connect(0);
    await redis.call('JSON.SET', 'doc:1', '$', JSON.stringify({ title: 'one', views: 1, tags: ['a'] }));
    const configYaml = captureConfigYaml(db, [{ name: 'app', host: source.host, port: source.port }]);
    await cp.client().deploy({
      config: { name: 'config.yaml', content: configYaml },
      jobs: [{ name: 'jobs/doc.yaml', content: DOC_JOB }],
    });
    await captureWorkers(t, cp.prefix)('json-1');
    const table = (): Promise<Record<string, unknown>[]> =>
      rows(db.admin, 'SELECT * FROM doc ORDER BY doc_id');
    await waitUntil('the snapshot writes doc 1', async () => (await table()).length === 1);

    await redis.call('JSON.SET', 'doc:2', '$', JSON.stringify({ title: 'two', views: 5, tags: [] }));
    await redis.call('JSON.NUMINCRBY', 'doc:1', '$.views', 41);
    await redis.call('JSON.ARRAPPEND', 'doc:2', '$.tags', '"x"');
    await waitUntil(
      'updates arrive',
      async () =>
        JSON.stringify(await table()) ===
        JSON.stringify([
          { doc_id: 1, title: 'one', views: 42, tags: '["a"]' },
          { doc_id: 2, title: 'two', views: 5, tags: '["x"]' },
        ]),
    );
    await redis.call('JSON.DEL', 'doc:1', '$');
    await waitUntil('the delete arrives', async () => (await table()).length === 1);
    t.strictSame(await table(), [{ doc_id: 2, title: 'two', views: 5, tags: '["x"]' }]);
    const [capture] = (await cp.client().getStatus()).captures;
    t.match(capture?.redisJson, /^loaded /);
  });
}
