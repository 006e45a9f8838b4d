// Transform blocks as the apply task runs them: every block and option, in JMESPath and SQL, with the
// record each case must give; what expressions see (`key`, `after.`); and failures naming their block.
import t from 'tap';
import type { TransformBlock } from '../../common/config/job-model.js';
import { TransformError, chainOf, fieldPath, isTrue, setPath } from '../../worker/transform/chain.js';
import type { ApplyTransform, Fields } from '../../worker/transform/chain.js';

type Language = 'jmespath' | 'sql';

function expr(
  expression: string,
  language: Language = 'jmespath',
): { expression: string; language: Language } {
  return { expression, language };
}

function run(blocks: ApplyTransform[], fields: Fields, key = 'emp:1'): { key: string; fields: Fields }[] {
  // JSON round trip: what is compared is what a row would be built from (own enumerable fields).
  return chainOf(blocks)
    .run({ key, fields: structuredClone(fields) })
    .map((record) => ({ key: record.key, fields: JSON.parse(JSON.stringify(record.fields)) as Fields }));
}

const EMP = { fname: 'Ada', lname: 'Lovelace', age: '36', country: 'GB', dept: { name: 'R&D', floor: 3 } };

interface Case {
  name: string;
  blocks: Exclude<TransformBlock, { uses: 'js' }>[];
  input?: Fields;
  key?: string;
  /** The records out (fields only), or the key when `expectKey` is set. */
  expect: Fields[];
  expectKey?: string;
}

const cases: Case[] = [
  {
    name: 'add_field: one field, JMESPath',
    blocks: [
      { uses: 'add_field', fields: [{ field: 'full', expression: expr("join(' ', [fname, lname])") }] },
    ],
    expect: [{ ...EMP, full: 'Ada Lovelace' }],
  },
  {
    name: 'add_field: several fields, SQL, nested target, later fields see earlier ones',
    blocks: [
      {
        uses: 'add_field',
        fields: [
          { field: 'name.full', expression: expr("fname || ' ' || lname", 'sql') },
          { field: 'age_next', expression: expr('age + 1', 'sql') },
          { field: 'older', expression: expr('age_next > 36', 'sql') },
        ],
      },
    ],
    expect: [{ ...EMP, name: { full: 'Ada Lovelace' }, age_next: 37, older: true }],
  },
  {
    name: 'add_field: after. addresses the fields; key is the Redis key',
    blocks: [
      {
        uses: 'add_field',
        fields: [
          { field: 'after.source_key', expression: expr('key') },
          { field: 'c2', expression: expr('after.country') },
        ],
      },
    ],
    expect: [{ ...EMP, source_key: 'emp:1', c2: 'GB' }],
  },
  {
    name: 'add_field: a field named key wins over the Redis key',
    input: { key: 'mine', a: 1 },
    blocks: [{ uses: 'add_field', fields: [{ field: 'k', expression: expr('key') }] }],
    expect: [{ key: 'mine', a: 1, k: 'mine' }],
  },
  {
    name: 'filter: JMESPath true keeps',
    blocks: [{ uses: 'filter', expression: expr("country == 'GB'") }],
    expect: [EMP],
  },
  {
    name: 'filter: JMESPath false drops',
    blocks: [{ uses: 'filter', expression: expr("country == 'FR'") }],
    expect: [],
  },
  {
    name: 'filter: SQL with numeric text',
    blocks: [{ uses: 'filter', expression: expr("age > 20 AND country IN ('GB', 'IE')", 'sql') }],
    expect: [EMP],
  },
  {
    name: 'filter: SQL NULL drops (three-valued logic)',
    blocks: [{ uses: 'filter', expression: expr('missing > 1', 'sql') }],
    expect: [],
  },
  {
    name: 'map: an object expression, JMESPath',
    blocks: [{ uses: 'map', expression: '{id: key, first: fname, floor: dept.floor}', language: 'jmespath' }],
    expect: [{ id: 'emp:1', first: 'Ada', floor: 3 }],
  },
  {
    name: 'map: a mapping of field -> expression, nested, SQL',
    blocks: [
      {
        uses: 'map',
        expression: { name: 'UPPER(fname)', info: { age: 'CAST(age AS INTEGER) * 2', country: 'country' } },
        language: 'sql',
      },
    ],
    expect: [{ name: 'ADA', info: { age: 72, country: 'GB' } }],
  },
  {
    name: 'remove_field: one, nested, after., and a missing one',
    blocks: [{ uses: 'remove_field', fields: ['age', 'dept.floor', 'after.country', 'nope'] }],
    expect: [{ fname: 'Ada', lname: 'Lovelace', dept: { name: 'R&D' } }],
  },
  {
    name: 'rename_field: after. paths (the quickstart), nested, missing source is a no-op',
    blocks: [
      {
        uses: 'rename_field',
        fields: [
          { fromField: 'after.country', toField: 'after.my_country' },
          { fromField: 'dept.name', toField: 'dept_name' },
          { fromField: 'nope', toField: 'still_nope' },
        ],
      },
    ],
    expect: [
      { fname: 'Ada', lname: 'Lovelace', age: '36', dept: { floor: 3 }, my_country: 'GB', dept_name: 'R&D' },
    ],
  },
  {
    name: 'key: sets the key later expressions see',
    blocks: [
      { uses: 'key', expression: expr("concat(['person:', fname])") },
      { uses: 'add_field', fields: [{ field: 'k', expression: expr('key') }] },
    ],
    expectKey: 'person:Ada',
    expect: [{ ...EMP, k: 'person:Ada' }],
  },
  {
    name: 'a chain of five blocks',
    blocks: [
      { uses: 'add_field', fields: [{ field: 'full', expression: expr("fname || ' ' || lname", 'sql') }] },
      { uses: 'filter', expression: expr('age >= 18', 'sql') },
      { uses: 'rename_field', fields: [{ fromField: 'country', toField: 'country_code' }] },
      { uses: 'remove_field', fields: ['dept'] },
      { uses: 'map', expression: { id: 'key', full: 'full', country: 'country_code' }, language: 'jmespath' },
    ],
    expect: [{ id: 'emp:1', full: 'Ada Lovelace', country: 'GB' }],
  },
];

t.test('every block, table-driven', (t) => {
  for (const c of cases) {
    const out = run(c.blocks, c.input ?? EMP, c.key);
    t.strictSame(
      out.map((record) => record.fields),
      c.expect,
      c.name,
    );
    if (c.expectKey !== undefined) t.equal(out[0]?.key, c.expectKey, `${c.name}: key`);
  }
  t.end();
});

t.test('records are not shared between runs, and __proto__ is a plain field', (t) => {
  const blocks: ApplyTransform[] = [
    { uses: 'add_field', fields: [{ field: '__proto__', expression: expr('`{"polluted": true}`') }] },
  ];
  const [record] = run(blocks, { a: 1 });
  t.strictSame(record?.fields, { a: 1, ['__proto__']: { polluted: true } });
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype untouched');
  t.end();
});

t.test('failures name the block and keep the cause', (t) => {
  const failing: [string, ApplyTransform[], RegExp][] = [
    [
      'map must give an object',
      [{ uses: 'map', expression: 'fname', language: 'jmespath' }],
      /^transform\[0\] \(map\): the expression gave the string "Ada"; map must give an object/,
    ],
    [
      'key must be a scalar',
      [{ uses: 'key', expression: expr('dept') }],
      /^transform\[0\] \(key\): the key expression gave an object$/,
    ],
    [
      'a syntax error surfaces on every record (deploy would have refused it)',
      [{ uses: 'filter', expression: expr('age >', 'sql') }],
      /^transform\[0\] \(filter\): /,
    ],
  ];
  for (const [name, blocks, message] of failing) {
    t.throws(() => run(blocks, EMP), { name: 'TransformError', message }, name);
  }
  t.ok(new TransformError('X', 'y') instanceof Error);
  t.end();
});

t.test('isTrue: JMESPath truthiness and SQL truth', (t) => {
  const jmespath: [unknown, boolean][] = [
    [true, true],
    [false, false],
    [null, false],
    ['', false],
    ['x', true],
    [0, true],
    [[], false],
    [[1], true],
    [{}, false],
    [{ a: 1 }, true],
  ];
  for (const [value, expected] of jmespath)
    t.equal(isTrue(value, 'jmespath'), expected, JSON.stringify(value));
  const sql: [unknown, boolean][] = [
    [true, true],
    [false, false],
    [null, false],
    [1, true],
    [0, false],
    [-2.5, true],
    ['1', false],
  ];
  for (const [value, expected] of sql)
    t.equal(isTrue(value, 'sql'), expected, `sql ${JSON.stringify(value)}`);
  t.end();
});

t.test('field paths', (t) => {
  t.strictSame(fieldPath('a'), ['a']);
  t.strictSame(fieldPath('after.a.b'), ['a', 'b']);
  t.strictSame(fieldPath('after'), ['after']);
  const fields: Fields = { a: 'text' };
  setPath(fields, ['a', 'b'], 1);
  t.strictSame(fields, { a: { b: 1 } }, 'a scalar on the way is replaced by an object');
  t.end();
});
