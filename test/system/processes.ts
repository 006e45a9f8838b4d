/**
 * Helpers of the system tests: `ferry worker` as real child processes (spawned, killed with SIGKILL, their
 * RSS sampled), a private MariaDB server that a test may stop and start again, a load generator that writes
 * `emp:<id>` hashes and appends their change events (what capture will do), an audit of every checkpoint
 * move in the target, and a row-by-row comparison of a target table with the hashes in Redis.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import type { ChangeEvent } from '../../common/change-log/index.js';
import { compareStreamIds } from '../../worker/targets/mysql/index.js';
import { createCheckpointTableSql } from '../../worker/targets/mysql/sql.js';
import { FAST_LEASES } from '../helpers/apply.js';
import type { ApplySetup } from '../helpers/apply.js';
import { rows } from '../fixtures/mysql/database.js';

interface Teardown {
  teardown: (fn: () => unknown) => void;
  passing: () => boolean;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The job and table every system test applies: `emp:<id>` hashes into `emp`. */
export const EMP_JOB = `
source:
  redis:
    key_pattern: "{prefix}:emp:*"
    trigger: write-behind
output:
  - uses: relational.write
    with:
      connection: target
      table: emp
      keys: [emp_id]
      mapping: [emp_id, first_name, last_name, country, salary]
`;

export const EMP_COLUMNS = ['emp_id', 'first_name', 'last_name', 'country', 'salary'] as const;

export const EMP_TABLE = `CREATE TABLE emp (
  emp_id INT PRIMARY KEY,
  first_name VARCHAR(40) NOT NULL,
  last_name VARCHAR(40),
  country CHAR(2),
  salary DECIMAL(10,2)
)`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------------------

/** Every child still running, killed when this test process exits whatever happened. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Keeps the last `limit` characters a stream wrote. */
function tail(stream: NodeJS.ReadableStream | null, limit = 64 * 1024): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > limit) text = text.slice(text.length - limit);
  });
  return () => text;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILL. Never throws. */
async function stopChild(
  child: ChildProcess,
  exited: Promise<Exit>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

export interface WorkerProcess {
  id: string;
  pid: number;
  child: ChildProcess;
  /** What it wrote to stderr (its log, at FERRY_LOG_LEVEL=warn), the last 64 KiB. */
  stderr: () => string;
  exited: Promise<Exit>;
  alive: () => boolean;
  /** Its log lines at level error or fatal (an apply loop that crashed, a callback that threw...). */
  loggedErrors: () => string[];
  /** kill -9, and wait until it is gone. */
  kill9: () => Promise<void>;
}

/**
 * Starts `ferry worker` (bin/ferry.js, so dist/ must be built) against `setup`, with the fast lease TTL. It is
 * killed in teardown; its stderr is printed when the test failed.
 */
export function spawnWorker(t: Teardown, setup: ApplySetup, id: string): WorkerProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, FERRY_LOG_LEVEL: 'warn' };
  // The test runner's loader options are for this process, not for the worker.
  delete env['NODE_OPTIONS'];
  const args = ['bin/ferry.js', ...setup.workerArgs(id), '--lease-ttl', String(FAST_LEASES.ttlMs)];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  const stderr = tail(child.stderr);
  child.once('error', () => undefined); // a failed spawn has no pid, see below
  const exited = exitOf(child).finally(() => live.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ferry worker ${id}`);
  t.teardown(async () => {
    await stopChild(child, exited, 'SIGKILL', 5000);
    if (!t.passing() && stderr().length > 0) {
      process.stderr.write(`\n--- stderr of worker ${id} (pid ${child.pid}) ---\n${stderr()}\n--- end ---\n`);
    }
  });
  return {
    id,
    pid: child.pid,
    child,
    stderr,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    loggedErrors: () =>
      stderr()
        .split('\n')
        .filter((line) => /"level":(50|60)[,}]/.test(line)),
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A process's resident set size in bytes (VmRSS of /proc/<pid>/status); undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  samples: { at: number; rss: number }[];
  /** The largest sample taken in [from, to] (ms since the epoch); 0 when none. */
  maxBetween: (from: number, to: number) => number;
  stop: () => void;
}

/** Samples `pid`'s RSS every `everyMs` until stopped (also in teardown). */
export function sampleRss(t: Teardown, pid: number, everyMs = 500): RssSampler {
  const samples: { at: number; rss: number }[] = [];
  const take = (): void => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push({ at: Date.now(), rss });
  };
  take();
  const timer = setInterval(take, everyMs);
  const stop = (): void => clearInterval(timer);
  t.teardown(stop);
  return {
    samples,
    maxBetween: (from, to) =>
      samples
        .filter((sample) => sample.at >= from && sample.at <= to)
        .reduce((max, s) => Math.max(max, s.rss), 0),
    stop,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32), so that a failing run's seed can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['DE', 'FR', 'GB', 'IT', 'ES', 'NL', 'PL', 'SE'];

/** The hash an `emp:<id>` key holds: every column, so that any write (even after a delete) is a full row. */
export function empRecord(id: number, next: () => number): Record<string, string> {
  const cents = Math.floor(next() * 10_000_000);
  return {
    emp_id: String(id),
    first_name: `F${id}`,
    last_name: `L${Math.floor(next() * 1_000_000)}`,
    country: COUNTRIES[Math.floor(next() * COUNTRIES.length)] ?? 'DE',
    salary: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
  };
}

export interface LoadOptions {
  /** Keys `emp:0` .. `emp:<keys - 1>`. */
  keys: number;
  /** Writes (HSET or DEL) per second. */
  ratePerSecond: number;
  /** Share of the writes that delete the key. @default 0.1 */
  deleteRatio?: number;
  seed?: number;
}

export interface LoadStats {
  writes: number;
  deletes: number;
  ticks: number;
}

export interface Load {
  seed: number;
  stats: LoadStats;
  /** Stops after the tick in flight (whose events are appended) and answers what was written. */
  stop: () => Promise<LoadStats>;
}

/**
 * Writes `emp:<id>` hashes of random ids at `ratePerSecond` (each a whole new record, or a DEL) and appends
 * their change events after each write, every 20 ms, until stopped (at the latest in teardown). A failure
 * (Redis gone) stops the load and is thrown by `stop`.
 */
export function startLoad(t: Teardown, setup: ApplySetup, options: LoadOptions): Load {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const next = random(seed);
  const deleteRatio = options.deleteRatio ?? 0.1;
  const stats: LoadStats = { writes: 0, deletes: 0, ticks: 0 };
  let stopped = false;
  const started = Date.now();
  const key = (id: number): string => `${setup.prefix}:emp:${id}`;
  const loop = (async () => {
    while (!stopped) {
      const due = Math.floor(((Date.now() - started) * options.ratePerSecond) / 1000) - stats.writes;
      // A tick that fell behind (a slow append) catches up by at most half a second's worth at once.
      const count = Math.min(due, Math.ceil(options.ratePerSecond / 2));
      if (count > 0) {
        const pipeline = setup.redis.pipeline();
        const events: ChangeEvent[] = [];
        for (let n = 0; n < count; n++) {
          const id = Math.floor(next() * options.keys);
          if (next() < deleteRatio) {
            pipeline.del(key(id));
            events.push({ key: key(id), command: 'del', db: 0 });
            stats.deletes++;
          } else {
            pipeline.hset(key(id), empRecord(id, next));
            events.push({ key: key(id), command: 'hset', db: 0 });
          }
        }
        const replies = (await pipeline.exec()) ?? [];
        const failed = replies.find(([error]) => error);
        if (failed?.[0]) throw failed[0];
        await setup.append(events);
        stats.writes += count;
        stats.ticks++;
      }
      await sleep(20);
    }
  })();
  loop.catch(() => undefined); // reported by stop()
  const stop = async (): Promise<LoadStats> => {
    stopped = true;
    await loop;
    return { ...stats };
  };
  t.teardown(() => stop().catch(() => undefined));
  return { seed, stats, stop };
}

// ---------------------------------------------------------------------------------------------------------
// Checking the target
// ---------------------------------------------------------------------------------------------------------

export interface Comparison {
  /** Keys in Redis / rows in the table. */
  sourceKeys: number;
  targetRows: number;
  /** Keys whose row is missing, rows without a key, rows that differ. */
  missing: number;
  extra: number;
  different: number;
  /** The first few differences, readable. */
  first: string[];
}

/**
 * Compares every row of `table` with every `<prefix>:emp:*` hash in Redis (the source of truth): same set of
 * ids, and each column equal to its hash field (as text; a missing field is NULL).
 */
export async function compareWithSource(
  setup: ApplySetup,
  admin: Connection,
  options: { table?: string; columns?: readonly string[]; show?: number } = {},
): Promise<Comparison> {
  const table = options.table ?? 'emp';
  const columns = options.columns ?? EMP_COLUMNS;
  const keyColumn = columns[0] ?? 'emp_id';
  const show = options.show ?? 10;
  const source = new Map<string, Record<string, string>>();
  const prefix = `${setup.prefix}:emp:`;
  let cursor = '0';
  do {
    const [nextCursor, keys] = await setup.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = nextCursor;
    if (keys.length === 0) continue;
    const pipeline = setup.redis.pipeline();
    for (const key of keys) pipeline.hgetall(key);
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, index) => {
      const [error, value] = replies[index] ?? [new Error('no reply'), null];
      if (error) throw error;
      source.set(key.slice(prefix.length), value as Record<string, string>);
    });
  } while (cursor !== '0');

  const target = new Map<string, Record<string, unknown>>();
  for (const row of await rows(admin, `SELECT ${columns.join(', ')} FROM ${table}`)) {
    target.set(String(row[keyColumn]), row);
  }
  const result: Comparison = {
    sourceKeys: source.size,
    targetRows: target.size,
    missing: 0,
    extra: 0,
    different: 0,
    first: [],
  };
  const note = (text: string): void => {
    if (result.first.length < show) result.first.push(text);
  };
  for (const [id, hash] of source) {
    const row = target.get(id);
    if (!row) {
      result.missing++;
      note(`emp:${id} is in Redis (${JSON.stringify(hash)}) but has no row`);
      continue;
    }
    const differing = columns.filter((column) => {
      const want = hash[column] ?? null;
      const value = row[column];
      const have =
        value === null || value === undefined
          ? null
          : typeof value === 'string'
            ? value
            : typeof value === 'number'
              ? String(value)
              : JSON.stringify(value);
      return want !== have;
    });
    if (differing.length > 0) {
      result.different++;
      note(
        `emp:${id} differs in ${differing.join(', ')}: Redis ${JSON.stringify(hash)}, row ${JSON.stringify(row)}`,
      );
    }
  }
  for (const [id, row] of target) {
    if (!source.has(id)) {
      result.extra++;
      note(`row ${JSON.stringify(row)} has no key emp:${id} in Redis`);
    }
  }
  return result;
}

/** Waits until every partition of the change log is empty (nothing left to apply, nothing pending). */
export async function waitDrained(setup: ApplySetup, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await setup.changeLog.stats();
    if (stats.every((partition) => partition.length === 0 && partition.pending === 0)) return;
    if (Date.now() > deadline) {
      throw new Error(`the change log did not drain within ${timeoutMs} ms: ${JSON.stringify(stats)}`);
    }
    await sleep(200);
  }
}

/** Entries pending (delivered, not acknowledged) per consumer, summed over the partitions. */
export async function pendingByConsumer(setup: ApplySetup): Promise<Map<string, number>> {
  const pipeline = setup.redis.pipeline();
  const partitions = setup.changeLog.settings.partitions;
  for (let partition = 0; partition < partitions; partition++) {
    pipeline.xpending(setup.changeLog.streamKey(partition), setup.prefix);
  }
  const replies = (await pipeline.exec()) ?? [];
  const byConsumer = new Map<string, number>();
  for (const [error, reply] of replies) {
    if (error) throw error;
    const consumers = (reply as [number, string | null, string | null, [string, string][] | null])[3] ?? [];
    for (const [consumer, count] of consumers) {
      byConsumer.set(consumer, (byConsumer.get(consumer) ?? 0) + Number(count));
    }
  }
  return byConsumer;
}

// ---------------------------------------------------------------------------------------------------------
// Checkpoint audit
// ---------------------------------------------------------------------------------------------------------

export interface CheckpointMove {
  id: number;
  partition: number;
  oldEntryId: string;
  newEntryId: string;
  oldEpoch: number;
  newEpoch: number;
}

/**
 * Creates `ferry_checkpoints` as the writer does (so that the trigger exists before the first batch) and an
 * AFTER UPDATE trigger that logs every change of a checkpoint row into `ferry_checkpoint_audit`. The trigger
 * runs inside the batch's transaction: exactly the committed checkpoint moves are logged.
 */
export async function installCheckpointAudit(admin: Connection, database: string): Promise<void> {
  await admin.query(createCheckpointTableSql(database));
  await admin.query(`CREATE TABLE ferry_checkpoint_audit (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    pipeline VARCHAR(200) NOT NULL,
    partition_no INT NOT NULL,
    old_entry_id VARCHAR(48) NOT NULL,
    new_entry_id VARCHAR(48) NOT NULL,
    old_epoch BIGINT NOT NULL,
    new_epoch BIGINT NOT NULL
  ) ENGINE=InnoDB`);
  await admin.query(`CREATE TRIGGER ferry_checkpoint_moves AFTER UPDATE ON ferry_checkpoints FOR EACH ROW
    INSERT INTO ferry_checkpoint_audit (pipeline, partition_no, old_entry_id, new_entry_id, old_epoch, new_epoch)
    VALUES (NEW.pipeline, NEW.partition_no, OLD.last_entry_id, NEW.last_entry_id, OLD.lease_epoch, NEW.lease_epoch)`);
}

export async function readCheckpointMoves(admin: Connection, afterId = 0): Promise<CheckpointMove[]> {
  const list = await rows(
    admin,
    'SELECT id, partition_no, old_entry_id, new_entry_id, old_epoch, new_epoch FROM ferry_checkpoint_audit WHERE id > ? ORDER BY id',
    [afterId],
  );
  return list.map((row) => ({
    id: Number(row['id']),
    partition: Number(row['partition_no']),
    oldEntryId: String(row['old_entry_id']),
    newEntryId: String(row['new_entry_id']),
    oldEpoch: Number(row['old_epoch']),
    newEpoch: Number(row['new_epoch']),
  }));
}

/** The newest audit id; 0 when nothing was logged. */
export async function lastMoveId(admin: Connection): Promise<number> {
  const [row] = await rows(admin, 'SELECT COALESCE(MAX(id), 0) AS id FROM ferry_checkpoint_audit');
  return Number(row?.['id'] ?? 0);
}

/**
 * What is wrong with a partition's history of checkpoint moves: a move that did not go strictly forward
 * (numerically, ms then seq: an entry applied twice), an epoch that went down (a fenced-off writer wrote), or
 * a gap in the chain (a move that did not start where the previous one ended).
 */
export function checkpointProblems(moves: readonly CheckpointMove[]): string[] {
  const problems: string[] = [];
  const last = new Map<number, CheckpointMove>();
  for (const move of moves) {
    const where = `audit #${move.id}, partition ${move.partition}`;
    if (compareStreamIds(move.newEntryId, move.oldEntryId) <= 0) {
      problems.push(`${where}: checkpoint went from ${move.oldEntryId} to ${move.newEntryId}, not forward`);
    }
    if (move.newEpoch < move.oldEpoch) {
      problems.push(`${where}: lease epoch went down from ${move.oldEpoch} to ${move.newEpoch}`);
    }
    const previous = last.get(move.partition);
    const expectedStart = previous?.newEntryId ?? '0-0';
    if (move.oldEntryId !== expectedStart) {
      problems.push(
        `${where}: starts at ${move.oldEntryId}, but the previous move ended at ${expectedStart}`,
      );
    }
    last.set(move.partition, move);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// A private MariaDB server
// ---------------------------------------------------------------------------------------------------------

/** A free TCP port on the loopback interface (free when asked; nobody else is expected to take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function findBinary(names: readonly string[]): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const name of names) {
    for (const dir of dirs) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface PrivateMariadb {
  host: string;
  port: number;
  datadir: string;
  /** The server's pid while it runs. */
  pid: () => number | undefined;
  /** An admin connection (root, empty password, multiple statements, dates as strings); closed in teardown. */
  connect: (database?: string) => Promise<Connection>;
  /** SIGTERM and wait for the exit (a clean shutdown). */
  stop: () => Promise<void>;
  /** Starts it again on the same port and data directory, and waits until root can log in. */
  start: () => Promise<void>;
}

/**
 * Initialises a MariaDB data directory under the system's temporary directory and starts `mariadbd` on a free
 * port, root with an empty password over TCP. Stopped and removed in teardown. Fails with what to install
 * when the server binaries are missing.
 */
export async function startPrivateMariadb(t: Teardown): Promise<PrivateMariadb> {
  const daemon = findBinary(['mariadbd', 'mysqld']);
  const installer = findBinary(['mariadb-install-db', 'mysql_install_db']);
  if (!daemon || !installer) {
    throw new Error(
      `this test starts its own MariaDB server, but ${daemon ? '' : 'mariadbd (or mysqld) '}` +
        `${!daemon && !installer ? 'and ' : ''}${installer ? '' : 'mariadb-install-db (or mysql_install_db) '}` +
        'cannot be found (PATH, /usr/sbin): install the MariaDB server (Debian/Ubuntu: apt-get install ' +
        'mariadb-server mariadb-client; scripts/services.sh installs it on a fresh machine)',
    );
  }
  const datadir = await mkdtemp(join(tmpdir(), 'ferry-mariadb-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  // A small server: nothing here needs more than a few MB of buffer pool and redo log.
  const common = ['--no-defaults', `--datadir=${datadir}`, '--innodb-log-file-size=16M', ...asRoot];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      installer,
      [...common, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = tail(child.stdout);
    const errors = tail(child.stderr);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${installer} failed (exit ${code}):\n${output()}\n${errors()}`));
    });
  });
  const errorLog = join(datadir, 'mariadb.err');
  let server: { child: ChildProcess; exited: Promise<Exit> } | undefined;
  const connections: Connection[] = [];

  const connect = async (database?: string): Promise<Connection> => {
    const connection = await createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      password: '',
      multipleStatements: true,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      timezone: 'Z',
      ...(database === undefined ? {} : { database }),
    });
    connection.on('error', () => undefined); // the server is stopped on purpose
    connections.push(connection);
    return connection;
  };

  const start = async (): Promise<void> => {
    const child = spawn(
      daemon,
      [
        ...common,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(datadir, 'mysqld.sock')}`,
        `--pid-file=${join(datadir, 'mariadbd.pid')}`,
        `--log-error=${errorLog}`,
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    live.add(child);
    const exited = exitOf(child).finally(() => live.delete(child));
    server = { child, exited };
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        const log = await readFile(errorLog, 'utf8').catch(() => '');
        throw new Error(
          `mariadbd did not answer on port ${port} (${child.exitCode === null ? 'timeout' : `exit ${child.exitCode}`}):\n${log.split('\n').slice(-20).join('\n')}`,
        );
      }
      try {
        const probe = await createConnection({ host: '127.0.0.1', port, user: 'root', password: '' });
        await probe.end();
        return;
      } catch {
        await sleep(100);
      }
    }
  };

  const stop = async (): Promise<void> => {
    if (!server) return;
    const { child, exited } = server;
    server = undefined;
    await stopChild(child, exited, 'SIGTERM', 30_000);
  };

  t.teardown(async () => {
    for (const connection of connections) connection.destroy();
    await stop();
    await rm(datadir, { recursive: true, force: true }).catch(() => undefined);
  });
  await start();
  return {
    host: '127.0.0.1',
    port,
    datadir,
    pid: () => server?.child.pid,
    connect,
    stop,
    start,
  };
}
