/**
 * The change log against a real Redis: per-key order across partitions, draining by readBatch/ack/trim,
 * re-delivery after a crash, trimming that never loses an unacknowledged entry, stats, consumer groups and
 * blocking reads. Back-pressure has its own file (change-log-back-pressure.test.ts).
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { ChangeLog } from '../../common/change-log/index.js';
import type { ChangeEvent, ChangeLogSettings, LogEntry } from '../../common/change-log/index.js';
import { createLogger } from '../../common/logger.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

type Teardown = Parameters<typeof testRedis>[0];

/** A change log under a fresh prefix, its keys deleted in teardown. */
function openChangeLog(t: Teardown, name: string, settings: ChangeLogSettings = {}) {
  const redis = testRedis(t);
  const prefix = uniquePrefix(name);
  t.teardown(() => deleteKeys(redis, prefix));
  return { redis, prefix, changeLog: new ChangeLog(redis, { prefix, ...settings }) };
}

function hset(key: string, offset: number): ChangeEvent {
  return { key, command: 'hset', db: 0, offset: String(offset) };
}

/** Reads and acknowledges `partition` until it is empty; returns what was read, in order. */
async function drain(changeLog: ChangeLog, partition: number, consumer = 'worker-1'): Promise<LogEntry[]> {
  const read: LogEntry[] = [];
  for (;;) {
    const batch = await changeLog.readBatch(partition, consumer, { count: 700, blockMs: 0 });
    if (batch.length === 0) return read;
    read.push(...batch);
    await changeLog.ack(
      partition,
      batch.map((entry) => entry.id),
    );
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t.test(
  '50 000 events of 5 000 keys: each key in one partition, in append order, drained to empty',
  async (t) => {
    const { redis, changeLog } = openChangeLog(t, 'changelog-order');
    t.equal(await changeLog.ensureGroups(), 16);

    const keys = Array.from({ length: 5000 }, (_, i) => `emp:${i}`);
    const events = Array.from({ length: 50_000 }, (_, i) => hset(keys[i % keys.length] ?? '', i));
    // As capture sends them: batches, each awaited before the next.
    for (let i = 0; i < events.length; i += 1000) await changeLog.append(events.slice(i, i + 1000));

    const lengths = await Promise.all([...Array(16).keys()].map((p) => redis.xlen(changeLog.streamKey(p))));
    t.equal(
      lengths.reduce((a, b) => a + b, 0),
      50_000,
      'every event is in the log',
    );
    t.ok(
      lengths.every((length) => length > 0),
      'every partition got events',
    );

    const offsetsByKey = new Map<string, number[]>();
    const partitionByKey = new Map<string, number>();
    let misplaced = 0;
    for (let partition = 0; partition < 16; partition++) {
      for (const entry of await drain(changeLog, partition)) {
        if (entry.partition !== partition || changeLog.partitionOf(entry.key) !== partition) misplaced++;
        if ((partitionByKey.get(entry.key) ?? partition) !== partition) misplaced++;
        partitionByKey.set(entry.key, partition);
        const offsets = offsetsByKey.get(entry.key) ?? [];
        offsets.push(Number(entry.offset));
        offsetsByKey.set(entry.key, offsets);
      }
    }
    t.equal(misplaced, 0, 'every entry is in its key partition, and every key in one partition');
    t.equal(offsetsByKey.size, 5000, 'every key was read');
    const outOfOrder = keys.filter((key) => {
      const expected = Array.from({ length: 10 }, (_, n) => Number(key.slice(4)) + n * 5000);
      return JSON.stringify(offsetsByKey.get(key)) !== JSON.stringify(expected);
    });
    t.same(outOfOrder, [], 'each key has all its 10 events, in append order');

    const stats = await changeLog.stats();
    t.same(
      stats.map((s) => [s.length, s.pending]),
      Array.from({ length: 16 }, () => [0, 0]),
      'drained: every partition is empty with nothing pending',
    );
    t.same(
      await Promise.all([...Array(16).keys()].map((p) => redis.xlen(changeLog.streamKey(p)))),
      Array.from({ length: 16 }, () => 0),
      'the streams are trimmed to empty',
    );
  },
);

t.test('entries read back carry what was appended', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-fields', { partitions: 1 });
  await changeLog.ensureGroups();
  const before = Date.now();
  await changeLog.append([
    { key: 'emp:1', command: 'HSET', db: 2, offset: '12345', at: 1_700_000_000_000 },
    { key: 'ключ:é', command: 'json.set', db: 0 },
  ]);
  const [first, second, ...rest] = await changeLog.readBatch(0, 'w', { count: 10, blockMs: 0 });
  t.same(rest, []);
  t.match(first, {
    partition: 0,
    key: 'emp:1',
    command: 'hset',
    db: 2,
    offset: '12345',
    at: 1_700_000_000_000,
    redelivered: false,
  });
  t.match(first?.id, /^\d+-\d+$/);
  t.match(second, { key: 'ключ:é', command: 'json.set', db: 0, redelivered: false });
  t.notOk(second && 'offset' in second, 'no offset when capture gave none');
  t.ok((second?.at ?? 0) >= before, 'at defaults to the time of the append');
});

t.test('after a crash, the next reader first gets the unacknowledged entries, in order', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-crash', { partitions: 1 });
  await changeLog.ensureGroups();
  await changeLog.append(Array.from({ length: 30 }, (_, i) => hset(`emp:${i % 3}`, i)));
  const offsets = (entries: LogEntry[]) => entries.map((entry) => Number(entry.offset));

  const readByCrashed = await changeLog.readBatch(0, 'worker-a', { count: 10, blockMs: 0 });
  t.same(offsets(readByCrashed), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // worker-a dies here without acknowledging.

  const again = await changeLog.readBatch(0, 'worker-b', { count: 4, blockMs: 0 });
  t.same(offsets(again), [0, 1, 2, 3], 'the new lease holder starts with the oldest unacknowledged entry');
  t.ok(
    again.every((entry) => entry.redelivered),
    'marked as redelivered',
  );
  t.same(
    again.map((entry) => entry.id),
    readByCrashed.slice(0, 4).map((entry) => entry.id),
    'the same entries',
  );
  await changeLog.ack(
    0,
    again.map((entry) => entry.id),
  );

  const rest = await changeLog.readBatch(0, 'worker-b', { count: 100, blockMs: 0 });
  t.same(offsets(rest), [4, 5, 6, 7, 8, 9], 'the rest of what worker-a read, before anything new');
  // worker-b fails this batch (no ack) and reads again: same entries again.
  const retried = await changeLog.readBatch(0, 'worker-b', { count: 100, blockMs: 0 });
  t.same(offsets(retried), [4, 5, 6, 7, 8, 9], 'a reader that did not acknowledge gets its own batch again');
  await changeLog.ack(
    0,
    retried.map((entry) => entry.id),
  );

  const fresh = await changeLog.readBatch(0, 'worker-b', { count: 100, blockMs: 0 });
  t.same(
    offsets(fresh),
    Array.from({ length: 20 }, (_, i) => i + 10),
    'then new entries',
  );
  t.ok(
    fresh.every((entry) => !entry.redelivered),
    'not marked as redelivered',
  );
  await changeLog.ack(
    0,
    fresh.map((entry) => entry.id),
  );
  t.match(await changeLog.stats(0), [{ length: 0, pending: 0 }]);
});

t.test('acknowledging out of order never trims an unacknowledged entry', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-trim', { partitions: 1 });
  await changeLog.ensureGroups();
  await changeLog.append(Array.from({ length: 10 }, (_, i) => hset('emp:1', i)));
  const batch = await changeLog.readBatch(0, 'w', { count: 10, blockMs: 0 });
  const ids = batch.map((entry) => entry.id);

  t.same(
    await changeLog.ack(0, ids.slice(5)),
    { acked: 5, trimmed: 0 },
    'entries 0-4 still pending: nothing trimmed',
  );
  t.match(await changeLog.stats(0), [{ length: 10, pending: 5 }]);
  t.same(
    await changeLog.ack(0, ids.slice(0, 2)),
    { acked: 2, trimmed: 2 },
    'trimmed up to the oldest pending',
  );
  t.same(
    (await changeLog.readBatch(0, 'w', { count: 10, blockMs: 0 })).map((entry) => entry.id),
    ids.slice(2, 5),
    'the unacknowledged entries are still delivered',
  );
  t.same(await changeLog.ack(0, ids.slice(2, 5)), { acked: 3, trimmed: 8 });
  t.same(
    await changeLog.ack(0, ids.slice(2, 5)),
    { acked: 0, trimmed: 0 },
    'acknowledging twice is harmless',
  );

  await changeLog.append([hset('emp:1', 10)]);
  t.same(
    await changeLog.ack(0, ids.slice(0, 1)),
    { acked: 0, trimmed: 0 },
    'an entry not yet delivered is never trimmed',
  );
  t.match(await changeLog.stats(0), [{ length: 1, pending: 0 }]);
});

t.test('a second pipeline that is behind holds back trimming', async (t) => {
  const {
    redis,
    prefix,
    changeLog: orders,
  } = openChangeLog(t, 'changelog-groups', {
    partitions: 1,
    pipeline: 'orders',
  });
  const audit = new ChangeLog(redis, { prefix, partitions: 1, pipeline: 'audit' });
  await orders.ensureGroups();
  await audit.ensureGroups();
  await orders.append(Array.from({ length: 5 }, (_, i) => hset('emp:1', i)));

  const ordersRead = await drain(orders, 0);
  t.equal(ordersRead.length, 5);
  t.match(await orders.stats(0), [{ length: 5, pending: 0 }], 'audit has not read them: they stay');
  const auditRead = await drain(audit, 0);
  t.same(
    auditRead.map((entry) => entry.id),
    ordersRead.map((entry) => entry.id),
    'audit reads every entry',
  );
  t.match(await audit.stats(0), [{ length: 0, pending: 0 }], 'trimmed once both acknowledged');
});

t.test('pending entries deleted outside Ferry are reported, and reading goes on', async (t) => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const { redis, changeLog } = openChangeLog(t, 'changelog-deleted', {
    partitions: 1,
    logger: createLogger({ destination }),
  });
  await changeLog.ensureGroups();
  await changeLog.append([hset('emp:1', 1), hset('emp:1', 2)]);
  const lost = await changeLog.readBatch(0, 'w', { count: 10, blockMs: 0 });
  // Someone trims the stream by hand while both entries are pending.
  await redis.xtrim(changeLog.streamKey(0), 'MAXLEN', 0);
  await changeLog.append([hset('emp:1', 3)]);

  const next = await changeLog.readBatch(0, 'w2', { count: 10, blockMs: 0 });
  t.same(
    next.map((entry) => entry.offset),
    ['3'],
    'the next entry is read',
  );
  t.match(lines, [
    {
      level: 50,
      partition: 0,
      ids: lost.map((entry) => entry.id),
      msg: 'pending change log entries were deleted before they were applied; their changes are lost',
    },
  ]);
});

t.test('stats: length, pending, lag and cap per partition, in one call', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-stats', { partitions: 2, maxLength: 6 });
  await changeLog.ensureGroups();
  t.same(
    await changeLog.stats(),
    [
      { partition: 0, length: 0, pending: 0, lagMs: 0, capped: false },
      { partition: 1, length: 0, pending: 0, lagMs: 0, capped: false },
    ],
    'empty',
  );

  const key =
    ['a', 'b', 'c', 'd', 'e'].map((c) => `emp:${c}`).find((k) => changeLog.partitionOf(k) === 1) ?? '';
  await changeLog.append([hset(key, 1), hset(key, 2)]);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const [afterAppend] = await changeLog.stats(1);
  t.match(afterAppend, { partition: 1, length: 2, pending: 0, capped: false });
  t.ok((afterAppend?.lagMs ?? 0) >= 50, `lag counts the age of the oldest entry (${afterAppend?.lagMs} ms)`);

  const batch = await changeLog.readBatch(1, 'w', { count: 1, blockMs: 0 });
  t.match(await changeLog.stats(1), [{ length: 2, pending: 1 }], 'read, not acknowledged: pending');
  await new Promise((resolve) => setTimeout(resolve, 40));
  const [older] = await changeLog.stats(1);
  t.ok((older?.lagMs ?? 0) >= (afterAppend?.lagMs ?? 0) + 30, 'lag grows while nothing is applied');

  await changeLog.ack(
    1,
    batch.map((entry) => entry.id),
  );
  t.match(await changeLog.stats(1), [{ length: 1, pending: 0 }]);
  await changeLog.append([hset(key, 3), hset(key, 4)]);
  t.match(
    await changeLog.stats(),
    [
      { partition: 0, length: 0 },
      { partition: 1, length: 3, capped: true },
    ],
    'cap 3',
  );
});

t.test('ensureGroups is idempotent and lets the group read what was appended before it', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-ensure', { partitions: 4 });
  await changeLog.append([hset('emp:1', 1)]);
  t.equal(await changeLog.ensureGroups(), 4, 'creates a group per partition');
  t.equal(await changeLog.ensureGroups(), 0, 'a second call creates nothing and does not fail');
  const partition = changeLog.partitionOf('emp:1');
  const batch = await changeLog.readBatch(partition, 'w', { count: 10, blockMs: 0 });
  t.same(
    batch.map((entry) => entry.offset),
    ['1'],
  );
  await changeLog.ack(
    partition,
    batch.map((entry) => entry.id),
  );
  t.equal(await changeLog.ensureGroups(), 0, 'still idempotent after reads: the group position is kept');
  t.same(await changeLog.readBatch(partition, 'w', { count: 10, blockMs: 0 }), [], 'nothing read twice');
});

t.test('readBatch waits up to blockMs for new entries', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-block', { partitions: 1 });
  await changeLog.ensureGroups();

  let started = Date.now();
  t.same(await changeLog.readBatch(0, 'w', { count: 10, blockMs: 150 }), []);
  t.ok(Date.now() - started >= 140, 'an empty partition returns nothing after blockMs');

  // The blocked read holds its connection, so the append goes through another one.
  const appender = new ChangeLog(testRedis(t), changeLog.settings);
  started = Date.now();
  const reading = changeLog.readBatch(0, 'w', { count: 10, blockMs: 5000 });
  setTimeout(() => void appender.append([hset('emp:1', 7)]), 100);
  const batch = await reading;
  t.same(
    batch.map((entry) => entry.offset),
    ['7'],
    'woken by the append',
  );
  t.ok(Date.now() - started < 2000, 'without waiting for blockMs');
});

t.test('bad calls are rejected with a code, and append is all-or-nothing on bad events', async (t) => {
  const { redis, changeLog } = openChangeLog(t, 'changelog-bad', { partitions: 2 });

  t.match(await rejection(changeLog.readBatch(0, 'w', { count: 10, blockMs: 0 })), {
    code: 'FAILED_PRECONDITION',
    message:
      'the change log has no consumer group for pipeline "apply" on partition 0; call ensureGroups() first',
  });
  t.match(await rejection(changeLog.stats()), { code: 'FAILED_PRECONDITION' });
  await changeLog.append([hset('emp:1', 1)]);
  t.match(await rejection(changeLog.ack(changeLog.partitionOf('emp:1'), ['1-1'])), {
    code: 'FAILED_PRECONDITION',
  });
  await changeLog.ensureGroups();

  t.match(await rejection(changeLog.readBatch(2, 'w', { count: 1, blockMs: 0 })), {
    code: 'INVALID_ARGUMENT',
    message: 'partition must be an integer from 0 to 1 (got 2)',
  });
  t.match(await rejection(changeLog.readBatch(0, '', { count: 1, blockMs: 0 })), {
    message: 'consumer must be a non-empty string (got "")',
  });
  t.match(await rejection(changeLog.readBatch(0, 'w', { count: 0, blockMs: 0 })), {
    message: 'readBatch count must be a positive integer (got 0)',
  });
  t.match(await rejection(changeLog.readBatch(0, 'w', { count: 1, blockMs: -1 })), {
    message: 'readBatch blockMs must be a non-negative integer (got -1)',
  });
  t.match(await rejection(changeLog.ack(0, ['nope'])), {
    code: 'INVALID_ARGUMENT',
    message: 'ack ids must be stream ids like 1700000000000-0 (got "nope")',
  });
  t.throws(() => changeLog.streamKey(-1), { code: 'INVALID_ARGUMENT' });

  const lengthBefore = (await changeLog.stats()).reduce((sum, s) => sum + s.length, 0);
  t.match(await rejection(changeLog.append([hset('emp:2', 2), { key: 'emp:3', command: 'hset', db: -1 }])), {
    code: 'INVALID_ARGUMENT',
    message: 'change event 1 db must be a non-negative integer (got -1)',
  });
  t.match(await rejection(changeLog.append([{ key: 'emp:3', command: '', db: 0 }])), {
    message: 'change event 0 command must be a non-empty string',
  });
  t.equal(
    (await changeLog.stats()).reduce((sum, s) => sum + s.length, 0),
    lengthBefore,
    'nothing of a batch with a bad event is appended',
  );
  await changeLog.append([]);
  t.equal(await redis.exists(changeLog.streamKey(0), changeLog.streamKey(1)), 2);
});

t.test('a pipelined append of 100 000 events', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-bulk');
  const events = Array.from({ length: 100_000 }, (_, i) => hset(`emp:${i % 20_000}`, i));
  const started = process.hrtime.bigint();
  await changeLog.append(events);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.comment(`appended 100 000 events in ${ms.toFixed(0)} ms (${Math.round(100_000 / (ms / 1000))} events/s)`);
  const stats = await changeLog.stats().catch(() => undefined);
  t.equal(stats, undefined, 'no groups yet: stats refuses');
  await changeLog.ensureGroups();
  t.equal(
    (await changeLog.stats()).reduce((sum, s) => sum + s.length, 0),
    100_000,
  );
});
