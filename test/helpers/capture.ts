/**
 * What the capture tests share: the config.yaml of a pipeline that writes to a throwaway MariaDB database
 * and captures from private redis-servers, and in-process workers with fast leases, stopped in teardown.
 */
import { silentLogger } from '../../common/logger.js';
import { FerryWorker } from '../../worker/worker.js';
import { TEST_MYSQL } from '../fixtures/mysql/database.js';
import type { TestDatabase } from '../fixtures/mysql/database.js';
import { FAST_HEARTBEAT_MS, FAST_LEASES } from './apply.js';
import { TEST_REDIS_URL } from './redis.js';

type Teardown = { teardown: (fn: () => unknown) => void };

/** A source of config.yaml: a name, the master's address, and more settings as YAML lines. */
export interface CaptureSource {
  name: string;
  host: string;
  port: number;
  /** e.g. `on_flush: sync`, indented by the helper. */
  settings?: string[];
}

/** config.yaml: the `target` MariaDB connection to `db`, the sources, and a 2-partition change log. */
export function captureConfigYaml(db: TestDatabase, sources: readonly CaptureSource[]): string {
  return [
    'connections:',
    '  target:',
    '    type: mariadb',
    `    host: ${TEST_MYSQL.host}`,
    `    port: ${TEST_MYSQL.port}`,
    `    database: ${db.database}`,
    `    user: ${TEST_MYSQL.user}`,
    `    password: "${TEST_MYSQL.password}"`,
    'sources:',
    ...sources.flatMap((source) => [
      `  ${source.name}:`,
      '    type: redis',
      `    host: ${source.host}`,
      `    port: ${source.port}`,
      ...(source.settings ?? []).map((line) => `    ${line}`),
    ]),
    'change_log:',
    '  partitions: 2',
  ].join('\n');
}

/** Starts in-process workers of the pipeline under `prefix`, each stopped in teardown. */
export function captureWorkers(t: Teardown, prefix: string): (id: string) => Promise<FerryWorker> {
  const workers: FerryWorker[] = [];
  t.teardown(() => Promise.all(workers.map((worker) => worker.stop())));
  return async (id) => {
    const worker = new FerryWorker({
      redisUrl: TEST_REDIS_URL,
      keyPrefix: prefix,
      id,
      threads: 1,
      leaseTtlMs: FAST_LEASES.ttlMs,
      heartbeatIntervalMs: FAST_HEARTBEAT_MS,
      configPollMs: 200,
      env: {},
      logger: silentLogger(),
    });
    await worker.start();
    workers.push(worker);
    return worker;
  };
}
