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

  /** Transforms a read batch's records and writes the rows (see tasks/apply.ts). */
  apply(task: ApplyTask): Promise<ApplyTaskResult> {
    return this.#piscina.run(task, { name: 'apply' }) as Promise<ApplyTaskResult>;
  }

  /** Ends the threads (and with them their database connections). */
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}
