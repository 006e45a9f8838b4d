/**
 * Reject isolation: bad rows in a batch (refused by the converter or by the server) are returned one by one
 * with their reasons, and every other row of the batch commits with the checkpoint.
 */
import t from 'tap';
import type { RejectedRow, RowChange } from '../../worker/targets/mysql/index.js';
import { employees, tableBatch, upsert, writeBatch } from '../fixtures/mysql/batches.js';
import { rows, testDatabase, testWriter } from '../fixtures/mysql/database.js';

function byKey(rejected: RejectedRow[]): Record<string, Pick<RejectedRow, 'errorCode' | 'error'>> {
  return Object.fromEntries(rejected.map((row) => [row.key, { errorCode: row.errorCode, error: row.error }]));
}

t.test(
  'a batch with 1% bad rows: exactly those are rejected, with reasons, and the rest is written',
  async (t) => {
    const { admin, options, database } = await testDatabase(t, 'schema.sql');
    await admin.query("INSERT INTO dept VALUES (1, 'R&D')");
    const writer = testWriter(t, options);
    await writer.ensureCheckpointTable();

    const changes: RowChange[] = employees(1000).map((change, index) => ({
      ...change,
      values: { ...change.values, dept_id: index % 2 === 0 ? '1' : null },
    }));
    const spoil = (id: number, values: Record<string, string | null>, drop?: string): void => {
      const change = changes[id - 1];
      if (!change) throw new Error(`no employee ${id}`);
      const merged: Record<string, string | number | boolean | null> = { ...change.values, ...values };
      if (drop !== undefined) delete merged[drop];
      changes[id - 1] = { ...change, values: merged };
    };
    // Refused by the server, isolated by bisection:
    spoil(17, { age: '200' }); // CHECK constraint
    spoil(333, { age: '-1' }); // CHECK constraint
    spoil(502, { dept_id: '99' }); // foreign key
    spoil(777, { dept_id: '42' }); // foreign key
    spoil(901, {}, 'first_name'); // NOT NULL column without default left out
    // Refused by the converter, never sent:
    spoil(64, { first_name: 'x'.repeat(21) }); // VARCHAR(20)
    spoil(128, { first_name: null }); // NOT NULL
    spoil(256, { first_name: '' }); // '' is a value for VARCHAR: accepted
    spoil(640, { age: 'forty' }); // not an integer
    spoil(998, { age: '99999999999' }); // beyond INT
    spoil(999, { emp_id: '' }); // key without a value

    const batch = writeBatch('1700000000000-0', [tableBatch('emp', ['emp_id'], changes)]);
    const result = await writer.applyBatch(batch);
    t.equal(result.inserted, 990);
    t.equal(result.updated, 0);
    t.equal(result.rejected.length, 10);
    t.match(byKey(result.rejected), {
      'emp:17': { errorCode: 'CONSTRAINT_VIOLATION', error: /CONSTRAINT `emp_age_range` failed/ },
      'emp:333': { errorCode: 'CONSTRAINT_VIOLATION', error: /emp_age_range/ },
      'emp:502': { errorCode: 'CONSTRAINT_VIOLATION', error: /foreign key constraint fails/ },
      'emp:777': { errorCode: 'CONSTRAINT_VIOLATION', error: /foreign key constraint fails/ },
      'emp:901': { errorCode: 'NOT_NULL', error: /Field 'first_name' doesn't have a default value/ },
      'emp:64': {
        errorCode: 'DATA_TOO_LONG',
        error: 'column first_name VARCHAR(20) cannot take "xxxxxxxxxxxxxxxxxxxxx": 21 characters, at most 20',
      },
      'emp:128': { errorCode: 'NOT_NULL', error: 'column first_name is NOT NULL and got NULL' },
      'emp:640': {
        errorCode: 'CONVERSION',
        error: 'column age INT(11) cannot take "forty": expected an integer',
      },
      'emp:998': { errorCode: 'OUT_OF_RANGE', error: /the range is -2147483648 to 2147483647/ },
      'emp:999': { errorCode: 'NOT_NULL', error: 'key column emp_id has no value' },
    });
    const rejected901 = result.rejected.find((row) => row.key === 'emp:901');
    t.same(rejected901?.table, `${database}.emp`);
    t.notOk(rejected901 && 'first_name' in rejected901.values, 'the record is returned as received');
    t.match(
      result.rejected.find((row) => row.key === 'emp:64'),
      { column: 'first_name', values: { emp_id: '64' } },
    );

    const written = await rows(admin, 'SELECT emp_id, first_name FROM emp ORDER BY emp_id');
    t.equal(written.length, 990);
    const ids = new Set(written.map((row) => row['emp_id']));
    for (const bad of [17, 333, 502, 777, 901, 64, 128, 640, 998, 999])
      t.notOk(ids.has(bad), `emp ${bad} not written`);
    t.same(
      written.find((row) => row['emp_id'] === 256),
      { emp_id: 256, first_name: '' },
    );
    t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '1700000000000-0', leaseEpoch: 1 });
  },
);

t.test('server-side rejects of other kinds, and onReject ignore', async (t) => {
  const { admin, options } = await testDatabase(t);
  // gbk is a character set the converter does not model, so the server itself measures the TINYTEXT.
  await admin.query(
    'CREATE TABLE legacy (id INT PRIMARY KEY, memo TINYTEXT CHARACTER SET gbk NULL);' +
      'CREATE TRIGGER legacy_guard BEFORE INSERT ON legacy FOR EACH ROW ' +
      "IF NEW.id >= 1000 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ids from 1000 are reserved'; END IF",
  );
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const changes = [
    upsert('l:1', { id: '1', memo: 'fine' }),
    upsert('l:2', { id: '2', memo: 'y'.repeat(300) }),
    upsert('l:1000', { id: '1000', memo: 'reserved' }),
    upsert('l:3', { id: '3', memo: null }),
  ];
  for (const [entry, onReject] of [
    ['1-0', 'dlq'],
    ['2-0', 'ignore'],
  ] as const) {
    const result = await writer.applyBatch(writeBatch(entry, [tableBatch('legacy', ['id'], changes)]), {
      onReject,
    });
    t.same(byKey(result.rejected), {
      'l:2': { errorCode: 'DATA_TOO_LONG', error: "Data too long for column 'memo' at row 1" },
      'l:1000': { errorCode: 'REJECTED', error: 'ids from 1000 are reserved' },
    });
  }
  t.same(await rows(admin, 'SELECT id, memo FROM legacy ORDER BY id'), [
    { id: 1, memo: 'fine' },
    { id: 3, memo: null },
  ]);
});
