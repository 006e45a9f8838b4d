/**
 * Status as workers publish it and GetStatus shows it, against a real Redis and control plane: per-job
 * counters and the last batch, connection reachability (with passwords kept out), the change log's backlog,
 * unreadable stored values, and the engine's state through Start and Stop, over gRPC and in `ferry status`.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { FerryClientError } from '../../clients/ferry-client.js';
import type { BatchTimings } from '../../clients/generated/ferry/v1/BatchTimings.js';
import { ChangeLog } from '../../common/change-log/index.js';
import { createLogger } from '../../common/logger.js';
import { ferryKeys } from '../../common/redis-keys.js';
import {
  readConnectionStates,
  readJobStatuses,
  redactErrorText,
  resetJobStatuses,
  StatusRecorder,
} from '../../common/status/index.js';
import type { BatchCounts, BatchTimingsRecord } from '../../common/status/index.js';
import { NOT_CHECKED_YET } from '../../control-plane/pipeline-status.js';
import { runFerry } from '../fixtures/cli/harness.js';
import { BASE_CONFIG, INGEST_JOB, WRITE_BEHIND_JOB } from '../fixtures/config/pipeline-fixtures.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { deployRequest } from '../helpers/pipelines.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

type Teardown = Parameters<typeof testRedis>[0];

const ZERO: BatchCounts = { processed: 0, inserted: 0, updated: 0, deleted: 0, filtered: 0, rejected: 0 };

/** A pipeline with two write-behind jobs and an ingest job, two connections and a source. */
const MIXED_PIPELINE = {
  config: { name: 'config.yaml', content: BASE_CONFIG },
  jobs: [
    { name: 'jobs/emp.yaml', content: WRITE_BEHIND_JOB },
    {
      name: 'jobs/dept.yaml',
      content: WRITE_BEHIND_JOB.replaceAll('emp', 'dept'),
    },
    { name: 'jobs/rows.yaml', content: INGEST_JOB },
  ],
};

function keysUnder(t: Teardown, name: string) {
  const redis = testRedis(t);
  const prefix = uniquePrefix(name);
  t.teardown(() => deleteKeys(redis, prefix));
  return { redis, keys: ferryKeys(prefix) };
}

function timings(finishedAt: number, size: number): BatchTimingsRecord {
  return { readMs: 12, transformMs: 3, writeMs: 40, ackMs: 1, size, finishedAt };
}

/** What GetStatus answers for a BatchTimingsRecord. */
function wireTimings(record: BatchTimingsRecord): BatchTimings {
  return {
    readMs: record.readMs,
    transformMs: record.transformMs,
    writeMs: record.writeMs,
    ackMs: record.ackMs,
    size: record.size,
    finishedAt: { seconds: Math.floor(record.finishedAt / 1000), nanos: (record.finishedAt % 1000) * 1e6 },
  };
}

async function rejection(promise: Promise<unknown>): Promise<FerryClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A logger whose lines the test can read. */
function capturedLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: () => Record<string, unknown>[];
} {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'warn', destination });
  return {
    logger,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

t.test('counters add up over batches, the last batch is the latest, and a reset clears them', async (t) => {
  const { redis, keys } = keysUnder(t, 'status-batches');
  const recorder = new StatusRecorder(redis, keys);
  await recorder.recordBatch(
    'emp',
    { ...ZERO, processed: 10, inserted: 7, updated: 2, filtered: 1 },
    timings(1000, 10),
  );
  await recorder.recordBatch(
    'emp',
    { ...ZERO, processed: 5, updated: 3, deleted: 1, rejected: 1 },
    timings(2500, 5),
  );
  await recorder.recordBatch('dept', { ...ZERO, processed: 1, inserted: 1 }, timings(3000, 1));

  const statuses = await readJobStatuses(redis, keys, ['emp', 'dept', 'idle']);
  t.strictSame([...statuses.keys()], ['emp', 'dept', 'idle'], 'one entry per job, in the order asked');
  t.strictSame(statuses.get('emp'), {
    processed: 15,
    inserted: 7,
    updated: 5,
    deleted: 1,
    filtered: 1,
    rejected: 1,
    lastBatch: timings(2500, 5),
  });
  t.strictSame(statuses.get('dept'), { ...ZERO, processed: 1, inserted: 1, lastBatch: timings(3000, 1) });
  t.strictSame(statuses.get('idle'), ZERO, 'a job no worker has run has zero counters and no last batch');
  t.strictSame(
    (await redis.hkeys(keys.status.job('dept'))).sort(),
    ['inserted', 'lastBatch', 'processed'],
    'counters that stayed 0 are not written',
  );

  await t.rejects(recorder.recordBatch('emp', { ...ZERO, processed: -1 }, timings(4000, 1)), {
    code: 'INVALID_ARGUMENT',
    message: 'batch count processed must be a non-negative integer (got -1)',
  });
  await t.rejects(recorder.recordBatch('emp', { ...ZERO, inserted: 1.5 }, timings(4000, 1)), {
    message: 'batch count inserted must be a non-negative integer (got 1.5)',
  });
  await t.rejects(recorder.recordBatch('emp', ZERO, { ...timings(4000, 1), writeMs: Number.NaN }), {
    message: 'batch timing writeMs must be a non-negative number (got NaN)',
  });
  t.strictSame(
    (await readJobStatuses(redis, keys, ['emp'])).get('emp')?.processed,
    15,
    'a refused batch adds nothing',
  );

  await resetJobStatuses(redis, keys, ['emp', 'dept']);
  const reset = await readJobStatuses(redis, keys, ['emp', 'dept']);
  t.strictSame([reset.get('emp'), reset.get('dept')], [ZERO, ZERO]);
});

t.test('unreadable stored values are logged and treated as absent', async (t) => {
  const { redis, keys } = keysUnder(t, 'status-unreadable');
  await redis.hset(keys.status.job('emp'), { processed: '4', inserted: 'many', lastBatch: '{not json' });
  await redis.hset(keys.status.job('dept'), { lastBatch: JSON.stringify({ readMs: 'slow' }) });
  await redis.hset(keys.status.connections, {
    target: '{"type":"mysql"',
    app: JSON.stringify({ type: 'redis', reachable: true, checkedAt: 5000, workerId: 'w1' }),
  });
  const { logger, lines } = capturedLogger();

  const statuses = await readJobStatuses(redis, keys, ['emp', 'dept'], { logger });
  t.strictSame(statuses.get('emp'), { ...ZERO, processed: 4 });
  t.strictSame(statuses.get('dept'), ZERO);
  const connections = await readConnectionStates(redis, keys, { logger });
  t.strictSame(
    [...connections.entries()],
    [['app', { type: 'redis', reachable: true, checkedAt: 5000, workerId: 'w1' }]],
  );
  t.strictSame(
    lines().map(({ job, connection, field, msg }) => ({ job, connection, field, msg })),
    [
      {
        job: 'emp',
        connection: undefined,
        field: 'inserted',
        msg: 'ignoring an unreadable job counter in the status',
      },
      {
        job: 'emp',
        connection: undefined,
        field: 'lastBatch',
        msg: 'ignoring an unreadable last batch in the status',
      },
      {
        job: 'dept',
        connection: undefined,
        field: 'lastBatch',
        msg: 'ignoring an unreadable last batch in the status',
      },
      {
        job: undefined,
        connection: 'target',
        field: undefined,
        msg: 'ignoring an unreadable connection state in the status',
      },
    ],
  );
});

t.test('connection states are stored without passwords', async (t) => {
  t.equal(
    redactErrorText('connect failed: host=db password=hunter2 user=ferry'),
    'connect failed: host=db password=****** user=ferry',
  );
  t.equal(
    redactErrorText('login failed (password=a:b.c): refused'),
    'login failed (password=******): refused',
  );
  t.equal(
    redactErrorText(`bad DSN "mysql://ferry:s3cr%40t@db:3306/app"`),
    'bad DSN "mysql://ferry:******@db:3306/app"',
  );
  t.equal(redactErrorText(`{"Password": "a b c", "pwd":'x'}`), `{"Password": "******", "pwd":'******'}`);
  t.equal(
    redactErrorText("Access denied for user 'ferry'@'10.0.0.5' (using password: YES)"),
    "Access denied for user 'ferry'@'10.0.0.5' (using password: YES)",
    "MySQL's own wording names no password and stays readable",
  );

  const { redis, keys } = keysUnder(t, 'status-connections');
  const recorder = new StatusRecorder(redis, keys);
  await recorder.recordConnection('target', {
    type: 'mysql',
    reachable: false,
    lastError: 'cannot connect with password=hunter2: ECONNREFUSED',
    checkedAt: 1_700_000_000_123,
    workerId: 'worker-1',
  });
  t.equal(
    await redis.hget(keys.status.connections, 'target'),
    JSON.stringify({
      type: 'mysql',
      reachable: false,
      lastError: 'cannot connect with password=****** ECONNREFUSED',
      checkedAt: 1_700_000_000_123,
      workerId: 'worker-1',
    }),
    'the password never reaches Redis',
  );
  // Something other than StatusRecorder wrote a password: it is redacted on the way out too.
  await redis.hset(
    keys.status.connections,
    'cache',
    JSON.stringify({
      type: 'redis',
      reachable: false,
      lastError: 'AUTH password=x1 failed',
      checkedAt: 1,
      workerId: 'w',
    }),
  );
  const states = await readConnectionStates(redis, keys);
  t.strictSame(states.get('cache')?.lastError, 'AUTH password=****** failed');
  t.strictSame(states.get('target'), {
    type: 'mysql',
    reachable: false,
    lastError: 'cannot connect with password=****** ECONNREFUSED',
    checkedAt: 1_700_000_000_123,
    workerId: 'worker-1',
  });
});

t.test('GetStatus shows every job and connection of the deployed configuration', async (t) => {
  const { client, prefix } = await startTestControlPlane(t, 'status');
  const ferry = client();
  const redis = testRedis(t);
  const keys = ferryKeys(prefix);
  await ferry.deploy(MIXED_PIPELINE);

  const fresh = await ferry.getStatus();
  t.strictSame(
    fresh.jobs.map(({ name, kind, processed, pending, lagMs, lastBatch }) => ({
      name,
      kind,
      processed,
      pending,
      lagMs,
      lastBatch,
    })),
    [
      { name: 'dept', kind: 'JOB_KIND_WRITE_BEHIND', processed: 0, pending: 0, lagMs: 0, lastBatch: null },
      { name: 'emp', kind: 'JOB_KIND_WRITE_BEHIND', processed: 0, pending: 0, lagMs: 0, lastBatch: null },
      { name: 'rows', kind: 'JOB_KIND_INGEST', processed: 0, pending: 0, lagMs: 0, lastBatch: null },
    ],
    'before any worker: every job, in the configuration order, with zero counters',
  );
  t.strictSame(
    fresh.connections,
    [
      { name: 'target', type: 'mysql', reachable: false, lastError: NOT_CHECKED_YET, checkedAt: null },
      { name: 'cache', type: 'redis', reachable: false, lastError: NOT_CHECKED_YET, checkedAt: null },
      { name: 'app', type: 'redis', reachable: false, lastError: NOT_CHECKED_YET, checkedAt: null },
    ],
    'connections, then sources, none checked yet',
  );
  t.equal(NOT_CHECKED_YET, 'not checked yet: no worker has used this connection');

  const recorder = new StatusRecorder(redis, keys);
  const empBatch = timings(1_700_000_000_250, 4);
  await recorder.recordBatch(
    'emp',
    { ...ZERO, processed: 6, inserted: 3, updated: 2 },
    timings(1_700_000_000_000, 2),
  );
  await recorder.recordBatch(
    'emp',
    { ...ZERO, processed: 4, deleted: 1, filtered: 1, rejected: 2 },
    empBatch,
  );
  await recorder.recordConnection('target', {
    type: 'mysql',
    reachable: false,
    lastError: 'ER_ACCESS_DENIED_ERROR with password=hunter2',
    checkedAt: 1_700_000_001_500,
    workerId: 'worker-1',
  });
  await recorder.recordConnection('app', {
    type: 'redis',
    reachable: true,
    checkedAt: 1_700_000_002_000,
    workerId: 'worker-2',
  });
  await recorder.recordConnection('gone', {
    type: 'postgresql',
    reachable: true,
    checkedAt: 1_700_000_002_000,
    workerId: 'worker-2',
  });

  // Capture appends before any worker has created the consumer group, then apply starts (ensureGroups).
  const changeLog = new ChangeLog(redis, { prefix, partitions: 16, pipeline: prefix });
  await changeLog.append([
    { key: 'emp:1', command: 'hset', db: 0 },
    { key: 'emp:2', command: 'hset', db: 0 },
  ]);
  const beforeGroups = await ferry.getStatus();
  t.strictSame(
    beforeGroups.jobs.map((job) => job.pending),
    [2, 2, 0],
    'pending counts the log before apply has started',
  );
  await changeLog.ensureGroups();
  // An unreadable value a worker left behind must not break the status call.
  await redis.hset(keys.status.job('dept'), 'lastBatch', '{oops');
  await changeLog.append([{ key: 'dept:9', command: 'del', db: 0 }]);
  const waitedMs = 60;
  await new Promise((resolve) => setTimeout(resolve, waitedMs));

  const status = await ferry.getStatus();
  const [dept, emp, rows] = status.jobs;
  t.strictSame(emp, {
    name: 'emp',
    kind: 'JOB_KIND_WRITE_BEHIND',
    processed: 10,
    inserted: 3,
    updated: 2,
    deleted: 1,
    filtered: 1,
    rejected: 2,
    pending: 3,
    lagMs: emp?.lagMs,
    lastBatch: wireTimings(empBatch),
  });
  t.ok(
    (emp?.lagMs ?? 0) >= waitedMs && (emp?.lagMs ?? 0) < 10_000,
    `lag is the age of the oldest entry (got ${emp?.lagMs} ms)`,
  );
  t.strictSame(
    dept,
    { ...ZERO, name: 'dept', kind: 'JOB_KIND_WRITE_BEHIND', pending: 3, lagMs: emp?.lagMs, lastBatch: null },
    "write-behind jobs share the pipeline's change log: the same pending and lag",
  );
  t.strictSame(rows, {
    ...ZERO,
    name: 'rows',
    kind: 'JOB_KIND_INGEST',
    pending: 0,
    lagMs: 0,
    lastBatch: null,
  });
  t.strictSame(status.connections, [
    {
      name: 'target',
      type: 'mysql',
      reachable: false,
      lastError: 'ER_ACCESS_DENIED_ERROR with password=******',
      checkedAt: { seconds: 1_700_000_001, nanos: 500_000_000 },
    },
    { name: 'cache', type: 'redis', reachable: false, lastError: NOT_CHECKED_YET, checkedAt: null },
    {
      name: 'app',
      type: 'redis',
      reachable: true,
      lastError: '',
      checkedAt: { seconds: 1_700_000_002, nanos: 0 },
    },
  ]);
  t.equal(status.engineState, 'ENGINE_STATE_RUNNING');
});

t.test('Start and Stop set the engine state, as a whole and only once deployed', async (t) => {
  const { client, prefix } = await startTestControlPlane(t, 'engine');
  const ferry = client();
  const redis = testRedis(t);
  const keys = ferryKeys(prefix);

  const early = await rejection(ferry.start());
  t.equal(early.codeName, 'FAILED_PRECONDITION');
  t.equal(early.message, 'nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)');
  t.equal((await rejection(ferry.stop())).codeName, 'FAILED_PRECONDITION');
  t.equal((await ferry.getStatus()).engineState, 'ENGINE_STATE_NOT_DEPLOYED');
  t.equal(await redis.get(keys.cluster.engineState), null, 'nothing written before a deploy');

  await ferry.deploy(deployRequest());
  t.equal((await ferry.getStatus()).engineState, 'ENGINE_STATE_RUNNING', 'a deployed pipeline runs');

  t.strictSame(await ferry.stop(), { state: 'ENGINE_STATE_STOPPED' });
  t.equal(await redis.get(keys.cluster.engineState), 'stopped');
  t.equal((await ferry.getStatus()).engineState, 'ENGINE_STATE_STOPPED');

  const named = await rejection(ferry.start(['emp']));
  t.equal(named.codeName, 'INVALID_ARGUMENT');
  t.equal(
    named.message,
    "jobs share the pipeline's change log, so the engine starts and stops as a whole; " +
      'run ferry start without job names (got "emp")',
  );
  const unknown = await rejection(ferry.stop(['emp', 'nope']));
  t.equal(
    unknown.message,
    "jobs share the pipeline's change log, so the engine starts and stops as a whole; " +
      'run ferry stop without job names (got "emp", "nope")',
    'unknown job names get the same answer',
  );
  t.equal((await ferry.getStatus()).engineState, 'ENGINE_STATE_STOPPED', 'a refused call changes nothing');

  t.strictSame(await ferry.start(), { state: 'ENGINE_STATE_RUNNING' });
  t.equal(await redis.get(keys.cluster.engineState), 'running');
  t.equal((await ferry.getStatus()).engineState, 'ENGINE_STATE_RUNNING');
});

t.test('a viewer cannot start or stop the engine; an operator can', async (t) => {
  const tokens = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789' };
  const { client } = await startTestControlPlane(t, 'engine-roles', {
    env: {
      FERRY_TOKENS: `victor:viewer:${tokens.viewer},olga:operator:${tokens.operator},ada:admin:admin-token-0123456789`,
    },
  });
  await client({ token: 'admin-token-0123456789' }).deploy(deployRequest());
  const viewer = client({ token: tokens.viewer });
  const operator = client({ token: tokens.operator });

  const denied = await rejection(viewer.stop());
  t.equal(denied.codeName, 'PERMISSION_DENIED');
  t.equal(denied.message, 'Stop needs the operator role; token "victor" has viewer');
  t.equal((await rejection(viewer.start())).codeName, 'PERMISSION_DENIED');
  t.equal((await viewer.getStatus()).engineState, 'ENGINE_STATE_RUNNING');

  t.strictSame(await operator.stop(), { state: 'ENGINE_STATE_STOPPED' });
  t.equal((await viewer.getStatus()).engineState, 'ENGINE_STATE_STOPPED');
});

t.test('ferry status shows the jobs and connections; ferry start and stop take no job names', async (t) => {
  const { controlPlane, prefix, client } = await startTestControlPlane(t, 'status-cli');
  const server = ['--server', controlPlane.address];
  const redis = testRedis(t);
  const keys = ferryKeys(prefix);
  await client().deploy(MIXED_PIPELINE);

  const now = Date.now();
  const recorder = new StatusRecorder(redis, keys);
  await recorder.recordBatch(
    'emp',
    { processed: 1200, inserted: 1000, updated: 150, deleted: 30, filtered: 15, rejected: 5 },
    { readMs: 12, transformMs: 3, writeMs: 40, ackMs: 1, size: 200, finishedAt: now - 2000 },
  );
  await recorder.recordConnection('target', {
    type: 'mysql',
    reachable: false,
    lastError: 'connect ECONNREFUSED 127.0.0.1:3306',
    checkedAt: now - 5 * 60_000,
    workerId: 'worker-1',
  });
  await recorder.recordConnection('app', {
    type: 'redis',
    reachable: true,
    checkedAt: now - 5 * 60_000,
    workerId: 'w',
  });

  await redis.hset(keys.status.capture('app'), {
    state: 'streaming',
    replid: 'b'.repeat(40),
    offset: '123456',
    syncMode: 'continue',
    snapshotKeys: '21',
    snapshotDone: '1',
    databaseEvents: '1',
    lastWarning: 'FLUSHDB in db 0: the targets are left alone',
    workerId: 'w',
    updatedAt: String(now - 5 * 60_000),
  });

  const status = await runFerry(['status', ...server]);
  t.equal(status.code, 0);
  t.equal(status.stderr, '');
  const sections = status.stdout.split('\n\n');
  t.equal(sections.length, 5, 'header, workers, connections, capture, jobs');
  t.equal(
    sections[2],
    [
      'Connections',
      'NAME    TYPE   REACHABLE  CHECKED  LAST ERROR',
      'target  mysql  no         5m ago   connect ECONNREFUSED 127.0.0.1:3306',
      `cache   redis  no         -        ${NOT_CHECKED_YET}`,
      'app     redis  yes        5m ago   -',
    ].join('\n'),
  );
  t.equal(
    sections[3],
    [
      'Capture',
      'SOURCES  STATE      SYNC      OFFSET  SNAPSHOT       WORKER  UPDATED  LAST ERROR / WARNING',
      'app      streaming  continue  123456  done, 21 keys  w       5m ago   FLUSHDB in db 0: the targets are left alone',
    ].join('\n'),
  );

  // A standing warning shows its first sentence; a reconciliation its counts.
  await redis.hdel(keys.status.capture('app'), 'lastWarning');
  await redis.hset(keys.status.capture('app'), {
    warning: "the source master's repl-backlog-size is 1 MiB: below the 64 MiB Ferry needs. Raise it.",
    reconcileRows: '40',
    reconcileDeletes: '3',
  });
  const warned = await runFerry(['status', ...server]);
  t.equal(
    warned.stdout.split('\n\n')[3]?.split('\n')[2],
    "app      streaming  continue  123456  done, 21 keys; 40 rows checked, 3 gone  w       5m ago   the source master's " +
      'repl-backlog-size is 1 MiB: below the 64 MiB Ferry needs (ferry status --json for more)',
  );
  t.equal(
    sections[4],
    [
      'Jobs',
      'JOB   KIND          PROCESSED  INSERTED  UPDATED  DELETED  FILTERED  REJECTED  PENDING  LAG  LAST BATCH',
      'dept  write-behind          0         0        0        0         0         0        0  0ms  -',
      'emp   write-behind       1200      1000      150       30        15         5        0  0ms  200 events, r/t/w/a 12/3/40/1 ms',
      'rows  ingest                0         0        0        0         0         0        -    -  -',
      '',
    ].join('\n'),
  );

  const stop = await runFerry(['stop', ...server]);
  t.strictSame(stop, { code: 0, stdout: 'Engine: stopped\n', stderr: '' });
  t.equal(await redis.get(keys.cluster.engineState), 'stopped');
  const start = await runFerry(['start', '--json', ...server]);
  t.strictSame(
    { code: start.code, json: JSON.parse(start.stdout) as unknown },
    { code: 0, json: { state: 'ENGINE_STATE_RUNNING' } },
  );

  const named = await runFerry(['stop', 'emp', ...server]);
  t.equal(named.code, 1);
  t.equal(
    named.stderr,
    "ferry: too many arguments for 'stop'. Expected 0 arguments but got 1.\n(run 'ferry stop --help' for usage)\n",
  );
  t.equal(await redis.get(keys.cluster.engineState), 'running', 'a refused stop changes nothing');
});
