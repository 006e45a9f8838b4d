/** The lease protocol's options: defaults, and every rejection with its message. */
import t from 'tap';
import { Redis } from 'ioredis';
import { ferryKeys } from '../../common/redis-keys.js';
import { InvalidArgumentError } from '../../common/errors.js';
import {
  compileAssignmentOptions,
  compileHeartbeatOptions,
  compileLeaseTimings,
  unitKind,
  applyUnit,
  captureUnit,
  Leader,
  LeaseKeeper,
  WorkerRegistry,
} from '../../common/leases/index.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

t.test('lease timings: defaults derive from ttlMs', (t) => {
  t.same(compileLeaseTimings({}, 'leader'), { ttlMs: 10_000, renewIntervalMs: 3333, safetyMarginMs: 2000 });
  t.same(compileLeaseTimings({ ttlMs: 900 }, 'leader'), {
    ttlMs: 900,
    renewIntervalMs: 300,
    safetyMarginMs: 180,
  });
  t.same(
    compileLeaseTimings({ ttlMs: 1000, renewIntervalMs: 100, safetyMarginMs: 0 }, 'leaseKeeper'),
    { ttlMs: 1000, renewIntervalMs: 100, safetyMarginMs: 0 },
    'values a user set are kept',
  );
  t.end();
});

t.test('lease timings: rejections', (t) => {
  t.equal(
    message(() => compileLeaseTimings({ ttlMs: 50 }, 'leader')),
    'leader.ttlMs must be an integer of at least 100 (got 50)',
  );
  t.equal(
    message(() => compileLeaseTimings({ ttlMs: 1000.5 }, 'leader')),
    'leader.ttlMs must be an integer of at least 100 (got 1000.5)',
  );
  t.equal(
    message(() => compileLeaseTimings({ renewIntervalMs: -3 }, 'leaseKeeper')),
    'leaseKeeper.renewIntervalMs must be a positive integer (got -3)',
  );
  t.equal(
    message(() => compileLeaseTimings({ safetyMarginMs: -1 }, 'leaseKeeper')),
    'leaseKeeper.safetyMarginMs must be a non-negative integer (got -1)',
  );
  t.equal(
    message(() => compileLeaseTimings({ ttlMs: 1000, renewIntervalMs: 800 }, 'leaseKeeper')),
    'leaseKeeper.renewIntervalMs + leaseKeeper.safetyMarginMs must be less than leaseKeeper.ttlMs, so that a ' +
      'renewal happens before the local deadline (got 800 + 200 >= 1000)',
  );
  t.end();
});

t.test('assignment options: defaults and rejections', (t) => {
  const timings = compileLeaseTimings({ ttlMs: 1000 }, 'leader');
  t.same(compileAssignmentOptions({}, timings, 'leader'), {
    roundIntervalMs: 1000,
    workerTimeoutMs: 500,
    maxHandoversPerRound: 2,
    handoverTimeoutMs: 3000,
  });
  t.equal(compileAssignmentOptions({ maxHandoversPerRound: 0 }, timings, 'leader').maxHandoversPerRound, 0);
  t.equal(
    message(() => compileAssignmentOptions({ roundIntervalMs: 0 }, timings, 'leader')),
    'leader.roundIntervalMs must be a positive integer (got 0)',
  );
  t.equal(
    message(() => compileAssignmentOptions({ workerTimeoutMs: -5 }, timings, 'leader')),
    'leader.workerTimeoutMs must be a positive integer (got -5)',
  );
  t.equal(
    message(() => compileAssignmentOptions({ maxHandoversPerRound: 1.5 }, timings, 'leader')),
    'leader.maxHandoversPerRound must be a non-negative integer (got 1.5)',
  );
  t.equal(
    message(() => compileAssignmentOptions({ handoverTimeoutMs: NaN }, timings, 'leader')),
    'leader.handoverTimeoutMs must be a positive integer (got NaN)',
  );
  t.end();
});

t.test('heartbeat options: default and rejection', (t) => {
  t.same(compileHeartbeatOptions({}, 'workerRegistry'), { heartbeatIntervalMs: 1000 });
  t.equal(
    message(() => compileHeartbeatOptions({ heartbeatIntervalMs: 0 }, 'workerRegistry')),
    'workerRegistry.heartbeatIntervalMs must be a positive integer (got 0)',
  );
  t.end();
});

t.test('units of work and their kinds', (t) => {
  t.equal(applyUnit(7), 'apply/7');
  t.equal(captureUnit('10.0.0.1:6379'), 'capture/10.0.0.1:6379');
  t.equal(unitKind('apply/7'), 'apply');
  t.equal(unitKind('capture/redis-1.internal:6380'), 'capture');
  t.equal(unitKind('leader'), 'leader');
  t.equal(
    message(() => applyUnit(-1)),
    'a change-log partition must be a non-negative integer (got -1)',
  );
  t.equal(
    message(() => captureUnit('redis-1')),
    'a source master must be written host:port (got "redis-1")',
  );
  t.equal(
    message(() => unitKind('apply/x')),
    'a unit of work is apply/<partition> or capture/<host:port> (got "apply/x")',
  );
  t.end();
});

t.test('ids and options are checked when a keeper, registry or leader is made', (t) => {
  // Never connects: constructors only define the scripts.
  const redis = new Redis({ lazyConnect: true });
  t.teardown(() => redis.disconnect());
  const keys = ferryKeys('ferry-test-options');
  t.equal(
    message(() => new LeaseKeeper(redis, keys, { workerId: '' })),
    'leaseKeeper.workerId must be non-empty, without spaces or braces (got "")',
  );
  t.equal(
    message(() => new WorkerRegistry(redis, keys, { workerId: 'w{1}' })),
    'workerRegistry.workerId must be non-empty, without spaces or braces (got "w{1}")',
  );
  t.equal(
    message(() => new Leader(redis, keys, { id: 'cp 1', units: () => [] })),
    'leader.id must be non-empty, without spaces or braces (got "cp 1")',
  );
  t.equal(
    message(() => new LeaseKeeper(redis, keys, { workerId: 'w1', ttlMs: 99 })),
    'leaseKeeper.ttlMs must be an integer of at least 100 (got 99)',
  );
  t.equal(
    message(() => new WorkerRegistry(redis, keys, { heartbeatIntervalMs: -1 })),
    'workerRegistry.heartbeatIntervalMs must be a positive integer (got -1)',
  );
  t.equal(
    message(() => new Leader(redis, keys, { id: 'cp-1', units: () => [], workerTimeoutMs: 0 })),
    'leader.workerTimeoutMs must be a positive integer (got 0)',
  );
  const leader = new Leader(redis, keys, { id: 'cp-1', units: () => [] });
  t.same(leader.timings, { ttlMs: 10_000, renewIntervalMs: 3333, safetyMarginMs: 2000 });
  t.same(leader.assignment, {
    roundIntervalMs: 1000,
    workerTimeoutMs: 5000,
    maxHandoversPerRound: 2,
    handoverTimeoutMs: 30_000,
  });
  t.notOk(leader.isLeader);
  t.end();
});
