// From a key's current value to rows: decoding the value script's answer, the record a value stands for, and
// the transform task (key columns, mapping, deletes, rejects), as the apply loop's piscina thread runs it.
import t from 'tap';
import { decodeValue } from '../../worker/apply/source-reader.js';
import {
  RecordError,
  keyIdentityColumns,
  membersOf,
  recordOf,
  transformRecords,
} from '../../worker/apply/records.js';
import type { ApplyJob, RedisValue, RelationalTarget, SourceRecord } from '../../worker/apply/types.js';

function column(target: string, expression = target): { target: string; expression: string } {
  return { target, expression };
}

function output(overrides: Partial<RelationalTarget> = {}): RelationalTarget {
  return {
    connection: 'target',
    table: { table: 'emp' },
    keys: [column('emp_id')],
    mapping: [],
    ...overrides,
  };
}

function job(overrides: Partial<ApplyJob> = {}): ApplyJob {
  return {
    name: 'emp',
    keyPattern: 'emp:*',
    db: 0,
    source: 'app',
    excludeCommands: [],
    outputs: [output()],
    ...overrides,
  };
}

function record(key: string, value: RedisValue, entryId = '1700000000000-0', jobs = [0]): SourceRecord {
  return { key, db: 0, entryId, jobs, value };
}

t.test('decodeValue: every type the value script answers', (t) => {
  t.strictSame(decodeValue(['none']), { type: 'none' });
  t.strictSame(decodeValue(['hash', ['emp_id', '7', 'name', 'Ada']]), {
    type: 'hash',
    fields: { emp_id: '7', name: 'Ada' },
  });
  t.strictSame(decodeValue(['hash', []]), { type: 'hash', fields: {} });
  t.strictSame(decodeValue(['string', '{"a":1}']), { type: 'string', value: '{"a":1}' });
  t.strictSame(decodeValue(['string', '']), { type: 'string', value: '' });
  t.strictSame(decodeValue(['ReJSON-RL', '{"a":[1,2]}']), { type: 'json', value: '{"a":[1,2]}' });
  t.strictSame(decodeValue(['set', ['b', 'a']]), { type: 'set', members: ['b', 'a'] });
  t.strictSame(decodeValue(['zset', ['a', '1', 'b', '2.5']]), {
    type: 'zset',
    members: [
      ['a', '1'],
      ['b', '2.5'],
    ],
  });
  t.strictSame(decodeValue(['list']), { type: 'other', redisType: 'list' });
  t.strictSame(decodeValue(['stream']), { type: 'other', redisType: 'stream' });
  t.end();
});

t.test('decodeValue: an answer of the wrong shape is UNAVAILABLE, quoting it', (t) => {
  for (const [reply, shown] of [
    [null, 'null'],
    [[], '[]'],
    [[1, 'x'], '[1,"x"]'],
    ['hash', '"hash"'],
  ] as const) {
    t.throws(() => decodeValue(reply), {
      name: 'UnavailableError',
      code: 'UNAVAILABLE',
      message: `unexpected answer from the value script: ${shown}`,
    });
  }
  t.end();
});

t.test('recordOf: the fields a value stands for', (t) => {
  t.equal(recordOf({ type: 'none' }), undefined, 'a missing key has no record');
  t.strictSame(recordOf({ type: 'hash', fields: { a: '1' } }), { a: '1' });
  t.strictSame(recordOf({ type: 'string', value: '{"a":1,"b":{"c":true}}' }), { a: 1, b: { c: true } });
  t.strictSame(recordOf({ type: 'string', value: '  \n{"a":1}' }), { a: 1 }, 'leading whitespace');
  t.strictSame(recordOf({ type: 'string', value: 'hello' }), { value: 'hello' });
  t.strictSame(recordOf({ type: 'string', value: '' }), { value: '' });
  t.strictSame(
    recordOf({ type: 'string', value: '[1,2]' }),
    { value: '[1,2]' },
    'an array is a plain string',
  );
  t.strictSame(recordOf({ type: 'string', value: '42' }), { value: '42' });
  t.strictSame(recordOf({ type: 'string', value: '{not json' }), { value: '{not json' });
  t.strictSame(recordOf({ type: 'json', value: '{"a":[1,2]}' }), { a: [1, 2] });
  for (const value of ['[1,2]', '"text"', '3', 'null']) {
    t.throws(
      () => recordOf({ type: 'json', value }),
      { name: 'RecordError', code: 'NOT_AN_OBJECT', message: 'the JSON document is not an object' },
      `a JSON document ${value}`,
    );
  }
  t.throws(() => recordOf({ type: 'set', members: [] }), RecordError);
  t.throws(() => recordOf({ type: 'set', members: ['a'] }), { code: 'MEMBERS' });
  t.strictSame(membersOf({ type: 'set', members: ['b', 'a'] }), [{ member: 'b' }, { member: 'a' }]);
  t.strictSame(
    membersOf({
      type: 'zset',
      members: [
        ['a', '1'],
        ['b', '2.5'],
        ['c', 'inf'],
      ],
    }),
    [
      { member: 'a', score: 1 },
      { member: 'b', score: 2.5 },
      { member: 'c', score: Number.POSITIVE_INFINITY },
    ],
  );
  t.throws(() => recordOf({ type: 'other', redisType: 'list' }), {
    code: 'UNSUPPORTED_TYPE',
    message:
      'the key holds a list, which relational.write cannot write; track hashes, strings, JSON, sets or sorted sets',
  });
  t.end();
});

t.test('a hash: mapped columns, key from the record, a missing field is NULL', (t) => {
  const result = transformRecords({
    jobs: [
      job({ outputs: [output({ mapping: [column('emp_id'), column('first_name'), column('country')] })] }),
    ],
    records: [record('emp:7', { type: 'hash', fields: { emp_id: '7', first_name: 'Ada', other: 'x' } })],
  });
  t.strictSame(result, {
    rows: [
      {
        job: 0,
        output: 0,
        change: {
          key: 'emp:7',
          op: 'upsert',
          values: { emp_id: '7', first_name: 'Ada', country: null },
          entryId: '1700000000000-0',
        },
      },
    ],
    rejects: [],
    filtered: [0],
  });
  t.end();
});

t.test('a string holding a JSON object: its members, typed; nested values as JSON text', (t) => {
  const value = JSON.stringify({
    emp_id: 7,
    name: 'Ada',
    active: false,
    salary: 1.5,
    manager: null,
    address: { city: 'London', zip: 'N1' },
    tags: ['a', 'b'],
  });
  const result = transformRecords({ jobs: [job()], records: [record('emp:7', { type: 'string', value })] });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => row.change.values),
    [
      {
        emp_id: 7,
        name: 'Ada',
        active: false,
        salary: 1.5,
        manager: null,
        address: '{"city":"London","zip":"N1"}',
        tags: '["a","b"]',
      },
    ],
  );
  t.end();
});

t.test('a plain string is {value}; the key column comes from the key', (t) => {
  const result = transformRecords({
    jobs: [job({ keyPattern: 'greeting:*', outputs: [output({ keys: [column('id')] })] })],
    records: [record('greeting:en', { type: 'string', value: 'hello' })],
  });
  t.strictSame(
    result.rows.map((row) => row.change),
    [{ key: 'greeting:en', op: 'upsert', values: { id: 'en', value: 'hello' }, entryId: '1700000000000-0' }],
  );
  t.end();
});

t.test('a RedisJSON document: its members; one that is not an object is rejected', (t) => {
  const result = transformRecords({
    jobs: [job()],
    records: [
      record('emp:1', { type: 'json', value: '{"emp_id":1,"skills":{"go":3}}' }, '5-0'),
      record('emp:2', { type: 'json', value: '[1,2]' }, '6-0'),
    ],
  });
  t.strictSame(
    result.rows.map((row) => row.change),
    [{ key: 'emp:1', op: 'upsert', values: { emp_id: 1, skills: '{"go":3}' }, entryId: '5-0' }],
  );
  t.strictSame(result.rejects, [
    {
      job: 0,
      key: 'emp:2',
      entryId: '6-0',
      table: '',
      values: {},
      errorCode: 'NOT_AN_OBJECT',
      error: 'the JSON document is not an object',
    },
  ]);
  t.end();
});

t.test('other types are UNSUPPORTED_TYPE rejects, once per job', (t) => {
  const result = transformRecords({
    jobs: [job(), job({ name: 'audit' })],
    records: [
      record('emp:3', { type: 'other', redisType: 'stream' }, '3-0', [0, 1]),
      record('emp:4', { type: 'hash', fields: { emp_id: '4' } }, '4-0'),
    ],
  });
  const error =
    'the key holds a stream, which relational.write cannot write; track hashes, strings, JSON, sets or sorted sets';
  t.strictSame(result.rejects, [
    { job: 0, key: 'emp:3', entryId: '3-0', table: '', values: {}, errorCode: 'UNSUPPORTED_TYPE', error },
    { job: 1, key: 'emp:3', entryId: '3-0', table: '', values: {}, errorCode: 'UNSUPPORTED_TYPE', error },
  ]);
  t.strictSame(
    result.rows.map((row) => row.change),
    [{ key: 'emp:4', op: 'upsert', values: { emp_id: '4' }, entryId: '4-0' }],
    'the other records of the batch still become rows',
  );
  t.strictSame(result.filtered, [0, 0]);
  t.end();
});

t.test("sets and sorted sets: one row per member, the key's rows replaced by a delete-group", (t) => {
  const tags = job({
    name: 'tags',
    keyPattern: 'tags:*',
    outputs: [output({ table: { table: 'user_tags' }, keys: [column('user_id'), column('tag', 'member')] })],
  });
  const scores = job({
    name: 'scores',
    keyPattern: 'board:*',
    outputs: [
      output({
        table: { table: 'board' },
        keys: [column('board'), column('player', 'member')],
        mapping: [column('points', 'score')],
      }),
    ],
  });
  const result = transformRecords({
    jobs: [tags, scores],
    records: [
      record('tags:7', { type: 'set', members: ['red', 'blue'] }, '1-0', [0]),
      record(
        'board:b1',
        {
          type: 'zset',
          members: [
            ['ann', '10'],
            ['bob', '2.5'],
          ],
        },
        '2-0',
        [1],
      ),
      record('tags:8', { type: 'none' }, '3-0', [0]),
    ],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => [row.job, row.change]),
    [
      [
        0,
        {
          key: 'tags:7',
          op: 'delete-group',
          values: { user_id: '7' },
          entryId: '1-0',
          keep: [
            { user_id: '7', tag: 'red' },
            { user_id: '7', tag: 'blue' },
          ],
        },
      ],
      [0, { key: 'tags:7', op: 'upsert', values: { user_id: '7', tag: 'red' }, entryId: '1-0' }],
      [0, { key: 'tags:7', op: 'upsert', values: { user_id: '7', tag: 'blue' }, entryId: '1-0' }],
      [
        1,
        {
          key: 'board:b1',
          op: 'delete-group',
          values: { board: 'b1' },
          entryId: '2-0',
          keep: [
            { board: 'b1', player: 'ann' },
            { board: 'b1', player: 'bob' },
          ],
        },
      ],
      [
        1,
        { key: 'board:b1', op: 'upsert', values: { board: 'b1', player: 'ann', points: 10 }, entryId: '2-0' },
      ],
      [
        1,
        {
          key: 'board:b1',
          op: 'upsert',
          values: { board: 'b1', player: 'bob', points: 2.5 },
          entryId: '2-0',
        },
      ],
      [0, { key: 'tags:8', op: 'delete-group', values: { user_id: '8' }, entryId: '3-0', keep: [] }],
    ],
  );
  t.end();
});

t.test('foreach: child rows per element, the group from the parent, deletes from the key', (t) => {
  const invoices = job({
    name: 'invoices',
    keyPattern: 'invoice:*',
    outputs: [
      output({
        table: { table: 'invoice_line' },
        foreach: { alias: 'line', expression: 'lines[]' },
        keys: [column('line_id', 'line.id')],
        mapping: [column('invoice_id', 'id'), column('qty', 'line.qty')],
      }),
    ],
  });
  const doc = JSON.stringify({
    id: 'I1',
    lines: [
      { id: 1, qty: 2 },
      { id: 2, qty: 5 },
    ],
  });
  const result = transformRecords({
    jobs: [invoices],
    records: [
      record('invoice:I1', { type: 'string', value: doc }, '1-0'),
      record('invoice:I2', { type: 'string', value: JSON.stringify({ id: 'I2', lines: [] }) }, '2-0'),
      record('invoice:I3', { type: 'none' }, '3-0'),
    ],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => row.change),
    [
      {
        key: 'invoice:I1',
        op: 'delete-group',
        values: { invoice_id: 'I1' },
        entryId: '1-0',
        keep: [{ line_id: 1 }, { line_id: 2 }],
      },
      { key: 'invoice:I1', op: 'upsert', values: { line_id: 1, invoice_id: 'I1', qty: 2 }, entryId: '1-0' },
      { key: 'invoice:I1', op: 'upsert', values: { line_id: 2, invoice_id: 'I1', qty: 5 }, entryId: '1-0' },
      { key: 'invoice:I2', op: 'delete-group', values: { invoice_id: 'I2' }, entryId: '2-0', keep: [] },
      { key: 'invoice:I3', op: 'delete-group', values: { invoice_id: 'I3' }, entryId: '3-0', keep: [] },
    ],
  );
  t.end();
});

t.test('opcode_field and load strategies', (t) => {
  const strategyJob = (
    strategy: 'upsert' | 'append' | 'type2',
    opcodeField?: string,
  ): ReturnType<typeof job> =>
    job({
      outputs: [
        output({
          strategy,
          ...(opcodeField ? { opcodeField } : {}),
          ...(strategy === 'type2'
            ? {
                type2: {
                  activeCondition: "is_active = 'Y'",
                  closeOut: [{ column: 'is_active', sql: "'N'" }],
                },
              }
            : {}),
          mapping: [column('name')],
        }),
      ],
    });
  const records = [
    record('emp:1', { type: 'hash', fields: { name: 'Ada', op: 'u' } }, '1-0'),
    record('emp:2', { type: 'hash', fields: { name: 'Bo', op: 'd' } }, '2-0'),
    record('emp:3', { type: 'none' }, '3-0'),
  ];
  const changes = (strategy: 'upsert' | 'append' | 'type2', opcodeField?: string): unknown[] =>
    transformRecords({ jobs: [strategyJob(strategy, opcodeField)], records }).rows.map((row) => [
      row.change.op,
      row.change.values,
    ]);
  t.strictSame(changes('upsert', 'op'), [
    ['upsert', { emp_id: '1', name: 'Ada' }],
    ['delete', { emp_id: '2' }],
    ['delete', { emp_id: '3' }],
  ]);
  t.strictSame(
    changes('append', 'op'),
    [
      ['upsert', { emp_id: '1', name: 'Ada' }],
      ['upsert', { emp_id: '2', name: 'Bo' }],
      ['upsert', { emp_id: '3', op: 'd' }],
    ],
    'APPEND appends every record, and a deleted key as its keys with d',
  );
  const appendOnly = transformRecords({ jobs: [strategyJob('append')], records });
  t.strictSame(
    appendOnly.rows.map((row) => row.change.values),
    [
      { emp_id: '1', name: 'Ada' },
      { emp_id: '2', name: 'Bo' },
    ],
  );
  t.strictSame(appendOnly.filtered, [1], 'APPEND without opcode_field: a deleted key appends nothing');
  t.strictSame(changes('type2'), [
    ['upsert', { emp_id: '1', name: 'Ada', is_active: 'Y' }],
    ['upsert', { emp_id: '2', name: 'Bo', is_active: 'Y' }],
    ['delete', { emp_id: '3' }],
  ]);
  t.end();
});

t.test('a missing key is a delete whose key columns are the key parts matched by *', (t) => {
  const lines = job({
    name: 'lines',
    keyPattern: 'order:*:line:*',
    outputs: [
      output({
        table: { schema: 'app', table: 'order_line' },
        keys: [column('order_id'), column('line_no')],
        mapping: [column('order_id'), column('line_no'), column('qty')],
      }),
    ],
  });
  const result = transformRecords({
    jobs: [lines],
    records: [record('order:7:line:3', { type: 'none' }, '9-1')],
  });
  t.strictSame(result, {
    rows: [
      {
        job: 0,
        output: 0,
        change: {
          key: 'order:7:line:3',
          op: 'delete',
          values: { order_id: '7', line_no: '3' },
          entryId: '9-1',
        },
      },
    ],
    rejects: [],
    filtered: [0],
  });
  t.end();
});

t.test('a key column missing (or empty) in the record is taken from the key', (t) => {
  const result = transformRecords({
    jobs: [job({ outputs: [output({ mapping: [column('emp_id'), column('name')] })] })],
    records: [
      record('emp:7', { type: 'hash', fields: { name: 'Ada' } }, '1-0'),
      record('emp:8', { type: 'hash', fields: { emp_id: '', name: 'Grace' } }, '2-0'),
      record('emp:9', { type: 'string', value: '{"emp_id":null,"name":"Edsger"}' }, '3-0'),
      // A value in the record wins over the key.
      record('emp:10', { type: 'hash', fields: { emp_id: '1010', name: 'Barbara' } }, '4-0'),
    ],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => row.change.values),
    [
      { emp_id: '7', name: 'Ada' },
      { emp_id: '8', name: 'Grace' },
      { emp_id: '9', name: 'Edsger' },
      { emp_id: '1010', name: 'Barbara' },
    ],
  );
  t.end();
});

t.test('a key column the pattern cannot give is a MISSING_KEY reject saying why', (t) => {
  const twoKeys = output({
    table: { schema: 'app', table: 'emp' },
    keys: [column('dept'), column('emp_id')],
    mapping: [column('name')],
  });
  const result = transformRecords({
    jobs: [
      job({ keyPattern: 'emp:*', outputs: [twoKeys] }),
      job({ name: 'none', keyPattern: 'emp:7', outputs: [output()] }),
    ],
    records: [
      record('emp:7', { type: 'none' }, '1-0', [0, 1]),
      record('emp:7', { type: 'hash', fields: { dept: 'R&D', name: 'Ada' } }, '2-0', [0]),
    ],
  });
  t.strictSame(result.rows, []);
  t.strictSame(result.rejects, [
    {
      job: 0,
      key: 'emp:7',
      entryId: '1-0',
      table: 'app.emp',
      values: {},
      errorCode: 'MISSING_KEY',
      error:
        'key column dept has no value: the key was deleted and key_pattern "emp:*" has 1 "*" for 2 key ' +
        'column(s), so the key cannot give it; use one "*" per key column',
    },
    {
      job: 1,
      key: 'emp:7',
      entryId: '1-0',
      table: 'emp',
      values: {},
      errorCode: 'MISSING_KEY',
      error:
        'key column emp_id has no value: the key was deleted and key_pattern "emp:7" has 0 "*" for 1 key ' +
        'column(s), so the key cannot give it; use one "*" per key column',
    },
    {
      job: 0,
      key: 'emp:7',
      entryId: '2-0',
      table: 'app.emp',
      values: { dept: 'R&D' },
      errorCode: 'MISSING_KEY',
      error:
        'key column emp_id has no value: the record has no field for it and key_pattern "emp:*" has 1 "*" ' +
        'for 2 key column(s), so the key cannot give it; use one "*" per key column',
    },
  ]);
  t.end();
});

t.test('consecutive stars count as one * for the key columns', (t) => {
  const result = transformRecords({
    jobs: [job({ keyPattern: 'emp:**' })],
    records: [record('emp:a:b', { type: 'none' })],
  });
  t.strictSame(
    result.rows.map((row) => row.change.values),
    [{ emp_id: 'a:b' }],
  );
  t.end();
});

t.test('an empty mapping writes every field under its own name, whatever the name', (t) => {
  const result = transformRecords({
    jobs: [job()],
    records: [
      record('emp:7', {
        type: 'hash',
        fields: { first_name: 'Ada', 'e-mail': 'ada@example.com', 'user.name': 'ada', '1st': 'yes' },
      }),
    ],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => row.change.values),
    [{ emp_id: '7', first_name: 'Ada', 'e-mail': 'ada@example.com', 'user.name': 'ada', '1st': 'yes' }],
  );
  t.end();
});

t.test('mapping expressions: renames, dotted paths, JMESPath; a failing one is an EXPRESSION reject', (t) => {
  const mapping = [
    column('emp_id', 'id'),
    column('city', 'address.city'),
    column('street', 'address.street.name'),
    column('first', 'name.first'),
    column('full_name', "join(' ', [name.first, name.last])"),
    column('skills', 'length(skills)'),
    column('first_skill', 'skills[0]'),
    column('nothing', 'missing'),
  ];
  const value = JSON.stringify({
    id: 3,
    name: { first: 'Ada', last: 'Lovelace' },
    address: { city: 'London', street: 'not an object' },
    skills: ['math', 'poetry'],
  });
  const result = transformRecords({
    jobs: [job({ outputs: [output({ keys: [column('emp_id', 'id')], mapping })] })],
    records: [record('emp:3', { type: 'string', value })],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(
    result.rows.map((row) => row.change.values),
    [
      {
        emp_id: 3,
        city: 'London',
        street: null,
        first: 'Ada',
        full_name: 'Ada Lovelace',
        skills: 2,
        first_skill: 'math',
        nothing: null,
      },
    ],
  );

  const failing = transformRecords({
    jobs: [job({ outputs: [output({ mapping: [column('emp_id'), column('n', 'abs(name)')] })] })],
    records: [record('emp:4', { type: 'hash', fields: { emp_id: '4', name: 'x' } }, '8-0')],
  });
  t.strictSame(failing.rows, []);
  t.strictSame(failing.rejects, [
    {
      job: 0,
      key: 'emp:4',
      entryId: '8-0',
      table: 'emp',
      values: { emp_id: '4' },
      errorCode: 'EXPRESSION',
      error:
        'an expression failed: Invalid type: abs() expected argument 1 to be type (number) but received type ' +
        'string instead.',
    },
  ]);
  t.end();
});

t.test('several jobs and outputs per record: one row per output of each job the record routes to', (t) => {
  const emp = job({
    outputs: [
      output({ mapping: [column('emp_id'), column('name')] }),
      output({ table: { table: 'emp_audit' }, keys: [column('emp_id')], mapping: [column('who', 'name')] }),
    ],
  });
  const payroll = job({
    name: 'payroll',
    outputs: [output({ table: { schema: 'pay', table: 'salary' }, mapping: [column('salary')] })],
  });
  const result = transformRecords({
    jobs: [emp, payroll, job({ name: 'unrouted' })],
    records: [
      record('emp:1', { type: 'hash', fields: { emp_id: '1', name: 'Ada', salary: '10' } }, '3-0', [0, 1]),
      record('emp:2', { type: 'none' }, '4-0', [1]),
      record('emp:3', { type: 'hash', fields: { emp_id: '3', name: 'Alan' } }, '5-0', [0]),
    ],
  });
  t.strictSame(result, {
    rows: [
      {
        job: 0,
        output: 0,
        change: { key: 'emp:1', op: 'upsert', values: { emp_id: '1', name: 'Ada' }, entryId: '3-0' },
      },
      {
        job: 0,
        output: 1,
        change: { key: 'emp:1', op: 'upsert', values: { emp_id: '1', who: 'Ada' }, entryId: '3-0' },
      },
      {
        job: 1,
        output: 0,
        change: { key: 'emp:1', op: 'upsert', values: { emp_id: '1', salary: '10' }, entryId: '3-0' },
      },
      { job: 1, output: 0, change: { key: 'emp:2', op: 'delete', values: { emp_id: '2' }, entryId: '4-0' } },
      {
        job: 0,
        output: 0,
        change: { key: 'emp:3', op: 'upsert', values: { emp_id: '3', name: 'Alan' }, entryId: '5-0' },
      },
      {
        job: 0,
        output: 1,
        change: { key: 'emp:3', op: 'upsert', values: { emp_id: '3', who: 'Alan' }, entryId: '5-0' },
      },
    ],
    rejects: [],
    filtered: [0, 0, 0],
  });
  t.end();
});

t.test('a job index the task does not hold is skipped', (t) => {
  const result = transformRecords({
    jobs: [job()],
    records: [record('emp:1', { type: 'hash', fields: { emp_id: '1' } }, '1-0', [5, 0])],
  });
  t.strictSame(
    result.rows.map((row) => row.job),
    [0],
  );
  t.end();
});

t.test('a set under an output whose keys do not read member is rejected, saying how to key it', (t) => {
  const result = transformRecords({
    jobs: [job()],
    records: [record('emp:9', { type: 'zset', members: [['a', '1']] }, '1-0')],
  });
  t.strictSame(result.rows, []);
  t.strictSame(result.rejects, [
    {
      job: 0,
      key: 'emp:9',
      entryId: '1-0',
      table: 'emp',
      values: {},
      errorCode: 'UNKEYED_MEMBERS',
      error:
        'the key holds a sorted set, which writes one row per member, but no key column of the output reads ' +
        '`member`; add one, e.g. keys: [id, {tag: member}]',
    },
  ]);
  t.end();
});

t.test('mapping reads key (the Redis key) and after.<field> without transforms', (t) => {
  const result = transformRecords({
    jobs: [
      job({
        outputs: [
          output({
            mapping: [
              column('source_key', 'key'),
              column('c', 'after.country'),
              column('k2', "join('/', [key, 'x'])"),
            ],
          }),
        ],
      }),
    ],
    records: [record('emp:3', { type: 'hash', fields: { emp_id: '3', country: 'GB' } }, '1-0')],
  });
  t.strictSame(result.rejects, []);
  t.strictSame(result.rows[0]?.change.values, { emp_id: '3', source_key: 'emp:3', c: 'GB', k2: 'emp:3/x' });
  t.end();
});

t.test('keyIdentityColumns: the columns the key gives, for reconciliation', (t) => {
  t.strictSame(
    keyIdentityColumns(output({ keys: [column('a'), column('b')] })),
    ['a', 'b'],
    'one row per key',
  );
  t.strictSame(
    keyIdentityColumns(
      output({ keys: [column('user_id'), column('tag', 'member')], mapping: [column('s', 'score')] }),
    ),
    ['user_id'],
    'set members',
  );
  t.strictSame(
    keyIdentityColumns(
      output({
        foreach: { alias: 'line', expression: 'lines[]' },
        keys: [column('line_id', 'line.id')],
        mapping: [column('invoice_id', 'id'), column('qty', 'line.qty'), column('lineage', 'lineage')],
      }),
    ),
    ['invoice_id', 'lineage'],
    'foreach: columns not reading the alias (lineage is not line)',
  );
  t.end();
});
