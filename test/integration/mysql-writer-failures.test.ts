/**
 * Failures that are not the records' fault: an unreachable server and a lock held too long are transient
 * (the batch is retried as is, nothing half-written); bad credentials are an access problem.
 */
import { createServer } from 'node:net';
import t from 'tap';
import { createConnection } from 'mysql2/promise';
import { TransientTargetError, toTransferableError } from '../../worker/targets/mysql/index.js';
import { employees, tableBatch, writeBatch } from '../fixtures/mysql/batches.js';
import { TEST_MYSQL, rows, testDatabase, testWriter } from '../fixtures/mysql/database.js';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

t.test('a closed port is a TransientTargetError', async (t) => {
  const port = await closedPort();
  const writer = testWriter(t, { host: '127.0.0.1', port, user: 'root', password: '', database: 'test' });
  const error: unknown = await writer.applyBatch(writeBatch('1-0', [])).catch((caught: unknown) => caught);
  t.type(error, TransientTargetError);
  t.match(error, {
    name: 'TransientTargetError',
    code: 'TARGET_UNAVAILABLE',
    message: /^the MySQL target is unavailable: /,
    context: { driverCode: 'ECONNREFUSED', pipeline: 'test', partition: 0 },
  });
  t.match(toTransferableError(error), { name: 'TransientTargetError', code: 'TARGET_UNAVAILABLE' });
  await t.rejects(writer.ensureCheckpointTable(), { code: 'TARGET_UNAVAILABLE' });
  await t.rejects(writer.readCheckpoint('test', 0), { code: 'TARGET_UNAVAILABLE' });
});

t.test('a wrong password is a TargetAuthError', async (t) => {
  const { options } = await testDatabase(t);
  const writer = testWriter(t, { ...options, password: 'not-the-password' });
  await t.rejects(writer.ensureCheckpointTable(), {
    name: 'TargetAuthError',
    code: 'TARGET_AUTH',
    context: { errno: 1045 },
  });
});

t.test(
  'a lock held by another transaction: transient, nothing half-written, then the retry succeeds',
  async (t) => {
    const { admin, options } = await testDatabase(t, 'schema.sql');
    await admin.query("INSERT INTO emp (emp_id, first_name) VALUES (2, 'Held')");
    const writer = testWriter(t, { ...options, lockWaitTimeoutSeconds: 1 });
    await writer.ensureCheckpointTable();

    const blocker = await createConnection({ ...TEST_MYSQL, database: options.database });
    t.teardown(() => blocker.end());
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT * FROM emp WHERE emp_id = 2 FOR UPDATE');

    // Two tables: the first is written in full before the second waits on the lock.
    const batch = writeBatch('5-0', [
      tableBatch(
        'dept',
        ['dept_id'],
        [{ key: 'dept:1', op: 'upsert', values: { dept_id: '1', name: 'R&D' } }],
      ),
      tableBatch('emp', ['emp_id'], employees(3)),
    ]);
    const error: unknown = await writer.applyBatch(batch).catch((caught: unknown) => caught);
    t.match(error, { name: 'TransientTargetError', code: 'TARGET_UNAVAILABLE', context: { errno: 1205 } });
    await blocker.query('ROLLBACK');

    t.same(
      await rows(admin, 'SELECT COUNT(*) AS n FROM dept'),
      [{ n: 0 }],
      'the first table was rolled back',
    );
    t.same(await rows(admin, 'SELECT emp_id, first_name FROM emp'), [{ emp_id: 2, first_name: 'Held' }]);
    t.equal(await writer.readCheckpoint('test', 0), undefined, 'the checkpoint did not move');

    t.match(
      await writer.applyBatch(batch),
      { inserted: 3, updated: 1 },
      'the same batch applies once the lock is gone',
    );
    t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '5-0', leaseEpoch: 1 });
  },
);

t.test(
  'a connection killed in the middle of a batch: transient, and the next attempt uses a new one',
  async (t) => {
    const { admin, options } = await testDatabase(t, 'schema.sql');
    await admin.query("INSERT INTO emp (emp_id, first_name) VALUES (2, 'Held')");
    const writer = testWriter(t, { ...options, poolSize: 1 });
    await writer.ensureCheckpointTable();
    const blocker = await createConnection({ ...TEST_MYSQL, database: options.database });
    t.teardown(() => blocker.end());
    await blocker.query('START TRANSACTION');
    await blocker.query('SELECT * FROM emp WHERE emp_id = 2 FOR UPDATE');

    const batch = writeBatch('7-0', [tableBatch('emp', ['emp_id'], employees(3))]);
    const pending = writer.applyBatch(batch).catch((caught: unknown) => caught);
    // Wait until the writer is blocked on the lock, then kill its connection.
    let victim: number | undefined;
    for (let attempt = 0; attempt < 100 && victim === undefined; attempt++) {
      const waiting = await rows(
        admin,
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'INSERT INTO%'",
        [options.database],
      );
      victim = waiting[0] === undefined ? undefined : Number(waiting[0]['ID']);
      if (victim === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    t.ok(victim, 'the writer waits on the lock');
    await admin.query(`KILL CONNECTION ${victim ?? 0}`);
    t.match(await pending, { name: 'TransientTargetError', code: 'TARGET_UNAVAILABLE' });
    await blocker.query('ROLLBACK');

    t.same(await rows(admin, 'SELECT emp_id FROM emp'), [{ emp_id: 2 }], 'nothing of the batch was written');
    t.match(await writer.applyBatch(batch), { inserted: 2, updated: 1 });
  },
);

t.test('a closed writer refuses work', async (t) => {
  const { options } = await testDatabase(t);
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  await writer.close();
  await writer.close();
  await t.rejects(writer.applyBatch(writeBatch('1-0', [])), { code: 'TARGET_FAILED', message: /closed/ });
});
