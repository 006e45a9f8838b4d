/**
 * The apply engine end to end, in one process: a control plane assigns partitions, a worker applies change
 * events from the change log to a real MariaDB table, reading the keys' current values from a real Redis.
 */
import t from 'tap';
import { readJobStatuses } from '../../common/status/index.js';
import type { BatchSummary } from '../../worker/apply/partition-applier.js';
import { rows } from '../fixtures/mysql/database.js';
import type { TestDatabase } from '../fixtures/mysql/database.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { setupApply, waitUntil } from '../helpers/apply.js';

const EMP_JOB = `
source:
  redis:
    key_pattern: "{prefix}:emp:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: emp
      keys: [emp_id]
      mapping: [emp_id, first_name, last_name, country, salary]
`;

const EMP_TABLE = `CREATE TABLE emp (
  emp_id INT PRIMARY KEY,
  first_name VARCHAR(40) NOT NULL,
  last_name VARCHAR(40),
  country CHAR(2),
  salary DECIMAL(10,2)
)`;

async function count(db: TestDatabase, table: string): Promise<number> {
  const [result] = await rows(db.admin, `SELECT COUNT(*) AS n FROM ${table}`);
  return Number(result?.['n']);
}

t.test('100 000 keys: inserts, updates and deletes arrive exactly, row by row', async (t) => {
  const setup = await setupApply(t, 'apply-100k', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE,
    partitions: 8,
  });
  const N = 100_000;
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  const expected = new Map<
    number,
    { first_name: string; last_name: string; country: string; salary: string }
  >();

  // Inserts of every key, then updates of every third and deletes of every seventh, as an app would.
  for (let start = 0; start < N; start += 5000) {
    const pipeline = setup.redis.pipeline();
    const events = [];
    for (let id = start; id < start + 5000; id++) {
      const row = {
        first_name: `F${id}`,
        last_name: `L${id}`,
        country: id % 2 ? 'FR' : 'DE',
        salary: `${id}.50`,
      };
      pipeline.hset(key(id), { emp_id: String(id), ...row });
      expected.set(id, row);
      events.push({ key: key(id), command: 'hset', db: 0 });
    }
    await pipeline.exec();
    await setup.append(events);
  }
  const worker = await setup.startWorker({ threads: 2 });
  const applied = async (): Promise<boolean> =>
    (await setup.changeLog.stats()).every((partition) => partition.length === 0);
  await waitUntil('the inserts are applied', applied, 90_000, 250);
  t.equal(await count(setup.db, 'emp'), N, 'one row per key');

  const pipeline = setup.redis.pipeline();
  const events = [];
  for (let id = 0; id < N; id++) {
    if (id % 7 === 0) {
      pipeline.del(key(id));
      expected.delete(id);
      events.push({ key: key(id), command: 'del', db: 0 });
    } else if (id % 3 === 0) {
      pipeline.hset(key(id), 'last_name', `Updated${id}`);
      (expected.get(id) as { last_name: string }).last_name = `Updated${id}`;
      events.push({ key: key(id), command: 'hset', db: 0 });
    }
  }
  await pipeline.exec();
  await setup.append(events);

  await waitUntil('the updates and deletes are applied', applied, 90_000, 250);
  t.ok(worker.partitions().length > 0, 'the worker held partitions');
  const actual = await rows(
    setup.db.admin,
    'SELECT emp_id, first_name, last_name, country, salary FROM emp ORDER BY emp_id',
  );
  t.equal(actual.length, expected.size, 'as many rows as keys left in Redis');
  let mismatches = 0;
  for (const row of actual) {
    const want = expected.get(Number(row['emp_id']));
    if (
      !want ||
      want.first_name !== row['first_name'] ||
      want.last_name !== row['last_name'] ||
      want.country !== row['country'] ||
      want.salary !== row['salary']
    ) {
      if (mismatches++ < 5) t.fail(`row ${JSON.stringify(row)} differs from ${JSON.stringify(want)}`);
    }
  }
  t.equal(mismatches, 0, 'every row equals its hash');

  const status = (await readJobStatuses(setup.redis, ferryKeys(setup.prefix), ['emp'])).get('emp');
  const deletes = Math.ceil(N / 7);
  t.same(
    status && { ...status, lastBatch: undefined },
    {
      processed: N + events.length,
      inserted: N,
      updated: events.length - deletes,
      deleted: deletes,
      filtered: 0,
      rejected: 0,
      lastBatch: undefined,
    },
    'every change event was processed once; the counters add up',
  );
});

t.test('coalescing: ten changes of a key in one batch are one read and one write', async (t) => {
  const setup = await setupApply(t, 'apply-coalesce', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE,
    partitions: 1,
    extraConfig: 'applier:\n  duration: 500\n',
  });
  const key = `${setup.prefix}:emp:1`;
  await setup.redis.hset(key, {
    emp_id: '1',
    first_name: 'Ada',
    last_name: 'Lovelace',
    country: 'GB',
    salary: '1',
  });
  const events = Array.from({ length: 10 }, () => ({ key, command: 'hset', db: 0 }));
  await setup.append(events);
  const batches: BatchSummary[] = [];
  await setup.startWorker({ onBatch: (summary) => batches.push(summary) });
  await waitUntil('the batch is applied', () => batches.length > 0);
  t.same(
    batches.map(({ entries, keys, rowsWritten }) => ({ entries, keys, rowsWritten })),
    [{ entries: 10, keys: 1, rowsWritten: 1 }],
  );
  t.same(await rows(setup.db.admin, 'SELECT emp_id, first_name FROM emp'), [
    { emp_id: 1, first_name: 'Ada' },
  ]);
});

t.test('values convert to the column types; JSON strings are records; a key gone is a delete', async (t) => {
  const setup = await setupApply(t, 'apply-types', {
    jobs: {
      item: `
source:
  redis:
    key_pattern: "{prefix}:item:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: item
      keys: [id]
      mapping: [id, price, active, born, tags]
`,
    },
    schema: `CREATE TABLE item (id INT PRIMARY KEY, price DECIMAL(8,2), active BOOLEAN, born DATE, tags JSON)`,
    partitions: 2,
  });
  const k = (id: number): string => `${setup.prefix}:item:${id}`;
  await setup.redis.hset(k(1), {
    id: '1',
    price: '9.99',
    active: 'true',
    born: '2024-02-29',
    tags: '["a","b"]',
  });
  await setup.redis.set(
    k(2),
    JSON.stringify({ id: 2, price: 3, active: false, born: '2020-01-01', tags: { x: 1 } }),
  );
  await setup.append([
    { key: k(1), command: 'hset', db: 0 },
    { key: k(2), command: 'set', db: 0 },
    { key: k(3), command: 'del', db: 0 },
  ]);
  await setup.startWorker();
  await waitUntil('two rows are written', async () => (await count(setup.db, 'item')) === 2);
  t.same(await rows(setup.db.admin, 'SELECT id, price, active, born, tags FROM item ORDER BY id'), [
    { id: 1, price: '9.99', active: 1, born: '2024-02-29', tags: ['a', 'b'] },
    { id: 2, price: '3.00', active: 0, born: '2020-01-01', tags: { x: 1 } },
  ]);
  await setup.redis.del(k(1));
  await setup.append([{ key: k(1), command: 'del', db: 0 }]);
  await waitUntil('the deleted key is deleted', async () => (await count(setup.db, 'item')) === 1);
});
