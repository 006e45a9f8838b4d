/**
 * The apply engine under the operator's controls, in one process against real Redis and MariaDB: Stop and
 * Start, a configuration apply cannot run (it pauses, the change log keeps every change), a new version
 * picked up between batches, the status a batch leaves, and records the target or the transform refuses
 * (dropped with `error_handling: ignore`, dead-lettered with the default `dlq`).
 */
import t from 'tap';
import { changeLogKeys } from '../../common/change-log/change-log-keys.js';
import type { ChangeEvent } from '../../common/change-log/index.js';
import type { BatchSummary } from '../../worker/apply/partition-applier.js';
import { rows } from '../fixtures/mysql/database.js';
import type { TestDatabase } from '../fixtures/mysql/database.js';
import { setupApply, waitUntil } from '../helpers/apply.js';
import type { ApplySetup } from '../helpers/apply.js';

/**
 * How long to let a running worker come round after it was told something (a Stop, a new version): it polls
 * every 200 ms, and an apply loop blocked reading the change log with the old state returns within 1 s (its
 * idle read) plus `duration`. Events appended before that may still be read with the old state.
 */
const WORKER_ROUND_MS = 2000;

const EMP_TABLE = `CREATE TABLE emp (
  emp_id INT PRIMARY KEY,
  first_name VARCHAR(10) NOT NULL,
  country CHAR(2)
)`;

function empJob(options: { connection?: string; mapping?: string } = {}): string {
  return `
source:
  redis:
    key_pattern: "{prefix}:emp:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: ${options.connection ?? 'target'}
      table: emp
      keys: [emp_id]
      mapping: ${options.mapping ?? '[emp_id, first_name, country]'}
`;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function empRows(db: TestDatabase): Promise<Record<string, unknown>[]> {
  return rows(db.admin, 'SELECT emp_id, first_name, country FROM emp ORDER BY emp_id');
}

/** Entries in the change log (not yet acknowledged) and entries read but not acknowledged, all partitions. */
async function backlog(setup: ApplySetup): Promise<{ length: number; pending: number }> {
  const stats = await setup.changeLog.stats();
  return {
    length: stats.reduce((sum, partition) => sum + partition.length, 0),
    pending: stats.reduce((sum, partition) => sum + partition.pending, 0),
  };
}

async function drained(setup: ApplySetup): Promise<boolean> {
  return (await backlog(setup)).length === 0;
}

/** Writes emp hashes (id -> [first_name, country]) and appends one hset event per key. */
async function hsetEmps(setup: ApplySetup, emps: Record<number, [string, string]>): Promise<void> {
  const events: ChangeEvent[] = [];
  for (const [id, [firstName, country]] of Object.entries(emps)) {
    const key = `${setup.prefix}:emp:${id}`;
    await setup.redis.hset(key, { emp_id: id, first_name: firstName, country });
    events.push({ key, command: 'hset', db: 0 });
  }
  await setup.append(events);
}

/** Deploys a new version of the setup's pipeline: its config.yaml (or `config`) and one emp job. */
async function deploy(setup: ApplySetup, job: string, config = setup.configYaml): Promise<number> {
  const response = await setup.cp.client().deploy({
    config: { name: 'config.yaml', content: config },
    jobs: [{ name: 'jobs/emp.yaml', content: job.replaceAll('{prefix}', setup.prefix) }],
  });
  return response.version?.version ?? 0;
}

t.test('Stop pauses apply, the change log keeps the events; Start applies them', async (t) => {
  const setup = await setupApply(t, 'apply-stop', {
    jobs: { emp: empJob() },
    schema: EMP_TABLE,
    partitions: 2,
  });
  const client = setup.cp.client();
  await setup.startWorker();
  await hsetEmps(setup, { 1: ['Ada', 'GB'] });
  await waitUntil('the first event is applied', async () => (await empRows(setup.db)).length === 1);

  t.strictSame(await client.stop(), { state: 'ENGINE_STATE_STOPPED' });
  await delay(WORKER_ROUND_MS);
  await hsetEmps(setup, { 2: ['Grace', 'US'], 3: ['Alan', 'GB'], 4: ['Edsger', 'NL'] });
  await setup.redis.hset(`${setup.prefix}:emp:1`, 'first_name', 'Augusta');
  await setup.append([{ key: `${setup.prefix}:emp:1`, command: 'hset', db: 0 }]);
  await delay(1500);

  t.strictSame(
    await empRows(setup.db),
    [{ emp_id: 1, first_name: 'Ada', country: 'GB' }],
    'nothing is written while stopped',
  );
  t.strictSame(await backlog(setup), { length: 4, pending: 0 }, 'the change log keeps them, unread');
  t.equal((await client.getStatus()).engineState, 'ENGINE_STATE_STOPPED');

  t.strictSame(await client.start(), { state: 'ENGINE_STATE_RUNNING' });
  await waitUntil('the events are applied after Start', () => drained(setup));
  t.strictSame(await empRows(setup.db), [
    { emp_id: 1, first_name: 'Augusta', country: 'GB' },
    { emp_id: 2, first_name: 'Grace', country: 'US' },
    { emp_id: 3, first_name: 'Alan', country: 'GB' },
    { emp_id: 4, first_name: 'Edsger', country: 'NL' },
  ]);
});

t.test(
  'a version writing to PostgreSQL pauses apply; a fixed version applies every pending event',
  async (t) => {
    const setup = await setupApply(t, 'apply-blocked', {
      jobs: { emp: empJob() },
      schema: EMP_TABLE,
      partitions: 2,
    });
    const worker = await setup.startWorker();
    await hsetEmps(setup, { 1: ['Ada', 'GB'] });
    await waitUntil('the first event is applied', async () => (await empRows(setup.db)).length === 1);

    const withPostgres = setup.configYaml.replace(
      'connections:\n',
      'connections:\n  warehouse:\n    type: postgresql\n    host: 127.0.0.1\n    database: dw\n    user: ferry\n',
    );
    t.not(withPostgres, setup.configYaml, 'the PostgreSQL connection is in the new config.yaml');
    t.equal(await deploy(setup, empJob({ connection: 'warehouse' }), withPostgres), 2);
    await waitUntil('the worker has version 2', () => worker.configVersion === 2);
    await delay(WORKER_ROUND_MS);

    await hsetEmps(setup, { 2: ['Grace', 'US'], 3: ['Alan', 'GB'] });
    await setup.redis.del(`${setup.prefix}:emp:1`);
    await setup.append([{ key: `${setup.prefix}:emp:1`, command: 'del', db: 0 }]);
    await delay(3000);
    t.strictSame(await backlog(setup), { length: 3, pending: 0 }, 'nothing is consumed while blocked');
    t.strictSame(
      await empRows(setup.db),
      [{ emp_id: 1, first_name: 'Ada', country: 'GB' }],
      'nothing is written while blocked',
    );

    t.equal(await deploy(setup, empJob()), 3, 'the same job, back to the MariaDB target');
    await waitUntil('the pending events are applied', () => drained(setup));
    t.equal(worker.configVersion, 3);
    t.strictSame(await empRows(setup.db), [
      { emp_id: 2, first_name: 'Grace', country: 'US' },
      { emp_id: 3, first_name: 'Alan', country: 'GB' },
    ]);
  },
);

t.test('a new version is picked up between batches: a column added to the mapping is written', async (t) => {
  const setup = await setupApply(t, 'apply-new-version', {
    jobs: { emp: empJob({ mapping: '[emp_id, first_name]' }) },
    schema: EMP_TABLE,
    partitions: 2,
  });
  const worker = await setup.startWorker();
  await hsetEmps(setup, { 1: ['Ada', 'GB'] });
  await waitUntil('the first event is applied', async () => (await empRows(setup.db)).length === 1);
  t.strictSame(await empRows(setup.db), [{ emp_id: 1, first_name: 'Ada', country: null }], 'not mapped yet');

  t.equal(await deploy(setup, empJob({ mapping: '[emp_id, first_name, country]' })), 2);
  await waitUntil('the worker has version 2', () => worker.configVersion === 2);
  await delay(WORKER_ROUND_MS);

  await hsetEmps(setup, { 2: ['Grace', 'US'] });
  await waitUntil('the second event is applied', async () => (await empRows(setup.db)).length === 2);
  t.strictSame(await empRows(setup.db), [
    { emp_id: 1, first_name: 'Ada', country: null },
    { emp_id: 2, first_name: 'Grace', country: 'US' },
  ]);
  // A row gets the new column when its key changes again.
  await setup.append([{ key: `${setup.prefix}:emp:1`, command: 'hset', db: 0 }]);
  await waitUntil('emp 1 is written again', async () => (await empRows(setup.db))[0]?.['country'] === 'GB');
  await waitUntil('the change log is drained', () => drained(setup));
  t.strictSame(await empRows(setup.db), [
    { emp_id: 1, first_name: 'Ada', country: 'GB' },
    { emp_id: 2, first_name: 'Grace', country: 'US' },
  ]);
});

t.test('status after a batch: the job counters, lastBatch, and the connections reachable', async (t) => {
  const setup = await setupApply(t, 'apply-status', {
    jobs: { emp: empJob() },
    schema: EMP_TABLE,
    partitions: 1,
    extraConfig: 'applier:\n  duration: 500\n',
  });
  const client = setup.cp.client();
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  for (const id of [1, 2, 3]) await setup.redis.hset(key(id), { emp_id: String(id), first_name: `E${id}` });
  // Five events of three keys: coalesced to three rows.
  await setup.append([1, 2, 1, 3, 2].map((id) => ({ key: key(id), command: 'hset', db: 0 })));

  const batches: BatchSummary[] = [];
  const before = Date.now();
  const worker = await setup.startWorker({ onBatch: (summary) => batches.push(summary) });
  await waitUntil('the batch is applied', () => batches.length === 1);
  await waitUntil('both connections are recorded', async () =>
    (await client.getStatus()).connections.every((connection) => connection.reachable),
  );
  const after = Date.now();
  const status = await client.getStatus();

  t.strictSame(
    batches.map(({ partition, entries, keys, redelivered, rowsWritten, rowsSkipped }) => ({
      partition,
      entries,
      keys,
      redelivered,
      rowsWritten,
      rowsSkipped,
    })),
    [{ partition: 0, entries: 5, keys: 3, redelivered: false, rowsWritten: 3, rowsSkipped: 0 }],
  );
  const batch = batches[0] as BatchSummary;
  t.equal(status.engineState, 'ENGINE_STATE_RUNNING');
  t.equal(status.config?.version, 1);
  t.strictSame(
    status.workers.map((info) => info.id),
    [worker.id],
  );
  t.strictSame(
    status.jobs.map((job) => ({ ...job, lastBatch: null })),
    [
      {
        name: 'emp',
        kind: 'JOB_KIND_WRITE_BEHIND',
        processed: 5,
        inserted: 3,
        updated: 0,
        deleted: 0,
        filtered: 0,
        rejected: 0,
        pending: 0,
        lagMs: 0,
        lastBatch: null,
      },
    ],
  );
  const lastBatch = status.jobs[0]?.lastBatch;
  t.strictSame(lastBatch && { ...lastBatch, finishedAt: null }, {
    readMs: Math.round(batch.readMs),
    transformMs: Math.round(batch.transformMs),
    writeMs: Math.round(batch.writeMs),
    ackMs: Math.round(batch.ackMs),
    size: 5,
    finishedAt: null,
  });
  const finishedAt = Number(lastBatch?.finishedAt?.seconds ?? 0) * 1000;
  t.ok(
    finishedAt >= Math.floor(before / 1000) * 1000 && finishedAt <= after,
    'lastBatch.finishedAt is the batch time',
  );
  t.strictSame(
    status.connections.map(({ name, type, reachable, lastError }) => ({ name, type, reachable, lastError })),
    [
      { name: 'target', type: 'mariadb', reachable: true, lastError: '' },
      { name: 'app', type: 'redis', reachable: true, lastError: '' },
    ],
  );

  // A second batch adds to the counters: one update, one delete.
  await setup.redis.hset(key(1), 'first_name', 'Ada');
  await setup.redis.del(key(3));
  await setup.append([
    { key: key(1), command: 'hset', db: 0 },
    { key: key(3), command: 'del', db: 0 },
  ]);
  await waitUntil('the second batch is applied', () => batches.length === 2);
  const second = (await client.getStatus()).jobs[0];
  t.strictSame(
    second && {
      processed: second.processed,
      inserted: second.inserted,
      updated: second.updated,
      deleted: second.deleted,
      rejected: second.rejected,
      size: second.lastBatch?.size,
    },
    { processed: 7, inserted: 3, updated: 1, deleted: 1, rejected: 0, size: 2 },
  );
  t.strictSame(await rows(setup.db.admin, 'SELECT emp_id, first_name FROM emp ORDER BY emp_id'), [
    { emp_id: 1, first_name: 'Ada' },
    { emp_id: 2, first_name: 'E2' },
  ]);
});

t.test('error_handling: ignore: refused records are counted as rejected and not dead-lettered', async (t) => {
  const setup = await setupApply(t, 'apply-ignore', {
    jobs: { emp: empJob() },
    schema: EMP_TABLE,
    partitions: 1,
    extraConfig: 'applier:\n  error_handling: ignore\n  duration: 500\n',
  });
  const client = setup.cp.client();
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  await setup.redis.hset(key(1), { emp_id: '1', first_name: 'Ada', country: 'GB' });
  // first_name is VARCHAR(10): MariaDB refuses the row (data too long).
  await setup.redis.hset(key(2), { emp_id: '2', first_name: 'Bartholomew-Alexander', country: 'FR' });
  await setup.redis.hset(key(3), { emp_id: '3', first_name: 'Cy', country: 'US' });
  // A set, but the job's keys do not read its members: the transform refuses it (UNKEYED_MEMBERS).
  await setup.redis.sadd(key(4), 'a', 'b');
  await setup.append([1, 2, 3, 4].map((id) => ({ key: key(id), command: 'hset', db: 0 })));

  const batches: BatchSummary[] = [];
  await setup.startWorker({ onBatch: (summary) => batches.push(summary) });
  await waitUntil('the batch is applied', () => batches.length === 1);
  await waitUntil('the change log is drained', () => drained(setup));

  t.strictSame(await empRows(setup.db), [
    { emp_id: 1, first_name: 'Ada', country: 'GB' },
    { emp_id: 3, first_name: 'Cy', country: 'US' },
  ]);
  const job = (await client.getStatus()).jobs[0];
  t.strictSame(job && { processed: job.processed, inserted: job.inserted, rejected: job.rejected }, {
    processed: 4,
    inserted: 2,
    rejected: 2,
  });
  t.strictSame(await client.listRejects({ job: 'emp' }), { records: [], nextAfterId: '', total: 0 });
  t.equal(await setup.redis.exists(`${setup.prefix}:dlq:emp`), 0, 'no dead-letter stream at all');
});

t.test('a key of an unsupported type goes to the DLQ; the other keys of the batch are written', async (t) => {
  const setup = await setupApply(t, 'apply-unsupported', {
    jobs: { emp: empJob() },
    schema: EMP_TABLE,
    partitions: 1,
    extraConfig: 'applier:\n  duration: 500\n',
  });
  const client = setup.cp.client();
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  await setup.redis.hset(key(1), { emp_id: '1', first_name: 'Ada', country: 'GB' });
  await setup.redis.rpush(key(2), 'x', 'y');
  await setup.redis.hset(key(3), { emp_id: '3', first_name: 'Cy', country: 'US' });
  await setup.append([
    { key: key(1), command: 'hset', db: 0 },
    { key: key(2), command: 'rpush', db: 0 },
    { key: key(3), command: 'hset', db: 0 },
  ]);
  const entries = await setup.redis.xrange(changeLogKeys(setup.prefix).stream(0), '-', '+');
  t.equal(entries.length, 3);
  const setEntryId = entries[1]?.[0] ?? '';

  const batches: BatchSummary[] = [];
  const startedAt = Date.now();
  await setup.startWorker({ onBatch: (summary) => batches.push(summary) });
  await waitUntil('the batch is applied', () => batches.length === 1);
  await waitUntil('the change log is drained', () => drained(setup));

  t.strictSame(await empRows(setup.db), [
    { emp_id: 1, first_name: 'Ada', country: 'GB' },
    { emp_id: 3, first_name: 'Cy', country: 'US' },
  ]);
  const rejects = await client.listRejects({ job: 'emp' });
  t.equal(rejects.total, 1);
  const [reject] = rejects.records;
  t.strictSame(reject && { ...reject, id: '', rejectedAt: null }, {
    id: '',
    job: 'emp',
    key: key(2),
    valuesJson: '{}',
    error:
      'the key holds a list, which relational.write cannot write; track hashes, strings, JSON, sets or sorted sets',
    errorCode: 'UNSUPPORTED_TYPE',
    rejectedAt: null,
    table: '',
    column: '',
    entryId: setEntryId,
  });
  t.equal(rejects.nextAfterId, '', 'a single page');
  const rejectedAt = Number(reject?.rejectedAt?.seconds ?? 0) * 1000;
  t.ok(rejectedAt >= Math.floor(startedAt / 1000) * 1000 && rejectedAt <= Date.now(), 'rejectedAt is now');
  const job = (await client.getStatus()).jobs[0];
  t.strictSame(job && { processed: job.processed, inserted: job.inserted, rejected: job.rejected }, {
    processed: 3,
    inserted: 2,
    rejected: 1,
  });
});
