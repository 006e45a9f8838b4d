/**
 * The lease scripts against a real Redis: grant, renew, release and epochs; fencing of a stale owner; expiry
 * in server time; hand-over requests; leader election; the worker registry and drain.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Redis } from 'ioredis';
import { NotFoundError } from '../../common/errors.js';
import { ferryKeys } from '../../common/redis-keys.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import {
  LEADER_UNIT,
  LeaseStore,
  WorkerRegistry,
  drainWorker,
  parseLeases,
} from '../../common/leases/index.js';
import type { LeaderToken, LeaseRecord } from '../../common/leases/index.js';
import { ClusterRegistry } from '../../control-plane/cluster-registry.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

interface Fixture {
  redis: Redis;
  keys: FerryKeys;
  store: LeaseStore;
  leader: LeaderToken;
}

type Teardown = { teardown: (fn: () => unknown) => void };

async function fixture(t: Teardown, name: string): Promise<Fixture> {
  const redis = testRedis(t);
  const prefix = uniquePrefix(name);
  t.teardown(() => deleteKeys(redis, prefix));
  const keys = ferryKeys(prefix);
  const store = new LeaseStore(redis, keys);
  const elected = await store.acquire(LEADER_UNIT, 'cp-1', 'leader', 60_000);
  if (!elected.ok) throw new Error(`could not elect the test leader: ${elected.failure}`);
  return { redis, keys, store, leader: { id: 'cp-1', epoch: elected.epoch } };
}

async function record(fx: Fixture, unit: string): Promise<LeaseRecord | undefined> {
  return parseLeases(await fx.redis.hgetall(fx.keys.cluster.leases)).get(unit);
}

t.test('grant, renew, release: epochs come from a per-unit counter and are never reused', async (t) => {
  const fx = await fixture(t, 'lease-basics');
  const { store, leader } = fx;

  t.same(await store.grant(leader, 'apply/0', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  t.same(
    await store.grant(leader, 'apply/1', 'w1', 'apply', 5000),
    { ok: true, epoch: 1 },
    'counters are per unit',
  );
  t.same(await store.grant(leader, 'apply/0', 'w2', 'apply', 5000), { ok: false, failure: 'LEASE_HELD' });

  const renewed = await store.renew('apply/0', 'w1', 1, 5000);
  t.ok(renewed.ok && renewed.remainingMs > 4900 && renewed.remainingMs <= 5000, 'renewed for the TTL');
  t.ok(renewed.ok && renewed.handoverTo === undefined, 'no hand-over asked');
  t.same(await store.renew('apply/0', 'w2', 1, 5000), { ok: false, failure: 'NOT_OWNER' });
  t.same(await store.renew('apply/0', 'w1', 2, 5000), { ok: false, failure: 'NOT_OWNER' });

  t.same(await store.release('apply/0', 'w2', 1), { ok: false, failure: 'NOT_OWNER' });
  t.same(await store.release('apply/0', 'w1', 1), { ok: true });
  t.equal(await record(fx, 'apply/0'), undefined, 'a plain release deletes the record');
  t.same(await store.release('apply/0', 'w1', 1), { ok: false, failure: 'LEASE_NOT_FOUND' });
  t.same(await store.renew('apply/0', 'w1', 1, 5000), { ok: false, failure: 'LEASE_NOT_FOUND' });

  t.same(await store.grant(leader, 'apply/0', 'w2', 'apply', 5000), { ok: true, epoch: 2 });
  t.same(await store.grant(leader, 'apply/0', 'w1', 'apply', 5000), { ok: false, failure: 'LEASE_HELD' });
  t.equal(await fx.redis.hget(`${fx.keys.prefix}:{cluster}:lease-epochs`, 'apply/0'), '2');
  const stored = await record(fx, 'apply/0');
  t.match(stored, { owner: 'w2', epoch: 2, kind: 'apply' });
  t.notOk(stored && 'handoverTo' in stored);
});

t.test('only the leader, under its current epoch, can grant or request a hand-over', async (t) => {
  const fx = await fixture(t, 'lease-leader-fence');
  const { store, leader } = fx;
  const stale = { id: leader.id, epoch: leader.epoch + 1 };
  t.same(await store.grant(stale, 'apply/0', 'w1', 'apply', 5000), { ok: false, failure: 'NOT_LEADER' });
  t.same(await store.grant({ id: 'cp-2', epoch: leader.epoch }, 'apply/0', 'w1', 'apply', 5000), {
    ok: false,
    failure: 'NOT_LEADER',
  });
  t.same(await store.grant(leader, 'apply/0', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  t.same(await store.requestHandover(stale, { unit: 'apply/0', from: 'w1', epoch: 1, to: 'w2' }, 5000), {
    ok: false,
    failure: 'NOT_LEADER',
  });
  // Once the leader lease is gone (released or expired), its holder is nobody's leader.
  t.same(await store.release(LEADER_UNIT, leader.id, leader.epoch), { ok: true });
  t.same(await store.grant(leader, 'apply/1', 'w1', 'apply', 5000), { ok: false, failure: 'NOT_LEADER' });
});

t.test("a stale owner's renew and release fail once the unit moved on (epoch fencing)", async (t) => {
  const fx = await fixture(t, 'lease-fencing');
  const { store, leader } = fx;
  t.same(await store.grant(leader, 'apply/3', 'w1', 'apply', 300), { ok: true, epoch: 1 });
  await sleep(350);
  t.same(
    await store.renew('apply/3', 'w1', 1, 300),
    { ok: false, failure: 'LEASE_EXPIRED' },
    'expired: no revival',
  );
  t.same(await store.grant(leader, 'apply/3', 'w2', 'apply', 5000), { ok: true, epoch: 2 });
  t.same(await store.renew('apply/3', 'w1', 1, 5000), { ok: false, failure: 'NOT_OWNER' });
  t.same(await store.release('apply/3', 'w1', 1), { ok: false, failure: 'NOT_OWNER' });
  t.ok((await store.renew('apply/3', 'w2', 2, 5000)).ok, 'the new owner renews');
  t.match(await record(fx, 'apply/3'), { owner: 'w2', epoch: 2 });
});

t.test('expiry is in Redis server time', async (t) => {
  const fx = await fixture(t, 'lease-expiry');
  const { store, leader } = fx;
  const before = await store.serverTime();
  t.same(await store.grant(leader, 'capture/10.0.0.1:6379', 'w1', 'capture', 600), { ok: true, epoch: 1 });
  const after = await store.serverTime();
  const granted = await record(fx, 'capture/10.0.0.1:6379');
  t.ok(granted, 'granted');
  if (!granted) return;
  t.equal(granted.kind, 'capture');
  t.ok(granted.expiresAt >= before + 600 && granted.expiresAt <= after + 600, 'expiresAt = server now + TTL');

  t.same(await store.grant(leader, 'capture/10.0.0.1:6379', 'w2', 'capture', 600), {
    ok: false,
    failure: 'LEASE_HELD',
  });
  while ((await store.serverTime()) < granted.expiresAt) await sleep(25);
  t.same(await store.grant(leader, 'capture/10.0.0.1:6379', 'w2', 'capture', 600), { ok: true, epoch: 2 });
});

t.test(
  'hand-over: requested by the leader, seen at renew, released, granted on with epoch + 1',
  async (t) => {
    const fx = await fixture(t, 'lease-handover');
    const { store, leader } = fx;
    t.same(await store.grant(leader, 'apply/5', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
    const move = { unit: 'apply/5', from: 'w1', epoch: 1, to: 'w2' };

    t.same(await store.requestHandover(leader, { ...move, epoch: 7 }, 2000), {
      ok: false,
      failure: 'NOT_OWNER',
    });
    t.same(await store.requestHandover(leader, { ...move, unit: 'apply/6' }, 2000), {
      ok: false,
      failure: 'LEASE_NOT_FOUND',
    });
    t.same(await store.requestHandover(leader, move, 2000), { ok: true });
    t.same(await store.requestHandover(leader, { ...move, to: 'w3' }, 2000), {
      ok: false,
      failure: 'HANDOVER_PENDING',
    });

    const renewed = await store.renew('apply/5', 'w1', 1, 5000);
    t.ok(renewed.ok, 'the owner still renews while it finishes its batch');
    if (!renewed.ok) return;
    t.equal(renewed.handoverTo, 'w2', 'and learns about the hand-over');
    t.ok(renewed.remainingMs <= 2000, 'but not past the hand-over deadline');
    t.same(await store.grant(leader, 'apply/5', 'w2', 'apply', 5000), { ok: false, failure: 'LEASE_HELD' });

    t.same(await store.release('apply/5', 'w1', 1), { ok: true });
    t.match(await record(fx, 'apply/5'), { owner: '', epoch: 1, handoverTo: 'w2' }, 'released, target kept');
    t.same(await store.renew('apply/5', 'w1', 1, 5000), { ok: false, failure: 'LEASE_NOT_FOUND' });
    t.same(await store.grant(leader, 'apply/5', 'w2', 'apply', 5000), { ok: true, epoch: 2 });
    const granted = await record(fx, 'apply/5');
    t.match(granted, { owner: 'w2', epoch: 2 });
    t.notOk(granted && 'handoverTo' in granted, 'a grant starts a clean lease');
  },
);

t.test('an owner that never releases loses the unit at the hand-over deadline', async (t) => {
  const fx = await fixture(t, 'lease-handover-timeout');
  const { store, leader } = fx;
  t.same(await store.grant(leader, 'apply/1', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  t.same(await store.requestHandover(leader, { unit: 'apply/1', from: 'w1', epoch: 1, to: 'w2' }, 300), {
    ok: true,
  });
  await sleep(150);
  t.ok((await store.renew('apply/1', 'w1', 1, 5000)).ok);
  await sleep(250);
  t.same(await store.renew('apply/1', 'w1', 1, 5000), { ok: false, failure: 'LEASE_EXPIRED' });
  t.same(await store.grant(leader, 'apply/1', 'w2', 'apply', 5000), { ok: true, epoch: 2 });
});

t.test('leader election: one holder at a time, epochs from the same counter', async (t) => {
  const redis = testRedis(t);
  const prefix = uniquePrefix('lease-election');
  t.teardown(() => deleteKeys(redis, prefix));
  const store = new LeaseStore(redis, ferryKeys(prefix));
  t.same(await store.acquire(LEADER_UNIT, 'cp-1', 'leader', 400), { ok: true, epoch: 1 });
  t.same(await store.acquire(LEADER_UNIT, 'cp-2', 'leader', 400), { ok: false, failure: 'LEASE_HELD' });
  t.same(await store.acquire(LEADER_UNIT, 'cp-1', 'leader', 400), { ok: false, failure: 'LEASE_HELD' });
  t.ok((await store.renew(LEADER_UNIT, 'cp-1', 1, 400)).ok);
  await sleep(450);
  t.same(await store.acquire(LEADER_UNIT, 'cp-2', 'leader', 400), { ok: true, epoch: 2 }, 'after expiry');
  t.same(await store.release(LEADER_UNIT, 'cp-2', 2), { ok: true });
  t.same(await store.acquire(LEADER_UNIT, 'cp-1', 'leader', 400), { ok: true, epoch: 3 }, 'after release');
});

t.test('the control plane reads the lease and worker records as written', async (t) => {
  const fx = await fixture(t, 'lease-registry-format');
  t.same(await fx.store.grant(fx.leader, 'apply/2', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  const registry = new WorkerRegistry(fx.redis, fx.keys, {
    workerId: 'w1',
    host: 'host-1',
    pid: 4242,
    version: '0.1.0',
    threads: 4,
    leaseCount: () => 1,
  });
  await registry.start();
  t.teardown(() => registry.stop());

  const clusterRegistry = new ClusterRegistry(fx.redis, fx.keys);
  const leases = await clusterRegistry.listLeases();
  t.match(leases, [
    { unit: 'apply/2', kind: 'LEASE_KIND_APPLY', owner: 'w1', epoch: 1 },
    { unit: 'leader', kind: 'LEASE_KIND_LEADER', owner: 'cp-1', epoch: 1 },
  ]);
  const workers = await clusterRegistry.listWorkers();
  t.match(workers, [
    {
      id: 'w1',
      host: 'host-1',
      pid: 4242,
      version: '0.1.0',
      threads: 4,
      state: 'WORKER_STATE_ACTIVE',
      leaseCount: 1,
    },
  ]);
});

t.test('worker registry: register, heartbeat, drain, re-register, deregister', async (t) => {
  const fx = await fixture(t, 'lease-workers');
  const { redis, keys, store, leader } = fx;
  let leaseCount = 0;
  let drained = 0;
  const registry = new WorkerRegistry(redis, keys, {
    workerId: 'w1',
    heartbeatIntervalMs: 60_000,
    leaseCount: () => leaseCount,
    onDraining: () => (drained += 1),
  });
  const before = await store.serverTime();
  await registry.start();
  t.teardown(() => registry.stop());
  const score = Number(await redis.zscore(keys.cluster.workers, 'w1'));
  t.ok(score >= before && score <= (await store.serverTime()), 'heartbeat scored in server time');
  t.match(await redis.hgetall(keys.cluster.worker('w1')), {
    state: 'active',
    leaseCount: '0',
    pid: String(process.pid),
  });

  t.same(await store.grant(leader, 'apply/0', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  t.same(await store.grant(leader, 'apply/1', 'w1', 'apply', 5000), { ok: true, epoch: 1 });
  t.same(await store.grant(leader, 'apply/2', 'w2', 'apply', 5000), { ok: true, epoch: 1 });
  leaseCount = 2;
  await registry.heartbeat();
  t.equal(await redis.hget(keys.cluster.worker('w1'), 'leaseCount'), '2');

  t.equal(await drainWorker(redis, keys, 'w1'), 2, 'drain answers the leases it holds');
  t.equal(await redis.hget(keys.cluster.worker('w1'), 'state'), 'draining');
  t.notOk(registry.draining, 'the worker learns it at its next heartbeat');
  await registry.heartbeat();
  t.ok(registry.draining);
  await registry.heartbeat();
  t.equal(drained, 1, 'onDraining is called once');
  t.equal(await drainWorker(redis, keys, 'w1'), 2, 'draining twice is harmless');

  const missing = await drainWorker(redis, keys, 'nobody').catch((error: unknown) => error);
  t.ok(missing instanceof NotFoundError, 'an unknown worker is NOT_FOUND');
  t.equal(
    (missing as NotFoundError).message,
    'worker "nobody" is not registered; list workers with ferry workers',
  );

  await redis.del(keys.cluster.worker('w1'));
  await registry.heartbeat();
  t.equal(
    await redis.hget(keys.cluster.worker('w1'), 'state'),
    'draining',
    'registered again, still draining',
  );

  await registry.stop();
  t.equal(await redis.exists(keys.cluster.worker('w1')), 0, 'record removed');
  t.equal(await redis.zscore(keys.cluster.workers, 'w1'), null, 'heartbeat removed');
});
