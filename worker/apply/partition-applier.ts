/**
 * The apply loop of one change-log partition, run while this worker holds the partition's lease.
 *
 * One batch at a time, in order: read (up to read_batch_size entries, waiting up to `duration` ms for the
 * batch to fill) -> coalesce per key -> route keys to jobs -> read the keys' current values from the source
 * in one pipeline -> one piscina task that transforms the records and writes the rows (write_batch_size rows
 * per transaction, rows in entry order, each transaction carrying the lease epoch and its last entry id for
 * the target's checkpoint; see pool/tasks/apply.ts) -> XACK -> status.
 *
 * Failures never skip anything: a batch that fails anywhere is abandoned unacknowledged and, after a backoff,
 * read again (its entries come back first, in order, as pending entries), with fresh values and the newest
 * configuration. Transactions it had committed are skipped by the checkpoint. Transient target errors back
 * off from retry_initial_delay_ms doubling to retry_max_delay_ms, forever; other target errors (schema,
 * access) every on_failed_retry_interval seconds. A fenced write (the lease moved on) stops the loop.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { ChangeLog } from '../../common/change-log/index.js';
import type { LogEntry } from '../../common/change-log/index.js';
import type { Logger } from '../../common/logger.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import type { BatchCounts, StatusRecorder } from '../../common/status/index.js';
import type { ActiveConfig } from '../active-config.js';
import type { TaskPool } from '../pool/task-pool.js';
import type { MysqlTargetOptions, TransferableTargetError } from '../targets/mysql/index.js';
import { Backoff, sleep } from './backoff.js';
import { coalesce } from './coalesce.js';
import type { CoalescedKey } from './coalesce.js';
import type { ResolvedRedisSource } from '../connections.js';
import type { KeyToApply } from './types.js';

/** How the loop reports a connection's health (shared by all partitions of a worker). */
export interface ConnectionHealth {
  ok(name: string, type: string): void;
  failed(name: string, type: string, message: string): void;
}

export interface ApplierDeps {
  workerId: string;
  keys: FerryKeys;
  /** The state Redis URL, for the dead-letter writes of the write threads. */
  stateRedisUrl: string;
  /** A new connection to the state Redis, for this partition's blocking reads; closed by the applier. */
  connect: () => Redis;
  pool: TaskPool;
  config: () => ActiveConfig | undefined;
  /** The engine's desired state: false while stopped. */
  running: () => boolean;
  /** The partition's lease epoch while this worker holds it. */
  epoch: () => number | undefined;
  /** A source Redis' resolved options (by `sources` name; secrets resolved). */
  source: (name: string, config: ActiveConfig) => Promise<ResolvedRedisSource>;
  /** A target's resolved options (secrets resolved). */
  target: (name: string, config: ActiveConfig) => Promise<Omit<MysqlTargetOptions, 'logger'>>;
  health: ConnectionHealth;
  status: StatusRecorder;
  logger: Logger;
  /** Called after each applied batch (tests, benchmarks). */
  onBatch?: (summary: BatchSummary) => void;
  /** The loop ended by itself (fenced, lease lost): the owner should let the lease go. */
  onExit?: (applier: PartitionApplier) => void;
}

export interface BatchSummary {
  partition: number;
  entries: number;
  keys: number;
  redelivered: boolean;
  readMs: number;
  transformMs: number;
  writeMs: number;
  ackMs: number;
  /** Capture times of the entries (ms since the epoch), oldest per key. */
  firstAt: number;
  rowsWritten: number;
  rowsSkipped: number;
}

/** A batch attempt failed; `retryable` says how long to wait. */
class BatchFailure extends Error {
  override readonly name = 'BatchFailure';
  constructor(
    message: string,
    readonly kind: 'transient' | 'failed' | 'fenced' | 'lease',
    readonly connection?: { name: string; type: string },
  ) {
    super(message);
  }
}

const IDLE_BLOCK_MS = 1000;
const PAUSED_POLL_MS = 250;

export class PartitionApplier {
  readonly partition: number;
  readonly #deps: ApplierDeps;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  #redis: Redis | undefined;
  #changeLog: { log: ChangeLog; partitions: number } | undefined;
  #loop: Promise<void> | undefined;
  #transient: { backoff: Backoff; initialMs: number; maxMs: number } | undefined;

  constructor(partition: number, deps: ApplierDeps) {
    this.partition = partition;
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'apply', partition });
  }

  /** Starts the loop; `done` resolves when it has stopped. */
  start(): void {
    this.#loop ??= this.#run()
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'apply loop crashed');
      })
      .finally(() => {
        if (!this.#abort.signal.aborted) this.#deps.onExit?.(this);
      });
  }

  /** Finishes the batch in flight (or abandons it, unacknowledged, when `now`) and stops. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#redis?.disconnect();
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const config = this.#deps.config();
      if (!config || !this.#deps.running() || config.blockers.length > 0) {
        await sleep(PAUSED_POLL_MS, signal);
        continue;
      }
      const epoch = this.#deps.epoch();
      if (epoch === undefined) break;
      const { retryInitialDelayMs, retryMaxDelayMs, retryMaxAttempts } = config.applier;
      if (this.#transient?.initialMs !== retryInitialDelayMs || this.#transient.maxMs !== retryMaxDelayMs) {
        this.#transient = {
          backoff: new Backoff(retryInitialDelayMs, retryMaxDelayMs),
          initialMs: retryInitialDelayMs,
          maxMs: retryMaxDelayMs,
        };
      }
      const backoff = this.#transient.backoff;
      try {
        await this.#batch(config, epoch, signal);
        backoff.reset();
      } catch (caught) {
        // Anything unexpected (a task that threw, a bug) is a failed batch too: retried, never skipped.
        const error =
          caught instanceof BatchFailure
            ? caught
            : new BatchFailure(`unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, 'failed');
        if (error.kind === 'fenced' || error.kind === 'lease') {
          this.#logger.warn({ reason: error.message }, 'stopping: the partition belongs to someone else now');
          break;
        }
        // retry_max_attempts > 0: past it, a transient error is retried at the slow pace of other failures.
        const slow =
          error.kind !== 'transient' || (retryMaxAttempts > 0 && backoff.failures >= retryMaxAttempts);
        const wait = slow ? config.applier.onFailedRetryIntervalSeconds * 1000 : backoff.fail();
        this.#logger.warn(
          { err: error.message, retryInMs: wait, attempt: backoff.failures },
          'batch failed; it will be read and applied again',
        );
        await sleep(wait, signal);
      }
    }
  }

  #log(config: ActiveConfig): ChangeLog {
    if (!this.#changeLog || this.#changeLog.partitions !== config.partitions) {
      this.#redis ??= this.#deps.connect();
      this.#changeLog = {
        partitions: config.partitions,
        log: new ChangeLog(this.#redis, {
          prefix: this.#deps.keys.prefix,
          partitions: config.partitions,
          pipeline: this.#deps.keys.prefix,
        }),
      };
    }
    return this.#changeLog.log;
  }

  /** Reads up to read_batch_size entries, waiting up to `duration` ms after the first for more. */
  async #read(config: ActiveConfig, signal: AbortSignal): Promise<{ entries: LogEntry[]; firstAt: number }> {
    const log = this.#log(config);
    const { readBatchSize, durationMs } = config.applier;
    const consumer = this.#deps.workerId;
    const entries = await this.#redisCall('read the change log', () =>
      log.readBatch(this.partition, consumer, { count: readBatchSize, blockMs: IDLE_BLOCK_MS }),
    );
    // The batch's read time starts when its first entries arrive, not with the idle wait before them.
    const firstAt = performance.now();
    // Redelivered entries form a batch of their own: exactly what an earlier attempt read.
    if (entries.length === 0 || entries[0]?.redelivered) return { entries, firstAt };
    const deadline = performance.now() + durationMs;
    while (entries.length < readBatchSize && !signal.aborted) {
      const left = Math.floor(deadline - performance.now());
      if (left <= 0) break;
      const more = await this.#redisCall('read the change log', () =>
        log.readBatch(this.partition, consumer, {
          count: readBatchSize - entries.length,
          blockMs: left,
          newOnly: true,
        }),
      );
      if (more.length === 0) break;
      entries.push(...more);
    }
    return { entries, firstAt };
  }

  async #redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new BatchFailure(`cannot ${what}: ${(error as Error).message}`, 'transient');
    }
  }

  async #batch(config: ActiveConfig, epoch: number, signal: AbortSignal): Promise<void> {
    const { entries, firstAt: started } = await this.#read(config, signal);
    if (entries.length === 0) return;
    // The read may have waited (up to a second when idle, plus `duration`): a stop or a new version that
    // arrived meanwhile applies to these entries too. They stay unacknowledged and come back first, in order.
    if (!this.#deps.running() || this.#deps.config() !== config) return;
    const deps = this.#deps;
    const keys = coalesce(entries);

    // Route: each key to the jobs that track it (pattern and db match, not every command excluded).
    const routed: { key: CoalescedKey; jobs: number[] }[] = [];
    for (const key of keys) {
      const jobs: number[] = [];
      config.jobs.forEach((job, index) => {
        if (job.db !== key.db || !config.patterns[index]?.matches(key.key)) return;
        if (key.commands.every((command) => job.excludeCommands.includes(command))) return;
        jobs.push(index);
      });
      if (jobs.length > 0) routed.push({ key, jobs });
    }

    // Routed order is entry order (coalesce sorts by newest entry id). The task reads the values.
    const toApply: KeyToApply[] = routed.map((item) => ({
      key: item.key.key,
      db: item.key.db,
      entryId: item.key.entryId,
      jobs: item.jobs,
      source: config.jobs[item.jobs[0] as number]?.source ?? '',
    }));
    let readMs = performance.now() - started;

    const counts = config.jobs.map((): BatchCounts => ({
      processed: 0,
      inserted: 0,
      updated: 0,
      deleted: 0,
      filtered: 0,
      rejected: 0,
    }));
    for (const item of routed) {
      for (const job of item.jobs) (counts[job] as BatchCounts).processed += item.key.entries;
    }

    let transformMs = 0;
    let writeMs = 0;
    let written = 0;
    let skipped = 0;
    if (toApply.length > 0) {
      const targets = await this.#targets(config, routed);
      const sources = await this.#sources(config, toApply);
      // Fencing in time: no batch starts writing once the lease's local deadline has passed.
      if (deps.epoch() !== epoch) throw new BatchFailure('the lease was lost during the batch', 'lease');
      const answer = await deps.pool.apply({
        jobs: config.jobs,
        keys: toApply,
        sources,
        targets,
        pipeline: deps.keys.prefix,
        partition: this.partition,
        leaseEpoch: epoch,
        writeBatchSize: config.applier.writeBatchSize,
        onReject: config.applier.errorHandling,
        deadLetter: {
          redisUrl: deps.stateRedisUrl,
          prefix: deps.keys.prefix,
          maxMessages: config.applier.dlqMaxMessages,
        },
      });
      for (const name of answer.reached) {
        deps.health.ok(name, config.pipeline.connections.get(name)?.type ?? 'mysql');
      }
      readMs += answer.readMs;
      if (!answer.ok && answer.stage === 'read') {
        const source = answer.connection ?? '';
        const message = `cannot read from source ${source}: ${answer.error.message}`;
        deps.health.failed(source, 'redis', message);
        throw new BatchFailure(message, 'transient');
      }
      for (const source of Object.keys(sources)) deps.health.ok(source, 'redis');
      if (!answer.ok) throw this.#writeFailure(config, answer.error, answer.connection);
      answer.counts.forEach((jobCounts, job) => {
        const total = counts[job] as BatchCounts;
        total.inserted += jobCounts.inserted;
        total.updated += jobCounts.updated;
        total.deleted += jobCounts.deleted;
        total.filtered += jobCounts.filtered;
        total.rejected += jobCounts.rejected;
      });
      transformMs = answer.transformMs;
      writeMs = answer.writeMs;
      written = answer.written;
      skipped = answer.skipped;
    }

    const ackStarted = performance.now();
    await this.#redisCall('acknowledge the batch', () =>
      this.#log(config).ack(
        this.partition,
        entries.map((entry) => entry.id),
      ),
    );
    const ackMs = performance.now() - ackStarted;

    const timings = {
      readMs: Math.round(readMs),
      transformMs: Math.round(transformMs),
      writeMs: Math.round(writeMs),
      ackMs: Math.round(ackMs),
      size: entries.length,
      finishedAt: Date.now(),
    };
    await Promise.all(
      config.jobs.map((job, index) => {
        const jobCounts = counts[index] as BatchCounts;
        if (jobCounts.processed === 0) return Promise.resolve();
        return deps.status.recordBatch(job.name, jobCounts, timings).catch((error: unknown) => {
          this.#logger.warn({ err: error, job: job.name }, 'could not record the batch in the status');
        });
      }),
    );
    deps.onBatch?.({
      partition: this.partition,
      entries: entries.length,
      keys: keys.length,
      redelivered: entries[0]?.redelivered ?? false,
      readMs,
      transformMs,
      writeMs,
      ackMs,
      firstAt: Math.min(...keys.map((key) => key.firstAt)),
      rowsWritten: written,
      rowsSkipped: skipped,
    });
  }

  /** Resolved options of the sources the keys are read from. */
  async #sources(config: ActiveConfig, keys: KeyToApply[]): Promise<Record<string, ResolvedRedisSource>> {
    const sources: Record<string, ResolvedRedisSource> = {};
    for (const name of new Set(keys.map((key) => key.source))) {
      try {
        sources[name] = await this.#deps.source(name, config);
      } catch (error) {
        const message = `cannot use source ${name}: ${(error as Error).message}`;
        this.#deps.health.failed(name, 'redis', message);
        throw new BatchFailure(message, 'failed', { name, type: 'redis' });
      }
    }
    return sources;
  }

  /** Resolved options of the connections the routed jobs write to. */
  async #targets(
    config: ActiveConfig,
    routed: { jobs: number[] }[],
  ): Promise<Record<string, Omit<MysqlTargetOptions, 'logger'>>> {
    const names = new Set<string>();
    for (const item of routed) {
      for (const job of item.jobs)
        for (const output of config.jobs[job]?.outputs ?? []) names.add(output.connection);
    }
    const targets: Record<string, Omit<MysqlTargetOptions, 'logger'>> = {};
    for (const name of names) {
      const type = config.pipeline.connections.get(name)?.type ?? 'mysql';
      try {
        targets[name] = await this.#deps.target(name, config);
      } catch (error) {
        const message = (error as Error).message;
        this.#deps.health.failed(name, type, message);
        throw new BatchFailure(message, 'failed', { name, type });
      }
    }
    return targets;
  }

  #writeFailure(
    config: ActiveConfig,
    error: TransferableTargetError,
    name: string | undefined,
  ): BatchFailure {
    const type = (name && config.pipeline.connections.get(name)?.type) || 'mysql';
    const message = `${name ?? 'target'}: ${error.message}`;
    if (error.code === 'FENCED') return new BatchFailure(message, 'fenced');
    if (name) this.#deps.health.failed(name, type, error.message);
    return new BatchFailure(
      message,
      error.code === 'TARGET_UNAVAILABLE' ? 'transient' : 'failed',
      name ? { name, type } : undefined,
    );
  }
}
