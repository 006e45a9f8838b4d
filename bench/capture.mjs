// `npm run bench -- capture`: what capture costs the application. Application write throughput (pipelined
// HSET from a separate process, bench/capture-load.mjs) against a private source redis-server without Ferry,
// then with `ferry worker` capturing its replication stream and applying to MariaDB, in the same run; then
// end-to-end latency from HSET to committed row, and the worker's peak RSS. See bench/README.md.
//
// It runs against real services and leaves nothing behind: its own redis-server (killed at the end), key
// prefix in the state Redis and database, removed at the end even when it fails or is interrupted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { FerryClient } from '../dist/clients/ferry-client.js';
import { ChangeLog } from '../dist/common/change-log/index.js';
import { ApplierDefaults, ChangeLogDefaults } from '../dist/common/config/index.js';
import { silentLogger } from '../dist/common/logger.js';
import { startControlPlane } from '../dist/control-plane/server.js';
import {
  DB_PASSWORD_ENV,
  PACKAGE_ROOT,
  WORKER_ID,
  deleteKeys,
  integer,
  mib,
  parseMysql,
  percentile,
  processCpuMs,
  runCleanup,
  seconds,
  shownRedisUrl,
  startWorker,
  waitFor,
  runBenchmark,
  watchProcess,
} from './common.mjs';

const LOAD_SCRIPT = fileURLToPath(new URL('./capture-load.mjs', import.meta.url));
/** The source's name in config.yaml, also the last part of its capture status key. */
const SOURCE = 'app';
/** First key id of each phase: distinct ranges, the same number of digits, so the same command sizes. */
const FIRST_ID = {
  warmup: 100_000_001,
  without: 200_000_001,
  with: 300_000_001,
  light: 400_000_001,
  captureOnly: 500_000_001,
};
/** Seconds of unmeasured load before the first phase (flushed with the rest of phase 1). */
const WARMUP_SECONDS = 2;
const POLL_MS = 100;
/** A phase that makes no progress for this long has failed. */
const STALL_MS = 60_000;
const COLUMNS = ['emp_id', 'first_name', 'last_name', 'country', 'salary', 'written_ms'];

export const usage = `usage: npm run bench -- capture [options]

Runs pipelined HSET emp:<id> (hashes of ${COLUMNS.length} fields) from a separate process against a private
redis-server for S seconds, first without Ferry, then with \`ferry worker\` capturing that server's replication
stream and applying to MariaDB, and compares the application's commands/s. Then the latency from HSET to
committed row (under that full load, and at a light fixed rate). The last line is ratio=<with/without>.

options:
  --seconds S           length of each measured load phase (default 10)
  --pipeline N          HSET commands per pipelined round trip (default 100)
  --rate R              writes/s of the light-load latency phase (default 1000; 0 skips the phase)
  --rate-seconds S      length of the light-load latency phase (default 5)
  --threads T           worker pool threads (default 2)
  --partitions P        change-log partitions (default ${ChangeLogDefaults.partitions})
  --max-length N        change_log.max_length (default 10000000, so that the full-load phase does not meet
                        back-pressure; the compiled default is ${ChangeLogDefaults.maxLength})
  --redis URL           the state Redis (change log, Ferry state; default redis://127.0.0.1:6379); the
                        source is always a private redis-server started by the benchmark
  --redis-server PATH   the redis-server binary for the source (default redis-server)
  --mysql [USER[:PASSWORD]@]HOST:PORT
                        the MariaDB/MySQL server (default root@127.0.0.1:3306)
`;

/** Runs the benchmark with command-line arguments `argv`; resolves to the exit code. */
export function run(argv) {
  return runBenchmark('capture', argv, usage, parseSettings, benchmark);
}

// --- settings

function parseSettings(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '10' },
      pipeline: { type: 'string', default: '100' },
      rate: { type: 'string', default: '1000' },
      'rate-seconds': { type: 'string', default: '5' },
      threads: { type: 'string', default: '2' },
      partitions: { type: 'string', default: String(ChangeLogDefaults.partitions) },
      'max-length': { type: 'string', default: '10000000' },
      redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
      'redis-server': { type: 'string', default: 'redis-server' },
      mysql: { type: 'string', default: 'root@127.0.0.1:3306' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const redisUrl = new URL(values.redis);
  if (redisUrl.protocol !== 'redis:') throw new Error(`--redis must be a redis:// URL (got ${values.redis})`);
  if (!['', '/', '/0'].includes(redisUrl.pathname)) throw new Error('--redis: the benchmark uses db 0');
  return {
    seconds: integer(values.seconds, '--seconds', 1, 3600),
    pipeline: integer(values.pipeline, '--pipeline', 1, 100_000),
    rate: integer(values.rate, '--rate', 0),
    rateSeconds: integer(values['rate-seconds'], '--rate-seconds', 1, 3600),
    threads: integer(values.threads, '--threads', 1),
    partitions: integer(values.partitions, '--partitions', 1, 1024),
    maxLength: integer(values['max-length'], '--max-length', 1),
    redisUrl: values.redis,
    redisServer: values['redis-server'],
    mysql: parseMysql(values.mysql),
  };
}

// --- interruption: Ctrl-C stops the run at the next check and still cleans up

// --- the run

async function benchmark(settings, interruption) {
  const check = () => interruption.check();
  const id = randomBytes(4).toString('hex');
  const prefix = `ferry-benchcap-${id}`;
  const database = `ferry_benchcap_${id}`;
  const cleanup = [];
  const out = (line = '') => process.stdout.write(`${line}\n`);

  try {
    // The source: a private redis-server, so that the application's figures are its alone.
    const source = await startRedisServer(settings.redisServer, interruption.state);
    cleanup.push(['stop the source redis-server', () => source.kill()]);
    const sourceRedis = new Redis({ host: source.host, port: source.port, maxRetriesPerRequest: 1 });
    sourceRedis.on('error', () => undefined);
    cleanup.push(['disconnect from the source', () => sourceRedis.disconnect()]);

    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2, connectionName: 'ferry-bench' });
    redis.on('error', () => undefined); // failures surface through the commands
    cleanup.push(['disconnect from Redis', () => redis.disconnect()]);
    cleanup.push(['delete the benchmark keys', () => deleteKeys(redis, prefix)]);

    const admin = await mysql.createConnection({ ...settings.mysql, multipleStatements: false });
    cleanup.push(['close the MySQL connection', () => admin.end()]);
    await admin.query("SET time_zone = '+00:00'");
    const [[{ version }]] = await admin.query('SELECT VERSION() AS version');
    const sourceVersion = /redis_version:(\S+)/.exec(await sourceRedis.info('server'))?.[1] ?? '?';

    out('capture benchmark');
    out(
      `  load: pipelined HSET emp:<id> (${COLUMNS.length} fields), ${settings.pipeline} per round trip, ` +
        `one connection from a child process, ${settings.seconds} s per phase (after ${WARMUP_SECONDS} s of warm-up)`,
    );
    out(
      `  source: private redis-server ${sourceVersion} on 127.0.0.1:${source.port} (no persistence), ` +
        'capture: replication',
    );
    out(
      `  worker threads ${settings.threads}, ${settings.partitions} partitions, change_log.max_length ` +
        `${settings.maxLength}, applier ${ApplierDefaults.readBatchSize} / ${ApplierDefaults.writeBatchSize} / ` +
        `${ApplierDefaults.durationMs} ms (defaults); ` +
        (settings.rate > 0
          ? `light-load latency phase ${settings.rate} writes/s for ${settings.rateSeconds} s`
          : 'no light-load latency phase'),
    );
    out(
      `  state redis ${shownRedisUrl(settings.redisUrl)}, mysql ${settings.mysql.user}@${settings.mysql.host}:` +
        `${settings.mysql.port} (${version}), node ${process.version}, ${availableParallelism()} CPUs`,
    );
    out(`  key prefix ${prefix}, database ${database}`);
    out();

    // 1. Without Ferry: warm-up, then the measured load; then the source is emptied (FLUSHALL), so that
    //    capture starts from an empty source and phase 2 finds the same conditions.
    await runLoad(source, FIRST_ID.warmup, WARMUP_SECONDS, settings, 0, check);
    const sourceCpuMs = () => processCpuMs(source.pid);
    let sourceCpu = sourceCpuMs();
    const without = await runLoad(source, FIRST_ID.without, settings.seconds, settings, 0, check);
    const withoutRate = (without.commands * 1000) / without.elapsedMs;
    out(
      `without    ${without.commands} HSET in ${seconds(without.elapsedMs / 1000)} s = ` +
        `${Math.round(withoutRate)} commands/s (no Ferry attached; source redis-server ` +
        `${cores(sourceCpuMs() - sourceCpu, without.elapsedMs)} cores)`,
    );
    await sourceRedis.flushall();

    // 2. With Ferry: database, control plane, pipeline, worker; capture must hold its lease and be streaming.
    await admin.query(`CREATE DATABASE \`${database}\``);
    cleanup.push([
      'drop the benchmark database',
      () => admin.query(`DROP DATABASE IF EXISTS \`${database}\``),
    ]);
    await admin.query(`USE \`${database}\``);
    await admin.query(`CREATE TABLE emp (
      emp_id INT PRIMARY KEY,
      first_name VARCHAR(40),
      last_name VARCHAR(40),
      country CHAR(2),
      salary DECIMAL(10,2),
      written_ms BIGINT,
      applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
    )`);

    const controlPlane = await startControlPlane({
      listen: '127.0.0.1:0',
      redisUrl: settings.redisUrl,
      keyPrefix: prefix,
      logger: silentLogger(),
      env: {},
    });
    cleanup.push(['close the control plane', () => controlPlane.close(1000)]);
    const client = new FerryClient({ server: controlPlane.address, token: '' });
    cleanup.push(['close the client', () => client.close()]);
    await client.deploy({
      config: { name: 'config.yaml', content: configYaml(settings, database, source) },
      jobs: [{ name: 'jobs/emp.yaml', content: jobYaml() }],
      description: 'capture benchmark',
    });
    await client.start();
    const changeLog = new ChangeLog(redis, {
      prefix,
      partitions: settings.partitions,
      pipeline: prefix,
      maxLength: settings.maxLength,
    });

    const worker = startWorker(settings, prefix, interruption.state);
    cleanup.push(['stop the worker', () => worker.stop()]);
    const rss = watchProcess(worker.child.pid);
    cleanup.push(['stop the RSS sampler', () => rss.stop()]);
    const captureUnit = `capture/127.0.0.1:${source.port}`;
    const statusKey = `${prefix}:{status}:capture:${SOURCE}`;
    const attachStarted = performance.now();
    await waitFor('the worker to hold the capture lease', 60_000, 200, check, async () => {
      const { leases } = await client.listLeases();
      return leases.some((lease) => lease.unit === captureUnit && lease.owner === WORKER_ID);
    });
    let captureStatus;
    await waitFor('capture to stream and finish its snapshot', 60_000, 100, check, async () => {
      captureStatus = await redis.hgetall(statusKey);
      return captureStatus['state'] === 'streaming' && captureStatus['snapshotDone'] === '1';
    });
    out(
      `attached   capture lease held and streaming (${captureStatus['syncMode']}, snapshot of ` +
        `${captureStatus['snapshotKeys']} keys) ${seconds((performance.now() - attachStarted) / 1000)} s ` +
        'after the worker started',
    );
    const idleRssKb = rss.currentKb();

    // 2a. Capture only: the engine is stopped, so the worker captures (reads the replication stream and
    //     appends change events) and applies nothing. On a machine where the worker and MariaDB share the
    //     application's cores, this separates what capture costs from what applying the writes costs.
    await client.stop();
    let cpuBefore = rss.cpuMs();
    sourceCpu = sourceCpuMs();
    const captureOnly = await runLoad(source, FIRST_ID.captureOnly, settings.seconds, settings, 0, check);
    const captureRate = (captureOnly.commands * 1000) / captureOnly.elapsedMs;
    out(
      `capture    ${captureOnly.commands} HSET in ${seconds(captureOnly.elapsedMs / 1000)} s = ` +
        `${Math.round(captureRate)} commands/s (capture attached, apply stopped; source redis-server ` +
        `${cores(sourceCpuMs() - sourceCpu, captureOnly.elapsedMs)} cores, worker ` +
        `${cores(rss.cpuMs() - cpuBefore, captureOnly.elapsedMs)} cores): ${(captureRate / withoutRate).toFixed(2)} ` +
        'of the rate without Ferry',
    );
    await client.start();
    await drain(
      admin,
      redis,
      changeLog,
      settings.partitions,
      FIRST_ID.captureOnly,
      captureOnly.commands,
      check,
    );

    cpuBefore = rss.cpuMs();
    sourceCpu = sourceCpuMs();
    const withLoad = await runLoad(source, FIRST_ID.with, settings.seconds, settings, 0, check);
    const workerCpu = rss.cpuMs() - cpuBefore;
    const withSourceCpu = sourceCpuMs() - sourceCpu;
    const withRate = (withLoad.commands * 1000) / withLoad.elapsedMs;
    out(
      `with       ${withLoad.commands} HSET in ${seconds(withLoad.elapsedMs / 1000)} s = ` +
        `${Math.round(withRate)} commands/s (capture attached, worker applying; source redis-server ` +
        `${cores(withSourceCpu, withLoad.elapsedMs)} cores, worker ${cores(workerCpu, withLoad.elapsedMs)} cores)`,
    );

    // 3. Drained: change log empty and every key of phase 2 in the table.
    const drainStarted = performance.now();
    await drain(admin, redis, changeLog, settings.partitions, FIRST_ID.with, withLoad.commands, check);
    out(
      `drained    ${seconds((performance.now() - drainStarted) / 1000)} s after the load ended ` +
        '(change log empty, every key in the table)',
    );
    const [[counts]] = await admin.query(
      'SELECT COUNT(*) AS n, MIN(emp_id) AS lo, MAX(emp_id) AS hi FROM emp WHERE emp_id BETWEEN ? AND ?',
      [FIRST_ID.with, FIRST_ID.with + withLoad.commands - 1],
    );
    const [[{ total }]] = await admin.query('SELECT COUNT(*) AS total FROM emp');
    const expectedTotal = captureOnly.commands + withLoad.commands;
    if (Number(counts.n) !== withLoad.commands || Number(total) !== expectedTotal) {
      throw new Error(
        `verification failed: ${withLoad.commands} keys written in phase 2; the table holds ${counts.n} ` +
          `of them and ${total} rows in all (expected ${expectedTotal} with the capture-only phase)`,
      );
    }
    out(
      `verified   ${expectedTotal} rows = distinct keys written with capture attached ` +
        `(emp_id ${counts.lo}..${counts.hi} and the capture-only phase's; phase 1's keys were flushed ` +
        'before Ferry was attached)',
    );

    const full = await latency(admin, FIRST_ID.with, withLoad.commands);
    out(
      `latency    full load: p50 ${full.p50} ms, p99 ${full.p99} ms, max ${full.max} ms over ${full.rows} rows ` +
        '(HSET to committed row, includes the backlog built up while writing at full speed)',
    );

    // 4. Light load: latency at a fixed rate the pipeline keeps up with.
    if (settings.rate > 0) {
      const light = await runLoad(
        source,
        FIRST_ID.light,
        settings.rateSeconds,
        settings,
        settings.rate,
        check,
      );
      await drain(admin, redis, changeLog, settings.partitions, FIRST_ID.light, light.commands, check);
      const result = await latency(admin, FIRST_ID.light, light.commands);
      out(
        `latency    ${settings.rate}/s: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms over ` +
          `${result.rows} rows (${light.commands} HSET in ${seconds(light.elapsedMs / 1000)} s)`,
      );
    }

    const status = await redis.hgetall(statusKey);
    if (status['lastError'] || status['lastWarning']) {
      out(`capture    lastError ${status['lastError'] || '-'}, lastWarning ${status['lastWarning'] || '-'}`);
    }
    const memory = rss.stop();
    out(
      `worker RSS peak ${mib(memory.peakKb)} MiB (VmHWM ${mib(memory.hwmKb)} MiB; ` +
        `${mib(idleRssKb)} MiB once capture was streaming, before the load)`,
    );
    out(`ratio=${(withRate / withoutRate).toFixed(2)}`);
  } finally {
    await runCleanup(cleanup);
  }
}

// --- configuration

function configYaml(settings, database, source) {
  const { mysql: db } = settings;
  const lines = [
    'connections:',
    '  target:',
    '    type: mariadb',
    `    host: ${JSON.stringify(db.host)}`,
    `    port: ${db.port}`,
    `    database: ${database}`,
    `    user: ${JSON.stringify(db.user)}`,
    `    password: "\${env:${DB_PASSWORD_ENV}}"`,
    'sources:',
    `  ${SOURCE}:`,
    '    type: redis',
    `    host: ${JSON.stringify(source.host)}`,
    `    port: ${source.port}`,
    // capture: replication is the default
    'change_log:',
    `  partitions: ${settings.partitions}`,
    `  max_length: ${settings.maxLength}`,
  ];
  return `${lines.join('\n')}\n`;
}

function jobYaml() {
  return [
    'source:',
    '  redis:',
    '    key_pattern: "emp:*"',
    '    trigger: write-behind',
    'output:',
    '  - uses: relational.write',
    '    with:',
    '      connection: target',
    '      table: emp',
    '      keys: [emp_id]',
    `      mapping: [${COLUMNS.join(', ')}]`,
    '',
  ].join('\n');
}

// --- the source redis-server

/** A TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address.port));
    });
  });
}

/** Starts a redis-server without persistence on a free port in a temporary directory; waits for PING. */
async function startRedisServer(binary, state) {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-redis-'));
  const host = '127.0.0.1';
  const port = await freePort();
  const args = ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir];
  // A full resync starts at once instead of waiting 5 s for more replicas to join the same transfer.
  args.push('--repl-diskless-sync-delay', '0');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let stopping = false;
  let exit;
  const died = (how) => {
    if (stopping) return;
    exit = how;
    state.failure = `the source redis-server exited unexpectedly (${how})`;
  };
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      died(signal ? `signal ${signal}` : `exit code ${code}`);
      resolve();
    });
    child.once('error', (error) => {
      died(`spawn error: ${error.message}`);
      resolve();
    });
  });
  const kill = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = performance.now() + 10_000;
    for (;;) {
      if (exit) throw new Error(`redis-server did not start (${exit}): ${output}`);
      const probe = new Redis({ host, port, lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        if (performance.now() > deadline) throw new Error(`redis-server did not answer PING: ${output}`);
        await sleep(20);
      } finally {
        probe.disconnect();
      }
    }
  } catch (error) {
    await kill();
    throw error;
  }
  return { host, port, pid: child.pid, kill };
}

// --- the application: bench/capture-load.mjs in a child process

/** Runs the load generator for `secs` seconds (at `rate` writes/s, 0 = as fast as it can). */
async function runLoad(source, first, secs, settings, rate, check) {
  const args = [
    LOAD_SCRIPT,
    '--host',
    source.host,
    '--port',
    String(source.port),
    '--first',
    String(first),
    '--seconds',
    String(secs),
    '--pipeline',
    String(settings.pipeline),
    '--rate',
    String(rate),
  ];
  const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk.toString();
  });
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: `spawn error: ${error.message}`, signal: null }));
  });
  let result;
  try {
    for (;;) {
      const done = await Promise.race([exit, sleep(200)]);
      if (done) {
        result = done;
        break;
      }
      check();
    }
  } finally {
    if (!result) {
      child.kill('SIGTERM');
      await exit;
    }
  }
  if (result.code !== 0) {
    throw new Error(`the load generator failed (${result.signal ? `signal ${result.signal}` : result.code})`);
  }
  return JSON.parse(stdout.trim());
}

// --- worker process and its memory

function cores(cpuMs, elapsedMs) {
  return (cpuMs / elapsedMs).toFixed(2);
}

// --- drain and latency

/** Waits until the change log is empty and the table holds the `count` keys from id `first`. */
async function drain(admin, redis, changeLog, partitions, first, count, check) {
  let lastRows = -1;
  let lastChange = performance.now();
  let lastReport = performance.now();
  for (;;) {
    check();
    const pipeline = redis.pipeline();
    for (let partition = 0; partition < partitions; partition++)
      pipeline.xlen(changeLog.streamKey(partition));
    const left = ((await pipeline.exec()) ?? []).reduce((sum, [error, length]) => {
      if (error) throw error;
      return sum + Number(length);
    }, 0);
    const [[{ n }]] = await admin.query('SELECT COUNT(*) AS n FROM emp WHERE emp_id BETWEEN ? AND ?', [
      first,
      first + count - 1,
    ]);
    const rows = Number(n);
    if (left === 0 && rows === count) return;
    const now = performance.now();
    if (rows !== lastRows) {
      lastRows = rows;
      lastChange = now;
    } else if (now - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s: ${rows} of ${count} rows, ${left} change events left`,
      );
    }
    if (now - lastReport >= 1000) {
      lastReport = now;
      process.stderr.write(`  drain: ${rows} / ${count} rows, ${left} change events left\n`);
    }
    await sleep(POLL_MS);
  }
}

/** applied_at (the database's statement time, UTC session) - written_ms (the load generator's clock). */
async function latency(admin, first, count) {
  const [rows] = await admin.query(
    'SELECT ROUND(UNIX_TIMESTAMP(applied_at) * 1000) - written_ms AS ms FROM emp WHERE emp_id BETWEEN ? AND ?',
    [first, first + count - 1],
  );
  const latencies = rows.map((row) => Number(row.ms)).sort((a, b) => a - b);
  return {
    rows: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}

// --- helpers
