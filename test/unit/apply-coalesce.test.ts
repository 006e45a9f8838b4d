// Coalescing a batch's change-log entries per key: one read and one write per (db, key), the newest entry id
// standing for all of them.
import t from 'tap';
import type { LogEntry } from '../../common/change-log/index.js';
import { coalesce } from '../../worker/apply/coalesce.js';

function entry(id: string, key: string, command: string, at: number, db = 0): LogEntry {
  return { id, partition: 0, key, command, db, at, redelivered: false };
}

t.test('an empty batch has no keys', (t) => {
  t.strictSame(coalesce([]), []);
  t.end();
});

t.test('a key changed once is itself', (t) => {
  t.strictSame(coalesce([entry('1700000000000-0', 'emp:1', 'hset', 1700000000000)]), [
    {
      key: 'emp:1',
      db: 0,
      entryId: '1700000000000-0',
      commands: ['hset'],
      firstAt: 1700000000000,
      entries: 1,
    },
  ]);
  t.end();
});

t.test('one key changed many times: newest id, distinct commands, oldest capture time, count', (t) => {
  const result = coalesce([
    entry('9-0', 'emp:1', 'hset', 500),
    entry('10-0', 'emp:1', 'del', 300),
    entry('9-5', 'emp:1', 'hset', 400),
    entry('2-0', 'emp:1', 'hdel', 600),
    entry('9-10', 'emp:1', 'del', 700),
  ]);
  // As strings "9-5" > "10-0" and "9-10" < "9-5"; ids compare as numbers, ms then sequence.
  t.strictSame(result, [
    { key: 'emp:1', db: 0, entryId: '10-0', commands: ['hset', 'del', 'hdel'], firstAt: 300, entries: 5 },
  ]);
  t.end();
});

t.test('sequence numbers compare as numbers too, beyond 2^53', (t) => {
  const [key] = coalesce([
    entry('5-9', 'k', 'set', 1),
    entry('5-10', 'k', 'set', 1),
    entry('5-9007199254740993', 'k', 'set', 1),
    entry('5-9007199254740992', 'k', 'set', 1),
  ]);
  t.equal(key?.entryId, '5-9007199254740993');
  t.end();
});

t.test('the same key in two dbs is two keys', (t) => {
  t.strictSame(
    coalesce([
      entry('1-0', 'emp:1', 'hset', 10, 0),
      entry('2-0', 'emp:1', 'del', 20, 1),
      entry('3-0', 'emp:1', 'hset', 30, 0),
    ]),
    [
      { key: 'emp:1', db: 1, entryId: '2-0', commands: ['del'], firstAt: 20, entries: 1 },
      { key: 'emp:1', db: 0, entryId: '3-0', commands: ['hset'], firstAt: 10, entries: 2 },
    ],
  );
  t.end();
});

t.test('keys come out ordered by their newest entry id, not by first appearance', (t) => {
  const result = coalesce([
    entry('1-0', 'a', 'set', 1),
    entry('2-0', 'b', 'set', 2),
    entry('3-0', 'c', 'set', 3),
    entry('10-0', 'a', 'set', 4),
    entry('7-1', 'c', 'set', 5),
    entry('9-0', 'd', 'set', 6),
  ]);
  t.strictSame(
    result.map(({ key, entryId, entries }) => ({ key, entryId, entries })),
    [
      { key: 'b', entryId: '2-0', entries: 1 },
      { key: 'c', entryId: '7-1', entries: 2 },
      { key: 'd', entryId: '9-0', entries: 1 },
      { key: 'a', entryId: '10-0', entries: 2 },
    ],
  );
  t.end();
});

t.test('the input is not changed', (t) => {
  const entries = [entry('2-0', 'a', 'set', 2), entry('1-0', 'a', 'del', 1)];
  const copy = structuredClone(entries);
  coalesce(entries);
  t.strictSame(entries, copy);
  t.end();
});
