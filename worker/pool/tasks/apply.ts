/**
 * Piscina task: one read batch's records -> rows (transform) -> target transactions (write), in one thread,
 * so that the batch crosses the thread boundary once each way (structured clones of every row cost more than
 * mapping them). Each thread keeps one MysqlWriter (a pool of connections) per target it was handed and one
 * connection to the state Redis for the dead-letter streams.
 *
 * Rejects are dead-lettered from here, inside each transaction's window (before its COMMIT): a crash may then
 * dead-letter a record twice (the batch is retried), never lose one (a committed batch is skipped on retry).
 *
 * Errors never cross the thread boundary as thrown objects (structured clone drops their code): the task
 * answers `{ ok: false, error: {name, code, message, context}, connection }`.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { DeadLetterQueue } from '../../../common/dead-letter/index.js';
import type { DeadLetterRecord } from '../../../common/dead-letter/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Logger } from '../../../common/logger.js';
import { ferryKeys } from '../../../common/redis-keys.js';
import { transformRecords } from '../../apply/records.js';
import { readValues } from '../../apply/source-reader.js';
import type { ApplyJob, KeyToApply, RedisValue, SourceRecord } from '../../apply/types.js';
import type { ResolvedRedisSource } from '../../connections.js';
import { planWrites } from '../../apply/write-plan.js';
import { prepareSandboxes } from '../../transform/chain.js';
import { MysqlWriter, toTransferableError } from '../../targets/mysql/index.js';
import type { MysqlTargetOptions, RejectedRow, TransferableTargetError } from '../../targets/mysql/index.js';

export type TargetOptions = Omit<MysqlTargetOptions, 'logger'>;

export interface ApplyTask {
  jobs: ApplyJob[];
  /** Ordered by entry id. */
  keys: KeyToApply[];
  /** Resolved options of each source the keys are read from (secrets included). */
  sources: Record<string, ResolvedRedisSource>;
  /** Resolved options (secrets included: tasks stay inside the process) of each connection the jobs use. */
  targets: Record<string, TargetOptions>;
  pipeline: string;
  partition: number;
  leaseEpoch: number;
  writeBatchSize: number;
  onReject: 'dlq' | 'ignore';
  deadLetter: { redisUrl: string; prefix: string; maxMessages: number };
}

/** Per job index. */
export interface JobCounts {
  inserted: number;
  updated: number;
  deleted: number;
  filtered: number;
  rejected: number;
}

export interface ApplyProgress {
  counts: JobCounts[];
  /** Milliseconds spent reading the keys' values. */
  readMs: number;
  written: number;
  skipped: number;
  transformMs: number;
  writeMs: number;
  /** Connections written to successfully. */
  reached: string[];
}

export type ApplyTaskResult =
  | ({ ok: true } & ApplyProgress)
  | ({
      ok: false;
      error: TransferableTargetError;
      /** The connection (target) or source at fault. */
      connection?: string;
      /** Where it failed: reading values from a source, or writing to a target. */
      stage: 'read' | 'write';
    } & ApplyProgress);

const sourceClients = new Map<string, Redis>();

/** This thread's connection to a source Redis in `db`, created once per set of options. */
function sourceClient(options: ResolvedRedisSource, db: number): Redis {
  const id = createHash('sha256')
    .update(JSON.stringify([options, db]))
    .digest('hex');
  let client = sourceClients.get(id);
  if (!client) {
    client = new Redis({
      ...options,
      db,
      connectionName: 'ferry-worker-source',
      // Fail a read fast while the source is down: the batch is retried with backoff by the apply loop.
      maxRetriesPerRequest: 1,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    client.on('error', () => undefined); // reported through the failing read
    sourceClients.set(id, client);
  }
  return client;
}

/** Reads the keys' values, one pipeline per (source, db), and pairs them into records in key order. */
async function readRecords(task: ApplyTask): Promise<SourceRecord[] | { source: string; error: unknown }> {
  const groups = new Map<string, { source: string; db: number; indexes: number[] }>();
  task.keys.forEach((key, index) => {
    const id = `${key.source}\u0000${key.db}`;
    let group = groups.get(id);
    if (!group) {
      group = { source: key.source, db: key.db, indexes: [] };
      groups.set(id, group);
    }
    group.indexes.push(index);
  });
  const values = new Array<RedisValue>(task.keys.length);
  for (const group of groups.values()) {
    const options = task.sources[group.source];
    if (!options) return { source: group.source, error: new Error(`no source named ${group.source}`) };
    try {
      const read = await readValues(
        sourceClient(options, group.db),
        group.indexes.map((index) => (task.keys[index] as KeyToApply).key),
      );
      group.indexes.forEach((index, position) => {
        values[index] = read[position] ?? { type: 'none' };
      });
    } catch (error) {
      return { source: group.source, error };
    }
  }
  return task.keys.map((key, index) => ({
    key: key.key,
    db: key.db,
    entryId: key.entryId,
    jobs: key.jobs,
    value: values[index] ?? { type: 'none' },
  }));
}

const writers = new Map<string, { writer: MysqlWriter; ready: boolean }>();
const deadLetterQueues = new Map<string, DeadLetterQueue>();
let logger: Logger | undefined;

function threadLogger(): Logger {
  logger ??= createLogger({
    component: 'worker-thread',
    // The worker's own level (a silent worker has silent threads), handed over as workerData.
    level: ((workerData as { logLevel?: string } | null)?.logLevel ??
      process.env['FERRY_LOG_LEVEL'] ??
      'warn') as 'info',
  });
  return logger;
}

async function writerFor(target: TargetOptions): Promise<MysqlWriter> {
  const id = createHash('sha256').update(JSON.stringify(target)).digest('hex');
  let entry = writers.get(id);
  if (!entry) {
    entry = { writer: new MysqlWriter({ ...target, logger: threadLogger() }), ready: false };
    writers.set(id, entry);
  }
  if (!entry.ready) {
    await entry.writer.ensureCheckpointTable();
    entry.ready = true;
  }
  return entry.writer;
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

async function deadLetter(task: ApplyTask, records: DeadLetterRecord[]): Promise<void> {
  const queue = deadLetterQueue(task.deadLetter.redisUrl, task.deadLetter.prefix);
  const byJob = new Map<string, DeadLetterRecord[]>();
  for (const record of records) {
    const list = byJob.get(record.job) ?? [];
    list.push(record);
    byJob.set(record.job, list);
  }
  for (const [job, list] of byJob) await queue.add(job, list, task.deadLetter.maxMessages);
}

export async function apply(task: ApplyTask): Promise<ApplyTaskResult> {
  const progress: ApplyProgress = {
    counts: task.jobs.map(() => ({ inserted: 0, updated: 0, deleted: 0, filtered: 0, rejected: 0 })),
    readMs: 0,
    written: 0,
    skipped: 0,
    transformMs: 0,
    writeMs: 0,
    reached: [],
  };
  const count = (job: number): JobCounts => progress.counts[job] as JobCounts;
  const readStarted = performance.now();
  const records = await readRecords(task);
  progress.readMs = performance.now() - readStarted;
  if (!Array.isArray(records)) {
    const message = records.error instanceof Error ? records.error.message : String(records.error);
    return {
      ok: false,
      stage: 'read',
      connection: records.source,
      error: { name: 'UnavailableError', code: 'UNAVAILABLE', message, context: { source: records.source } },
      ...progress,
    };
  }
  const transformStarted = performance.now();
  for (const job of task.jobs)
    if (job.transform && job.transform.length > 0) await prepareSandboxes(job.transform);
  const transformed = transformRecords({ jobs: task.jobs, records });
  progress.transformMs = performance.now() - transformStarted;
  transformed.filtered.forEach((filtered, job) => {
    count(job).filtered += filtered;
  });

  const writeStarted = performance.now();
  let connection: string | undefined;
  try {
    // Records that could not become rows are dead-lettered (or dropped) like target rejects.
    for (const reject of transformed.rejects) count(reject.job).rejected++;
    if (transformed.rejects.length > 0 && task.onReject === 'dlq') {
      const now = Date.now();
      await deadLetter(
        task,
        transformed.rejects.map((reject) => ({
          job: task.jobs[reject.job]?.name ?? '',
          key: reject.key,
          table: reject.table,
          values: reject.values,
          errorCode: reject.errorCode,
          error: reject.error,
          entryId: reject.entryId,
          rejectedAt: now,
        })),
      );
    }

    for (const planned of planWrites(task.jobs, transformed.rows, task.writeBatchSize)) {
      connection = planned.connection;
      const target = task.targets[planned.connection];
      if (!target) throw new Error(`no resolved options for connection ${planned.connection}`);
      const writer = await writerFor(target);
      const database = target.database ?? '';
      const origin = new Map<string, { job: number; entryId: string | undefined }>();
      for (const { job, batch } of planned.tables) {
        const name = `${batch.table.schema ?? database}.${batch.table.table}`;
        for (const change of batch.changes)
          origin.set(`${name}\u0000${change.key}`, { job, entryId: change.entryId });
      }
      const originOf = (row: RejectedRow): { job: number; entryId: string | undefined } | undefined =>
        origin.get(`${row.table}\u0000${row.key}`);
      const result = await writer.applyBatch(
        {
          pipeline: task.pipeline,
          partition: task.partition,
          leaseEpoch: task.leaseEpoch,
          lastEntryId: planned.lastEntryId,
          tables: planned.tables.map((table) => table.batch),
        },
        { onReject: task.onReject },
        {
          beforeCommit:
            task.onReject === 'dlq'
              ? (rejected) =>
                  deadLetter(
                    task,
                    rejected.map((row) => {
                      const from = originOf(row);
                      return {
                        job: task.jobs[from?.job ?? -1]?.name ?? '',
                        key: row.key,
                        table: row.table,
                        values: row.values,
                        errorCode: row.errorCode,
                        error: row.error,
                        ...(row.column === undefined ? {} : { column: row.column }),
                        ...(from?.entryId === undefined ? {} : { entryId: from.entryId }),
                        rejectedAt: Date.now(),
                      };
                    }),
                  )
              : undefined,
        },
      );
      progress.written += result.inserted + result.updated + result.deleted;
      progress.skipped += result.skippedRows;
      result.tables.forEach((tableCounts, index) => {
        const job = planned.tables[index]?.job;
        if (job === undefined) return;
        count(job).inserted += tableCounts.inserted;
        count(job).updated += tableCounts.updated;
        count(job).deleted += tableCounts.deleted;
      });
      for (const row of result.rejected) {
        const job = originOf(row)?.job;
        if (job !== undefined) count(job).rejected++;
      }
      if (!progress.reached.includes(planned.connection)) progress.reached.push(planned.connection);
    }
    progress.writeMs = performance.now() - writeStarted;
    return { ok: true, ...progress };
  } catch (error) {
    progress.writeMs = performance.now() - writeStarted;
    return {
      ok: false,
      stage: 'write',
      error: toTransferableError(error),
      ...(connection === undefined ? {} : { connection }),
      ...progress,
    };
  }
}
