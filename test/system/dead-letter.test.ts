/**
 * Rejects end to end: 1% of the records break a CHECK constraint of the target table. Exactly those keys land
 * in the job's dead-letter queue, with the error code and the database's message, every other row is written
 * and the status counts the rejects. Once the table is fixed, a replay over gRPC writes them and empties the
 * queue.
 */
import t from 'tap';
import type { ChangeEvent } from '../../common/change-log/index.js';
import { rows } from '../fixtures/mysql/database.js';
import { setupApply } from '../helpers/apply.js';
import { EMP_JOB, compareWithSource, empRecord, waitDrained } from './processes.js';

// The write threads log each batch with rejected rows as a warning; here they are expected.
process.env['FERRY_LOG_LEVEL'] ??= 'error';

const KEYS = 5000;
/** Every hundredth key has a negative salary. */
const isBad = (id: number): boolean => id % 100 === 37;

const EMP_TABLE_WITH_CHECK = `CREATE TABLE emp (
  emp_id INT PRIMARY KEY,
  first_name VARCHAR(40) NOT NULL,
  last_name VARCHAR(40),
  country CHAR(2),
  salary DECIMAL(10,2),
  CONSTRAINT salary_not_negative CHECK (salary >= 0)
)`;

t.test('1% of the records break a constraint: dead-lettered exactly, then replayed once fixed', async (t) => {
  const started = Date.now();
  const setup = await setupApply(t, 'sys-dlq', {
    jobs: { emp: EMP_JOB },
    schema: EMP_TABLE_WITH_CHECK,
    partitions: 4,
  });
  const admin = setup.db.admin;
  const client = setup.cp.client();
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  let seed = 7;
  const next = (): number => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const badKeys = new Set<string>();
  for (let start = 0; start < KEYS; start += 1000) {
    const pipeline = setup.redis.pipeline();
    const events: ChangeEvent[] = [];
    for (let id = start; id < start + 1000; id++) {
      const record = empRecord(id, next);
      if (isBad(id)) {
        record['salary'] = `-${record['salary']}`;
        badKeys.add(key(id));
      }
      pipeline.hset(key(id), record);
      events.push({ key: key(id), command: 'hset', db: 0 });
    }
    await pipeline.exec();
    await setup.append(events);
  }
  await setup.startWorker({ threads: 2 });
  await waitDrained(setup, 60_000);

  const page = await client.listRejects({ job: 'emp', limit: 1000 });
  t.equal(page.total, badKeys.size, `${badKeys.size} records in the dead-letter queue`);
  t.same(new Set(page.records.map((record) => record.key)), badKeys, 'exactly the bad keys');
  const table = `${setup.db.database}.emp`;
  const wrong = page.records.filter(
    (record) =>
      record.job !== 'emp' ||
      record.table !== table ||
      record.errorCode !== 'CONSTRAINT_VIOLATION' ||
      !/CONSTRAINT `salary_not_negative` failed/.test(record.error) ||
      !/^\d+-\d+$/.test(record.entryId) ||
      (JSON.parse(record.valuesJson) as { salary?: unknown }).salary === undefined,
  );
  t.same(wrong, [], "each record has the job, table, code, the database's message, entry id and values");
  t.comment(`e.g. ${JSON.stringify(page.records[0])}`);

  const before = await compareWithSource(setup, admin);
  t.same(
    {
      sourceKeys: before.sourceKeys,
      targetRows: before.targetRows,
      extra: before.extra,
      different: before.different,
    },
    { sourceKeys: KEYS, targetRows: KEYS - badKeys.size, extra: 0, different: 0 },
    'every other record is written, as it is in Redis',
  );
  const [missing] = await rows(
    admin,
    `SELECT COUNT(*) AS n FROM emp WHERE emp_id IN (${[...badKeys].map((k) => k.split(':').at(-1)).join(',')})`,
  );
  t.equal(Number(missing?.['n']), 0, 'no bad record has a row');

  const job = (await client.getStatus()).jobs.find((status) => status.name === 'emp');
  t.match(
    job,
    { processed: KEYS, inserted: KEYS - badKeys.size, updated: 0, deleted: 0, rejected: badKeys.size },
    'the status counts the rejects',
  );

  // Fix the table, then replay: the keys' current values are applied through the change log.
  await admin.query('ALTER TABLE emp DROP CONSTRAINT salary_not_negative');
  const replayed = await client.replayRejects('emp');
  t.same(
    { ...replayed },
    { replayed: badKeys.size, rejectedAgain: 0, pending: 0 },
    'every record replayed, none rejected again',
  );
  const after = await compareWithSource(setup, admin);
  t.same(
    { targetRows: after.targetRows, missing: after.missing, extra: after.extra, different: after.different },
    { targetRows: KEYS, missing: 0, extra: 0, different: 0 },
    `the target equals Redis${after.first.length > 0 ? `:\n${after.first.join('\n')}` : ''}`,
  );
  const empty = await client.listRejects({ job: 'emp', limit: 1000 });
  t.same({ total: empty.total, records: empty.records }, { total: 0, records: [] }, 'the queue is empty');
  const status = (await client.getStatus()).jobs.find((s) => s.name === 'emp');
  t.match(
    status,
    { inserted: KEYS, rejected: badKeys.size },
    'the replayed rows count as inserts; the rejects stay counted',
  );
  t.comment(`took ${Date.now() - started} ms`);
});
