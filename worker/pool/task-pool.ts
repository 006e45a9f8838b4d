/**
 * The worker's piscina pool. Task modules run as compiled JavaScript (dist/), also when the caller runs from
 * TypeScript sources (tests): threads do not inherit a TypeScript loader, so `npm run build` comes first.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { FerryError } from '../../common/errors.js';
import { packageRoot } from '../../common/proto.js';
import type { ApplyTask, ApplyTaskResult } from './tasks/apply.js';

export interface TaskPoolOptions {
  /** Threads in the pool. @default os.availableParallelism() */
  threads?: number;
  /** Log level of the threads' loggers (pino level name). @default FERRY_LOG_LEVEL, else 'warn' */
  logLevel?: string;
}

function taskModule(): string {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.js')
    ? join(here, '..', 'tasks', 'index.js')
    : join(packageRoot(), 'dist', 'worker', 'pool', 'tasks', 'index.js');
  if (!existsSync(compiled)) {
    throw new FerryError(
      'FAILED_PRECONDITION',
      `the worker's task module ${compiled} is missing; build Ferry first (npm run build)`,
    );
  }
  return pathToFileURL(compiled).href;
}

export class TaskPool {
  readonly threads: number;
  readonly #piscina: Piscina;

  constructor(options: TaskPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    this.#piscina = new Piscina({
      filename: taskModule(),
      workerData: { logLevel: options.logLevel },
      minThreads: this.threads,
      maxThreads: this.threads,
      // A write task mostly waits for the database; each thread's writer has a pool of connections, so a
      // thread runs several partitions' transactions at once instead of queueing them.
      concurrentTasksPerWorker: 4,
      // No queue limit: each partition's loop has at most one task in flight, so the queue is bounded by
      // the partitions this worker holds.
    });
  }

  /**
   * Transforms a read batch's records and writes the rows (see tasks/apply.ts). A batch of jobs with js
   * transforms runs under a watchdog (`jsWatchdogMs`): QuickJS checks its deadline only when a loop jumps
   * back, so straight-line code calling expensive built-ins could hold the thread past timeout_ms. Past the
   * bound the thread is ended (its open transaction is rolled back by the database) and the batch fails; it
   * is read again like any failed batch.
   */
  async apply(task: ApplyTask): Promise<ApplyTaskResult> {
    const bound = jsWatchdogMs(task);
    if (bound === undefined) return (await this.#piscina.run(task, { name: 'apply' })) as ApplyTaskResult;
    try {
      return (await this.#piscina.run(task, {
        name: 'apply',
        signal: AbortSignal.timeout(bound),
      })) as ApplyTaskResult;
    } catch (error) {
      if ((error as Error)?.name !== 'AbortError') throw error;
      throw new Error(
        `the batch ran past ${Math.round(bound / 1000)} s with js transforms (the sum of their timeout_ms for ` +
          'its records, doubled, plus time to write); its thread was stopped. A js transform that does not ' +
          'return (straight-line code in expensive built-ins) holds its records; fix the script and deploy it',
      );
    }
  }

  /** Ends the threads (and with them their database connections). */
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}

/** Time to write a batch, besides its js transforms, before the watchdog gives up on it. */
const WATCHDOG_BASE_MS = 120_000;

/**
 * The watchdog bound of a task: undefined without js transforms; else twice the js time its records may
 * take (timeout_ms per record and block of each job) plus WATCHDOG_BASE_MS.
 */
export function jsWatchdogMs(task: Pick<ApplyTask, 'jobs' | 'keys'>): number | undefined {
  const perRecord = task.jobs.map((job) =>
    (job.transform ?? []).reduce((sum, block) => sum + (block.uses === 'js' ? block.timeoutMs : 0), 0),
  );
  if (perRecord.every((ms) => ms === 0)) return undefined;
  let budget = 0;
  for (const key of task.keys) for (const job of key.jobs) budget += perRecord[job] ?? 0;
  return WATCHDOG_BASE_MS + 2 * budget;
}
