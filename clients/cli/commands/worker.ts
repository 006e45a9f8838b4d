/**
 * `ferry worker`: runs a worker in this process until SIGTERM or SIGINT: it registers in the state Redis,
 * takes the partitions the control plane's leader assigns it and applies their changes to the targets. Logs
 * (pino, JSON lines) go to stderr; nothing is printed on stdout.
 */
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { resolve } from 'node:path';
import { createLogger } from '../../../common/logger.js';
import { integerAtLeast } from '../arguments.js';
import { EXIT_OK } from '../errors.js';
import type { CliSession } from '../session.js';

interface WorkerCommandOptions {
  redis: string;
  keyPrefix: string;
  id?: string;
  threads?: number;
  secretKeyFile?: string;
  leaseTtl?: number;
}

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function registerWorkerCommand(program: Command, session: CliSession): void {
  program
    .command('worker')
    .summary('run a worker (applies changes to the targets) until SIGTERM or Ctrl-C')
    .description(
      'Runs a worker: it registers in the state Redis, holds the change-log partitions the control ' +
        "plane's leader assigns it, and applies their changes to the targets with a pool of threads. Run " +
        'as many as you like, on any machines that reach Redis and the targets; they share the partitions. ' +
        'On SIGTERM it finishes the batches in flight and releases its partitions. Logs (JSON lines) go to ' +
        'stderr; FERRY_LOG_LEVEL sets the level. Secret references are resolved here: ${env:NAME} from this ' +
        "process's environment, ${secret:NAME} with FERRY_SECRET_KEY or --secret-key-file.",
    )
    .option('--redis <URL>', 'the Redis that holds the state', 'redis://127.0.0.1:6379')
    .option('--key-prefix <PREFIX>', "prefix of Ferry's keys in that Redis", 'ferry')
    .option('--id <NAME>', 'this worker\'s id, unique in the cluster (default: "<host>-<pid>")')
    .option(
      '--threads <N>',
      'threads for transforms and writes (default: the CPU count)',
      integerAtLeast(1, 'threads'),
    )
    .option('--secret-key-file <FILE>', 'the key that opens stored secrets (raw or base64)')
    .option(
      '--lease-ttl <MS>',
      "lease duration; must equal the control plane's --lease-ttl (default 10000)",
      integerAtLeast(100, 'the lease TTL in milliseconds'),
    )
    .action(
      session.action(async (options: WorkerCommandOptions) => {
        const level = session.io.env['FERRY_LOG_LEVEL'];
        const logger = createLogger({
          component: 'worker',
          ...(level && LOG_LEVELS.includes(level) ? { level: level as LevelWithSilent } : {}),
        });
        // Loaded here: the worker's dependencies would slow every other command's start.
        const { FerryWorker } = await import('../../../worker/worker.js');
        const { interrupted, dispose } = session.interruption();
        try {
          const worker = new FerryWorker({
            redisUrl: options.redis,
            keyPrefix: options.keyPrefix,
            ...(options.id === undefined ? {} : { id: options.id }),
            ...(options.threads === undefined ? {} : { threads: options.threads }),
            ...(options.leaseTtl === undefined ? {} : { leaseTtlMs: options.leaseTtl }),
            secretKeyFile:
              options.secretKeyFile === undefined
                ? undefined
                : resolve(session.io.cwd, options.secretKeyFile),
            env: session.io.env,
            logger,
          });
          await worker.start();
          const signal = await interrupted;
          logger.info({ signal }, 'stopping: finishing the batches in flight');
          await worker.stop();
          return EXIT_OK;
        } finally {
          dispose();
          logger.flush();
        }
      }),
    );
}
