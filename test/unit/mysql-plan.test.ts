/** Planning a table batch against its catalog: names, grouping by column set, rejects and schema errors. */
import t from 'tap';
import type { TableCatalog } from '../../worker/targets/mysql/catalog.js';
import { describeColumn } from '../../worker/targets/mysql/column-types.js';
import type { CatalogColumn } from '../../worker/targets/mysql/column-types.js';
import { DecimalLiteral } from '../../worker/targets/mysql/convert.js';
import { estimateBytes, planTable } from '../../worker/targets/mysql/plan.js';
import type { RowChange, TableBatch } from '../../worker/targets/mysql/index.js';

function catalogColumn(
  name: string,
  dataType: string,
  columnType: string,
  extra: Partial<CatalogColumn> = {},
): CatalogColumn {
  return {
    name,
    dataType,
    columnType,
    nullable: true,
    characterMaximumLength: null,
    characterOctetLength: null,
    numericPrecision: null,
    numericScale: null,
    datetimePrecision: null,
    characterSetName: null,
    collationName: null,
    extra: '',
    isJson: false,
    ...extra,
  };
}

/** app.emp (id INT PK, name VARCHAR(10) NOT NULL, salary DECIMAL(8,2), total INT AS (...), shape POINT). */
function empCatalog(uniqueKeys = [{ name: 'PRIMARY', columns: ['id'] }]): TableCatalog {
  const columns = [
    catalogColumn('id', 'int', 'int(11)', { nullable: false }),
    catalogColumn('Name', 'varchar', 'varchar(10)', { nullable: false, characterMaximumLength: 10 }),
    catalogColumn('salary', 'decimal', 'decimal(8,2)', { numericPrecision: 8, numericScale: 2 }),
    catalogColumn('total', 'int', 'int(11)', { extra: 'STORED GENERATED' }),
    catalogColumn('shape', 'point', 'point'),
  ].map(describeColumn);
  return {
    schema: 'app',
    table: 'emp',
    columns,
    byName: new Map(columns.map((column, ordinal) => [column.name.toLowerCase(), { column, ordinal }])),
    uniqueKeys,
  };
}

function batch(changes: RowChange[], keyColumns = ['id']): TableBatch {
  return { table: { table: 'emp' }, keyColumns, changes };
}

t.test('upserts are grouped by column set, in table order, names resolved case-insensitively', (t) => {
  const plan = planTable(
    batch([
      { key: 'emp:1', op: 'upsert', values: { name: 'Ada', ID: '1' } },
      { key: 'emp:2', op: 'upsert', values: { salary: '10.5', id: '2', name: 'Bob' } },
      { key: 'emp:3', op: 'upsert', values: { id: '3', Name: 'Cy' } },
      { key: 'emp:4', op: 'delete', values: { id: '4', name: 'ignored', nonsense: 'ignored too' } },
      {
        key: 'emp:5',
        op: 'upsert',
        values: { id: '5', name: 'Di', salary: undefined } as unknown as RowChange['values'],
      },
    ]),
    empCatalog(),
  );
  t.equal(plan.name, 'app.emp');
  t.same(plan.keyColumns, ['id']);
  t.same(
    plan.upserts.map((group) => ({ columns: group.columns, keys: group.rows.map((row) => row.key) })),
    [
      { columns: ['id', 'Name'], keys: ['emp:1', 'emp:3', 'emp:5'] },
      { columns: ['id', 'Name', 'salary'], keys: ['emp:2'] },
    ],
  );
  t.same(plan.upserts[1]?.rows[0]?.params, [2n, 'Bob', new DecimalLiteral('10.5')]);
  t.same(
    plan.deletes.map((row) => [row.key, row.params]),
    [['emp:4', [4n]]],
  );
  t.same(plan.rejected, []);
  t.end();
});

t.test('conversion failures and missing keys are row rejects', (t) => {
  const plan = planTable(
    batch([
      { key: 'emp:1', op: 'upsert', values: { id: '1', name: 'far too long a name' } },
      { key: 'emp:2', op: 'upsert', values: { id: 'two', name: 'B' } },
      { key: 'emp:3', op: 'upsert', values: { name: 'C' } },
      { key: 'emp:4', op: 'upsert', values: { id: '', name: 'D' } },
      { key: 'emp:5', op: 'delete', values: {} },
      { key: 'emp:6', op: 'delete', values: { id: null } },
      { key: 'emp:7', op: 'upsert', values: { id: '7', name: null } },
      { key: 'emp:8', op: 'upsert', values: { id: '8', name: 'H' } },
    ]),
    empCatalog(),
  );
  t.same(
    plan.rejected.map((row) => [row.key, row.errorCode, row.column, row.error]),
    [
      [
        'emp:1',
        'DATA_TOO_LONG',
        'Name',
        'column Name VARCHAR(10) cannot take "far too long a name": 19 characters, at most 10',
      ],
      ['emp:2', 'CONVERSION', 'id', 'column id INT(11) cannot take "two": expected an integer'],
      ['emp:3', 'NOT_NULL', 'id', 'key column id has no value'],
      ['emp:4', 'NOT_NULL', 'id', 'key column id has no value'],
      ['emp:5', 'NOT_NULL', 'id', 'key column id has no value'],
      ['emp:6', 'NOT_NULL', 'id', 'key column id has no value'],
      ['emp:7', 'NOT_NULL', 'Name', 'column Name is NOT NULL and got NULL'],
    ],
  );
  t.same(plan.rejected[0]?.values, { id: '1', name: 'far too long a name' }, 'values as received');
  t.same(plan.rejected[0]?.table, 'app.emp');
  t.same(
    plan.upserts.flatMap((group) => group.rows.map((row) => row.key)),
    ['emp:8'],
  );
  t.end();
});

t.test('problems of the job or the schema are TargetSchemaError', (t) => {
  const cases: [TableBatch, TableCatalog, RegExp][] = [
    [
      batch([{ key: 'k', op: 'upsert', values: { id: '1', bonus: '3' } }]),
      empCatalog(),
      /^table app\.emp has no column "bonus" \(in the change\); its columns are: id, Name, salary, total, shape$/,
    ],
    [batch([], ['emp_id']), empCatalog(), /has no column "emp_id" \(key column\)/],
    [batch([], ['name']), empCatalog(), /^table app\.emp has no PRIMARY KEY or UNIQUE index on \(Name\)/],
    [batch([], ['id']), empCatalog([]), /no PRIMARY KEY or UNIQUE index on \(id\)/],
    [
      batch([{ key: 'k', op: 'upsert', values: { id: '1', total: '3' } }]),
      empCatalog(),
      /column total of app\.emp is generated/,
    ],
    [
      batch([{ key: 'k', op: 'upsert', values: { id: '1', shape: 'POINT(1 1)' } }]),
      empCatalog(),
      /has type POINT, which the writer cannot write/,
    ],
    [
      batch([{ key: 'k', op: 'upsert', values: { id: '1', name: 'a', NAME: 'b' } }]),
      empCatalog(),
      /names column Name of app\.emp twice/,
    ],
  ];
  for (const [tableBatch, catalog, message] of cases) {
    t.throws(() => planTable(tableBatch, catalog), {
      name: 'TargetSchemaError',
      code: 'TARGET_SCHEMA',
      message,
    });
  }
  t.throws(
    () => planTable(batch([{ key: 'k', op: 'merge' as 'upsert', values: { id: '1' } }]), empCatalog()),
    {
      name: 'InvalidArgumentError',
      message: 'change for key k has op "merge"; expected upsert, delete or delete-group',
    },
  );
  // A unique index within a superset of key columns is enough.
  t.doesNotThrow(() => planTable(batch([], ['id', 'name']), empCatalog()));
  t.end();
});

t.test('row size estimates', (t) => {
  t.equal(
    estimateBytes(['abc', null, 5n, Buffer.from('xy'), new DecimalLiteral('1.5')]),
    6 + 24 + 24 + 7 + 24,
  );
  t.end();
});
