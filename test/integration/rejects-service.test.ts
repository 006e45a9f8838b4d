/**
 * The RejectsService over gRPC, against a real control plane and Redis: List and Purge with roles and paging;
 * Replay through the change log, with a simulated apply consumer standing in for the worker (it reads,
 * "applies" and acknowledges as the worker does, and rejects one chosen key again); the engine stopped; the
 * wait for apply; and the `ferry get-rejected / replay-rejected / purge-rejected` commands.
 */
import t from 'tap';
import { FerryClientError } from '../../clients/ferry-client.js';
import { ChangeLog } from '../../common/change-log/index.js';
import type { LogEntry } from '../../common/change-log/index.js';
import { DeadLetterQueue, replay } from '../../common/dead-letter/index.js';
import type { DeadLetterRecord } from '../../common/dead-letter/index.js';
import { ferryKeys } from '../../common/redis-keys.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import { runFerry } from '../fixtures/cli/harness.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testRedis } from '../helpers/redis.js';

type Teardown = Parameters<typeof testRedis>[0];

const TOKENS = {
  viewer: 'viewer-token-0123456789',
  operator: 'operator-token-0123456789',
  admin: 'admin-token-0123456789',
};

/** Four partitions and a source db of 3, so that the test sees both come from the deployed configuration. */
const PARTITIONS = 4;
const SOURCE_DB = 3;
const PIPELINE = {
  config: {
    name: 'config.yaml',
    content: [
      'connections:',
      '  target: {type: mariadb, host: 127.0.0.1, port: 3306, database: app, user: root, password: "${env:DB_PASSWORD}"}',
      '  cache: {type: redis, host: 127.0.0.1, port: 6379}',
      'sources:',
      '  app: {type: redis, host: 127.0.0.1, port: 6379}',
      `change_log: {partitions: ${PARTITIONS}}`,
      '',
    ].join('\n'),
  },
  jobs: [
    {
      name: 'jobs/emp.yaml',
      content: [
        `source: {redis: {key_pattern: "emp:*", trigger: write-behind, db: ${SOURCE_DB}}}`,
        'output:',
        '  - uses: relational.write',
        '    with: {connection: target, schema: app, table: emp, keys: [emp_id]}',
        '',
      ].join('\n'),
    },
    {
      name: 'jobs/orders.yaml',
      content: [
        'source: {table: orders}',
        'output:',
        '  - uses: redis.write',
        '    with: {connection: cache, data_type: hash}',
        '',
      ].join('\n'),
    },
  ],
};

const REJECTED_AT = 1_700_000_000_000;
const REJECTED_AT_TEXT = '2023-11-14T22:13:20Z';

function reject(key: string, extra: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    job: 'emp',
    key,
    table: 'app.emp',
    values: { emp_id: key.slice(4), first_name: 'Ada' },
    errorCode: 'CONSTRAINT_VIOLATION',
    error: `Duplicate entry '${key.slice(4)}' for key 'uq_name'`,
    rejectedAt: REJECTED_AT,
    ...extra,
  };
}

/** A control plane (open: every caller is admin, unless `env` has tokens), its keys and its dead-letter queue. */
async function controlPlaneOf(t: Teardown, name: string, env: NodeJS.ProcessEnv = {}) {
  const { controlPlane, prefix, client } = await startTestControlPlane(t, name, { env });
  const admin = client({ token: env['FERRY_TOKENS'] ? TOKENS.admin : '' });
  const redis = testRedis(t);
  const keys = ferryKeys(prefix);
  const deploy = () => admin.deploy({ config: PIPELINE.config, jobs: PIPELINE.jobs });
  return {
    address: controlPlane.address,
    client,
    admin,
    deploy,
    redis,
    keys,
    queue: new DeadLetterQueue(redis, keys),
  };
}

/** The same, with PIPELINE deployed. */
async function deployed(t: Teardown, name: string, env: NodeJS.ProcessEnv = {}) {
  const controlPlane = await controlPlaneOf(t, name, env);
  await controlPlane.deploy();
  return controlPlane;
}

/** `count` keys `emp:<n>` that fall in pairwise different partitions of the deployed change log. */
function keysInDistinctPartitions(changeLog: ChangeLog, count: number): string[] {
  const chosen: string[] = [];
  const used = new Set<number>();
  for (let n = 1; chosen.length < count; n++) {
    const partition = changeLog.partitionOf(`emp:${n}`);
    if (!used.has(partition)) {
      used.add(partition);
      chosen.push(`emp:${n}`);
    }
  }
  return chosen;
}

function deployedChangeLog(t: Teardown, keys: FerryKeys): ChangeLog {
  return new ChangeLog(testRedis(t), { prefix: keys.prefix, partitions: PARTITIONS, pipeline: keys.prefix });
}

/**
 * What the worker's apply loop does, reduced to its effect on the log and the queue: read each partition's
 * batches as the pipeline's consumer group, "write" them (a key in `rejectKeys` is refused again and goes
 * to the dead-letter queue, as the writer's rejects do), then acknowledge. Partitions in `skip` have no
 * lease holder: nothing reads them. Stopped in teardown.
 */
function simulateApply(
  t: Teardown,
  keys: FerryKeys,
  options: { skip: ReadonlySet<number>; rejectKeys: ReadonlySet<string> },
): { applied: LogEntry[] } {
  const redis = testRedis(t);
  const changeLog = deployedChangeLog(t, keys);
  const queue = new DeadLetterQueue(redis, keys);
  const applied: LogEntry[] = [];
  const stop = new AbortController();
  const loop = (async () => {
    await changeLog.ensureGroups();
    while (!stop.signal.aborted) {
      for (let partition = 0; partition < PARTITIONS; partition++) {
        if (options.skip.has(partition)) continue;
        const batch = await changeLog.readBatch(partition, 'simulated-worker', { count: 100, blockMs: 0 });
        for (const entry of batch) {
          applied.push(entry);
          if (options.rejectKeys.has(entry.key)) {
            await queue.add(
              'emp',
              [reject(entry.key, { error: 'rejected again', entryId: entry.id, rejectedAt: Date.now() })],
              1000,
            );
          }
        }
        await changeLog.ack(
          partition,
          batch.map((entry) => entry.id),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  t.teardown(async () => {
    stop.abort();
    await loop;
  });
  return { applied };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryClientError) return { code: error.codeName, message: error.message };
    throw error;
  }
  return { code: 'OK', message: '' };
}

t.test('List and Purge over gRPC: roles, paging and the errors a caller meets', async (t) => {
  const env = {
    FERRY_TOKENS: `victor:viewer:${TOKENS.viewer},olga:operator:${TOKENS.operator},alice:admin:${TOKENS.admin}`,
  };
  const { client, deploy, queue } = await controlPlaneOf(t, 'rejects-roles', env);
  const anonymous = client();
  const viewer = client({ token: TOKENS.viewer });
  const operator = client({ token: TOKENS.operator });

  t.strictSame(await failure(viewer.listRejects({ job: 'emp' })), {
    code: 'FAILED_PRECONDITION',
    message:
      'nothing is deployed yet, so no job has rejected records; deploy a pipeline first (ferry deploy --dir DIR)',
  });
  await deploy();
  const ids = await queue.add(
    'emp',
    [
      reject('emp:1', { column: 'first_name', entryId: '1699999999999-3' }),
      reject('emp:2', { values: { emp_id: 2, salary: 1.5, active: true, manager: null } }),
      reject('emp:3'),
    ],
    1000,
  );
  const [id1, id2, id3] = ids as [string, string, string];
  const rejectedAt = { seconds: REJECTED_AT / 1000, nanos: 0 };
  const record1 = {
    id: id1,
    job: 'emp',
    key: 'emp:1',
    valuesJson: '{"emp_id":"1","first_name":"Ada"}',
    error: "Duplicate entry '1' for key 'uq_name'",
    errorCode: 'CONSTRAINT_VIOLATION',
    rejectedAt,
    table: 'app.emp',
    column: 'first_name',
    entryId: '1699999999999-3',
  };
  const record2 = {
    ...record1,
    id: id2,
    key: 'emp:2',
    valuesJson: '{"emp_id":2,"salary":1.5,"active":true,"manager":null}',
    error: "Duplicate entry '2' for key 'uq_name'",
    column: '',
    entryId: '',
  };
  const record3 = { ...record2, id: id3, key: 'emp:3', valuesJson: '{"emp_id":"3","first_name":"Ada"}' };
  record3.error = "Duplicate entry '3' for key 'uq_name'";

  t.strictSame(await viewer.listRejects({ job: 'emp' }), {
    records: [record1, record2, record3],
    nextAfterId: '',
    total: 3,
  });
  const first = await viewer.listRejects({ job: 'emp', limit: 2 });
  t.strictSame(first, { records: [record1, record2], nextAfterId: id2, total: 3 });
  t.strictSame(await viewer.listRejects({ job: 'emp', limit: 2, afterId: first.nextAfterId }), {
    records: [record3],
    nextAfterId: '',
    total: 3,
  });
  t.strictSame(await viewer.listRejects({ job: 'orders' }), { records: [], nextAfterId: '', total: 0 });

  t.strictSame(await failure(viewer.listRejects({ job: 'emp', limit: 10_001 })), {
    code: 'INVALID_ARGUMENT',
    message: 'limit must be at most 10000 (got 10001)',
  });
  t.equal((await viewer.listRejects({ job: 'emp', limit: 10_000 })).records.length, 3, '10000 is allowed');
  t.strictSame(await failure(viewer.listRejects({ job: 'emp', afterId: 'x' })), {
    code: 'INVALID_ARGUMENT',
    message: 'after_id must be dead-letter record ids like 1700000000000-0 (got "x")',
  });
  t.strictSame(await failure(viewer.listRejects({ job: 'nope' })), {
    code: 'NOT_FOUND',
    message: 'the deployed configuration (version 1) has no job named "nope"; its jobs: emp, orders',
  });
  t.strictSame(await failure(viewer.listRejects({ job: '' })), {
    code: 'INVALID_ARGUMENT',
    message: 'job is required: the name of a deployed job',
  });
  t.strictSame(await failure(operator.purgeRejects('nope')), {
    code: 'NOT_FOUND',
    message: 'the deployed configuration (version 1) has no job named "nope"; its jobs: emp, orders',
  });

  t.strictSame(await failure(anonymous.listRejects({ job: 'emp' })), {
    code: 'UNAUTHENTICATED',
    message: 'this server requires a bearer token: pass --token or set FERRY_TOKEN',
  });
  t.strictSame(await failure(viewer.purgeRejects('emp', [id1])), {
    code: 'PERMISSION_DENIED',
    message: 'Purge needs the operator role; token "victor" has viewer',
  });
  t.strictSame(await failure(viewer.replayRejects('emp')), {
    code: 'PERMISSION_DENIED',
    message: 'Replay needs the operator role; token "victor" has viewer',
  });
  t.equal((await viewer.listRejects({ job: 'emp' })).total, 3, 'denied calls changed nothing');

  t.strictSame(await operator.purgeRejects('emp', [id2, '1-1']), { purged: 1 }, 'by id; unknown ids skipped');
  t.strictSame(
    (await viewer.listRejects({ job: 'emp' })).records.map((record) => record.id),
    [id1, id3],
  );
  t.strictSame(await operator.purgeRejects('emp'), { purged: 2 }, 'no ids: all of the job');
  t.strictSame(await viewer.listRejects({ job: 'emp' }), { records: [], nextAfterId: '', total: 0 });
});

t.test('Replay: events in the right partitions, then written, rejected again or pending', async (t) => {
  const { client, keys, queue, redis } = await deployed(t, 'rejects-replay');
  const changeLog = deployedChangeLog(t, keys);
  const [written, refused, unapplied] = keysInDistinctPartitions(changeLog, 3) as [string, string, string];
  const unappliedPartition = changeLog.partitionOf(unapplied);
  const { applied } = simulateApply(t, keys, {
    skip: new Set([unappliedPartition]),
    rejectKeys: new Set([refused]),
  });
  // Two records of one key (two rows of a set, say) are replayed as one change of the key.
  await queue.add('emp', [reject(written), reject(refused), reject(written), reject(unapplied)], 1000);
  const other = await queue.add('orders', [{ ...reject('order:1'), job: 'orders' }], 1000);

  // The partition nobody reads keeps Replay waiting: give it about 2 s (the deadline less 500 ms).
  const started = Date.now();
  const result = await client({ deadlineMs: 2500 }).replayRejects('emp');
  const waited = Date.now() - started;
  t.strictSame(result, { replayed: 1, rejectedAgain: 1, pending: 1 });
  t.ok(waited >= 1500 && waited < 2500, `waited until shortly before the deadline (${waited} ms)`);

  const event = (key: string) => ({
    key,
    command: 'ferry.replay',
    db: SOURCE_DB,
    partition: changeLog.partitionOf(key),
  });
  t.strictSame(
    applied
      .map((entry) => ({ key: entry.key, command: entry.command, db: entry.db, partition: entry.partition }))
      .sort((a, b) => a.partition - b.partition),
    [event(written), event(refused)].sort((a, b) => a.partition - b.partition),
    'one ferry.replay event per key, in its partition, with the source db of the job',
  );
  const unread = await redis.xrange(changeLog.streamKey(unappliedPartition), '-', '+');
  t.strictSame(
    unread.map(([, fields]) => [fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]]),
    [['k', unapplied, 'c', 'ferry.replay', 'd', String(SOURCE_DB)]],
    'the pending key waits in its partition',
  );

  const left = await queue.list('emp', { limit: 10 });
  t.strictSame(
    left.records.map((record) => [record.key, record.error, record.entryId]),
    [[refused, 'rejected again', applied.find((entry) => entry.key === refused)?.id]],
    'the replayed records left the queue; the key refused again is back with its new error',
  );
  t.strictSame(
    (await queue.list('orders', { limit: 10 })).records.map((record) => record.id),
    other,
    "another job's queue is untouched",
  );
});

t.test('Replay with the engine stopped: everything is queued, nothing waited for, all pending', async (t) => {
  const { client, keys, queue, redis } = await deployed(t, 'rejects-stopped');
  await redis.set(keys.cluster.engineState, 'stopped');
  const ids = await queue.add('emp', [reject('emp:1'), reject('emp:2'), reject('emp:3')], 1000);

  const started = Date.now();
  const result = await client({ deadlineMs: 10_000 }).replayRejects('emp', [
    ids[0] ?? '',
    ids[2] ?? '',
    '1-1',
  ]);
  t.strictSame(
    result,
    { replayed: 0, rejectedAgain: 0, pending: 2 },
    'the two records asked for; unknown ids skipped',
  );
  t.ok(Date.now() - started < 1000, 'answered without waiting');

  const changeLog = deployedChangeLog(t, keys);
  const lengths = await Promise.all(
    [0, 1, 2, 3].map((partition) => redis.xlen(changeLog.streamKey(partition))),
  );
  const expected = new Map<number, number>();
  for (const key of ['emp:1', 'emp:3']) {
    const partition = changeLog.partitionOf(key);
    expected.set(partition, (expected.get(partition) ?? 0) + 1);
  }
  t.strictSame(
    lengths,
    [0, 1, 2, 3].map((partition) => expected.get(partition) ?? 0),
    'the events are in the log, for the engine to apply when it starts',
  );
  t.strictSame(
    (await queue.list('emp', { limit: 10 })).records.map((record) => record.key),
    ['emp:2'],
    'only the replayed records left the queue',
  );
  t.strictSame(await client().replayRejects('emp', ['1-1']), { replayed: 0, rejectedAgain: 0, pending: 0 });
});

t.test('apply counts only once the group has delivered and acknowledged the replayed entries', async (t) => {
  const { keys, queue, redis } = await deployed(t, 'rejects-wait');
  const changeLog = deployedChangeLog(t, keys);
  const run = (waitMs: number) =>
    replay({ redis, keys, changeLog, job: 'emp', db: SOURCE_DB, ids: [], waitMs });

  await queue.add('emp', [reject('emp:1')], 1000);
  t.strictSame(await run(250), { replayed: 0, rejectedAgain: 0, pending: 1 }, 'no consumer group yet');

  // Delivered to a worker that has not committed (acknowledged) it yet: still pending.
  await changeLog.ensureGroups();
  const partition = changeLog.partitionOf('emp:2');
  await queue.add('emp', [reject('emp:2')], 1000);
  const replaying = run(1500);
  let delivered: LogEntry[] = [];
  while (delivered.length === 0) {
    delivered = await changeLog.readBatch(partition, 'w1', { count: 10, blockMs: 50 });
    delivered = delivered.filter((entry) => entry.key === 'emp:2');
  }
  t.strictSame(await replaying, { replayed: 0, rejectedAgain: 0, pending: 1 }, 'delivered, not acknowledged');

  // Acknowledged: the wait ends as soon as it sees it.
  await queue.add('emp', [reject('emp:2')], 1000);
  const again = run(5000);
  let read: LogEntry[] = [];
  while (!read.some((entry) => entry.key === 'emp:2' && !entry.redelivered)) {
    read = await changeLog.readBatch(partition, 'w1', { count: 10, blockMs: 50 });
    await changeLog.ack(
      partition,
      read.map((entry) => entry.id),
    );
  }
  const started = Date.now();
  t.strictSame(await again, { replayed: 1, rejectedAgain: 0, pending: 0 });
  t.ok(Date.now() - started < 1000, 'done without spending the whole budget');
});

t.test('Replay refuses ingest jobs, unknown jobs and an undeployed cluster', async (t) => {
  const { client, deploy } = await controlPlaneOf(t, 'rejects-refused');
  t.strictSame(await failure(client().replayRejects('emp')), {
    code: 'FAILED_PRECONDITION',
    message:
      'nothing is deployed yet, so no job has rejected records; deploy a pipeline first (ferry deploy --dir DIR)',
  });
  await deploy();
  t.strictSame(await failure(client().replayRejects('orders')), {
    code: 'FAILED_PRECONDITION',
    message: 'replay of ingest jobs is not supported yet',
  });
  t.strictSame(await failure(client().replayRejects('nope')), {
    code: 'NOT_FOUND',
    message: 'the deployed configuration (version 1) has no job named "nope"; its jobs: emp, orders',
  });
  t.strictSame(await failure(client().replayRejects('emp', ['x'])), {
    code: 'INVALID_ARGUMENT',
    message: 'ids must be dead-letter record ids like 1700000000000-0 (got "x")',
  });
});

t.test('ferry get-rejected, replay-rejected and purge-rejected', async (t) => {
  const { address, keys, queue, redis } = await deployed(t, 'rejects-cli');
  const server = ['--server', address];
  const empty = await runFerry(['get-rejected', 'emp', ...server]);
  t.strictSame(empty, { code: 0, stdout: 'No rejected records for job emp.\n', stderr: '' });

  const ids = await queue.add(
    'emp',
    [
      reject('emp:1', {
        values: { emp_id: '1', first_name: 'A first name far too long for its column, as the error says' },
        errorCode: 'DATA_TOO_LONG',
        error: "Data too long for column 'first_name' at row 1",
      }),
      reject('emp:2', {
        values: { emp_id: 2, salary: 'abc' },
        errorCode: 'CONVERSION',
        error: 'salary: "abc" is not a DECIMAL(10,2)',
      }),
      reject('emp:3'),
    ],
    1000,
  );
  const [id1, id2, id3] = ids as [string, string, string];
  t.ok(
    ids.every((id) => /^\d{13}-\d$/.test(id)),
    'ids of one width, so the table below is exact',
  );

  const list = await runFerry(['get-rejected', 'emp', '--limit', '2', ...server]);
  t.strictSame(list, {
    code: 0,
    stdout: [
      'ID               TIME                  KEY    ERROR CODE     ERROR                                           VALUES',
      `${id1}  ${REJECTED_AT_TEXT}  emp:1  DATA_TOO_LONG  Data too long for column 'first_name' at row 1  {"emp_id":"1","first_name":"A first name far too long for i…`,
      `${id2}  ${REJECTED_AT_TEXT}  emp:2  CONVERSION     salary: "abc" is not a DECIMAL(10,2)            {"emp_id":2,"salary":"abc"}`,
      '2 of 3 rejected records shown.',
      `Next page: ferry get-rejected emp --after ${id2}`,
      '',
    ].join('\n'),
    stderr: '',
  });
  const next = await runFerry(['get-rejected', 'emp', '--after', id2, ...server]);
  t.strictSame(next, {
    code: 0,
    stdout: [
      'ID               TIME                  KEY    ERROR CODE            ERROR                                  VALUES',
      `${id3}  ${REJECTED_AT_TEXT}  emp:3  CONSTRAINT_VIOLATION  Duplicate entry '3' for key 'uq_name'  {"emp_id":"3","first_name":"Ada"}`,
      '1 of 3 rejected records shown.',
      '',
    ].join('\n'),
    stderr: '',
  });
  const past = await runFerry(['get-rejected', 'emp', '--after', id3, ...server]);
  t.equal(past.stdout, `No rejected records of job emp after ${id3} (3 in all).\n`);
  const json = await runFerry(['get-rejected', 'emp', '--limit', '1', '--json', ...server]);
  t.equal(json.code, 0);
  t.strictSame(JSON.parse(json.stdout), {
    records: [
      {
        id: id1,
        job: 'emp',
        key: 'emp:1',
        valuesJson:
          '{"emp_id":"1","first_name":"A first name far too long for its column, as the error says"}',
        error: "Data too long for column 'first_name' at row 1",
        errorCode: 'DATA_TOO_LONG',
        rejectedAt: '2023-11-14T22:13:20.000Z',
        table: 'app.emp',
        column: '',
        entryId: '',
      },
    ],
    nextAfterId: id1,
    total: 3,
  });
  const unknown = await runFerry(['get-rejected', 'nope', ...server]);
  t.strictSame(unknown, {
    code: 1,
    stdout: '',
    stderr: 'ferry: the deployed configuration (version 1) has no job named "nope"; its jobs: emp, orders\n',
  });

  const refused = await runFerry(['purge-rejected', 'emp', ...server]);
  t.strictSame(refused, {
    code: 2,
    stdout: '',
    stderr:
      'ferry: purge-rejected without IDs deletes every rejected record of job emp; nothing was deleted. ' +
      'Add --yes to delete them all, or name the records to delete (ids from: ferry get-rejected emp)\n',
  });
  const refusedJson = await runFerry(['purge-rejected', 'emp', '--json', ...server]);
  t.equal(refusedJson.code, 2);
  t.strictSame(JSON.parse(refusedJson.stdout), {
    error: {
      code: 'CONFIRMATION_REQUIRED',
      reason: null,
      message:
        'purge-rejected without IDs deletes every rejected record of job emp; nothing was deleted. ' +
        'Add --yes to delete them all, or name the records to delete (ids from: ferry get-rejected emp)',
    },
  });
  t.equal((await queue.list('emp', { limit: 10 })).total, 3, 'nothing was purged');

  const purgeOne = await runFerry(['purge-rejected', 'emp', id3, ...server]);
  t.strictSame(purgeOne, { code: 0, stdout: 'Purged 1 rejected record of job emp.\n', stderr: '' });

  await redis.set(keys.cluster.engineState, 'stopped');
  const replayOne = await runFerry(['replay-rejected', 'emp', id1, ...server]);
  t.strictSame(replayOne, {
    code: 0,
    stdout: [
      'Replayed:       0',
      'Rejected again: 0',
      'Pending:        1',
      'Pending keys are queued and will be applied once the engine runs and catches up; follow them with: ' +
        'ferry status, ferry get-rejected emp',
      '',
    ].join('\n'),
    stderr: '',
  });
  const replayJson = await runFerry(['replay-rejected', 'emp', '--json', ...server]);
  t.strictSame(
    { code: replayJson.code, document: JSON.parse(replayJson.stdout) as unknown },
    { code: 0, document: { replayed: 0, rejectedAgain: 0, pending: 1 } },
  );
  const nothing = await runFerry(['replay-rejected', 'emp', ...server]);
  t.strictSame(nothing, { code: 0, stdout: 'No rejected records of job emp to replay.\n', stderr: '' });

  await queue.add('emp', [reject('emp:4'), reject('emp:5')], 1000);
  const purgeAll = await runFerry(['purge-rejected', 'emp', '--yes', ...server]);
  t.strictSame(purgeAll, { code: 0, stdout: 'Purged 2 rejected records of job emp.\n', stderr: '' });
});
