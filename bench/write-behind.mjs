// `npm run bench -- write-behind`: rows/s of the write-behind pipeline (Redis -> change log -> `ferry worker`
// -> MariaDB) against the raw ceiling (mysql2 multi-row upserts of the same rows, same batch size, one
// connection), end-to-end latency at a moderate rate, and the worker's peak RSS. See bench/README.md.
//
// It runs against real services and leaves nothing behind: its own key prefix and database, removed at the
// end even when it fails or is interrupted.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
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
  WORKER_ID,
  deleteKeys,
  integer,
  mib,
  parseMysql,
  percentile,
  runCleanup,
  seconds,
  shownRedisUrl,
  startWorker,
  waitFor,
  runBenchmark,
  watchProcess,
} from './common.mjs';

/** Keys written to Redis per round trip while loading (one pipeline, then one change-log append). */
const LOAD_CHUNK = 5000;
/** How often the drain loops look at the change log. */
const POLL_MS = 50;
/** A phase that makes no progress for this long has failed. */
const STALL_MS = 60_000;
const REDIS_PASSWORD_ENV = 'FERRY_BENCH_REDIS_PASSWORD';
const COLUMNS = ['emp_id', 'first_name', 'last_name', 'country', 'salary'];
const COUNTRIES = ['DE', 'FR', 'GB', 'IT', 'ES', 'NL', 'PL', 'SE'];

export const usage = `usage: npm run bench -- write-behind [options]

Writes N keys (hashes of 5 fields) to Redis and their change events to the change log, applies them to
MariaDB with a \`ferry worker\` process, and compares its rows/s with mysql2 upserting the same rows on one
connection. Then measures end-to-end latency at a fixed rate. The last line is ratio=<pipeline/raw>.

options:
  --keys N              keys (rows) to apply (default 100000)
  --partitions P        change-log partitions (default ${ChangeLogDefaults.partitions})
  --threads T           worker pool threads (default 2)
  --rate R              writes/s in the latency phase (default 2000; 0 skips the phase)
  --latency-seconds S   length of the latency phase (default 10)
  --read-batch N        applier read_batch_size (default ${ApplierDefaults.readBatchSize})
  --write-batch N       applier write_batch_size, also the raw baseline's rows per transaction
                        (default ${ApplierDefaults.writeBatchSize})
  --redis URL           the Redis for data, change log and Ferry state (default redis://127.0.0.1:6379)
  --mysql [USER[:PASSWORD]@]HOST:PORT
                        the MariaDB/MySQL server (default root@127.0.0.1:3306)
`;

/** Runs the benchmark with command-line arguments `argv`; resolves to the exit code. */
export function run(argv) {
  return runBenchmark('write-behind', argv, usage, parseSettings, benchmark);
}

// --- settings

function parseSettings(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      keys: { type: 'string', default: '100000' },
      partitions: { type: 'string', default: String(ChangeLogDefaults.partitions) },
      threads: { type: 'string', default: '2' },
      rate: { type: 'string', default: '2000' },
      'latency-seconds': { type: 'string', default: '10' },
      'read-batch': { type: 'string', default: String(ApplierDefaults.readBatchSize) },
      'write-batch': { type: 'string', default: String(ApplierDefaults.writeBatchSize) },
      redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
      mysql: { type: 'string', default: 'root@127.0.0.1:3306' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const redisUrl = new URL(values.redis);
  if (redisUrl.protocol !== 'redis:') throw new Error(`--redis must be a redis:// URL (got ${values.redis})`);
  if (!['', '/', '/0'].includes(redisUrl.pathname)) throw new Error('--redis: the benchmark uses db 0');
  const settings = {
    keys: integer(values.keys, '--keys', 1),
    partitions: integer(values.partitions, '--partitions', 1, 1024),
    threads: integer(values.threads, '--threads', 1),
    rate: integer(values.rate, '--rate', 0),
    latencySeconds: integer(values['latency-seconds'], '--latency-seconds', 1),
    readBatch: integer(values['read-batch'], '--read-batch', 1),
    writeBatch: integer(values['write-batch'], '--write-batch', 1),
    redisUrl: values.redis,
    redis: {
      host: redisUrl.hostname || '127.0.0.1',
      port: Number(redisUrl.port || 6379),
      username: decodeURIComponent(redisUrl.username),
      password: decodeURIComponent(redisUrl.password),
    },
    mysql: parseMysql(values.mysql),
  };
  if (settings.readBatch < settings.writeBatch) {
    throw new Error('--read-batch must be at least --write-batch (as in config.yaml)');
  }
  return settings;
}

// --- interruption: Ctrl-C stops the run at the next check and still cleans up

// --- the run

async function benchmark(settings, interruption) {
  const check = () => interruption.check();
  const id = randomBytes(4).toString('hex');
  const prefix = `ferry-bench-${id}`;
  const database = `ferry_bench_${id}`;
  const cleanup = [];
  const out = (line = '') => process.stdout.write(`${line}\n`);

  try {
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2, connectionName: 'ferry-bench' });
    redis.on('error', () => undefined); // failures surface through the commands
    cleanup.push(['disconnect from Redis', () => redis.disconnect()]);
    cleanup.push(['delete the benchmark keys', () => deleteKeys(redis, prefix)]);

    const mysqlOptions = { ...settings.mysql, multipleStatements: false };
    const admin = await mysql.createConnection(mysqlOptions);
    cleanup.push(['close the MySQL connection', () => admin.end()]);
    await admin.query("SET time_zone = '+00:00'");
    const [[{ version }]] = await admin.query('SELECT VERSION() AS version');

    out('write-behind benchmark');
    out(
      `  ${settings.keys} keys (hashes of ${COLUMNS.length} fields), ${settings.partitions} partitions, ` +
        `worker threads ${settings.threads}; ` +
        (settings.rate > 0
          ? `latency phase ${settings.rate} writes/s for ${settings.latencySeconds} s`
          : 'no latency phase'),
    );
    out(
      `  applier: read_batch_size ${settings.readBatch}, write_batch_size ${settings.writeBatch}, ` +
        `duration ${ApplierDefaults.durationMs} ms (defaults: ${ApplierDefaults.readBatchSize} / ` +
        `${ApplierDefaults.writeBatchSize} / ${ApplierDefaults.durationMs})`,
    );
    out(
      `  redis ${shownRedisUrl(settings.redisUrl)}, mysql ${settings.mysql.user}@${settings.mysql.host}:` +
        `${settings.mysql.port} (${version}), node ${process.version}, ${availableParallelism()} CPUs`,
    );
    out(`  key prefix ${prefix}, database ${database}`);
    out('  change events are appended by the benchmark itself (source capture: external)');
    out();

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
    await admin.query('CREATE TABLE emp_raw LIKE emp');

    // Control plane in this process; the pipeline deployed, the engine stopped until everything is loaded.
    const maxLength = Math.max(ChangeLogDefaults.maxLength, settings.keys * 2);
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
      config: { name: 'config.yaml', content: configYaml(settings, database, maxLength) },
      jobs: [{ name: 'jobs/emp.yaml', content: jobYaml(prefix) }],
      description: 'write-behind benchmark',
    });
    await client.stop();

    const changeLog = new ChangeLog(redis, {
      prefix,
      partitions: settings.partitions,
      pipeline: prefix,
      maxLength,
    });
    await changeLog.ensureGroups();

    // 1. Load: the keys into Redis and their change events into the change log.
    const loadSeconds = await load(redis, changeLog, prefix, settings.keys, check);
    out(`loaded     ${settings.keys} keys and change events in ${seconds(loadSeconds)} s`);

    // 2. The raw ceiling, before the worker exists, so that nothing else competes for the machine.
    const rawMs = await rawBaseline(mysqlOptions, database, settings.keys, settings.writeBatch, check);
    const rawRate = (settings.keys * 1000) / rawMs;
    out(
      `raw        ${settings.keys} rows in ${seconds(rawMs / 1000)} s = ${Math.round(rawRate)} rows/s ` +
        `(mysql2, one connection, ${settings.writeBatch} rows per INSERT ... ON DUPLICATE KEY UPDATE transaction)`,
    );

    // 3. The worker, as a child process so that its memory can be measured.
    const worker = startWorker(settings, prefix, interruption.state, {
      [REDIS_PASSWORD_ENV]: settings.redis.password,
    });
    cleanup.push(['stop the worker', () => worker.stop(interruption.state)]);
    const rss = watchProcess(worker.child.pid);
    cleanup.push(['stop the RSS sampler', () => rss.stop()]);
    // The leader grants the leases; the worker adopts them at its next renewal round (a third of the lease
    // TTL) and says so in its heartbeat. Only then does every partition have its apply loop.
    await waitFor('the worker to hold every partition', 60_000, 200, check, async () => {
      const { leases } = await client.listLeases();
      const granted = leases.filter((lease) => lease.unit.startsWith('apply/') && lease.owner === WORKER_ID);
      const { workers } = await client.listWorkers();
      const self = workers.find((candidate) => candidate.id === WORKER_ID);
      return granted.length === settings.partitions && self?.leaseCount === settings.partitions;
    });
    const idleRssKb = rss.currentKb();

    // 4. Throughput: engine start -> change log drained and N rows in the table.
    const throughput = await applyAll(client, redis, changeLog, admin, settings, check, () => rss.cpuMs());
    const pipelineRate = (settings.keys * 1000) / throughput.elapsedMs;
    out(
      `pipeline   ${settings.keys} rows in ${seconds(throughput.elapsedMs / 1000)} s = ${Math.round(pipelineRate)} ` +
        `rows/s (clock from the worker's first read, ${Math.round(throughput.startDelayMs)} ms after engine ` +
        'start, to the change log drained)',
    );
    const verified = await verify(admin, settings.keys);
    if (!verified.ok) throw new Error(`verification failed: ${verified.message}`);
    out(`verified   ${verified.message}`);
    if (throughput.cpuMs > 0) {
      out(
        `worker CPU ${seconds(throughput.cpuMs / 1000)} s in the throughput phase: ` +
          `${Math.round((throughput.cpuMs * 1000) / settings.keys)} µs per row, ` +
          `${(throughput.cpuMs / throughput.elapsedMs).toFixed(2)} cores on average`,
      );
    }
    printBatches(out, throughput.batches, throughput.status);

    // 5. Latency at a fixed rate, the worker still running.
    let latency;
    if (settings.rate > 0) {
      latency = await latencyPhase(redis, changeLog, admin, prefix, settings, check);
      out(
        `latency    p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms over ${latency.rows} rows ` +
          `(${latency.writes} updates at ${Math.round(latency.achievedRate)}/s for ` +
          `${seconds(latency.writeMs / 1000)} s; only the last update of each key is visible)`,
      );
    }

    const memory = rss.stop();
    out(
      `worker RSS peak ${mib(memory.peakKb)} MiB (VmHWM ${mib(memory.hwmKb)} MiB; ` +
        `${mib(idleRssKb)} MiB idle before the engine started)`,
    );
    out(`ratio=${(pipelineRate / rawRate).toFixed(2)}`);
  } finally {
    await runCleanup(cleanup);
  }
}

// --- configuration

function configYaml(settings, database, maxLength) {
  const { mysql: db, redis } = settings;
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
    '  app:',
    '    type: redis',
    `    host: ${JSON.stringify(redis.host)}`,
    `    port: ${redis.port}`,
    ...(redis.username ? [`    user: ${JSON.stringify(redis.username)}`] : []),
    ...(redis.password ? [`    password: "\${env:${REDIS_PASSWORD_ENV}}"`] : []),
    // The benchmark appends its own change events; Ferry must not capture the stream as well.
    '    capture: external',
    'change_log:',
    `  partitions: ${settings.partitions}`,
    `  max_length: ${maxLength}`,
    'applier:',
    `  read_batch_size: ${settings.readBatch}`,
    `  write_batch_size: ${settings.writeBatch}`,
  ];
  return `${lines.join('\n')}\n`;
}

function jobYaml(prefix) {
  return [
    'source:',
    '  redis:',
    `    key_pattern: "${prefix}:emp:*"`,
    '    trigger: write-behind',
    'output:',
    '  - uses: relational.write',
    '    with:',
    '      connection: target',
    '      table: emp',
    '      keys: [emp_id]',
    `      mapping: [${[...COLUMNS, 'written_ms'].join(', ')}]`,
    '',
  ].join('\n');
}

// --- data

function dataKey(prefix, id) {
  return `${prefix}:emp:${id}`;
}

/** The row of `id`, as the hash holds it (strings) and as both tables end up holding it. */
function empRow(id) {
  return {
    emp_id: String(id),
    first_name: `First${id}`,
    last_name: `Last-${(id * 7919) % 100_000}`,
    country: COUNTRIES[id % COUNTRIES.length],
    salary: `${(id * 37) % 200_000}.${String(id % 100).padStart(2, '0')}`,
  };
}

async function load(redis, changeLog, prefix, keys, check) {
  const started = performance.now();
  const progress = progressReporter('load');
  for (let from = 1; from <= keys; from += LOAD_CHUNK) {
    check();
    const to = Math.min(keys, from + LOAD_CHUNK - 1);
    const pipeline = redis.pipeline();
    const events = [];
    for (let id = from; id <= to; id++) {
      const key = dataKey(prefix, id);
      pipeline.hset(key, empRow(id));
      events.push({ key, command: 'hset', db: 0 });
    }
    await execPipeline(pipeline);
    await changeLog.append(events);
    progress(`${to} / ${keys} keys`);
  }
  return (performance.now() - started) / 1000;
}

// --- raw ceiling

async function rawBaseline(mysqlOptions, database, keys, batchSize, check) {
  const rows = [];
  for (let id = 1; id <= keys; id++) {
    const row = empRow(id);
    rows.push(COLUMNS.map((column) => row[column]));
  }
  const sqlFor = (count) =>
    `INSERT INTO emp_raw (${COLUMNS.join(',')}) VALUES ${Array(count)
      .fill(`(${COLUMNS.map(() => '?').join(',')})`)
      .join(',')}` +
    ` ON DUPLICATE KEY UPDATE ${COLUMNS.slice(1)
      .map((column) => `${column}=VALUES(${column})`)
      .join(',')}`;
  const fullBatchSql = sqlFor(batchSize);
  const connection = await mysql.createConnection({ ...mysqlOptions, database });
  try {
    // The writer's session setting (READ COMMITTED), so that only the statements differ.
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    const progress = progressReporter('raw');
    const started = performance.now();
    for (let from = 0; from < rows.length; from += batchSize) {
      check();
      const batch = rows.slice(from, from + batchSize);
      await connection.query('BEGIN');
      await connection.query(batch.length === batchSize ? fullBatchSql : sqlFor(batch.length), batch.flat());
      await connection.query('COMMIT');
      progress(() => rateText(from + batch.length, keys, started));
    }
    return performance.now() - started;
  } finally {
    await connection.end();
  }
}

// --- worker process and its memory

// --- throughput

async function applyAll(client, redis, changeLog, admin, settings, check, cpuMs) {
  const engineStarted = performance.now();
  await client.start();
  // The worker sees the engine state at its next configuration poll (about once a second): the clock starts
  // at its first read of the change log (entries pending, or gone), not at the start call.
  await waitFor('the worker to start reading', 30_000, 10, check, async () => {
    const stats = await changeLog.stats();
    const left = stats.reduce((sum, partition) => sum + partition.length, 0);
    return left < settings.keys || stats.some((partition) => partition.pending > 0);
  });
  const started = performance.now();
  const startDelayMs = started - engineStarted;
  const cpuAtStart = cpuMs();

  const batches = new Map();
  let status;
  const sampleStatus = async () => {
    status = await client.getStatus();
    const last = status.jobs[0]?.lastBatch;
    if (last) batches.set(JSON.stringify(last.finishedAt), last);
  };
  let remaining = settings.keys;
  let lastChange = started;
  let lastReport = started;
  for (;;) {
    check();
    const left = await changeLogLength(redis, changeLog, settings.partitions);
    const now = performance.now();
    if (left === 0) {
      const cpu = cpuMs() - cpuAtStart;
      await sampleStatus();
      return { elapsedMs: now - started, startDelayMs, cpuMs: cpu, batches: [...batches.values()], status };
    }
    if (left !== remaining) {
      remaining = left;
      lastChange = now;
    } else if (now - lastChange > STALL_MS) {
      throw new Error(`the pipeline made no progress for ${STALL_MS / 1000} s (${left} change events left)`);
    }
    if (now - lastReport >= 1000) {
      // Rows committed (a batch's rows are visible before its entries are acknowledged), once a second.
      lastReport = now;
      void sampleStatus().catch(() => undefined);
      const [[{ n }]] = await admin.query('SELECT COUNT(*) AS n FROM emp');
      process.stderr.write(
        `  apply: ${rateText(Number(n), settings.keys, started)}, ${left} change events left\n`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Entries left in the change log: one XLEN per partition, one round trip. */
async function changeLogLength(redis, changeLog, partitions) {
  const pipeline = redis.pipeline();
  for (let partition = 0; partition < partitions; partition++) pipeline.xlen(changeLog.streamKey(partition));
  const lengths = await execPipeline(pipeline);
  return lengths.reduce((sum, length) => sum + Number(length), 0);
}

async function verify(admin, keys) {
  const sums = {};
  for (const table of ['emp', 'emp_raw']) {
    const [[row]] = await admin.query(
      `SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', ${COLUMNS.join(', ')}))) AS s FROM ${table}`,
    );
    sums[table] = { rows: Number(row.n), checksum: String(row.s) };
  }
  const { emp, emp_raw: raw } = sums;
  if (emp.rows !== keys || raw.rows !== keys) {
    return { ok: false, message: `expected ${keys} rows; emp holds ${emp.rows}, emp_raw ${raw.rows}` };
  }
  if (emp.checksum !== raw.checksum) {
    return { ok: false, message: `checksums differ: emp ${emp.checksum}, emp_raw ${raw.checksum}` };
  }
  return { ok: true, message: `${keys} rows in emp and emp_raw, equal checksums (${emp.checksum})` };
}

/** Where the worker spent its time: the jobs' last batch, sampled from GetStatus about once a second. */
function printBatches(out, batches, status) {
  const job = status?.jobs[0];
  if (job) {
    out(
      `status     processed ${job.processed}, inserted ${job.inserted}, updated ${job.updated}, ` +
        `rejected ${job.rejected}`,
    );
  }
  if (batches.length === 0) return;
  const average = (field) => batches.reduce((sum, batch) => sum + Number(batch[field]), 0) / batches.length;
  const [size, read, transform, write, ack] = ['size', 'readMs', 'transformMs', 'writeMs', 'ackMs'].map(
    average,
  );
  const total = read + transform + write + ack;
  const share = (ms) => (total > 0 ? `${Math.round((ms * 100) / total)}%` : '-');
  out(
    `batches    ${batches.length} sampled (status lastBatch): average ${Math.round(size)} events, ` +
      `read ${read.toFixed(0)} ms (${share(read)}), transform ${transform.toFixed(0)} ms (${share(transform)}), ` +
      `write ${write.toFixed(0)} ms (${share(write)}), ack ${ack.toFixed(0)} ms (${share(ack)})`,
  );
}

// --- latency

async function latencyPhase(redis, changeLog, admin, prefix, settings, check) {
  const { rate, latencySeconds, keys } = settings;
  const total = rate * latencySeconds;
  const progress = progressReporter('latency');
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    check();
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
    if (due > sent) {
      const pipeline = redis.pipeline();
      const events = [];
      for (; sent < due; sent++) {
        const key = dataKey(prefix, 1 + Math.floor(Math.random() * keys));
        pipeline.hset(key, 'written_ms', String(Date.now()));
        events.push({ key, command: 'hset', db: 0 });
      }
      await execPipeline(pipeline);
      await changeLog.append(events);
    }
    progress(`${sent} / ${total} updates written`);
    await sleep(5);
  }
  const writeMs = performance.now() - started;

  let remaining = -1;
  let lastChange = performance.now();
  for (;;) {
    check();
    const left = await changeLogLength(redis, changeLog, settings.partitions);
    if (left === 0) break;
    if (left !== remaining) {
      remaining = left;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > STALL_MS) {
      throw new Error(`the pipeline made no progress for ${STALL_MS / 1000} s (${left} change events left)`);
    }
    progress(`draining: ${left} change events left`);
    await sleep(POLL_MS);
  }

  // applied_at is the server's statement time (TIMESTAMP(3), UTC session); written_ms this process's clock.
  const [rows] = await admin.query(
    'SELECT ROUND(UNIX_TIMESTAMP(applied_at) * 1000) - written_ms AS ms FROM emp WHERE written_ms IS NOT NULL',
  );
  const latencies = rows.map((row) => Number(row.ms)).sort((a, b) => a - b);
  return {
    writes: total,
    writeMs,
    achievedRate: (total * 1000) / writeMs,
    rows: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}

// --- helpers

async function execPipeline(pipeline) {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** Writes `<phase>: <text>` to stderr at most once a second; `text` may be a function, called only then. */
function progressReporter(phase) {
  let last = performance.now();
  return (text) => {
    const now = performance.now();
    if (now - last < 1000) return;
    last = now;
    process.stderr.write(`  ${phase}: ${typeof text === 'function' ? text() : text}\n`);
  };
}

function rateText(done, total, started) {
  const elapsed = (performance.now() - started) / 1000;
  return `${done} / ${total} rows, ${Math.round(done / elapsed)} rows/s`;
}
