/**
 * A whole write-behind setup for one test: its own key prefix, a control plane that assigns partitions, a
 * throwaway MariaDB database, a deployed pipeline writing to it, and workers started in this process (or
 * their settings, for tests that run `ferry worker` as child processes). Everything stops in t.teardown.
 */
import { Redis } from 'ioredis';
import { ChangeLog } from '../../common/change-log/index.js';
import type { ChangeEvent } from '../../common/change-log/index.js';
import { silentLogger } from '../../common/logger.js';
import { FerryWorker } from '../../worker/worker.js';
import type { WorkerOptions } from '../../worker/worker.js';
import { testDatabase } from '../fixtures/mysql/database.js';
import type { TestDatabase } from '../fixtures/mysql/database.js';
import { TEST_MYSQL } from '../fixtures/mysql/database.js';
import { startTestControlPlane } from './control-plane.js';
import type { TestControlPlane } from './control-plane.js';
import { TEST_REDIS_URL, testRedis } from './redis.js';

interface Teardown {
  teardown: (fn: () => unknown) => void;
}

/** Fast lease timings, so that failover tests take seconds. Workers and control plane must agree. */
export const FAST_LEASES = { ttlMs: 2000, roundIntervalMs: 200, workerTimeoutMs: 1200 } as const;
export const FAST_HEARTBEAT_MS = 300;

export interface ApplySetupOptions {
  /** The job files, by name (`emp` -> jobs/emp.yaml); `{prefix}` in them is replaced by the key prefix. */
  jobs: Record<string, string>;
  /** SQL run in the test database first (CREATE TABLE ...). */
  schema: string;
  /** Extra config.yaml sections (applier, change_log), as YAML text. */
  extraConfig?: string;
  partitions?: number;
  /** Settings of the target connection in config.yaml, as YAML lines (e.g. to point at another port). */
  targetOverrides?: { host?: string; port?: number };
  /** Name of the target connection in config.yaml. @default 'target' */
  connectionName?: string;
  /** More files deployed with the jobs, by name (`jobs/emp.js`). */
  files?: Record<string, string>;
}

export interface ApplySetup {
  prefix: string;
  db: TestDatabase;
  cp: TestControlPlane;
  redis: Redis;
  changeLog: ChangeLog;
  /** Appends change events (what capture will do), keys given without the prefix's `{prefix}:` part. */
  append: (events: ChangeEvent[]) => Promise<void>;
  /** Starts an in-process worker, stopped (cleanly) in teardown. */
  startWorker: (options?: Partial<WorkerOptions>) => Promise<FerryWorker>;
  /** Settings to start `ferry worker` as a process against this setup. */
  workerArgs: (id: string) => string[];
  configYaml: string;
}

export async function setupApply(t: Teardown, name: string, options: ApplySetupOptions): Promise<ApplySetup> {
  const cp = await startTestControlPlane(t, name, { assignment: FAST_LEASES });
  const prefix = cp.prefix;
  const db = await testDatabase(t);
  await db.admin.query(options.schema);
  const redis = testRedis(t);
  const partitions = options.partitions ?? 4;
  const configYaml = [
    'connections:',
    `  ${options.connectionName ?? 'target'}:`,
    '    type: mariadb',
    `    host: ${options.targetOverrides?.host ?? TEST_MYSQL.host}`,
    `    port: ${options.targetOverrides?.port ?? TEST_MYSQL.port}`,
    `    database: ${db.database}`,
    `    user: ${TEST_MYSQL.user}`,
    `    password: "${TEST_MYSQL.password}"`,
    'sources:',
    '  app:',
    '    type: redis',
    `    host: ${new URL(TEST_REDIS_URL).hostname}`,
    `    port: ${new URL(TEST_REDIS_URL).port || 6379}`,
    // The tests append their own change events (capture never reads the shared Redis's stream).
    '    capture: external',
    'change_log:',
    `  partitions: ${partitions}`,
    options.extraConfig ?? '',
  ].join('\n');
  const client = cp.client();
  await client.deploy({
    config: { name: 'config.yaml', content: configYaml },
    jobs: [
      ...Object.entries(options.jobs).map(([job, content]) => ({
        name: `jobs/${job}.yaml`,
        content: content.replaceAll('{prefix}', prefix),
      })),
      ...Object.entries(options.files ?? {}).map(([name, content]) => ({ name, content })),
    ],
  });
  const changeLog = new ChangeLog(redis, { prefix, partitions, pipeline: prefix });
  await changeLog.ensureGroups();
  return {
    prefix,
    db,
    cp,
    redis,
    changeLog,
    configYaml,
    append: (events) => changeLog.append(events),
    startWorker: async (workerOptions = {}) => {
      const worker = new FerryWorker({
        redisUrl: TEST_REDIS_URL,
        keyPrefix: prefix,
        threads: 1,
        leaseTtlMs: FAST_LEASES.ttlMs,
        heartbeatIntervalMs: FAST_HEARTBEAT_MS,
        configPollMs: 200,
        env: {},
        logger: silentLogger(),
        ...workerOptions,
      });
      await worker.start();
      t.teardown(() => worker.stop());
      return worker;
    },
    workerArgs: (id) => [
      'worker',
      '--redis',
      TEST_REDIS_URL,
      '--key-prefix',
      prefix,
      '--id',
      id,
      '--threads',
      '1',
    ],
  };
}

/** Polls `check` every `everyMs` until it answers true; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A fresh Redis connection, closed in teardown. */
export function extraRedis(t: Teardown): Redis {
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  return redis;
}
