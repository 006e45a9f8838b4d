/**
 * Values converted from Redis strings end to end, read back with SELECT; and a 10 000-row batch.
 */
import t from 'tap';
import type { RowChange } from '../../worker/targets/mysql/index.js';
import { employees, tableBatch, upsert, writeBatch } from '../fixtures/mysql/batches.js';
import { rows, testDatabase, testWriter } from '../fixtures/mysql/database.js';

const READ_BACK =
  'SELECT id, flag, bit1 + 0 AS bit1, bits + 0 AS bits, tiny, big, price, ratio, single, born, seen, stamped, ' +
  'duration, vintage, code, note, body, size, perms, CAST(doc AS CHAR) AS doc, HEX(raw) AS raw FROM typed ORDER BY id';

t.test('values of every type are converted, written and read back', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();

  const result = await writer.applyBatch(
    writeBatch('1-0', [
      tableBatch(
        'typed',
        ['id'],
        [
          upsert('typed:1', {
            id: '1',
            flag: 'Yes',
            bit1: 'on',
            bits: '4095',
            tiny: '255',
            big: '-9223372036854775808',
            price: '1234.5',
            ratio: '1e-3',
            single: '3.5',
            born: '2024-02-29',
            seen: '2024-03-10T12:34:56.789+02:00',
            stamped: '1700000000123',
            duration: '-12:30',
            vintage: '2024',
            code: 'abc',
            note: 'ünïcødé 😀',
            body: 'line one\nline \'two\' \\ "three"',
            size: 'MEDIUM',
            perms: 'write,read',
            doc: '{"a": [1, 2], "b": null}',
            raw: 'héllo',
          }),
          // '' is NULL for types that cannot hold it, a value for text and SET.
          upsert('typed:2', {
            id: '2',
            flag: '',
            bits: '',
            price: '',
            born: '',
            seen: '',
            duration: '',
            vintage: '',
            code: '',
            body: '',
            perms: '',
            doc: '',
            raw: '',
          }),
          upsert('typed:3', {
            id: 3,
            flag: false,
            big: 42,
            price: 0.25,
            ratio: -0,
            seen: 0,
            vintage: 0,
            doc: 'null',
          }),
          upsert('typed:4', { id: '4', price: '1.234' }),
          upsert('typed:5', { id: '5', tiny: '256' }),
          upsert('typed:6', { id: '6', doc: '{bad' }),
          upsert('typed:7', { id: '7', born: '2024-02-30' }),
          upsert('typed:8', { id: '8', size: 'huge' }),
          upsert('typed:9', { id: '9', born: '2024-01-01T10:00:00Z' }),
          upsert('typed:10', { id: '10', flag: 'maybe' }),
        ],
      ),
    ]),
  );
  t.equal(result.inserted, 3);
  t.same(
    result.rejected.map((row) => [row.key, row.errorCode, row.column]),
    [
      ['typed:4', 'CONVERSION', 'price'],
      ['typed:5', 'OUT_OF_RANGE', 'tiny'],
      ['typed:6', 'CONVERSION', 'doc'],
      ['typed:7', 'CONVERSION', 'born'],
      ['typed:8', 'CONVERSION', 'size'],
      ['typed:9', 'CONVERSION', 'born'],
      ['typed:10', 'CONVERSION', 'flag'],
    ],
  );

  const [first, second, third] = await rows(admin, READ_BACK);
  t.same(first, {
    id: 1,
    flag: 1,
    bit1: '1',
    bits: '4095',
    tiny: 255,
    big: '-9223372036854775808',
    price: '1234.50',
    ratio: 0.001,
    single: 3.5,
    born: '2024-02-29',
    seen: '2024-03-10 10:34:56.789',
    stamped: '2023-11-14 22:13:20.123000',
    duration: '-12:30:00',
    vintage: 2024,
    code: 'abc',
    note: 'ünïcødé 😀',
    body: 'line one\nline \'two\' \\ "three"',
    size: 'medium',
    perms: 'read,write',
    doc: '{"a": [1, 2], "b": null}',
    raw: Buffer.from('héllo').toString('hex').toUpperCase(),
  });
  t.same(second, {
    id: 2,
    flag: null,
    bit1: null,
    bits: null,
    tiny: null,
    big: null,
    price: null,
    ratio: null,
    single: null,
    born: null,
    seen: null,
    stamped: null,
    duration: null,
    vintage: null,
    code: '',
    note: null,
    body: '',
    size: null,
    perms: '',
    doc: null,
    raw: '',
  });
  t.match(third, {
    id: 3,
    flag: 0,
    big: '42',
    price: '0.25',
    ratio: 0,
    seen: '1970-01-01 00:00:00.000',
    vintage: 0,
    doc: 'null',
  });
});

t.test('a 10 000-row batch: insert, update, delete', async (t) => {
  const { admin, options } = await testDatabase(t, 'schema.sql');
  await admin.query("INSERT INTO dept VALUES (1, 'R&D')");
  const writer = testWriter(t, options);
  await writer.ensureCheckpointTable();

  const inserted = await writer.applyBatch(
    writeBatch('1-0', [tableBatch('emp', ['emp_id'], employees(10_000))]),
  );
  t.match(inserted, { inserted: 10_000, updated: 0, rejected: [] });

  // Every row changes; five rows point at a missing department and are isolated among 10 000.
  const changes: RowChange[] = employees(10_000).map((change, index) => ({
    ...change,
    values: { ...change.values, age: '40', dept_id: index % 2000 === 1999 ? '7' : '1' },
  }));
  const updated = await writer.applyBatch(writeBatch('2-0', [tableBatch('emp', ['emp_id'], changes)]));
  t.equal(updated.updated, 9_995);
  t.same(
    updated.rejected.map((row) => row.key),
    ['emp:2000', 'emp:4000', 'emp:6000', 'emp:8000', 'emp:10000'],
  );
  t.same(await rows(admin, 'SELECT COUNT(*) AS n, SUM(age) AS ages FROM emp WHERE dept_id = 1'), [
    { n: 9_995, ages: '399800' },
  ]);

  const deletes: RowChange[] = employees(10_000).map((change) => ({ ...change, op: 'delete' }));
  const deleted = await writer.applyBatch(writeBatch('3-0', [tableBatch('emp', ['emp_id'], deletes)]));
  t.match(deleted, { deleted: 10_000, rejected: [] });
  t.same(await rows(admin, 'SELECT COUNT(*) AS n FROM emp'), [{ n: 0 }]);
});
