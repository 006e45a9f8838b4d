/**
 * A Ferry worker process: registers and heartbeats in the state Redis, holds the leases the control plane's
 * leader grants it, and runs one apply loop per leased change-log partition, with a piscina pool for the
 * transforms and target writes. It follows the deployed configuration (new versions are picked up between
 * batches) and the engine state (start/stop).
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ChangeLog } from '../common/change-log/index.js';
import type { PipelineFiles } from '../common/config/index.js';
import { LeaseKeeper, WorkerRegistry, defaultWorkerId, unitKind } from '../common/leases/index.js';
import type { Logger } from '../common/logger.js';
import { ferryKeys } from '../common/redis-keys.js';
import type { FerryKeys } from '../common/redis-keys.js';
import { SecretBox } from '../common/secret-box.js';
import { SecretStore } from '../common/secret-store.js';
import { SecretResolver } from '../common/secrets/index.js';
import { StatusRecorder } from '../common/status/index.js';
import { activateConfig } from './active-config.js';
import { CaptureTask } from './capture/capture-task.js';
import type { ActiveConfig } from './active-config.js';
import { PartitionApplier } from './apply/partition-applier.js';
import type { BatchSummary, ConnectionHealth } from './apply/partition-applier.js';
import { resolveMysqlConnection, resolveRedisSource } from './connections.js';
import type { ResolvedMysqlConnection, ResolvedRedisSource } from './connections.js';
import { TaskPool } from './pool/task-pool.js';
import { WorkerIdClaim } from './worker-claim.js';

export interface WorkerOptions {
  /** The state Redis. @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** Prefix of Ferry's keys. @default 'ferry' */
  keyPrefix?: string;
  /** Unique id in the cluster. @default `<host>-<pid>` */
  id?: string;
  /** Threads of the piscina pool. @default os.availableParallelism() */
  threads?: number;
  /** Lease TTL; must match the control plane's. @default 10000 */
  leaseTtlMs?: number;
  /** Heartbeat interval. @default 1000 */
  heartbeatIntervalMs?: number;
  /** How often the deployed version and engine state are checked. @default 1000 */
  configPollMs?: number;
  /** Key that opens stored secrets (32 bytes raw or base64); FERRY_SECRET_KEY is the alternative. */
  secretKeyFile?: string | undefined;
  /** Environment for `${env:...}` references and FERRY_SECRET_KEY. @default process.env */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** Called after each applied batch (tests, benchmarks). */
  onBatch?: (summary: BatchSummary) => void;
}

/** How often an unchanged connection state is written again (so that status shows a recent check). */
const HEALTH_REFRESH_MS = 5000;

export class FerryWorker {
  readonly id: string;
  readonly keys: FerryKeys;
  readonly #options: WorkerOptions;
  readonly #logger: Logger;
  readonly #redisUrl: string;
  readonly #redis: Redis;
  readonly #pool: TaskPool;
  readonly #registry: WorkerRegistry;
  readonly #keeper: LeaseKeeper;
  readonly #status: StatusRecorder;
  readonly #secretStore: SecretStore;
  readonly #appliers = new Map<string, PartitionApplier>();
  readonly #captures = new Map<string, CaptureTask>();
  readonly #sources = new Map<string, Promise<ResolvedRedisSource>>();
  readonly #targets = new Map<string, Promise<ResolvedMysqlConnection>>();
  readonly #health = new Map<string, { ok: boolean; message: string; at: number }>();
  #config: ActiveConfig | undefined;
  #resolver: SecretResolver | undefined;
  #running = true;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #started = false;
  #stopping: Promise<void> | undefined;
  readonly #claim: WorkerIdClaim;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.id = options.id ?? defaultWorkerId();
    this.keys = ferryKeys(options.keyPrefix);
    this.#redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
    this.#logger = options.logger.child({ workerId: this.id });
    this.#redis = this.#connect('ferry-worker');
    this.#pool = new TaskPool({
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      logLevel: options.logger.level,
    });
    this.#status = new StatusRecorder(this.#redis, this.keys);
    const env = options.env ?? process.env;
    const box = SecretBox.load({ keyFile: options.secretKeyFile, env });
    this.#secretStore = new SecretStore(this.#redis, this.keys, box);
    this.#registry = new WorkerRegistry(this.#redis, this.keys, {
      workerId: this.id,
      threads: this.#pool.threads,
      // Several heartbeats per worker timeout (the leader's default: half the lease TTL).
      heartbeatIntervalMs:
        options.heartbeatIntervalMs ??
        Math.max(50, Math.min(1000, Math.floor((options.leaseTtlMs ?? 10_000) / 6))),
      leaseCount: () => this.#keeper.leaseCount,
      logger: this.#logger,
    });
    this.#claim = new WorkerIdClaim(
      this.#redis,
      this.keys.cluster.workerClaim(this.id),
      this.id,
      // Outlives a few missed renewals; a crashed process's claim frees its id after this long.
      Math.max(1000, 3 * Math.min(1000, Math.floor((options.leaseTtlMs ?? 10_000) / 6))),
      this.#logger,
    );
    this.#keeper = new LeaseKeeper(this.#redis, this.keys, {
      workerId: this.id,
      ...(options.leaseTtlMs === undefined ? {} : { ttlMs: options.leaseTtlMs }),
      onAcquired: (unit, epoch) => this.#onAcquired(unit, epoch),
      onLost: (unit, epoch, reason) => {
        this.#logger.warn({ unit, epoch, reason }, 'lease lost; stopping its work');
        void this.#stopWork(unit);
      },
      onHandover: (unit, epoch, to) => {
        this.#logger.info({ unit, epoch, to }, 'handing over');
        void this.#stopWork(unit).then(() => this.#keeper.release(unit));
      },
      logger: this.#logger,
    });
  }

  /** The partitions this worker applies now. */
  partitions(): number[] {
    return [...this.#appliers.values()].filter((a) => !a.stopped).map((a) => a.partition);
  }

  /** The configuration version in use; 0 before one is loaded. */
  get configVersion(): number {
    return this.#config?.version ?? 0;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      await this.#claim.acquire();
    } catch (error) {
      await this.#pool.close();
      this.#redis.disconnect();
      throw error;
    }
    await this.#poll();
    await this.#registry.start();
    this.#keeper.start();
    this.#pollTimer = setInterval(() => {
      this.#polling ??= this.#poll().finally(() => {
        this.#polling = undefined;
      });
    }, this.#options.configPollMs ?? 1000);
    this.#logger.info({ threads: this.#pool.threads }, 'worker started');
  }

  /**
   * Stops: the batches in flight finish, leases are released (so the leader moves them at once) and the
   * worker deregisters. Without `clean` nothing is released (what a crash looks like, for tests).
   */
  async stop(options: { clean?: boolean } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.clean ?? true);
    return this.#stopping;
  }

  async #stop(clean: boolean): Promise<void> {
    clearInterval(this.#pollTimer);
    await this.#polling;
    await Promise.all(
      [...this.#appliers.keys(), ...this.#captures.keys()].map((unit) => this.#stopWork(unit)),
    );
    await this.#keeper.stop({ release: clean });
    await this.#registry.stop({ deregister: clean });
    await this.#pool.close();
    if (clean) await this.#claim.release();
    else await this.#claim.abandon();
    this.#redis.disconnect();
    this.#logger.info('worker stopped');
  }

  #connect(name: string, options: RedisOptions = {}): Redis {
    const redis = new Redis(this.#redisUrl, { connectionName: name, maxRetriesPerRequest: 1, ...options });
    redis.on('error', (error: Error) => this.#logger.debug({ err: error }, 'state Redis connection error'));
    return redis;
  }

  #onAcquired(unit: string, epoch: number): void {
    const kind = unitKind(unit);
    if (kind === 'capture') {
      this.#startCapture(unit, epoch);
      return;
    }
    if (kind !== 'apply') {
      this.#logger.warn({ unit }, 'this worker does not run this kind of work; releasing the lease');
      void this.#keeper.release(unit);
      return;
    }
    const partition = Number(unit.slice('apply/'.length));
    const existing = this.#appliers.get(unit);
    if (existing && !existing.stopped) return;
    this.#logger.info({ unit, epoch }, 'lease acquired; applying');
    const applier = new PartitionApplier(partition, {
      workerId: this.id,
      keys: this.keys,
      stateRedisUrl: this.#redisUrl,
      connect: () => this.#connect(`ferry-apply-${partition}`),
      pool: this.#pool,
      config: () => this.#config,
      running: () => this.#running,
      epoch: () => this.#keeper.currentEpoch(unit),
      source: (name, config) => this.#source(name, config),
      target: (name, config) => this.#target(name, config),
      health: this.#healthReporter(),
      status: this.#status,
      logger: this.#logger,
      ...(this.#options.onBatch ? { onBatch: this.#options.onBatch } : {}),
      onExit: (ended) => {
        if (this.#appliers.get(unit) !== ended) return;
        this.#appliers.delete(unit);
        // Fenced or lost: give the lease back (if still held) so that the leader moves it at once.
        void this.#keeper.release(unit).catch(() => undefined);
      },
    });
    this.#appliers.set(unit, applier);
    applier.start();
  }

  /** Captures the source master of a capture unit while the lease is held (see worker/capture). */
  #startCapture(unit: string, epoch: number): void {
    const existing = this.#captures.get(unit);
    if (existing && !existing.stopped) return;
    this.#logger.info({ unit, epoch }, 'lease acquired; capturing');
    const task = new CaptureTask({
      unit,
      workerId: this.id,
      keys: this.keys,
      connect: () => this.#connect('ferry-capture'),
      config: () => this.#config,
      source: (name, config) => this.#source(name, config),
      target: (name, config) => this.#target(name, config),
      logger: this.#logger,
      onExit: (ended) => {
        if (this.#captures.get(unit) !== ended) return;
        this.#captures.delete(unit);
      },
    });
    this.#captures.set(unit, task);
    task.start();
  }

  async #stopWork(unit: string): Promise<void> {
    const capture = this.#captures.get(unit);
    if (capture) {
      await capture.stop();
      if (this.#captures.get(unit) === capture) this.#captures.delete(unit);
    }
    await this.#stopApplier(unit);
  }

  async #stopApplier(unit: string): Promise<void> {
    const applier = this.#appliers.get(unit);
    if (!applier) return;
    await applier.stop();
    if (this.#appliers.get(unit) === applier) this.#appliers.delete(unit);
  }

  /** Reads the newest version and the engine state; activates a new version. */
  async #poll(): Promise<void> {
    try {
      const [latest, engine] = await Promise.all([
        this.#redis.get(this.keys.config.latest),
        this.#redis.get(this.keys.cluster.engineState),
      ]);
      this.#running = engine !== 'stopped';
      const version = latest === null ? 0 : Number(latest);
      if (version === 0 || version === this.#config?.version) return;
      const raw = await this.#redis.hget(this.keys.config.versions, String(version));
      if (raw === null) return;
      const files = (JSON.parse(raw) as { files: PipelineFiles }).files;
      const config = activateConfig(version, files);
      await new ChangeLog(this.#redis, {
        prefix: this.keys.prefix,
        partitions: config.partitions,
        pipeline: this.keys.prefix,
      }).ensureGroups();
      this.#config = config;
      this.#resolver = new SecretResolver({
        env: this.#options.env ?? process.env,
        readFile: (path) => readFile(path, 'utf8'),
        secrets: this.#secretStore,
      });
      this.#targets.clear();
      if (config.blockers.length > 0) {
        this.#logger.error(
          { version, problems: config.blockers },
          'apply is paused: this version cannot run',
        );
      } else {
        this.#logger.info({ version, jobs: config.jobs.map((job) => job.name) }, 'configuration active');
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not read the deployed configuration; will retry');
    }
  }

  #source(name: string, config: ActiveConfig): Promise<ResolvedRedisSource> {
    const source = config.pipeline.sources.get(name);
    const resolver = this.#resolver;
    if (!source || !resolver) return Promise.reject(new Error(`no source named ${name} is configured`));
    const id = `${config.version}\u0000${name}`;
    let resolved = this.#sources.get(id);
    if (!resolved) {
      resolved = resolveRedisSource(source, resolver, (path) => readFile(path, 'utf8'));
      resolved.catch(() => this.#sources.delete(id));
      this.#sources.set(id, resolved);
    }
    return resolved;
  }

  #target(name: string, config: ActiveConfig): Promise<ResolvedMysqlConnection> {
    const connection = config.pipeline.connections.get(name);
    const resolver = this.#resolver;
    if (!connection || connection.type === 'redis' || !resolver) {
      return Promise.reject(new Error(`no relational connection named ${name} is configured`));
    }
    let target = this.#targets.get(name);
    if (!target) {
      target = resolveMysqlConnection(connection, resolver, (path) => readFile(path, 'utf8'));
      target.catch(() => this.#targets.delete(name));
      this.#targets.set(name, target);
    }
    return target;
  }

  #healthReporter(): ConnectionHealth {
    const record = (name: string, type: string, ok: boolean, message: string): void => {
      const previous = this.#health.get(name);
      const now = Date.now();
      if (
        previous &&
        previous.ok === ok &&
        previous.message === message &&
        now - previous.at < HEALTH_REFRESH_MS
      ) {
        return;
      }
      this.#health.set(name, { ok, message, at: now });
      this.#status
        .recordConnection(name, {
          type,
          reachable: ok,
          ...(ok ? {} : { lastError: message }),
          checkedAt: now,
          workerId: this.id,
        })
        .catch((error: unknown) => this.#logger.debug({ err: error }, 'could not record a connection state'));
    };
    return {
      ok: (name, type) => record(name, type, true, ''),
      failed: (name, type, message) => record(name, type, false, message),
    };
  }
}
