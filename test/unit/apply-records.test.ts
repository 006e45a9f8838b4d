// From a key's current value to rows: decoding the value script's answer, the record a value stands for, and
// the transform task (key columns, mapping, deletes, rejects), as the apply loop's piscina thread runs it.
import t from 'tap';
import { decodeValue } from '../../worker/apply/source-reader.js';
import { RecordError, recordOf, transformRecords } from '../../worker/apply/records.js';
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

const UNSUPPORTED_SET =
  'a set cannot be written by relational.write yet; track hashes, strings or JSON with this job';
const UNSUPPORTED_ZSET =
  'a sorted set cannot be written by relational.write yet; track hashes, strings or JSON with this job';

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
  t.throws(() => recordOf({ type: 'set', members: ['a'] }), {
    code: 'UNSUPPORTED_TYPE',
    message: UNSUPPORTED_SET,
  });
  t.throws(() => recordOf({ type: 'zset', members: [['a', '1']] }), {
    code: 'UNSUPPORTED_TYPE',
    message: UNSUPPORTED_ZSET,
  });
  t.throws(() => recordOf({ type: 'other', redisType: 'list' }), {
    code: 'UNSUPPORTED_TYPE',
    message: 'the key holds a list, which relational.write cannot write; track hashes, strings or JSON',
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

t.test('sets, sorted sets and other types are UNSUPPORTED_TYPE rejects, once per job', (t) => {
  const result = transformRecords({
    jobs: [job(), job({ name: 'audit' })],
    records: [
      record('emp:1', { type: 'set', members: ['a'] }, '1-0', [0, 1]),
      record('emp:2', { type: 'zset', members: [['a', '1']] }, '2-0'),
      record('emp:3', { type: 'other', redisType: 'stream' }, '3-0', [1]),
      record('emp:4', { type: 'hash', fields: { emp_id: '4' } }, '4-0'),
    ],
  });
  const rejectOf = (jobIndex: number, key: string, entryId: string, error: string): object => ({
    job: jobIndex,
    key,
    entryId,
    table: '',
    values: {},
    errorCode: 'UNSUPPORTED_TYPE',
    error,
  });
  t.strictSame(result.rejects, [
    rejectOf(0, 'emp:1', '1-0', UNSUPPORTED_SET),
    rejectOf(1, 'emp:1', '1-0', UNSUPPORTED_SET),
    rejectOf(0, 'emp:2', '2-0', UNSUPPORTED_ZSET),
    rejectOf(
      1,
      'emp:3',
      '3-0',
      'the key holds a stream, which relational.write cannot write; track hashes, strings or JSON',
    ),
  ]);
  t.strictSame(
    result.rows.map((row) => row.change),
    [{ key: 'emp:4', op: 'upsert', values: { emp_id: '4' }, entryId: '4-0' }],
    'the other records of the batch still become rows',
  );
  t.strictSame(result.filtered, [0, 0]);
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
        'an expression failed: TypeError: abs() expected argument 1 to be type number but received type ' +
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
