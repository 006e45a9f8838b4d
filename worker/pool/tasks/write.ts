/**
 * Piscina task: one write batch = one target transaction. Each thread keeps one MysqlWriter (a pool of
 * connections) per target it was handed, and one connection to the state Redis for the dead-letter streams.
 *
 * Rejects are dead-lettered from here, inside the transaction's window (before its COMMIT): a crash may then
 * dead-letter a record twice (the batch is retried), never lose one (a committed batch is skipped on retry).
 *
 * Errors never cross the thread boundary as thrown objects (structured clone drops their code): the task
 * answers `{ ok: false, error: {name, code, message, context} }`.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { DeadLetterQueue } from '../../../common/dead-letter/index.js';
import type { DeadLetterRecord } from '../../../common/dead-letter/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Logger } from '../../../common/logger.js';
import { ferryKeys } from '../../../common/redis-keys.js';
import { MysqlWriter, toTransferableError } from '../../targets/mysql/index.js';
import type {
  BatchResult,
  MysqlTargetOptions,
  RejectedRow,
  TransferableTargetError,
  WriteBatch,
} from '../../targets/mysql/index.js';

export interface WriteTask {
  /** The target's resolved options (secrets included: tasks stay inside the process). */
  target: Omit<MysqlTargetOptions, 'logger'>;
  batch: WriteBatch;
  onReject: 'dlq' | 'ignore';
  /** The job of each table batch, by index, for the dead-letter stream. */
  tableJobs: string[];
  deadLetter: { redisUrl: string; prefix: string; maxMessages: number };
}

export type WriteTaskResult =
  { ok: true; result: BatchResult } | { ok: false; error: TransferableTargetError };

const writers = new Map<string, MysqlWriter>();
const ready = new Set<string>();
const deadLetterQueues = new Map<string, DeadLetterQueue>();
let logger: Logger | undefined;

function threadLogger(): Logger {
  logger ??= createLogger({
    component: 'worker-thread',
    level: (process.env['FERRY_LOG_LEVEL'] as 'info' | undefined) ?? 'warn',
  });
  return logger;
}

function writerFor(target: WriteTask['target']): { id: string; writer: MysqlWriter } {
  const id = createHash('sha256').update(JSON.stringify(target)).digest('hex');
  let writer = writers.get(id);
  if (!writer) {
    writer = new MysqlWriter({ ...target, logger: threadLogger() });
    writers.set(id, writer);
  }
  return { id, writer };
}

function deadLetterQueue(redisUrl: string, prefix: string): DeadLetterQueue {
  const id = `${redisUrl}\u0000${prefix}`;
  let queue = deadLetterQueues.get(id);
  if (!queue) {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectionName: 'ferry-worker-dlq' });
    redis.on('error', () => undefined); // reported through the failing command
    queue = new DeadLetterQueue(redis, ferryKeys(prefix));
    deadLetterQueues.set(id, queue);
  }
  return queue;
}

export async function write(task: WriteTask): Promise<WriteTaskResult> {
  try {
    const { id, writer } = writerFor(task.target);
    if (!ready.has(id)) {
      await writer.ensureCheckpointTable();
      ready.add(id);
    }
    const database = task.target.database ?? '';
    const origin = new Map<string, { job: string; entryId: string | undefined }>();
    task.batch.tables.forEach((table, index) => {
      const name = `${table.table.schema ?? database}.${table.table.table}`;
      const job = task.tableJobs[index] ?? '';
      for (const change of table.changes)
        origin.set(`${name}\u0000${change.key}`, { job, entryId: change.entryId });
    });
    const result = await writer.applyBatch(
      task.batch,
      { onReject: task.onReject },
      {
        beforeCommit:
          task.onReject === 'dlq'
            ? (rejected) => deadLetter(task, rejected, (row) => origin.get(`${row.table}\u0000${row.key}`))
            : undefined,
      },
    );
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: toTransferableError(error) };
  }
}

async function deadLetter(
  task: WriteTask,
  rejected: readonly RejectedRow[],
  originOf: (row: RejectedRow) => { job: string; entryId: string | undefined } | undefined,
): Promise<void> {
  const queue = deadLetterQueue(task.deadLetter.redisUrl, task.deadLetter.prefix);
  const byJob = new Map<string, DeadLetterRecord[]>();
  const now = Date.now();
  for (const row of rejected) {
    const origin = originOf(row);
    const job = origin?.job ?? '';
    const entryId = origin?.entryId;
    const record: DeadLetterRecord = {
      job,
      key: row.key,
      table: row.table,
      values: row.values,
      errorCode: row.errorCode,
      error: row.error,
      ...(row.column === undefined ? {} : { column: row.column }),
      ...(entryId === undefined ? {} : { entryId }),
      rejectedAt: now,
    };
    const list = byJob.get(job) ?? [];
    list.push(record);
    byJob.set(job, list);
  }
  for (const [job, records] of byJob) await queue.add(job, records, task.deadLetter.maxMessages);
}

/** Closes this thread's writers and connections (piscina calls nothing on exit; the pool's destroy ends it). */
export async function closeAll(): Promise<void> {
  await Promise.allSettled([...writers.values()].map((writer) => writer.close()));
  writers.clear();
  ready.clear();
}
