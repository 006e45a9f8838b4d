/**
 * Capture of the write commands capture.test.ts does not cover, end to end with real processes (a private
 * redis-server as the source, the shared Redis as the state Redis, a control plane, an in-process worker and
 * a throwaway MariaDB database): transactions and scripts writing several keys, Redis Functions (FUNCTION
 * LOAD + FCALL), keys outside the pattern or in another database, keys that expire, and RENAME into and out
 * of the pattern. Every write is made by a plain client on the source; the target must equal the source.
 */
import t from 'tap';
import type { Redis } from 'ioredis';
import { rows, testDatabase } from '../fixtures/mysql/database.js';
import { FAST_LEASES, waitUntil } from '../helpers/apply.js';
import { captureConfigYaml, captureWorkers } from '../helpers/capture.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { startRedisServer } from '../helpers/redis-server.js';

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

/** A library with one function that sets `name` on every key it is given. */
const LIBRARY = `#!lua name=ferrytest
redis.register_function('set_names', function(keys, args)
  for _, key in ipairs(keys) do redis.call('HSET', key, 'name', args[1]) end
  return #keys
end)`;

type Row = { emp_id: string; name: string | null };

async function sourceRows(redis: Redis): Promise<Row[]> {
  const keys = await redis.keys('emp:*');
  const result: Row[] = [];
  for (const key of keys) result.push({ emp_id: key.slice(4), name: await redis.hget(key, 'name') });
  return result.sort((a, b) => Number(a.emp_id) - Number(b.emp_id));
}

t.test('transactions, scripts, functions, other keys, expiry and renames', async (t) => {
  const source = await startRedisServer(t);
  const cp = await startTestControlPlane(t, 'capture-commands', { assignment: FAST_LEASES });
  const db = await testDatabase(t);
  await db.admin.query('CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(40))');
  const source0 = source.connect(0);
  const source1 = source.connect(1);
  await cp.client().deploy({
    config: {
      name: 'config.yaml',
      content: captureConfigYaml(db, [{ name: 'app', host: source.host, port: source.port }]),
    },
    jobs: [{ name: 'jobs/emp.yaml', content: EMP_JOB }],
  });
  await captureWorkers(t, cp.prefix)('capture-commands');

  const target = async (): Promise<Row[]> =>
    (await rows(db.admin, 'SELECT emp_id, name FROM emp ORDER BY emp_id')).map((row) => ({
      emp_id: String(row['emp_id'] as number),
      name: row['name'] as string | null,
    }));
  const converged = async (what: string): Promise<Row[]> => {
    let last: unknown;
    await waitUntil(
      what,
      async () => {
        const [wanted, actual] = [await sourceRows(source0), await target()];
        last = { wanted, actual };
        return JSON.stringify(actual) === JSON.stringify(wanted);
      },
      15_000,
      200,
    ).catch((error: unknown) => {
      t.comment(JSON.stringify(last));
      throw error;
    });
    return target();
  };

  await source0.hset('emp:3', 'name', 'E3');
  await source0.hset('emp:13', 'name', 'E13');
  await source0.hset('emp:51', 'name', 'E51');
  await source0.hset('other:50', 'name', 'E50');
  await converged('capture is streaming');

  // A transaction and a script, each writing several keys (deletes included).
  await source0.multi().hset('emp:1', 'name', 'E1').hset('emp:2', 'name', 'E2').del('emp:3').exec();
  await source0.eval(
    "redis.call('HSET', KEYS[1], 'name', ARGV[1]); redis.call('HSET', KEYS[2], 'name', ARGV[2]); " +
      "redis.call('DEL', KEYS[3]); return 1",
    3,
    'emp:11',
    'emp:12',
    'emp:13',
    'E11',
    'E12',
  );
  // A function, loaded and called.
  await source0.call('FUNCTION', 'LOAD', LIBRARY);
  await source0.call('FCALL', 'set_names', '2', 'emp:20', 'emp:21', 'F');
  // Keys outside the pattern, and the pattern in another database: no rows.
  await source0.hset('other:1', 'name', 'not tracked');
  await source1.hset('emp:30', 'name', 'in db 1');
  // RENAME into the pattern (a row appears) and out of it (the row goes).
  await source0.rename('other:50', 'emp:50');
  await source0.rename('emp:51', 'other:51');
  await source0.hset('emp:40', 'name', 'short-lived');

  const applied = await converged('every write is applied');
  const byId = new Map(applied.map((row) => [row.emp_id, row.name]));
  t.same(
    [byId.get('1'), byId.get('2'), byId.has('3')],
    ['E1', 'E2', false],
    'MULTI/EXEC: two HSET and a DEL',
  );
  t.same([byId.get('11'), byId.get('12'), byId.has('13')], ['E11', 'E12', false], 'EVAL effects');
  t.same([byId.get('20'), byId.get('21')], ['F', 'F'], 'FCALL effects');
  t.notOk(byId.has('30'), 'a key of another db is ignored');
  t.equal(byId.get('50'), 'E50', 'RENAME into the pattern');
  t.notOk(byId.has('51'), 'RENAME out of the pattern deletes the row');

  // A key that expires: its row is there, and goes once the key expired (the master replicates a DEL).
  t.equal(byId.get('40'), 'short-lived');
  await source0.pexpire('emp:40', 300);
  await waitUntil(
    'emp:40 expires on the source',
    async () => (await source0.exists('emp:40')) === 0,
    5000,
    50,
  );
  const expired = await converged('the expired key is deleted in the target');
  t.notOk(
    expired.some((row) => row.emp_id === '40'),
    'PEXPIRE: the row goes once the key expired',
  );
  t.same(
    expired.map((row) => row.emp_id),
    ['1', '2', '11', '12', '20', '21', '50'],
    'the target equals the source',
  );
});
