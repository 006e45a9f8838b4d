/**
 * The MySQL/MariaDB writer against a real server: upsert counts, deletes, column sets, composite and
 * all-key tables, the checkpoint (skip and fencing), and schema problems reported as TargetSchemaError.
 */
import t from 'tap';
import { FencedError } from '../../worker/targets/mysql/index.js';
import type { RowChange } from '../../worker/targets/mysql/index.js';
import { employees, remove, tableBatch, upsert, writeBatch } from '../fixtures/mysql/batches.js';
import { rows, testDatabase, testWriter } from '../fixtures/mysql/database.js';

t.test('upserts count inserted and updated rows, and write the values', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();

  const first = await writer.applyBatch(writeBatch('1-0', [tableBatch('emp', ['emp_id'], employees(3))]));
  t.same(first, {
    skipped: false,
    skippedRows: 0,
    inserted: 3,
    updated: 0,
    deleted: 0,
    tables: [{ inserted: 3, updated: 0, deleted: 0 }],
    rejected: [],
    writeMs: first.writeMs,
  });
  t.ok(first.writeMs >= 0);

  // emp 2 changes, emp 3 is sent unchanged, emp 4 and 5 are new: unchanged rows count as updated too.
  const second = await writer.applyBatch(
    writeBatch('2-0', [
      tableBatch(
        'emp',
        ['emp_id'],
        [
          upsert('emp:2', { emp_id: '2', first_name: 'Second', last_name: 'Last2', age: '31' }),
          upsert('emp:3', { emp_id: '3', first_name: 'First3', last_name: 'Last3', age: '30' }),
          ...employees(2, 4),
        ],
      ),
    ]),
  );
  t.match(second, { skipped: false, inserted: 2, updated: 2, deleted: 0, rejected: [] });

  // A single-row statement has no info string: its counts come from affectedRows alone.
  const single = await writer.applyBatch(writeBatch('3-0', [tableBatch('emp', ['emp_id'], employees(1, 5))]));
  t.match(single, { inserted: 0, updated: 1 });
  const changed = await writer.applyBatch(
    writeBatch('3-1', [tableBatch('emp', ['emp_id'], [upsert('emp:5', { emp_id: 5, first_name: 'Five' })])]),
  );
  t.match(changed, { inserted: 0, updated: 1 });
  const fresh = await writer.applyBatch(writeBatch('3-2', [tableBatch('emp', ['emp_id'], employees(1, 6))]));
  t.match(fresh, { inserted: 1, updated: 0 });

  t.same(await rows(admin, 'SELECT emp_id, first_name, last_name, age FROM emp ORDER BY emp_id'), [
    { emp_id: 1, first_name: 'First1', last_name: 'Last1', age: 30 },
    { emp_id: 2, first_name: 'Second', last_name: 'Last2', age: 31 },
    { emp_id: 3, first_name: 'First3', last_name: 'Last3', age: 30 },
    { emp_id: 4, first_name: 'First4', last_name: 'Last4', age: 30 },
    { emp_id: 5, first_name: 'Five', last_name: 'Last5', age: 30 },
    { emp_id: 6, first_name: 'First6', last_name: 'Last6', age: 30 },
  ]);
  t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '3-2', leaseEpoch: 1 });
});

t.test('deletes by key, single and composite, and mixed column sets in one table batch', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  await admin.query(
    "INSERT INTO membership VALUES ('acme', 1, 'owner'), ('acme', 2, 'dev'), ('acme', 18446744073709551615, 'bot'), " +
      "('beta', 1, 'dev'), ('beta', 18446744073709551614, 'bot')",
  );

  const result = await writer.applyBatch(
    writeBatch('5-0', [
      tableBatch(
        'membership',
        ['org', 'member_id'],
        [
          remove('m:acme:1', { org: 'acme', member_id: '1', role: 'ignored' }),
          // BIGINT keys beyond 2^53 must match exactly, not as doubles.
          remove('m:beta:max', { org: 'beta', member_id: '18446744073709551614' }),
          remove('m:none', { org: 'none', member_id: '7' }),
          upsert('m:acme:2', { org: 'acme', member_id: '2' }),
          upsert('m:acme:3', { org: 'acme', member_id: '3', role: 'new' }),
          upsert('m:beta:2', { org: 'beta', member_id: '2', role: null }),
        ],
      ),
    ]),
  );
  t.match(result, { inserted: 2, updated: 1, deleted: 2, rejected: [] });
  t.same(await rows(admin, 'SELECT org, member_id, role FROM membership ORDER BY org, member_id'), [
    { org: 'acme', member_id: '2', role: 'dev' },
    { org: 'acme', member_id: '3', role: 'new' },
    { org: 'acme', member_id: '18446744073709551615', role: 'bot' },
    { org: 'beta', member_id: '1', role: 'dev' },
    { org: 'beta', member_id: '2', role: null },
  ]);

  const single = await writer.applyBatch(
    writeBatch('6-0', [
      tableBatch('emp', ['emp_id'], employees(3)),
      tableBatch('emp', ['emp_id'], [remove('emp:1', { emp_id: '1' }), remove('emp:3', { emp_id: 3 })]),
    ]),
  );
  t.match(single, { inserted: 3, deleted: 0 }, 'deletes run before upserts, so nothing was there to delete');
  const deleted = await writer.applyBatch(
    writeBatch('7-0', [
      tableBatch('emp', ['emp_id'], [remove('emp:1', { emp_id: '1' }), remove('emp:3', { emp_id: 3 })]),
    ]),
  );
  t.match(deleted, { deleted: 2 });
  t.same(await rows(admin, 'SELECT emp_id FROM emp'), [{ emp_id: 2 }]);
});

t.test('a table whose every column is a key: upsert is a no-op on existing rows', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const tags = (names: string[]) => names.map((name) => upsert('tags:1', { owner: '1', name }));
  t.match(
    await writer.applyBatch(writeBatch('1-0', [tableBatch('tag', ['owner', 'name'], tags(['a', 'b']))])),
    {
      inserted: 2,
      updated: 0,
    },
  );
  t.match(
    await writer.applyBatch(writeBatch('2-0', [tableBatch('tag', ['owner', 'name'], tags(['b', 'c']))])),
    {
      inserted: 1,
      updated: 1,
    },
  );
  t.same(await rows(admin, 'SELECT name FROM tag ORDER BY name'), [
    { name: 'a' },
    { name: 'b' },
    { name: 'c' },
  ]);
});

t.test('parents are inserted before children and children deleted before parents', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const created = await writer.applyBatch(
    writeBatch('1-0', [
      tableBatch('dept', ['dept_id'], [upsert('dept:1', { dept_id: '1', name: 'R&D' })]),
      tableBatch('emp', ['emp_id'], [upsert('emp:1', { emp_id: '1', first_name: 'Ada', dept_id: '1' })]),
    ]),
  );
  t.match(created, { inserted: 2, rejected: [] });
  const removed = await writer.applyBatch(
    writeBatch('2-0', [
      tableBatch('dept', ['dept_id'], [remove('dept:1', { dept_id: '1' })]),
      tableBatch('emp', ['emp_id'], [remove('emp:1', { emp_id: '1' })]),
    ]),
  );
  t.match(removed, { deleted: 2, rejected: [] });
  t.same(await rows(admin, 'SELECT COUNT(*) AS n FROM emp'), [{ n: 0 }]);
});

t.test('the checkpoint skips batches at or below the stored id', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  t.equal(await writer.readCheckpoint('test', 0), undefined, 'no checkpoint before the first batch');

  const batch = writeBatch('1700000000000-5', [tableBatch('emp', ['emp_id'], employees(2))]);
  t.match(await writer.applyBatch(batch), { skipped: false, inserted: 2 });
  await admin.query('DELETE FROM emp');

  // A replay after a crash between COMMIT and XACK: nothing is written twice.
  const replay = await writer.applyBatch(batch);
  t.same(replay, {
    skipped: true,
    skippedRows: 2,
    inserted: 0,
    updated: 0,
    deleted: 0,
    tables: [{ inserted: 0, updated: 0, deleted: 0 }],
    rejected: [],
    writeMs: replay.writeMs,
  });
  // Older ids, compared as numbers (ms then seq), not as strings.
  t.match(await writer.applyBatch({ ...batch, lastEntryId: '1700000000000-4' }), { skipped: true });
  t.match(await writer.applyBatch({ ...batch, lastEntryId: '999999999999-99' }), { skipped: true });
  t.same(await rows(admin, 'SELECT COUNT(*) AS n FROM emp'), [{ n: 0 }]);

  t.match(await writer.applyBatch({ ...batch, lastEntryId: '1700000000000-10' }), {
    skipped: false,
    inserted: 2,
  });
  t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '1700000000000-10', leaseEpoch: 1 });
  t.equal(await writer.readCheckpoint('test', 1), undefined, 'partitions have their own rows');
  t.equal(await writer.readCheckpoint('other', 0), undefined, 'pipelines have their own rows');

  // Another writer (another worker thread) sees the same checkpoint.
  const other = testWriter(t, options);
  t.match(await other.applyBatch({ ...batch, lastEntryId: '1700000000000-10' }), { skipped: true });
});

t.test('rows at or below the checkpoint are skipped one by one; counts are per table', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const withIds = (changes: RowChange[], ids: string[]): RowChange[] =>
    changes.map((change, index) => ({ ...change, entryId: ids[index] as string }));

  // The first attempt of a read batch committed the rows of entries up to 5-0, then the worker crashed.
  await writer.applyBatch(
    writeBatch('5-0', [tableBatch('emp', ['emp_id'], withIds(employees(2), ['3-0', '5-0']))]),
  );
  await admin.query("UPDATE emp SET first_name = 'changed by hand' WHERE emp_id IN (1, 2)");
  // The retry carries the same rows and more: only the rows past the checkpoint are written.
  const retry = await writer.applyBatch(
    writeBatch('9-0', [
      tableBatch('emp', ['emp_id'], withIds(employees(4), ['3-0', '5-0', '7-0', '9-0'])),
      tableBatch('dept', ['dept_id'], []),
    ]),
  );
  t.same(
    { ...retry, writeMs: 0 },
    {
      skipped: false,
      skippedRows: 2,
      inserted: 2,
      updated: 0,
      deleted: 0,
      tables: [
        { inserted: 2, updated: 0, deleted: 0 },
        { inserted: 0, updated: 0, deleted: 0 },
      ],
      rejected: [],
      writeMs: 0,
    },
  );
  t.same(await rows(admin, 'SELECT emp_id, first_name FROM emp ORDER BY emp_id'), [
    { emp_id: 1, first_name: 'changed by hand' },
    { emp_id: 2, first_name: 'changed by hand' },
    { emp_id: 3, first_name: 'First3' },
    { emp_id: 4, first_name: 'First4' },
  ]);

  const late = writeBatch('10-0', [tableBatch('emp', ['emp_id'], withIds(employees(1), ['11-0']))]);
  await t.rejects(writer.applyBatch(late), {
    name: 'InvalidArgumentError',
    message: /changes\[0\]\.entryId must be at most the batch's lastEntryId 10-0/,
  });
});

t.test('fencing: a batch under an older lease epoch writes nothing', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  await writer.applyBatch(
    writeBatch('10-0', [tableBatch('emp', ['emp_id'], employees(1))], { leaseEpoch: 5 }),
  );

  const stale = writeBatch('11-0', [tableBatch('emp', ['emp_id'], employees(1, 2))], { leaseEpoch: 4 });
  const error = await writer.applyBatch(stale).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.type(error, FencedError);
  t.match(error, {
    name: 'FencedError',
    code: 'FENCED',
    context: { pipeline: 'test', partition: 0, storedEpoch: 5, batchEpoch: 4 },
  });
  t.same(await rows(admin, 'SELECT emp_id FROM emp'), [{ emp_id: 1 }], 'the fenced batch wrote nothing');
  t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '10-0', leaseEpoch: 5 });

  // Fencing wins over skipping: an old worker replaying an applied batch is still told it lost its lease.
  await t.rejects(writer.applyBatch({ ...stale, lastEntryId: '9-0' }), { code: 'FENCED' });
  // Fencing and skipping are decided before the rows are looked at: schema problems do not mask them.
  const broken = tableBatch('emp', ['emp_id'], [upsert('emp:9', { emp_id: '9', no_such_column: 'x' })]);
  await t.rejects(writer.applyBatch({ ...stale, tables: [broken] }), { code: 'FENCED' });
  t.match(await writer.applyBatch({ ...stale, leaseEpoch: 5, lastEntryId: '10-0', tables: [broken] }), {
    skipped: true,
  });
  // The same epoch continues; a newer one takes over and raises the stored epoch.
  t.match(await writer.applyBatch({ ...stale, leaseEpoch: 5 }), { inserted: 1 });
  t.match(await writer.applyBatch({ ...stale, lastEntryId: '12-0', leaseEpoch: 6 }), { updated: 1 });
  t.same(await writer.readCheckpoint('test', 0), { lastEntryId: '12-0', leaseEpoch: 6 });
  await t.rejects(writer.applyBatch({ ...stale, lastEntryId: '13-0', leaseEpoch: 5 }), { code: 'FENCED' });
});

t.test('schema problems are TargetSchemaError, not rejects', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  await writer.ensureCheckpointTable(); // idempotent

  await t.rejects(
    writer.applyBatch(
      writeBatch('1-0', [tableBatch('emp', ['emp_id'], [upsert('emp:1', { emp_id: '1', salary: '10' })])]),
    ),
    {
      name: 'TargetSchemaError',
      code: 'TARGET_SCHEMA',
      message:
        /has no column "salary" \(in the change\); its columns are: emp_id, first_name, last_name, age, dept_id/,
      context: { table: `${options.database}.emp`, column: 'salary' },
    },
  );
  await t.rejects(
    writer.applyBatch(writeBatch('1-0', [tableBatch('nope', ['id'], [upsert('k', { id: '1' })])])),
    {
      code: 'TARGET_SCHEMA',
      message: /table .*\.nope does not exist/,
    },
  );
  await t.rejects(
    writer.applyBatch(
      writeBatch('1-0', [tableBatch('emp', ['first_name'], [upsert('k', { first_name: 'x' })])]),
    ),
    { code: 'TARGET_SCHEMA', message: /no PRIMARY KEY or UNIQUE index on \(first_name\)/ },
  );
  t.same(await rows(admin, 'SELECT COUNT(*) AS n FROM ferry_checkpoints WHERE last_entry_id <> ?', ['0-0']), [
    { n: 0 },
  ]);

  // The catalog is cached, but a column added since is found: the table is read again before failing.
  t.match(await writer.applyBatch(writeBatch('2-0', [tableBatch('emp', ['emp_id'], employees(1))])), {
    inserted: 1,
  });
  await admin.query(
    'ALTER TABLE emp ADD COLUMN nickname VARCHAR(10) NULL, MODIFY last_name VARCHAR(40) NULL',
  );
  const widened = await writer.applyBatch(
    writeBatch('3-0', [
      tableBatch(
        'emp',
        ['emp_id'],
        [upsert('emp:1', { emp_id: '1', first_name: 'A', nickname: 'ace', last_name: 'x'.repeat(30) })],
      ),
    ]),
  );
  t.match(widened, { updated: 1, rejected: [] }, 'new column and widened column are both seen');

  // ferry_checkpoints must exist: a clear schema error otherwise.
  await admin.query('DROP TABLE ferry_checkpoints');
  const fresh = testWriter(t, options);
  await t.rejects(fresh.applyBatch(writeBatch('4-0', [])), {
    code: 'TARGET_SCHEMA',
    message: /ferry_checkpoints/,
  });
});
