/**
 * Back-pressure: an append to a full partition waits until apply drains it, never drops or trims an
 * unapplied entry, does not hold back other partitions, and can be cancelled with an AbortSignal.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { ChangeLog, ChangeLogAbortError } from '../../common/change-log/index.js';
import type { ChangeEvent, ChangeLogSettings, LogEntry } from '../../common/change-log/index.js';
import { createLogger } from '../../common/logger.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

type Teardown = Parameters<typeof testRedis>[0];

function openChangeLog(t: Teardown, name: string, settings: ChangeLogSettings) {
  const redis = testRedis(t);
  const prefix = uniquePrefix(name);
  t.teardown(() => deleteKeys(redis, prefix));
  return { redis, changeLog: new ChangeLog(redis, { prefix, backPressureMaxDelayMs: 50, ...settings }) };
}

function hset(key: string, offset: number): ChangeEvent {
  return { key, command: 'hset', db: 0, offset: String(offset) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tells whether `promise` has settled, without waiting for it. */
function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return () => settled;
}

/** `count` keys of `partition`. */
function keysOf(changeLog: ChangeLog, partition: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (changeLog.partitionOf(`emp:${i}`) === partition) keys.push(`emp:${i}`);
  }
  return keys;
}

async function readAndAck(changeLog: ChangeLog, partition: number, count: number): Promise<LogEntry[]> {
  const batch = await changeLog.readBatch(partition, 'apply-1', { count, blockMs: 0 });
  await changeLog.ack(
    partition,
    batch.map((entry) => entry.id),
  );
  return batch;
}

t.test('an append to a full partition waits until apply drains it, dropping nothing', async (t) => {
  const messages: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  const { changeLog } = openChangeLog(t, 'changelog-bp', {
    partitions: 1,
    maxLength: 10,
    logger: createLogger({ destination }),
  });
  await changeLog.ensureGroups();
  await changeLog.append(Array.from({ length: 10 }, (_, i) => hset('emp:1', i)));
  t.match(await changeLog.stats(0), [{ length: 10, capped: true }]);

  const appending = changeLog.append(Array.from({ length: 5 }, (_, i) => hset('emp:1', 10 + i)));
  const done = settledFlag(appending);
  await sleep(200);
  t.notOk(done(), 'the append waits while the partition is full');
  t.match(await changeLog.stats(0), [{ length: 10 }], 'nothing was trimmed to make room');

  const applied = await readAndAck(changeLog, 0, 5);
  await appending;
  t.ok(done(), 'the append completes once apply has drained some entries');

  const rest: LogEntry[] = [];
  for (
    let batch = await readAndAck(changeLog, 0, 4);
    batch.length > 0;
    batch = await readAndAck(changeLog, 0, 4)
  ) {
    rest.push(...batch);
  }
  t.same(
    [...applied, ...rest].map((entry) => Number(entry.offset)),
    Array.from({ length: 15 }, (_, i) => i),
    'every event, once, in append order',
  );
  t.same(
    messages,
    [
      'change log partitions are full: the append waits for apply to drain them (back-pressure)',
      'change log append resumed after back-pressure',
    ],
    'the pause and the resumption are logged once each',
  );
});

t.test('a batch bigger than the cap goes through, in order, while apply drains', async (t) => {
  const { changeLog } = openChangeLog(t, 'changelog-bp-big', { partitions: 1, maxLength: 10 });
  await changeLog.ensureGroups();
  const appending = changeLog.append(Array.from({ length: 95 }, (_, i) => hset(`emp:${i % 4}`, i)));
  const done = settledFlag(appending);

  const applied: LogEntry[] = [];
  let maxLength = 0;
  while (!done() || (await changeLog.stats(0))[0]?.length) {
    const [stats] = await changeLog.stats(0);
    maxLength = Math.max(maxLength, stats?.length ?? 0);
    applied.push(...(await readAndAck(changeLog, 0, 3)));
    await sleep(5);
  }
  await appending;
  t.ok(maxLength <= 10, `the partition never held more than its cap (at most ${maxLength})`);
  t.same(
    applied.map((entry) => Number(entry.offset)),
    Array.from({ length: 95 }, (_, i) => i),
    'every event, once, in append order',
  );
});

t.test('a full partition does not hold back the others', async (t) => {
  const { redis, changeLog } = openChangeLog(t, 'changelog-bp-others', { partitions: 2, maxLength: 10 });
  await changeLog.ensureGroups();
  const [full] = keysOf(changeLog, 0, 1);
  const [free] = keysOf(changeLog, 1, 1);
  await changeLog.append(Array.from({ length: 5 }, (_, i) => hset(full ?? '', i)));

  const appending = changeLog.append([hset(full ?? '', 5), hset(free ?? '', 6), hset(free ?? '', 7)]);
  const done = settledFlag(appending);
  await sleep(100);
  t.notOk(done(), 'waits for partition 0');
  t.equal(await redis.xlen(changeLog.streamKey(1)), 2, "partition 1's events are already appended");

  await readAndAck(changeLog, 0, 1);
  await appending;
  t.equal(await redis.xlen(changeLog.streamKey(0)), 5);
});

t.test('aborting a waiting append rejects it with an AbortError', async (t) => {
  const { redis, changeLog } = openChangeLog(t, 'changelog-bp-abort', { partitions: 1, maxLength: 3 });
  await changeLog.ensureGroups();
  await changeLog.append([hset('emp:1', 0), hset('emp:1', 1)]);

  const controller = new AbortController();
  const appending = changeLog.append(
    [hset('emp:1', 2), hset('emp:1', 3), hset('emp:1', 4)],
    controller.signal,
  );
  await sleep(100);
  controller.abort();
  const error = await appending.then(
    () => undefined,
    (error: unknown) => error,
  );
  t.type(error, ChangeLogAbortError);
  t.match(error, { name: 'AbortError', code: 'ABORT_ERR', appended: 1 }, 'says how much of the batch got in');
  t.match((error as Error).cause, { name: 'AbortError' }, "the cause is the signal's reason");
  t.same(
    (await redis.xrange(changeLog.streamKey(0), '-', '+')).map(([, fields]) => fields[7]),
    ['0', '1', '2'],
    'the prefix that fitted is in the log; nothing else changed',
  );

  const reason = new Error('lease lost');
  const aborted = AbortSignal.abort(reason);
  const before = await redis.xlen(changeLog.streamKey(0));
  await t.rejects(changeLog.append([hset('emp:2', 5)], aborted), {
    name: 'AbortError',
    appended: 0,
    cause: reason,
  });
  t.equal(await redis.xlen(changeLog.streamKey(0)), before, 'an already aborted signal appends nothing');
});
