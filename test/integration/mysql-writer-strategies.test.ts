/**
 * The writer's load strategies and child-row groups against a real MariaDB: REPLACE, APPEND and TYPE2
 * tables, and delete-groups that keep a parent's child rows equal to what it has now.
 */
import t from 'tap';
import type { RowChange, TableBatch } from '../../worker/targets/mysql/index.js';
import { upsert, writeBatch } from '../fixtures/mysql/batches.js';
import { rows, testDatabase, testWriter } from '../fixtures/mysql/database.js';

function group(key: string, values: RowChange['values'], keep: RowChange['values'][]): RowChange {
  return { key, op: 'delete-group', values, keep };
}

function remove(key: string, values: RowChange['values']): RowChange {
  return { key, op: 'delete', values };
}

t.test(
  'REPLACE: the row is deleted and inserted again, so unmapped columns get their defaults',
  async (t) => {
    const { admin, options } = await testDatabase(t);
    await admin.query(
      "CREATE TABLE emp (emp_id INT PRIMARY KEY, name VARCHAR(40), note VARCHAR(40) DEFAULT 'none')",
    );
    const writer = testWriter(t, options);
    await writer.ensureCheckpointTable();
    const batch = (changes: RowChange[]): TableBatch => ({
      table: { table: 'emp' },
      keyColumns: ['emp_id'],
      strategy: 'replace',
      changes,
    });
    const first = await writer.applyBatch(
      writeBatch('1-0', [batch([upsert('emp:1', { emp_id: 1, name: 'Ada', note: 'first' })])]),
    );
    t.match(first, { inserted: 1, updated: 0 });
    const second = await writer.applyBatch(
      writeBatch('2-0', [
        batch([upsert('emp:1', { emp_id: 1, name: 'Ada L.' }), upsert('emp:2', { emp_id: 2, name: 'Bo' })]),
      ]),
    );
    t.match(second, { inserted: 1, updated: 1, deleted: 0 });
    t.same(await rows(admin, 'SELECT * FROM emp ORDER BY emp_id'), [
      { emp_id: 1, name: 'Ada L.', note: 'none' },
      { emp_id: 2, name: 'Bo', note: 'none' },
    ]);
    const third = await writer.applyBatch(writeBatch('3-0', [batch([remove('emp:2', { emp_id: 2 })])]));
    t.match(third, { deleted: 1 });
    t.same(await rows(admin, 'SELECT emp_id FROM emp'), [{ emp_id: 1 }]);
  },
);

t.test('APPEND: every change is a new row, keys need no unique index', async (t) => {
  const { admin, options } = await testDatabase(t);
  await admin.query(
    'CREATE TABLE emp_log (seq INT AUTO_INCREMENT PRIMARY KEY, emp_id INT, name VARCHAR(40), op CHAR(1))',
  );
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const batch = (changes: RowChange[]): TableBatch => ({
    table: { table: 'emp_log' },
    keyColumns: ['emp_id'],
    strategy: 'append',
    changes,
  });
  await writer.applyBatch(writeBatch('1-0', [batch([upsert('emp:1', { emp_id: 1, name: 'Ada', op: 'c' })])]));
  const result = await writer.applyBatch(
    writeBatch('2-0', [
      batch([
        upsert('emp:1', { emp_id: 1, name: 'Ada L.', op: 'u' }),
        upsert('emp:1', { emp_id: 1, name: null, op: 'd' }),
      ]),
    ]),
  );
  t.match(result, { inserted: 2, updated: 0, deleted: 0 });
  t.same(await rows(admin, 'SELECT emp_id, name, op FROM emp_log ORDER BY seq'), [
    { emp_id: 1, name: 'Ada', op: 'c' },
    { emp_id: 1, name: 'Ada L.', op: 'u' },
    { emp_id: 1, name: null, op: 'd' },
  ]);
});

t.test(
  'TYPE2: a change closes out the active row and inserts the new version; a delete only closes',
  async (t) => {
    const { admin, options } = await testDatabase(t);
    await admin.query(
      'CREATE TABLE emp_history (version INT AUTO_INCREMENT PRIMARY KEY, emp_id INT NOT NULL, ' +
        "name VARCHAR(40), is_active CHAR(1) NOT NULL DEFAULT 'Y', closed INT NULL)",
    );
    const writer = testWriter(t, options);
    await writer.ensureCheckpointTable();
    const batch = (changes: RowChange[]): TableBatch => ({
      table: { table: 'emp_history' },
      keyColumns: ['emp_id'],
      strategy: 'type2',
      type2: {
        activeCondition: "is_active = 'Y'",
        closeOut: [
          { column: 'is_active', sql: "'N'" },
          { column: 'closed', sql: '1' },
        ],
      },
      changes,
    });
    await writer.applyBatch(
      writeBatch('1-0', [
        batch([
          upsert('emp:1', { emp_id: 1, name: 'Ada', is_active: 'Y' }),
          upsert('emp:2', { emp_id: 2, name: 'Bo', is_active: 'Y' }),
        ]),
      ]),
    );
    const second = await writer.applyBatch(
      writeBatch('2-0', [batch([upsert('emp:1', { emp_id: 1, name: 'Ada L.', is_active: 'Y' })])]),
    );
    t.match(second, { inserted: 1, updated: 0, deleted: 0 });
    const third = await writer.applyBatch(writeBatch('3-0', [batch([remove('emp:2', { emp_id: 2 })])]));
    t.match(third, { deleted: 1 }, 'the close-out of a deleted key counts as a delete');
    t.same(await rows(admin, 'SELECT emp_id, name, is_active, closed FROM emp_history ORDER BY version'), [
      { emp_id: 1, name: 'Ada', is_active: 'N', closed: 1 },
      { emp_id: 2, name: 'Bo', is_active: 'N', closed: 1 },
      { emp_id: 1, name: 'Ada L.', is_active: 'Y', closed: null },
    ]);
  },
);

t.test('delete-groups keep a parent’s child rows equal to what it has now', async (t) => {
  const { admin, options } = await testDatabase(t);
  await admin.query(
    'CREATE TABLE tags (user_id INT NOT NULL, tag VARCHAR(20) NOT NULL, score DOUBLE, PRIMARY KEY (user_id, tag))',
  );
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();
  const batch = (changes: RowChange[]): TableBatch => ({
    table: { table: 'tags' },
    keyColumns: ['user_id', 'tag'],
    changes,
  });
  const members = (user: number, tags: string[]): RowChange[] => [
    group(
      `tags:${user}`,
      { user_id: String(user) },
      tags.map((tag) => ({ user_id: String(user), tag })),
    ),
    ...tags.map((tag, index) => upsert(`tags:${user}`, { user_id: String(user), tag, score: index })),
  ];
  const first = await writer.applyBatch(
    writeBatch('1-0', [batch([...members(1, ['a', 'b', 'c']), ...members(2, ['x'])])]),
  );
  t.match(first, { inserted: 4, deleted: 0 });
  // User 1 drops b and gains d; user 2 is deleted (a group delete keeping nothing).
  const second = await writer.applyBatch(
    writeBatch('2-0', [batch([...members(1, ['a', 'c', 'd']), group('tags:2', { user_id: '2' }, [])])]),
  );
  t.match(second, { inserted: 1, updated: 2, deleted: 2 });
  t.same(await rows(admin, 'SELECT user_id, tag, score FROM tags ORDER BY user_id, tag'), [
    { user_id: 1, tag: 'a', score: 0 },
    { user_id: 1, tag: 'c', score: 1 },
    { user_id: 1, tag: 'd', score: 2 },
  ]);
  // A group's values that do not convert reject the group, and the batch goes on.
  const third = await writer.applyBatch(
    writeBatch('3-0', [batch([group('tags:x', { user_id: 'x' }, []), ...members(3, ['z'])])]),
  );
  t.equal(third.rejected.length, 1);
  t.match(third.rejected[0], { key: 'tags:x', errorCode: 'CONVERSION', column: 'user_id' });
  t.same(await rows(admin, 'SELECT user_id, tag FROM tags WHERE user_id = 3'), [{ user_id: 3, tag: 'z' }]);
});
