/**
 * Leader election and assignment with real workers on a real Redis, on short leases: one leader at a time
 * and failover; balanced assignment; a worker dying, joining and draining; and a worker cut off from Redis
 * stopping before its unit can be granted to anyone else.
 */
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Redis } from 'ioredis';
import { ferryKeys } from '../../common/redis-keys.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import {
  Leader,
  LeaseKeeper,
  LeaseStore,
  WorkerRegistry,
  applyUnit,
  drainWorker,
} from '../../common/leases/index.js';
import type { LeaseLossReason, LeaseRecord } from '../../common/leases/index.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis.js';

/** Short leases: renew every 333 ms, local deadline 200 ms before expiry. */
const TTL_MS = 1000;
const RENEW_MS = 333;
const ROUND_MS = 200;
const HEARTBEAT_MS = 100;
const WORKER_TIMEOUT_MS = 500;
/** Scheduling slack for a loaded test machine. */
const SLACK_MS = 700;

type Teardown = { teardown: (fn: () => unknown) => void };

interface TestWorker {
  id: string;
  redis: Redis;
  registry: WorkerRegistry;
  keeper: LeaseKeeper;
  acquired: { unit: string; epoch: number }[];
  lost: { unit: string; epoch: number; reason: LeaseLossReason }[];
  handovers: { unit: string; epoch: number; to: string }[];
  /** Stops like a crash: no release, no deregistration. */
  crash: () => Promise<void>;
}

/** One test's cluster: its own key prefix, connections, workers and leaders, all stopped in teardown. */
class TestCluster {
  readonly prefix: string;
  readonly keys: FerryKeys;
  readonly admin: Redis;
  readonly store: LeaseStore;
  readonly workers = new Map<string, TestWorker>();
  readonly #leaders: Leader[] = [];
  readonly #connections: Redis[] = [];
  readonly #stops: (() => Promise<void>)[] = [];

  constructor(t: Teardown, name: string) {
    this.prefix = uniquePrefix(name);
    this.keys = ferryKeys(this.prefix);
    this.admin = this.connect();
    this.store = new LeaseStore(this.admin, this.keys);
    t.teardown(() => this.close());
  }

  connect(url = TEST_REDIS_URL): Redis {
    const redis = new Redis(url);
    this.#connections.push(redis);
    return redis;
  }

  async startWorker(
    id: string,
    options: { redis?: Redis; keeper?: boolean; onLost?: (unit: string) => void } = {},
  ): Promise<TestWorker> {
    const redis = options.redis ?? this.connect();
    const acquired: TestWorker['acquired'] = [];
    const lost: TestWorker['lost'] = [];
    const handovers: TestWorker['handovers'] = [];
    const keeper: LeaseKeeper = new LeaseKeeper(redis, this.keys, {
      workerId: id,
      ttlMs: TTL_MS,
      onAcquired: (unit, epoch) => acquired.push({ unit, epoch }),
      onLost: (unit, epoch, reason) => {
        lost.push({ unit, epoch, reason });
        options.onLost?.(unit);
      },
      onHandover: (unit, epoch, to) => {
        handovers.push({ unit, epoch, to });
        // Finish the batch in flight, then release.
        setTimeout(() => void keeper.release(unit), 20);
      },
    });
    const registry = new WorkerRegistry(redis, this.keys, {
      workerId: id,
      heartbeatIntervalMs: HEARTBEAT_MS,
      leaseCount: () => keeper.leaseCount,
    });
    await registry.start();
    if (options.keeper ?? true) keeper.start();
    let stopped = false;
    const stop = async (clean: boolean): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await keeper.stop({ release: clean });
      await registry.stop({ deregister: clean });
    };
    this.#stops.push(() => stop(false));
    const worker = { id, redis, registry, keeper, acquired, lost, handovers, crash: () => stop(false) };
    this.workers.set(id, worker);
    return worker;
  }

  startLeader(id: string, units: readonly string[]): Leader {
    const leader = new Leader(this.connect(), this.keys, {
      id,
      ttlMs: TTL_MS,
      roundIntervalMs: ROUND_MS,
      workerTimeoutMs: WORKER_TIMEOUT_MS,
      units: () => units,
    });
    leader.start();
    this.#leaders.push(leader);
    return leader;
  }

  /** Units each running keeper holds now, by worker id. */
  holdings(): Record<string, string[]> {
    return Object.fromEntries([...this.workers.values()].map((worker) => [worker.id, worker.keeper.units()]));
  }

  /** Sorted unit counts of the given workers. */
  counts(ids: readonly string[]): number[] {
    const holdings = this.holdings();
    return ids.map((id) => holdings[id]?.length ?? 0).sort((a, b) => a - b);
  }

  async leases(): Promise<Map<string, LeaseRecord>> {
    return this.store.readLeases();
  }

  async close(): Promise<void> {
    await Promise.all(this.#leaders.map((leader) => leader.stop({ release: false })));
    await Promise.all(this.#stops.map((stop) => stop()));
    // Disconnect first, so that no worker cut off behind a proxy can write (or reconnect and write) after
    // the cleanup; then delete the keys on a connection of our own.
    for (const redis of this.#connections) redis.disconnect();
    const cleaner = new Redis(TEST_REDIS_URL);
    try {
      await deleteKeys(cleaner, this.prefix);
    } finally {
      cleaner.disconnect();
    }
  }
}

/** Polls `condition` every 20 ms; answers the time it took, or fails after `timeoutMs`. */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - start;
}

function applyUnits(count: number): string[] {
  return Array.from({ length: count }, (_, partition) => applyUnit(partition));
}

/** Every unit held by exactly one of the keepers. */
function allHeldOnce(cluster: TestCluster, units: readonly string[], ids: readonly string[]): boolean {
  const holdings = cluster.holdings();
  const held = ids.flatMap((id) => holdings[id] ?? []);
  return (
    held.length === units.length &&
    new Set(held).size === units.length &&
    units.every((u) => held.includes(u))
  );
}

t.test(
  'two leaders on one Redis: exactly one at a time, and failover when the leader stops renewing',
  async (t) => {
    const cluster = new TestCluster(t, 'lease-leaders');
    const first = cluster.startLeader('cp-1', []);
    const second = cluster.startLeader('cp-2', []);
    await waitFor('a leader', () => first.isLeader || second.isLeader, TTL_MS + SLACK_MS);

    let overlaps = 0;
    const sampler = setInterval(() => {
      if (first.isLeader && second.isLeader) overlaps += 1;
    }, 5);
    t.teardown(() => clearInterval(sampler));

    await sleep(3 * RENEW_MS);
    const [leader, standby] = first.isLeader ? [first, second] : [second, first];
    t.ok(leader.isLeader && !standby.isLeader, 'the leader keeps its lease while it renews');
    const epoch = leader.epoch ?? 0;

    const crashedAt = Date.now();
    await leader.stop({ release: false });
    t.notOk(leader.isLeader, 'a stopped leader is no longer leader');
    const failover = await waitFor('failover', () => standby.isLeader, TTL_MS + RENEW_MS + SLACK_MS);
    t.ok(Date.now() - crashedAt <= TTL_MS + RENEW_MS + SLACK_MS, `failover in ${failover} ms`);
    t.ok(failover >= TTL_MS - 2 * RENEW_MS, 'not before the old lease could have expired');
    t.equal(standby.epoch, epoch + 1, 'the new leader has the next epoch');

    // A graceful stop hands leadership over at the standby's next campaign, without waiting for expiry.
    const third = cluster.startLeader('cp-3', []);
    await sleep(RENEW_MS);
    t.notOk(third.isLeader, 'a newcomer does not take over a live leader');
    await standby.stop();
    const handover = await waitFor('graceful failover', () => third.isLeader, RENEW_MS + SLACK_MS);
    t.ok(handover < TTL_MS, `taken over in ${handover} ms after a release`);
    clearInterval(sampler);
    t.equal(overlaps, 0, 'never two leaders at once');
  },
);

t.test('three workers share 16 partitions; a crashed worker loses its units to the others', async (t) => {
  const cluster = new TestCluster(t, 'lease-balance');
  const units = applyUnits(16);
  const ids = ['worker-a', 'worker-b', 'worker-c'];
  for (const id of ids) await cluster.startWorker(id);
  const leader = cluster.startLeader('cp-1', units);
  await waitFor(
    'every unit held',
    () => allHeldOnce(cluster, units, ids),
    TTL_MS + ROUND_MS + RENEW_MS + SLACK_MS,
  );
  t.ok(leader.isLeader);
  t.same(cluster.counts(ids), [5, 5, 6], 'balanced');

  const before = await cluster.leases();
  const crashed = cluster.workers.get('worker-c');
  if (!crashed) throw new Error('no worker-c');
  const crashedUnits = crashed.keeper.units();
  const crashedAt = Date.now();
  await crashed.crash();

  const survivors = ['worker-a', 'worker-b'];
  const moved = await waitFor(
    "the crashed worker's units taken over",
    () => allHeldOnce(cluster, units, survivors),
    TTL_MS + 2 * ROUND_MS + RENEW_MS + SLACK_MS,
  );
  t.ok(Date.now() - crashedAt <= TTL_MS + 2 * ROUND_MS + RENEW_MS + SLACK_MS, `moved in ${moved} ms`);
  t.same(cluster.counts(survivors), [8, 8], 'balanced over the survivors');
  const after = await cluster.leases();
  for (const unit of crashedUnits) {
    const was = before.get(unit)?.epoch ?? 0;
    t.ok((after.get(unit)?.epoch ?? 0) > was, `${unit}: epoch increased past ${was}`);
  }
  for (const unit of units.filter((unit) => !crashedUnits.includes(unit))) {
    t.equal(after.get(unit)?.epoch, before.get(unit)?.epoch, `${unit}: sticky, same epoch`);
  }
  for (const id of survivors) t.same(cluster.workers.get(id)?.lost, [], `${id} lost nothing`);
});

t.test('a worker joining later gets units by graceful hand-over', async (t) => {
  const cluster = new TestCluster(t, 'lease-join');
  const units = applyUnits(16);
  await cluster.startWorker('worker-a');
  await cluster.startWorker('worker-b');
  cluster.startLeader('cp-1', units);
  await waitFor('every unit held', () => allHeldOnce(cluster, units, ['worker-a', 'worker-b']), 3000);
  t.same(cluster.counts(['worker-a', 'worker-b']), [8, 8]);
  const before = await cluster.leases();

  const joined = await cluster.startWorker('worker-c');
  const ids = ['worker-a', 'worker-b', 'worker-c'];
  await waitFor(
    'balance',
    () => {
      const counts = cluster.counts(ids);
      return allHeldOnce(cluster, units, ids) && (counts[2] ?? 0) - (counts[0] ?? 0) <= 1;
    },
    10_000,
  );
  t.same(cluster.counts(ids), [5, 5, 6], 'balanced');

  const handedOver = ['worker-a', 'worker-b'].flatMap((id) => cluster.workers.get(id)?.handovers ?? []);
  t.ok(handedOver.length >= 5, 'the old owners were asked to hand over');
  t.ok(
    handedOver.every(({ to }) => to === 'worker-c'),
    'to the worker that joined',
  );
  for (const { unit, epoch } of joined.acquired) {
    t.equal(epoch, (before.get(unit)?.epoch ?? 0) + 1, `${unit}: granted with epoch + 1`);
    t.ok(
      handedOver.some((handover) => handover.unit === unit && handover.epoch === epoch - 1),
      `${unit}: after its owner's hand-over`,
    );
  }
  for (const id of ids) t.same(cluster.workers.get(id)?.lost, [], `${id} lost nothing: no expiry involved`);
});

t.test('drain moves every unit off a worker', async (t) => {
  const cluster = new TestCluster(t, 'lease-drain');
  const units = applyUnits(9);
  const ids = ['worker-a', 'worker-b', 'worker-c'];
  for (const id of ids) await cluster.startWorker(id);
  cluster.startLeader('cp-1', units);
  await waitFor('every unit held', () => allHeldOnce(cluster, units, ids), 3000);
  const drained = cluster.workers.get('worker-b');
  if (!drained) throw new Error('no worker-b');
  const held = drained.keeper.units();
  t.equal(held.length, 3);

  t.equal(await drainWorker(cluster.admin, cluster.keys, 'worker-b'), 3, 'drain answers the leases it holds');
  const others = ['worker-a', 'worker-c'];
  await waitFor('units moved off the draining worker', () => allHeldOnce(cluster, units, others), 5000);
  t.same(drained.keeper.units(), []);
  t.same(cluster.counts(others), [4, 5]);
  t.same(drained.handovers.map(({ unit }) => unit).sort(), held, 'each unit handed over once');
  t.same(drained.lost, [], 'gracefully: nothing expired');
  t.ok(drained.registry.draining, 'the worker knows it is draining');
  await sleep(2 * ROUND_MS);
  t.same(drained.keeper.units(), [], 'and it gets nothing new');
});

/** A TCP proxy to Redis that can be frozen: a network partition between one worker and Redis. */
async function partitionableProxy(t: Teardown): Promise<{ port: number; freeze: () => void }> {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
  };
}

t.test('a worker cut off from Redis stops before its unit can be granted to anyone else', async (t) => {
  const proxy = await partitionableProxy(t);
  const cluster = new TestCluster(t, 'lease-partition');
  const unit = applyUnit(0);
  let onLost: (() => void) | undefined;
  const cutOff = await cluster.startWorker('worker-b', {
    redis: cluster.connect(`redis://127.0.0.1:${proxy.port}`),
    onLost: () => onLost?.(),
  });
  cluster.startLeader('cp-1', [unit]);
  await waitFor('the unit held', () => cutOff.keeper.currentEpoch(unit) !== undefined, 3000);
  const epoch = cutOff.keeper.currentEpoch(unit) ?? 0;
  // A spare worker that heartbeats but does not renew: the record the leader writes for it stays as granted,
  // so its expiresAt - TTL is the grant's server time.
  await cluster.startWorker('worker-a', { keeper: false });
  await sleep(2 * ROUND_MS);
  t.equal(cutOff.keeper.currentEpoch(unit), epoch, 'sticky: no move while the owner is healthy');

  const lostAt = new Promise<{ serverTime: number; expiresAt: number; epochSeen: number | undefined }>(
    (resolve) => {
      onLost = () => {
        const epochSeen = cutOff.keeper.currentEpoch(unit);
        void Promise.all([cluster.store.serverTime(), cluster.leases()]).then(([serverTime, leases]) =>
          resolve({ serverTime, expiresAt: leases.get(unit)?.expiresAt ?? 0, epochSeen }),
        );
      };
    },
  );
  proxy.freeze();
  const lost = await lostAt;
  t.same(cutOff.lost, [{ unit, epoch, reason: 'deadline' }], 'lost by its local deadline');
  t.equal(lost.epochSeen, undefined, 'no epoch to write with once lost');
  t.ok(
    lost.serverTime < lost.expiresAt,
    `lost ${lost.expiresAt - lost.serverTime} ms before the lease expired`,
  );

  let granted: LeaseRecord | undefined;
  await waitFor(
    'the unit granted to the spare worker',
    async () => {
      granted = (await cluster.leases()).get(unit);
      return granted?.owner === 'worker-a';
    },
    TTL_MS + 2 * ROUND_MS + SLACK_MS,
  );
  t.equal(granted?.epoch, epoch + 1, 'granted with the next epoch');
  const grantedAt = (granted?.expiresAt ?? 0) - TTL_MS;
  t.ok(lost.expiresAt <= grantedAt, 'granted only once the old lease expired');
  t.ok(
    lost.serverTime < grantedAt,
    `the cut-off worker stopped ${grantedAt - lost.serverTime} ms before the grant`,
  );
});
