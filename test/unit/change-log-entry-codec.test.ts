/** Change events <-> stream fields: grouping by partition in order, defaults, and refusing foreign entries. */
import t from 'tap';
import { decodeEntry, encodeEvents } from '../../common/change-log/entry-codec.js';
import { partitionOf } from '../../common/change-log/index.js';

t.test('events are grouped by partition, in append order, as k c d o t values', (t) => {
  const keys = ['emp:1', 'emp:2', 'emp:3', 'emp:1'];
  const encoded = encodeEvents(
    keys.map((key, i) => ({
      key,
      command: i === 0 ? 'HSET' : 'del',
      db: i,
      offset: i === 3 ? undefined : `${i}`,
    })),
    4,
    1_700_000_000_123,
  );
  const expected = new Map<number, string[]>();
  keys.forEach((key, i) => {
    const values = expected.get(partitionOf(key, 4)) ?? [];
    values.push(key, i === 0 ? 'hset' : 'del', String(i), i === 3 ? '' : String(i), '1700000000123');
    expected.set(partitionOf(key, 4), values);
  });
  t.same(encoded, expected);
  t.end();
});

t.test('a stream entry decodes back to a log entry', (t) => {
  const fields = ['k', 'emp:1', 'c', 'hset', 'd', '3', 'o', '42', 't', '1700000000123'];
  t.same(decodeEntry('1-0', fields, 2, false), {
    id: '1-0',
    partition: 2,
    key: 'emp:1',
    command: 'hset',
    db: 3,
    offset: '42',
    at: 1_700_000_000_123,
    redelivered: false,
  });
  const withoutOffset = decodeEntry('1-1', ['k', 'a', 'c', 'del', 'd', '0', 'o', '', 't', '5'], 0, true);
  t.notOk('offset' in withoutOffset, 'an empty offset is no offset');
  t.equal(withoutOffset.redelivered, true);
  t.end();
});

t.test('an entry Ferry did not write is an INTERNAL error, not skipped', (t) => {
  t.throws(() => decodeEntry('9-9', ['foo', 'bar'], 1, false), {
    code: 'INTERNAL',
    message: 'change log entry 9-9 of partition 1 has no key or command',
  });
  t.end();
});

t.test('bad events are rejected with their index', (t) => {
  const cases: Array<[unknown, string]> = [
    [null, 'change event 0 must be an object'],
    [{ key: 1, command: 'hset', db: 0 }, 'change event 0 key must be a string'],
    [{ key: 'a', command: '', db: 0 }, 'change event 0 command must be a non-empty string'],
    [{ key: 'a', command: 'hset', db: 1.5 }, 'change event 0 db must be a non-negative integer (got 1.5)'],
    [{ key: 'a', command: 'hset', db: 0, offset: 7 }, 'change event 0 offset must be a string'],
    [
      { key: 'a', command: 'hset', db: 0, at: -1 },
      'change event 0 at must be a non-negative integer of milliseconds (got -1)',
    ],
  ];
  for (const [event, message] of cases) {
    t.throws(() => encodeEvents([event as never], 16, 0), { code: 'INVALID_ARGUMENT', message }, message);
  }
  t.end();
});
