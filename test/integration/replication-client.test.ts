/**
 * The replication client against real redis-server processes (one or two per test, on free loopback ports):
 * first start without an RDB, full resync with both RDB forms, resume without loss or repetition, the
 * database across a resume, AUTH and ACL errors, ACK/WAIT, PSYNC2 failover, back-pressure and link errors.
 */
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Redis } from 'ioredis';
import { hasCode } from '../../common/errors.js';
import {
  CAPTURE_START_CHANNEL,
  ReplicationClient,
  compileReplicationClientOptions,
} from '../../worker/capture/replication-client.js';
import { encodeCommand, parseReply } from '../../worker/capture/resp-stream-parser.js';
import type {
  ReplicatedCommand,
  ReplicationClientOptions,
  ReplicationEvent,
  ReplicationPosition,
} from '../../worker/capture/replication-client.js';
import { createTestCertificates, freePort, startRedisServer } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';

type Teardown = { teardown: (fn: () => unknown) => void };

/** No PING in the stream during a test, so that the last command's offset is the master's offset. */
const QUIET = ['--repl-ping-replica-period', '3600'];

/** Reads a client's events in the background, so that a test can wait for what it expects. */
class Reader {
  readonly events: ReplicationEvent[] = [];
  readonly done: Promise<unknown>;
  #changed: () => void = () => undefined;

  constructor(readonly client: ReplicationClient) {
    this.done = (async () => {
      try {
        for await (const event of client.start()) {
          this.events.push(event);
          this.#changed();
        }
        return undefined;
      } catch (error) {
        return error;
      } finally {
        this.#changed();
      }
    })();
  }

  get commands(): ReplicatedCommand[] {
    return this.events.flatMap((event) => (event.kind === 'commands' ? event.commands : []));
  }

  get sync(): Extract<ReplicationEvent, { kind: 'sync' }> | undefined {
    return this.events.find((event) => event.kind === 'sync');
  }

  /** Waits until `predicate` holds (checked after every event), or fails after `timeoutMs`. */
  async until(predicate: (reader: Reader) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
      let finished = false;
      void this.done.then(() => (finished = true));
      await Promise.race([
        new Promise<void>((resolve) => (this.#changed = resolve)),
        sleep(remaining, undefined, { ref: false }),
      ]);
      if (finished && !predicate(this)) throw new Error(`the client ended before ${what}`);
    }
  }

  /** Waits until the client has read the stream up to the master's current offset. */
  async caughtUp(server: RedisServer): Promise<number> {
    const masterOffset = Number((await server.replicationInfo()).get('master_repl_offset'));
    await this.until((reader) => reader.client.processedOffset >= masterOffset, `offset ${masterOffset}`);
    return masterOffset;
  }
}

function open(t: Teardown, server: RedisServer, options: Partial<ReplicationClientOptions> = {}): Reader {
  const client = new ReplicationClient({ host: server.host, port: server.port, ...options });
  t.teardown(() => client.close());
  return new Reader(client);
}

/** Commands as strings, the command name lower-cased; `transaction` only as "same as the previous". */
function show(commands: ReplicatedCommand[]): string[] {
  return commands.map(({ db, argv }) => {
    const [name, ...args] = argv.map((arg) => arg.toString());
    return `${db} ${name?.toLowerCase()} ${args.join(' ')}`.trim();
  });
}

function positionAfter(command: ReplicatedCommand | undefined, replid: string): ReplicationPosition {
  if (!command) throw new Error('no command to resume after');
  return { replid, offset: command.offset, db: command.db };
}

async function masterReplid(server: RedisServer): Promise<string> {
  return (await server.replicationInfo()).get('master_replid') ?? '';
}

/** Gives the master a replication backlog: a first client takes the full resync, then leaves. */
async function createBacklog(t: Teardown, server: RedisServer): Promise<void> {
  const first = open(t, server);
  await first.until((reader) => reader.sync !== undefined, 'the first sync');
  first.client.close();
  await first.done;
}

async function rejection(reader: Reader): Promise<Error & { code?: string }> {
  const error = await reader.done;
  if (!(error instanceof Error)) throw new Error('expected the client to fail');
  return error;
}

t.test(
  'first start with an active backlog: CONTINUE at the master offset, then every write in order',
  async (t) => {
    const server = await startRedisServer(t, { args: QUIET });
    await createBacklog(t, server);
    // The master's stream is left in database 3: the client must not assume 0 for the next db-3 write.
    const db3 = server.connect(3);
    await db3.set('before', 'start');
    const info = await server.replicationInfo();
    t.equal(info.get('repl_backlog_active'), '1');

    const reader = open(t, server);
    await reader.until((r) => r.sync !== undefined, 'sync');
    t.same(reader.sync, {
      kind: 'sync',
      mode: 'continue',
      replid: info.get('master_replid'),
      offset: Number(info.get('master_repl_offset')),
      db: 0,
    });

    const redis = server.connect();
    await db3.set('in-db-3', 'v');
    await redis.hset('emp:1', 'name', 'Ada', 'dept', 'R&D');
    await redis.del('gone'); // a DEL that changes nothing is not propagated
    await redis.set('emp:2', 'x');
    await redis.del('emp:2');
    await redis.expire('emp:1', 100);
    await redis.multi().set('m:1', '1').incr('m:2').exec();
    await redis.eval(
      "redis.call('set', KEYS[1], 'a'); redis.call('hset', KEYS[2], 'f', 'v')",
      2,
      'e:1',
      'e:2',
    );
    await redis.call(
      'FUNCTION',
      'LOAD',
      "#!lua name=ferrytest\nredis.register_function('setboth', function(keys, args) " +
        "redis.call('set', keys[1], args[1]) redis.call('set', keys[2], args[1]) end)",
    );
    await redis.call('FCALL', 'setboth', 2, 'f:1', 'f:2', 'val');
    await db3.set('again-in-3', 'w');
    const masterOffset = await reader.caughtUp(server);

    const commands = reader.commands;
    const shown = show(commands);
    // Redis 7 rewrites relative expirations as absolute ones (PEXPIREAT) before propagating them.
    t.match(shown[4], /^0 pexpireat emp:1 \d+$/);
    shown[4] = '0 pexpireat emp:1 <ms>';
    t.same(shown, [
      '3 set in-db-3 v',
      '0 hset emp:1 name Ada dept R&D',
      '0 set emp:2 x',
      '0 del emp:2',
      '0 pexpireat emp:1 <ms>',
      '0 set m:1 1',
      '0 incr m:2',
      '0 set e:1 a',
      '0 hset e:2 f v',
      `0 function LOAD #!lua name=ferrytest\nredis.register_function('setboth', function(keys, args) redis.call('set', keys[1], args[1]) redis.call('set', keys[2], args[1]) end)`,
      '0 set f:1 val',
      '0 set f:2 val',
      '3 set again-in-3 w',
    ]);

    // Offsets increase; the last command ends exactly at the master's offset.
    const offsets = commands.map((command) => command.offset);
    t.ok(
      offsets.every((offset, i) => i === 0 || offset > (offsets[i - 1] ?? 0)),
      'offsets increase',
    );
    t.equal(offsets.at(-1), masterOffset);
    t.equal(reader.client.processedOffset, masterOffset);

    // MULTI/EXEC, EVAL and FCALL effects: each a transaction, its last command ending after EXEC.
    const transactions = commands.map((command) => command.transaction);
    t.equal(transactions[0], undefined);
    t.ok(transactions[5] !== undefined && transactions[5] === transactions[6], 'MULTI/EXEC shares an id');
    t.ok(transactions[7] !== undefined && transactions[7] === transactions[8], 'EVAL effects share an id');
    t.ok(
      transactions[10] !== undefined && transactions[10] === transactions[11],
      'FCALL effects share an id',
    );
    t.not(transactions[5], transactions[7]);
    t.equal(transactions[12], undefined);
    const execLength = '*1\r\n$4\r\nEXEC\r\n'.length;
    t.equal(
      (commands[6]?.offset ?? 0) - (commands[5]?.offset ?? 0),
      '*2\r\n$4\r\nincr\r\n$3\r\nm:2\r\n'.length + execLength,
    );
    t.equal(reader.events.filter((event) => event.kind === 'sync').length, 1, 'no RDB, no second sync');
  },
);

for (const diskless of [false, true]) {
  const form = diskless ? 'diskless ($EOF:mark)' : 'disk-based ($length)';
  t.test(`full resync, ${form} RDB of 50 000 keys: skipped, then the stream continues`, async (t) => {
    const server = await startRedisServer(t, { disklessSync: diskless, args: QUIET });
    const redis = server.connect();
    for (let batch = 0; batch < 50; batch++) {
      const pairs: string[] = [];
      for (let i = 0; i < 1000; i++)
        pairs.push(`key:${batch}:${i}`, `${batch}-${i}-`.padEnd(100, String(i % 10)));
      await redis.mset(...pairs);
    }
    t.equal((await server.replicationInfo()).get('repl_backlog_active'), '0', 'no backlog yet: PSYNC ? -1');

    const reader = open(t, server);
    await reader.until((r) => r.sync !== undefined, 'sync', 20_000);
    const sync = reader.sync;
    t.equal(sync?.mode, 'fullresync');
    t.equal(sync?.replid, await masterReplid(server));
    t.ok((sync?.rdbBytes ?? 0) > 1_000_000, `the RDB spans many reads (${sync?.rdbBytes} bytes)`);

    await redis.set('after', 'rdb');
    await redis.hset('h', 'f', 'v');
    const masterOffset = await reader.caughtUp(server);
    t.same(show(reader.commands), ['0 set after rdb', '0 hset h f v']);
    t.equal(reader.commands.at(-1)?.offset, masterOffset);
  });
}

t.test(
  'resume: stop after a durable command, restart from its position, nothing lost or repeated',
  async (t) => {
    const server = await startRedisServer(t, { args: QUIET });
    await createBacklog(t, server);
    const replid = await masterReplid(server);
    // Database 5 only: after the first SELECT 5 the master never repeats it, so the position must carry it.
    const db5 = server.connect(5);

    const first = open(t, server, { ackIntervalMs: 50 });
    await first.until((r) => r.sync !== undefined, 'sync');
    for (let i = 1; i <= 10; i++) await db5.set(`k:${i}`, String(i));
    await first.until((r) => r.commands.length === 10, '10 commands');
    const durable = first.commands[5];
    first.client.acknowledge(durable?.offset ?? 0);
    t.equal(first.client.acknowledgedOffset, durable?.offset);
    first.client.close();
    t.equal(await first.done, undefined, 'close() ends the iteration without an error');

    for (let i = 11; i <= 15; i++) await db5.set(`k:${i}`, String(i));
    const position = positionAfter(durable, replid);
    t.equal(position.db, 5);
    const second = open(t, server, { position });
    await second.caughtUp(server);
    t.same(second.sync, { kind: 'sync', mode: 'continue', replid, offset: durable?.offset, db: 5 });
    t.same(
      show(second.commands),
      Array.from({ length: 9 }, (_, i) => `5 set k:${i + 7} ${i + 7}`),
      'commands 7 to 15, each once, in database 5',
    );
    t.equal(second.commands[0]?.offset, first.commands[6]?.offset, 'the same offsets as the first link');

    // Why the position carries the database: the stream from there holds no SELECT to tell it.
    const withoutDb = open(t, server, { position: { ...position, db: 0 } });
    await withoutDb.caughtUp(server);
    t.equal(show(withoutDb.commands)[0], '0 set k:7 7', 'a wrong db in the position is not corrected');
  },
);

t.test('a position that the backlog no longer covers gets a full resync', async (t) => {
  const server = await startRedisServer(t, { backlogSize: '16kb', args: QUIET });
  await createBacklog(t, server);
  const replid = await masterReplid(server);
  const redis = server.connect();
  const first = open(t, server);
  await first.until((r) => r.sync !== undefined, 'sync');
  await redis.set('a', '1');
  await first.until((r) => r.commands.length === 1, 'a command');
  const position = positionAfter(first.commands[0], replid);
  first.client.close();

  for (let i = 0; i < 200; i++) await redis.set(`big:${i}`, 'x'.repeat(1000));
  const info = await server.replicationInfo();
  t.ok(
    Number(info.get('repl_backlog_first_byte_offset')) > position.offset + 1,
    'the gap is past the backlog',
  );

  const second = open(t, server, { position });
  await second.until((r) => r.sync !== undefined, 'sync');
  t.equal(second.sync?.mode, 'fullresync');
  await redis.set('b', '2');
  await second.caughtUp(server);
  t.same(show(second.commands), ['0 set b 2']);
});

t.test(
  'AUTH: requirepass and ACL users; wrong or missing credentials and permissions are clear errors',
  async (t) => {
    const password = 'open-sesame-42';
    const server = await startRedisServer(t, { password, args: QUIET });

    const ok = open(t, server, { password });
    await ok.until((r) => r.sync !== undefined, 'sync with the password');
    t.equal(ok.sync?.mode, 'fullresync');

    const wrong = await rejection(open(t, server, { password: 'not-the-password' }));
    t.ok(hasCode(wrong, 'UNAUTHENTICATED'), wrong.message);
    t.match(wrong.message, `source Redis at 127.0.0.1:${server.port} rejected AUTH for the default user`);
    t.match(wrong.message, "check the source's username and password");
    t.notMatch(wrong.message, 'not-the-password', 'the password is never in the message');

    const missing = await rejection(open(t, server));
    t.ok(hasCode(missing, 'UNAUTHENTICATED'));
    t.match(missing.message, 'requires authentication');

    const admin = server.connect();
    await admin.call('ACL', 'SETUSER', 'capture', 'on', '>capture-pw', '+@all', '~*', '&*');
    await admin.call('ACL', 'SETUSER', 'nopublish', 'on', '>np-pw', '+@all', '-publish', '~*', '&*');
    const user = open(t, server, { username: 'capture', password: 'capture-pw' });
    await user.until((r) => r.sync !== undefined, 'sync as an ACL user');

    const wrongUser = await rejection(open(t, server, { username: 'capture', password: 'nope' }));
    t.match(wrongUser.message, 'rejected AUTH for user "capture"');

    const denied = await rejection(open(t, server, { username: 'nopublish', password: 'np-pw' }));
    t.ok(hasCode(denied, 'PERMISSION_DENIED'), denied.message);
    t.match(denied.message, 'user "nopublish" may not run PUBLISH');
  },
);

t.test('ACK: WAIT on the master counts the client only once the write is acknowledged', async (t) => {
  const server = await startRedisServer(t, { args: QUIET });
  await createBacklog(t, server);
  // No periodic ACK during the test: only the answer to GETACK and acknowledge() can satisfy WAIT.
  const reader = open(t, server, { ackIntervalMs: 60_000 });
  await reader.until((r) => r.sync !== undefined, 'sync');
  const redis: Redis = server.connect();

  await redis.set('waited', '1');
  await reader.until((r) => r.commands.length === 1, 'the write');
  t.equal(await redis.wait(1, 300), 0, 'read but not durable: WAIT times out');

  const started = Date.now();
  const waiting = redis.wait(1, 5000);
  await sleep(100);
  reader.client.acknowledge(reader.commands[0]?.offset ?? 0);
  t.equal(await waiting, 1, 'durable: WAIT returns 1');
  t.ok(Date.now() - started < 2000, 'at once, not at the next periodic ACK');

  // The master's view of the client: acked up to everything read (the GETACKs after the write included).
  const info = await server.replicationInfo();
  const ackedOffset = Number(/offset=(\d+)/.exec(info.get('slave0') ?? '')?.[1]);
  t.equal(ackedOffset, reader.client.processedOffset);
  t.throws(() => reader.client.acknowledge(reader.client.processedOffset + 1), {
    code: 'INVALID_ARGUMENT',
  });
});

t.test('failover (PSYNC2): a promoted replica continues the old position under a new replid', async (t) => {
  const master = await startRedisServer(t, { args: QUIET });
  const replica = await startRedisServer(t, { replicaOf: master.port, args: QUIET });
  for (let tries = 0; (await replica.replicationInfo()).get('master_link_status') !== 'up'; tries++) {
    if (tries > 200) throw new Error('the replica did not connect');
    await sleep(25);
  }
  const oldReplid = await masterReplid(master);
  const onReplica = await rejection(open(t, replica));
  t.ok(hasCode(onReplica, 'FAILED_PRECONDITION'), 'a first start needs the master');
  t.match(onReplica.message, 'is a slave: a first start needs the master');
  const first = open(t, master);
  await first.until((r) => r.sync !== undefined, 'sync');
  t.equal(first.sync?.mode, 'continue', "the replica's link gave the master a backlog");
  const redis = master.connect(2);
  for (let i = 0; i < 5; i++) await redis.set(`before:${i}`, String(i));
  await first.caughtUp(master);
  const position = positionAfter(first.commands.at(-1), oldReplid);
  first.client.close();
  for (
    let tries = 0;
    Number((await replica.replicationInfo()).get('master_repl_offset')) < position.offset;
    tries++
  ) {
    if (tries > 200) throw new Error('the replica did not catch up');
    await sleep(25);
  }

  await replica.connect().call('REPLICAOF', 'NO', 'ONE');
  const newReplid = await masterReplid(replica);
  t.not(newReplid, oldReplid);
  const second = open(t, replica, { position });
  await second.until((r) => r.events.length >= 2, 'sync and replid-changed');
  t.same(second.events.slice(0, 2), [
    { kind: 'sync', mode: 'continue', replid: newReplid, offset: position.offset, db: 2 },
    { kind: 'replid-changed', replid: newReplid, previousReplid: oldReplid, offset: position.offset },
  ]);
  await replica.connect(2).set('after', 'failover');
  const offset = await second.caughtUp(replica);
  t.same(show(second.commands), ['2 set after failover']);
  t.equal(second.commands[0]?.offset, offset);
});

t.test('a consumer that falls behind loses nothing (the socket is paused, then resumed)', async (t) => {
  const server = await startRedisServer(t, { args: QUIET });
  await createBacklog(t, server);
  const client = new ReplicationClient({ host: server.host, port: server.port });
  t.teardown(() => client.close());
  const iterator = client.start();
  const first = await iterator.next();
  t.equal(first.value?.kind, 'sync');

  // 20 MB of writes, far more than the client queues (4 MB) before it pauses its socket.
  const redis = server.connect();
  const total = 5000;
  const value = 'v'.repeat(4000);
  for (let batch = 0; batch < total / 500; batch++) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`n:${batch * 500 + i}`, value);
    await pipeline.exec();
  }
  for (let tries = 0; !client.backPressured; tries++) {
    if (tries > 200) throw new Error('the client never paused its socket');
    await sleep(10);
  }
  let seen = 0;
  let lastOffset = 0;
  let largest = 0;
  while (seen < total) {
    const next = await iterator.next();
    if (next.done) throw new Error('ended early');
    if (next.value.kind !== 'commands') continue;
    largest = Math.max(largest, next.value.commands.length);
    for (const command of next.value.commands) {
      if (command.offset <= lastOffset || command.argv[1]?.toString() !== `n:${seen}`) {
        throw new Error(`command ${seen} is out of order`);
      }
      lastOffset = command.offset;
      seen++;
    }
  }
  t.equal(seen, total, 'every command, in order');
  // 4 MB queued are many socket reads of at most 64 KiB (16 commands of 4 kB each): a consumer that is behind
  // gets them merged into one event.
  t.ok(largest > 64, `the reads queued while behind are yielded as one event (largest: ${largest} commands)`);
  t.notOk(client.backPressured, 'resumed once the consumer caught up');
  t.equal(lastOffset, Number((await server.replicationInfo()).get('master_repl_offset')));
  await iterator.return();
});

t.test('the start marker is published on its channel and not reported as a command', async (t) => {
  const server = await startRedisServer(t, { args: QUIET });
  await createBacklog(t, server);
  const subscriber = server.connect();
  const messages: string[] = [];
  subscriber.on('message', (channel: string, message: string) => messages.push(`${channel} ${message}`));
  await subscriber.subscribe(CAPTURE_START_CHANNEL);
  const reader = open(t, server);
  await reader.until((r) => r.sync !== undefined, 'sync');
  await server.connect().set('k', 'v');
  await reader.caughtUp(server);
  t.same(show(reader.commands), ['0 set k v']);
  t.match(messages, [new RegExp(`^${CAPTURE_START_CHANNEL} [0-9a-f]{16}$`)]);
});

t.test('TLS: the link verifies the server against the given CA', async (t) => {
  const certificates = await createTestCertificates(t);
  const server = await startRedisServer(t, { tls: certificates, args: QUIET });
  const reader = open(t, server, { tls: { ca: certificates.ca, rejectUnauthorized: true } });
  await reader.until((r) => r.sync !== undefined, 'sync over TLS');
  await server.connect().set('secure', 'yes');
  await reader.caughtUp(server);
  t.same(show(reader.commands), ['0 set secure yes']);

  const untrusted = await rejection(open(t, server, { tls: { rejectUnauthorized: true } }));
  t.ok(hasCode(untrusted, 'UNAVAILABLE'));
  t.match(untrusted.message, `could not connect to the source Redis at 127.0.0.1:${server.port}`);
  t.match(untrusted.message, /certificate/);
});

t.test('link errors: refused, silent server, closed by the master, abort signal', async (t) => {
  const port = await freePort();
  const refused = new ReplicationClient({ host: '127.0.0.1', port });
  const refusedError = await rejection(new Reader(refused));
  t.ok(hasCode(refusedError, 'UNAVAILABLE'));
  t.match(refusedError.message, `could not connect to the source Redis at 127.0.0.1:${port}`);

  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const address = silent.address();
  const silentPort = typeof address === 'object' && address ? address.port : 0;
  const timedOut = await rejection(
    new Reader(new ReplicationClient({ host: '127.0.0.1', port: silentPort, connectTimeoutMs: 200 })),
  );
  t.ok(hasCode(timedOut, 'UNAVAILABLE'));
  t.match(
    timedOut.message,
    `timed out after 200 ms connecting to the source Redis at 127.0.0.1:${silentPort}`,
  );

  const server = await startRedisServer(t, { args: QUIET });
  const killed = open(t, server);
  await killed.until((r) => r.sync !== undefined, 'sync');
  await server.connect().call('CLIENT', 'KILL', 'TYPE', 'replica');
  const closedError = await rejection(killed);
  t.ok(hasCode(closedError, 'UNAVAILABLE'));
  t.match(closedError.message, /closed the replication link at offset \d+/);

  const controller = new AbortController();
  const aborted = new ReplicationClient({ host: server.host, port: server.port });
  const events: string[] = [];
  for await (const event of aborted.start(controller.signal)) {
    events.push(event.kind);
    controller.abort();
  }
  t.same(events, ['sync'], 'the iteration ends when the signal aborts');
});

/**
 * A scripted stand-in for a master, for answers a real server gives only in states a test cannot hold still
 * (loading, a broken link to its own master) and for silence. PING and REPLCONF get a master's answers;
 * `onPsync` writes whatever the test wants.
 */
async function fakeMaster(t: Teardown, onPsync: (socket: Socket) => void): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let parsed = parseReply(buffer); parsed; parsed = parseReply(buffer)) {
        buffer = buffer.subarray(parsed.next);
        const argv = Array.isArray(parsed.value) ? parsed.value : [];
        const [name, option] = argv.map((arg) => (Buffer.isBuffer(arg) ? arg.toString().toUpperCase() : ''));
        if (name === 'PING') socket.write('+PONG\r\n');
        else if (name === 'REPLCONF' && option !== 'ACK')
          socket.write('+OK\r\n'); // ACK has no answer
        else if (name === 'PSYNC') onPsync(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const SOME_POSITION: ReplicationPosition = { replid: 'b'.repeat(40), offset: 100, db: 0 };

t.test('answers to PSYNC: transient refusals, hard refusals, keepalives, then silence', async (t) => {
  const refusals: [string, string, RegExp][] = [
    [
      '-LOADING Redis is loading the dataset in memory',
      'UNAVAILABLE',
      /cannot serve replication now \(PSYNC\)/,
    ],
    ["-NOMASTERLINK Can't SYNC while not connected with my master", 'UNAVAILABLE', /NOMASTERLINK/],
    ["-ERR unknown command 'PSYNC'", 'FAILED_PRECONDITION', /refused PSYNC: ERR unknown command/],
  ];
  for (const [line, code, message] of refusals) {
    const port = await fakeMaster(t, (socket) => socket.write(`${line}\r\n`));
    const error = await rejection(
      open(t, { host: '127.0.0.1', port } as RedisServer, { position: SOME_POSITION }),
    );
    t.equal(error.code, code, line);
    t.match(error.message, message);
  }

  // Keepalive newlines for longer than connectTimeoutMs (a master waiting to start its RDB save), then the
  // answer and a command: the newlines are not part of the offset.
  const patient = await fakeMaster(t, (socket) => {
    const keepalive = setInterval(() => socket.write('\n'), 40);
    setTimeout(() => {
      clearInterval(keepalive);
      socket.write(
        Buffer.concat([
          Buffer.from(`+CONTINUE ${SOME_POSITION.replid}\r\n`),
          encodeCommand(['SET', 'a', 'b']),
        ]),
      );
    }, 400);
  });
  const reader = open(t, { host: '127.0.0.1', port: patient } as RedisServer, {
    position: SOME_POSITION,
    connectTimeoutMs: 200,
    readTimeoutMs: 300,
    ackIntervalMs: 50,
  });
  await reader.until((r) => r.commands.length === 1, 'the command after the keepalives');
  t.equal(reader.commands[0]?.offset, SOME_POSITION.offset + encodeCommand(['SET', 'a', 'b']).length);

  // Then nothing more: the read timeout ends the link.
  const silence = await rejection(reader);
  t.ok(hasCode(silence, 'UNAVAILABLE'));
  t.match(silence.message, `no data from the source Redis at 127.0.0.1:${patient} for 300 ms`);
});

t.test('options: defaults and one clear message per bad value', (t) => {
  const compiled = compileReplicationClientOptions({ host: 'h', port: 6379 });
  t.match(compiled, {
    listeningPort: 0,
    connectTimeoutMs: 10_000,
    ackIntervalMs: 1000,
    readTimeoutMs: 60_000,
  });
  const bad: [Partial<ReplicationClientOptions>, string][] = [
    [{ port: 0 }, 'port must be an integer from 1 to 65535 (got 0)'],
    [{ ackIntervalMs: -3 }, 'ackIntervalMs must be an integer >= 1 (got -3)'],
    [{ connectTimeoutMs: 1.5 }, 'connectTimeoutMs must be an integer >= 1 (got 1.5)'],
    [{ username: 'u' }, 'username needs a password: AUTH takes both'],
    [
      { position: { replid: 'xyz', offset: 1, db: 0 } },
      'position.replid must be 40 hexadecimal characters (got "xyz")',
    ],
    [
      { position: { replid: 'a'.repeat(40), offset: -1, db: 0 } },
      'position.offset must be an integer >= 0 (got -1)',
    ],
  ];
  for (const [options, message] of bad) {
    t.throws(() => compileReplicationClientOptions({ host: 'h', port: 6379, ...options }), {
      code: 'INVALID_ARGUMENT',
      message,
    });
  }
  t.end();
});
