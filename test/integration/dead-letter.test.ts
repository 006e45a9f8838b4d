/**
 * The dead-letter queue against a real Redis: add in order with ids, list by pages, get by id, purge some or
 * all, the dlq_max_messages cap, values that keep their JSON types, bad arguments, and an entry Ferry did not
 * write, which is listed with an error rather than breaking the listing.
 */
import t from 'tap';
import { DeadLetterQueue, MALFORMED_ENTRY } from '../../common/dead-letter/index.js';
import type { DeadLetterRecord, StoredDeadLetter } from '../../common/dead-letter/index.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

type Teardown = Parameters<typeof testRedis>[0];

function openQueue(t: Teardown, name: string) {
  const redis = testRedis(t);
  const keys = ferryKeys(uniquePrefix(name));
  t.teardown(() => deleteKeys(redis, keys.prefix));
  return { redis, keys, queue: new DeadLetterQueue(redis, keys) };
}

function reject(n: number, extra: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    job: 'emp',
    key: `emp:${n}`,
    table: 'app.emp',
    values: { emp_id: String(n), first_name: `Name ${n}` },
    errorCode: 'DATA_TOO_LONG',
    error: `Data too long for column 'first_name' at row ${n}`,
    column: 'first_name',
    entryId: `1700000000000-${n}`,
    rejectedAt: 1_700_000_000_000 + n,
    ...extra,
  };
}

/** What list and get answer for a record added with `id`. */
function stored(record: DeadLetterRecord, id: string): StoredDeadLetter {
  return { ...record, id };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t.test('add, list by pages, get and purge', async (t) => {
  const { redis, keys, queue } = openQueue(t, 'dlq-basics');
  const records = [1, 2, 3, 4, 5].map((n) => reject(n));
  const ids = await queue.add('emp', records, 1000);
  t.equal(ids.length, 5);
  t.ok(
    ids.every((id) => /^\d+-\d+$/.test(id)),
    'stream ids',
  );
  t.equal(queue.streamKey('emp'), `${keys.prefix}:dlq:emp`);
  t.equal(
    await redis.xlen(`${keys.prefix}:dlq:emp`),
    5,
    'one entry per record in keys.deadLetter.stream(job)',
  );
  t.strictSame(await queue.add('emp', [], 1000), [], 'nothing to add: no ids');

  const [id1, id2, id3, id4, id5] = ids as [string, string, string, string, string];
  const page1 = await queue.list('emp', { limit: 2 });
  t.strictSame(page1, {
    records: [stored(reject(1), id1), stored(reject(2), id2)],
    nextAfterId: id2,
    total: 5,
  });
  const page2 = await queue.list('emp', { limit: 2, afterId: page1.nextAfterId });
  t.strictSame(page2, {
    records: [stored(reject(3), id3), stored(reject(4), id4)],
    nextAfterId: id4,
    total: 5,
  });
  const page3 = await queue.list('emp', { limit: 2, afterId: page2.nextAfterId });
  t.strictSame(page3, { records: [stored(reject(5), id5)], nextAfterId: '', total: 5 }, 'the last page');
  t.strictSame(
    await queue.list('emp', { limit: 5 }),
    { records: records.map((record, i) => stored(record, ids[i] ?? '')), nextAfterId: '', total: 5 },
    'exactly limit records left: no next page',
  );
  t.strictSame(
    await queue.list('other', { limit: 10 }),
    { records: [], nextAfterId: '', total: 0 },
    'another job',
  );

  t.strictSame(
    await queue.get('emp', [id4, '1-1', id2, id4]),
    [stored(reject(4), id4), stored(reject(2), id2)],
    'in the order asked; missing and repeated ids skipped',
  );

  t.equal(await queue.purge('emp', [id2, id4, '1-1']), 2, 'purge by ids counts what was deleted');
  t.equal(await queue.purge('emp', []), 0, 'an empty list deletes nothing');
  t.strictSame(
    (await queue.list('emp', { limit: 10 })).records.map((record) => record.id),
    [id1, id3, id5],
  );
  t.equal(await queue.purge('emp'), 3, 'no ids: the whole stream, answering what it held');
  t.equal(await redis.exists(`${keys.prefix}:dlq:emp`), 0);
  t.equal(await queue.purge('emp'), 0, 'purging an empty queue');
});

t.test('the queue holds at most maxMessages records: the oldest go first, exactly', async (t) => {
  const { queue } = openQueue(t, 'dlq-cap');
  const first = await queue.add(
    'emp',
    [1, 2, 3, 4, 5].map((n) => reject(n)),
    3,
  );
  const page = await queue.list('emp', { limit: 10 });
  t.equal(page.total, 3);
  t.strictSame(
    page.records.map((record) => [record.id, record.key]),
    [
      [first[2], 'emp:3'],
      [first[3], 'emp:4'],
      [first[4], 'emp:5'],
    ],
  );
  await queue.add('emp', [reject(6)], 3);
  t.strictSame(
    (await queue.list('emp', { limit: 10 })).records.map((record) => record.key),
    ['emp:4', 'emp:5', 'emp:6'],
  );
  // 200 records under a cap of 150: MAXLEN = trims exactly, where ~ would leave whole nodes behind.
  await queue.add(
    'emp',
    Array.from({ length: 200 }, (_, i) => reject(100 + i)),
    150,
  );
  t.equal((await queue.list('emp', { limit: 1 })).total, 150);
});

t.test('values keep their JSON types; optional fields stay absent', async (t) => {
  const { queue } = openQueue(t, 'dlq-values');
  const values = {
    text: 'O\'Brien "quoted" ü 😀',
    digits: '007',
    empty: '',
    integer: 42,
    negative: -7,
    decimal: 1.25,
    yes: true,
    no: false,
    nothing: null,
  };
  const bare: DeadLetterRecord = {
    job: 'emp',
    key: 'emp:😀',
    table: 'app.emp',
    values,
    errorCode: 'CONSTRAINT_VIOLATION',
    error: "Duplicate entry '7' for key 'PRIMARY'",
    rejectedAt: 0,
  };
  const [id] = await queue.add('emp', [bare], 10);
  const [read] = await queue.get('emp', [id ?? '']);
  t.strictSame(read, { ...bare, id });
  t.strictSame(read?.values, values, 'numbers, booleans and null come back as such, strings stay strings');
  t.notOk(read && 'column' in read, 'no column');
  t.notOk(read && 'entryId' in read, 'no entry id');
});

t.test('an entry Ferry did not write is listed with an error, and the others still are', async (t) => {
  const { redis, keys, queue } = openQueue(t, 'dlq-malformed');
  const stream = keys.deadLetter.stream('emp');
  const [good1] = await queue.add('emp', [reject(1)], 100);
  const junk = await redis.xadd(stream, '1999999999999-0', 'hello', 'world');
  const badJson = await redis.xadd(
    stream,
    '1999999999999-1',
    'key',
    'emp:9',
    'table',
    'app.emp',
    'values',
    '{not json',
    'error_code',
    'X',
    'error',
    'x',
    'rejected_at',
    '5',
  );
  const badValues = await redis.xadd(
    stream,
    '1999999999999-2',
    ...['key', 'emp:8', 'table', 'app.emp', 'values', '{"a":{"nested":1}}'],
    ...['error_code', 'X', 'error', 'x', 'rejected_at', 'yesterday'],
  );
  const [good2] = await queue.add('emp', [reject(2)], 100);

  const page = await queue.list('emp', { limit: 10 });
  t.equal(page.total, 5);
  t.strictSame(page.records, [
    stored(reject(1), good1 ?? ''),
    {
      id: junk,
      job: 'emp',
      key: '',
      table: '',
      values: {},
      errorCode: MALFORMED_ENTRY,
      error:
        'not a Ferry dead-letter record (missing fields key, table, values, error_code, error, rejected_at); ' +
        'it cannot be replayed: purge it',
      rejectedAt: 1999999999999,
    },
    {
      id: badJson,
      job: 'emp',
      key: 'emp:9',
      table: 'app.emp',
      values: {},
      errorCode: MALFORMED_ENTRY,
      error: 'not a Ferry dead-letter record (values is not JSON); it cannot be replayed: purge it',
      rejectedAt: 1999999999999,
    },
    {
      id: badValues,
      job: 'emp',
      key: 'emp:8',
      table: 'app.emp',
      values: {},
      errorCode: MALFORMED_ENTRY,
      error:
        'not a Ferry dead-letter record (values is not a JSON object of strings, numbers, booleans and ' +
        'nulls); it cannot be replayed: purge it',
      rejectedAt: 1999999999999,
    },
    stored(reject(2), good2 ?? ''),
  ]);
  t.equal(await queue.purge('emp', [junk ?? '']), 1, 'purged by id like any record');
});

t.test('bad arguments are refused with a message, before anything is written', async (t) => {
  const { redis, keys, queue } = openQueue(t, 'dlq-arguments');
  const stream = keys.deadLetter.stream('emp');
  for (const max of [0, -1, 1.5, Number.NaN]) {
    const error = await rejection(queue.add('emp', [reject(1)], max));
    t.equal(error.code, 'INVALID_ARGUMENT');
    t.equal(error.message, `dlq maxMessages must be a positive integer (got ${max})`);
  }
  const cases: [DeadLetterRecord, string][] = [
    [reject(2, { job: 'other' }), 'dead-letter record 1 belongs to job "other", not to "emp"'],
    [reject(2, { key: 7 as unknown as string }), 'dead-letter record 1 key must be a string'],
    [
      reject(2, { values: { a: { b: 1 } } as unknown as DeadLetterRecord['values'] }),
      'dead-letter record 1 values must be an object of strings, numbers, booleans and nulls',
    ],
    [
      reject(2, { rejectedAt: -1 }),
      'dead-letter record 1 rejectedAt must be a non-negative integer of milliseconds (got -1)',
    ],
  ];
  for (const [bad, message] of cases) {
    const error = await rejection(queue.add('emp', [reject(1), bad], 10));
    t.equal(error.code, 'INVALID_ARGUMENT');
    t.equal(error.message, message);
  }
  t.equal(await redis.exists(stream), 0, 'nothing was added');

  const limit = await rejection(queue.list('emp', { limit: 0 }));
  t.equal(limit.message, 'limit must be a positive integer (got 0)');
  const after = await rejection(queue.list('emp', { limit: 1, afterId: 'yesterday' }));
  t.equal(after.code, 'INVALID_ARGUMENT');
  t.equal(after.message, 'after_id must be dead-letter record ids like 1700000000000-0 (got "yesterday")');
  const get = await rejection(queue.get('emp', ['1-1', '12']));
  t.equal(get.message, 'ids must be dead-letter record ids like 1700000000000-0 (got "12")');
  const purge = await rejection(queue.purge('emp', ['99999999999999999999999-0']));
  t.equal(
    purge.message,
    'ids must be dead-letter record ids like 1700000000000-0 (got "99999999999999999999999-0")',
  );
});
