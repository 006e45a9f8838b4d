/**
 * The capture loop of one source master, run by the worker that holds its capture lease
 * (`capture/<host>:<port>`, see common/capture-sources.ts): it reads the master's replication stream
 * (ReplicationClient) and appends a change event to the change log for every key a write command changes that
 * some write-behind job of the source tracks (key_pattern and db).
 *
 * - Filtering: non-writes are skipped (COMMAND INFO flag `write`); keys come from the server's own key specs
 *   (CommandKeyTable), plus the other database of MOVE / COPY ... DB n; keys under Ferry's own prefix are
 *   ignored. FLUSHALL / FLUSHDB / SWAPDB change keys without naming them: they are logged as warnings and
 *   counted in the capture status (`databaseEvents`, `lastWarning`); with the source's `on_flush: sync` they
 *   are followed by a delete reconciliation of the affected databases (and a snapshot of both databases of a
 *   SWAPDB), with `keep` (the default) the targets are left alone.
 * - Durability: one append per `commands` event (back-pressure from the change log stops reading, and the
 *   client then pauses its socket); the position (replid, offset, db) is saved in the state Redis only after
 *   the append resolved, then acknowledged to the master. A restart resumes from the saved position.
 * - Snapshot and reconciliation (maintenance.ts, reconcile.ts): a snapshot SCANs the tracked patterns and
 *   appends one `snapshot` event per key, while the stream keeps flowing (apply reads current values, so the
 *   order between the two does not matter); a delete reconciliation appends one for each target row whose key
 *   is gone. A first start snapshots; a full resync after a gap snapshots and reconciles; so does a reset
 *   (a snapshot request in the position hash, polled every second). Work still to do is saved with the
 *   position, so a restart does it again; a failed snapshot or reconciliation runs again after a backoff
 *   while the stream keeps flowing.
 * - Backlog: at connect, and every minute with the measured write rate, the master's repl-backlog-size is
 *   checked (backlog-check.ts); a backlog too small is a `warning` in status and a log line.
 * - Errors: a lost link (or any failure) reconnects with backoff from the saved position. A command the key
 *   table does not know reloads the table once; if it is still unknown the error is logged and recorded in
 *   status and capture stops before that command (it retries with backoff, never skipping it).
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ChangeLog } from '../../common/change-log/index.js';
import { SnapshotRequestFields, captureSettings, captureUnits } from '../../common/capture-sources.js';
import type { Logger } from '../../common/logger.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import { SecretBox } from '../../common/secret-box.js';
import { SecretStore } from '../../common/secret-store.js';
import { SecretResolver } from '../../common/secrets/index.js';
import type { ActiveConfig } from '../active-config.js';
import { Backoff, sleep } from '../apply/backoff.js';
import { resolveMysqlConnection } from '../connections.js';
import type { ResolvedMysqlConnection, ResolvedRedisSource } from '../connections.js';
import { BacklogWatch } from './backlog-check.js';
import { checkRedisJson } from './modules.js';
import { commandEvents } from './command-events.js';
import type { CommandEvents, CommandNotice, TrackedJob } from './command-events.js';
import { CommandKeyTable, UnknownCommandError } from './key-specs.js';
import { FULL_SCOPE, maintenanceAtConnect, scopeIncludes } from './maintenance.js';
import type { Maintenance } from './maintenance.js';
import { MaintenanceQueue, RECONCILE_PENDING_FIELD, SNAPSHOT_PENDING_FIELD } from './maintenance-queue.js';
import { ReconcileAbortedError, planReconcile, reconcileDeletes } from './reconcile.js';
import { ReplicationClient } from './replication-client.js';
import type { ReplicationPosition } from './replication-client.js';
import { snapshotKeys } from './snapshot.js';

export interface CaptureTaskOptions {
  /** The capture unit, `capture/<host>:<port>`. */
  unit: string;
  workerId: string;
  keys: FerryKeys;
  /** A new connection to the state Redis (closed by the task). */
  connect: () => Redis;
  config: () => ActiveConfig | undefined;
  source: (name: string, config: ActiveConfig) => Promise<ResolvedRedisSource>;
  /**
   * The resolved settings of a relational connection (the worker's, as apply uses them), for the delete
   * reconciliation. Absent: resolved here from the process's environment and FERRY_SECRET_KEY.
   */
  target?: (name: string, config: ActiveConfig) => Promise<ResolvedMysqlConnection>;
  logger: Logger;
  /** Backoff after a failure. @default 500 ms doubling up to 10 s */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How often the write rate is measured and the backlog checked again, in ms. @default 60000 */
  backlogCheckIntervalMs?: number;
  /** Called once the task has ended (stopped or given up). */
  onExit?: (task: CaptureTask) => void;
}

/** How often the status hash is refreshed while streaming. */
const STATUS_INTERVAL_MS = 1000;
/** How often, while streaming, snapshot requests and a new configuration are looked for. */
const TICK_MS = 1000;
/**
 * Without any tracked change, the position is still saved when the stream moved this far or this long ago,
 * so that a restart does not fall behind the master's backlog. Never for a read holding only Ferry's own keys:
 * the position write is itself replicated when the state Redis is the source, and would feed itself.
 */
const IDLE_SAVE_BYTES = 1 << 20;
const IDLE_SAVE_MS = 5000;

export class CaptureTask {
  readonly unit: string;
  readonly #options: CaptureTaskOptions;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  readonly #redis: Redis;
  #running: Promise<void> | undefined;
  #stopped = false;
  #client: ReplicationClient | undefined;

  constructor(options: CaptureTaskOptions) {
    this.#options = options;
    this.unit = options.unit;
    this.#logger = options.logger.child({ unit: options.unit });
    this.#redis = options.connect();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#running ??= this.#run().finally(() => {
      this.#stopped = true;
      this.#redis.disconnect();
      this.#options.onExit?.(this);
    });
  }

  /** Stops reading; the append in flight finishes (or is abandoned before its position is saved). */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#client?.close();
    await this.#running;
    this.#stopped = true;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const backoff = new Backoff(this.#options.retryInitialMs ?? 500, this.#options.retryMaxMs ?? 10_000);
    let statusKey: string | undefined;
    while (!signal.aborted) {
      const config = this.#options.config();
      const sources = config ? captureUnits(config.pipeline).get(this.unit) : undefined;
      if (!config || !sources || sources.length === 0) {
        // No configuration yet, or this unit is no longer captured (the leader will take it back). Its sources
        // may be captured through another unit now (a source moved to another master): leave their status be.
        statusKey = undefined;
        await sleep(200, signal);
        continue;
      }
      const name = sources[0] as string;
      statusKey = this.#options.keys.status.capture(name);
      try {
        const healthy = await this.#session(config, name, sources, signal);
        if (healthy) backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        const delay = backoff.fail();
        const message = error instanceof Error ? error.message : String(error);
        this.#logger.warn(
          { err: error, retryInMs: delay },
          'capture failed; reconnecting from the saved position',
        );
        await this.#status(statusKey, { state: 'error', lastError: message }).catch(() => undefined);
        await sleep(delay, signal);
      }
    }
    if (statusKey) await this.#status(statusKey, { state: 'stopped' }).catch(() => undefined);
  }

  /**
   * One replication link, until the signal aborts, the configuration changes (answers true: restart at once)
   * or a failure (throws). Answers whether the link got as far as streaming.
   */
  async #session(
    config: ActiveConfig,
    name: string,
    sources: string[],
    signal: AbortSignal,
  ): Promise<boolean> {
    const keys = this.#options.keys;
    const positionKey = keys.capture.position(name);
    const statusKey = keys.status.capture(name);
    const ownPrefix = `${keys.prefix}:`;
    const jobs: TrackedJob[] = [];
    config.jobs.forEach((job, index) => {
      const pattern = config.patterns[index];
      const source = config.pipeline.sources.get(job.source);
      if (!sources.includes(job.source) || !pattern || !source) return;
      jobs.push({
        name: job.name,
        db: job.db,
        pattern,
        flushSync: captureSettings(source).onFlush === 'sync',
      });
    });
    const outageWindowS = Math.max(
      ...sources.map((source) => {
        const settings = config.pipeline.sources.get(source);
        return settings ? captureSettings(settings).outageWindowS : 0;
      }),
    );
    const resolved = await this.#options.source(name, config);
    const sourceOptions: RedisOptions = {
      host: resolved.host,
      port: resolved.port,
      ...(resolved.username === undefined ? {} : { username: resolved.username }),
      ...(resolved.password === undefined ? {} : { password: resolved.password }),
      ...(resolved.tls ? { tls: resolved.tls } : {}),
      maxRetriesPerRequest: 1,
      connectionName: 'ferry-capture',
    };
    const sourceRedis = new Redis({ ...sourceOptions, lazyConnect: true });
    sourceRedis.on('error', (error: Error) => this.#logger.debug({ err: error }, 'source connection error'));
    const changeLog = new ChangeLog(this.#redis, {
      prefix: keys.prefix,
      partitions: config.partitions,
      pipeline: keys.prefix,
    });
    let tickTimer: NodeJS.Timeout | undefined;
    let streaming = false;
    let queue: MaintenanceQueue | undefined;
    try {
      await sourceRedis.connect();
      let table = await CommandKeyTable.load(sourceRedis);
      const incomplete = table.commandsWithIncompleteKeys();
      if (incomplete.length > 0) {
        this.#logger.warn(
          { commands: incomplete },
          'the source has write commands whose keys capture cannot tell',
        );
      }
      const saved = await this.#redis.hgetall(positionKey);
      const position = parsePosition(saved);
      const client = new ReplicationClient({
        host: resolved.host,
        port: resolved.port,
        ...(resolved.username === undefined ? {} : { username: resolved.username }),
        ...(resolved.password === undefined ? {} : { password: resolved.password }),
        ...(resolved.tls ? { tls: resolved.tls } : {}),
        ...(position ? { position } : {}),
        logger: this.#logger,
      });
      this.#client = client;
      if (signal.aborted) return false;
      await this.#status(statusKey, { state: 'connecting', lastError: '' });
      this.#logger.info(
        { source: name, host: resolved.host, port: resolved.port, position },
        'capture connecting to the source master',
      );
      const backlog = new BacklogWatch(
        sourceRedis,
        outageWindowS,
        this.#logger,
        (warning) => this.#status(statusKey, { warning }),
        this.#options.backlogCheckIntervalMs,
      );
      await backlog.check();
      await this.#status(statusKey, { redisJson: await checkRedisJson(sourceRedis, this.#logger) });

      const maintenance = new MaintenanceQueue({
        run: (item, itemSignal) =>
          this.#maintain(item, { config, jobs, sourceOptions, changeLog, statusKey, signal: itemSignal }),
        clear: async (fields) => {
          await this.#redis.hdel(positionKey, ...fields);
        },
        finished: (item, snapshotWaits) => this.#finish(item, positionKey, statusKey, snapshotWaits),
        logger: this.#logger,
      });
      queue = maintenance;
      const schedule = (item: Maintenance): void => maintenance.schedule(item);
      const savePosition = async (offset: number, db: number): Promise<void> => {
        const replid = client.replid;
        if (replid === undefined) return;
        await this.#redis.hset(positionKey, {
          replid,
          offset: String(offset),
          db: String(db),
          ...maintenance.fields(),
        });
      };

      let restart = false;
      let servedRequest = saved[SnapshotRequestFields.served];
      let scheduledRequest: string | undefined;
      /** A snapshot request newer than the one served and the one scheduled, as a maintenance item. */
      const requested = (request: string | undefined): Maintenance | undefined => {
        if (request === undefined || request === '' || request === servedRequest) return undefined;
        if (request === scheduledRequest) return undefined;
        scheduledRequest = request;
        return { reasons: ['reset'], snapshot: FULL_SCOPE, reconcile: FULL_SCOPE, snapshotId: request };
      };
      const tick = async (): Promise<void> => {
        const latest = this.#options.config();
        if (latest && latest.version !== config.version) {
          this.#logger.info({ version: latest.version }, 'new configuration: restarting capture');
          restart = true;
          client.close();
          return;
        }
        const [request, served] = await this.#redis.hmget(
          positionKey,
          SnapshotRequestFields.request,
          SnapshotRequestFields.served,
        );
        if (served !== null) servedRequest = served;
        const item = requested(request ?? undefined);
        if (item) {
          this.#logger.info({ snapshotId: item.snapshotId }, 'snapshot requested (reset)');
          schedule(item);
        }
        await backlog.tick(client.processedOffset);
      };
      let ticking = false;
      const startTicks = (): void => {
        tickTimer ??= setInterval(() => {
          if (ticking) return;
          ticking = true;
          tick()
            .catch((error: unknown) => this.#logger.debug({ err: error }, 'capture tick failed'))
            .finally(() => {
              ticking = false;
            });
        }, TICK_MS);
      };

      let lastSavedOffset = position?.offset ?? 0;
      let lastSavedAt = Date.now();
      let lastStatusAt = 0;
      for await (const event of client.start(signal)) {
        if (event.kind === 'sync') {
          streaming = true;
          if (event.mode === 'fullresync' && position) {
            this.#logger.warn(
              { replid: position.replid, offset: position.offset },
              'the master could not continue from the saved position (its backlog no longer covers it): ' +
                'snapshot and delete reconciliation follow',
            );
          }
          // Scheduled before the position that records it is saved.
          const item = maintenanceAtConnect({
            mode: event.mode,
            firstStart: !position,
            snapshotLeft: saved[SNAPSHOT_PENDING_FIELD],
            reconcileLeft: saved[RECONCILE_PENDING_FIELD],
            request: requested(saved[SnapshotRequestFields.request]),
          });
          if (item) schedule(item);
          await savePosition(event.offset, event.db);
          lastSavedOffset = event.offset;
          lastSavedAt = Date.now();
          await this.#status(statusKey, {
            state: 'streaming',
            syncMode: event.mode,
            replid: event.replid,
            offset: String(event.offset),
          });
          this.#logger.info(
            { mode: event.mode, replid: event.replid, offset: event.offset },
            'capture streaming',
          );
          startTicks();
          continue;
        }
        if (event.kind === 'replid-changed') {
          this.#logger.warn(
            { replid: event.replid, previousReplid: event.previousReplid },
            'the source failed over: new replication id',
          );
          await this.#redis.hset(positionKey, 'replid', event.replid);
          continue;
        }
        const current = this.#options.config();
        if (current && current.version !== config.version) {
          this.#logger.info({ version: current.version }, 'new configuration: restarting capture');
          client.close();
          return true;
        }
        const last = event.commands[event.commands.length - 1];
        if (!last) continue;
        let result: CommandEvents;
        try {
          result = commandEvents(table, event.commands, jobs, ownPrefix);
        } catch (error) {
          if (!(error instanceof UnknownCommandError)) throw error;
          this.#logger.info({ command: error.command }, 'unknown command: reloading the command table');
          table = await CommandKeyTable.load(sourceRedis);
          try {
            result = commandEvents(table, event.commands, jobs, ownPrefix);
          } catch (again) {
            if (again instanceof UnknownCommandError) {
              this.#logger.error(
                { command: again.command },
                'capture stopped before a command the source does not describe; it retries and never skips it',
              );
            }
            throw again;
          }
        }
        for (const notice of result.notices) this.#notice(notice, statusKey);
        if (result.events.length > 0) await changeLog.append(result.events, signal);
        // Scheduled before the position moves past the command, so that the position write records it.
        if (result.maintenance) schedule(result.maintenance);
        const now = Date.now();
        if (
          result.events.length > 0 ||
          result.maintenance !== undefined ||
          (result.foreign &&
            (last.offset - lastSavedOffset >= IDLE_SAVE_BYTES || now - lastSavedAt >= IDLE_SAVE_MS))
        ) {
          await savePosition(last.offset, last.db);
          lastSavedOffset = last.offset;
          lastSavedAt = now;
        }
        client.acknowledge(last.offset);
        if (result.events.length > 0 && now - lastStatusAt >= STATUS_INTERVAL_MS) {
          lastStatusAt = now;
          await this.#status(statusKey, { offset: String(last.offset) });
        }
      }
      return streaming || restart;
    } finally {
      clearInterval(tickTimer);
      await queue?.stop();
      this.#client?.close();
      this.#client = undefined;
      sourceRedis.disconnect();
    }
  }

  /** Logs a notice of commandEvents and records it in status (not awaited: never holds the stream up). */
  #notice(notice: CommandNotice, statusKey: string): void {
    if (notice.kind === 'incomplete') {
      this.#logger.error({ command: notice.command }, notice.message);
      void this.#status(statusKey, { lastError: notice.message }).catch(() => undefined);
      return;
    }
    this.#logger.warn({ effect: notice.effect, db: notice.db, offset: notice.offset }, notice.message);
    this.#redis
      .multi()
      .hincrby(statusKey, 'databaseEvents', 1)
      .hset(statusKey, { lastWarning: notice.message, updatedAt: String(Date.now()) })
      .exec()
      .catch(() => undefined);
  }

  /**
   * Runs one maintenance item: its snapshot, then its reconciliation. Answers false when stopped by the
   * signal (the work stays recorded with the position); throws on failures (it runs again after a backoff).
   */
  async #maintain(item: Maintenance, context: MaintenanceContext): Promise<boolean> {
    const { config, jobs, statusKey, signal } = context;
    const reason = item.reasons.join(', ');
    const reportsSnapshot = item.snapshot !== undefined || item.snapshotId !== undefined;
    if (reportsSnapshot) {
      await this.#status(statusKey, { snapshotKeys: '0', snapshotDone: '0', snapshotReason: reason });
    }
    if (item.snapshot) {
      const scope = item.snapshot;
      const covered = jobs.filter((job) => scopeIncludes(scope, job));
      const done = await this.#snapshot(covered, context, reason, signal);
      if (!done) return false;
    }
    if (item.reconcile) {
      const scope = item.reconcile;
      const names = new Set(jobs.filter((job) => scopeIncludes(scope, job)).map((job) => job.name));
      const done = await this.#reconcile(config, names, context, reason);
      if (!done) return false;
    }
    return !signal.aborted;
  }

  /**
   * Records a finished item: the reset request it served, and its snapshot as done unless another snapshot
   * waits (`snapshotWaits`, or a reset request not scheduled yet): `ferry reset` waits for snapshotDone.
   */
  async #finish(
    item: Maintenance,
    positionKey: string,
    statusKey: string,
    snapshotWaits: boolean,
  ): Promise<void> {
    if (item.snapshotId !== undefined) {
      await this.#redis.hset(positionKey, SnapshotRequestFields.served, item.snapshotId);
      await this.#status(statusKey, { snapshotId: item.snapshotId });
    }
    if (item.snapshot === undefined && item.snapshotId === undefined) return;
    const [request, served] = await this.#redis.hmget(
      positionKey,
      SnapshotRequestFields.request,
      SnapshotRequestFields.served,
    );
    const requestWaits = request !== null && request !== served;
    if (!requestWaits && !snapshotWaits) await this.#status(statusKey, { snapshotDone: '1' });
  }

  /** SCANs the patterns of `covered`; answers false when stopped by the signal. */
  async #snapshot(
    covered: TrackedJob[],
    context: MaintenanceContext,
    reason: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { statusKey } = context;
    const patterns = new Map<number, Set<string>>();
    for (const job of covered) {
      patterns.set(job.db, (patterns.get(job.db) ?? new Set()).add(job.pattern.pattern));
    }
    const started = Date.now();
    this.#logger.info({ reason, databases: [...patterns.keys()] }, 'capture snapshot started');
    try {
      const emitted = await snapshotKeys({
        patterns,
        sourceOptions: context.sourceOptions,
        changeLog: context.changeLog,
        ownPrefix: `${this.#options.keys.prefix}:`,
        signal,
        logger: this.#logger,
        onProgress: (keys) => this.#status(statusKey, { snapshotKeys: String(keys) }),
      });
      if (emitted === undefined) return false;
      await this.#status(statusKey, { snapshotKeys: String(emitted) });
      this.#logger.info({ keys: emitted, ms: Date.now() - started }, 'capture snapshot done');
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error({ err: error }, 'capture snapshot failed; it runs again after a backoff');
      await this.#status(statusKey, { lastError: `snapshot: ${message}` }).catch(() => undefined);
      throw error;
    }
  }

  /** Delete reconciliation of the outputs of the jobs named; answers false when stopped by the signal. */
  async #reconcile(
    config: ActiveConfig,
    names: ReadonlySet<string>,
    context: MaintenanceContext,
    reason: string,
  ): Promise<boolean> {
    const { statusKey, signal } = context;
    const plan = planReconcile(config, (job) => names.has(job.name));
    const started = Date.now();
    this.#logger.info(
      { reason, outputs: plan.outputs.length, skipped: plan.skipped.length },
      'delete reconciliation started',
    );
    await this.#status(statusKey, { reconcileRows: '0', reconcileDeletes: '0', reconcileDone: '0' });
    const resolver = this.#options.target ? undefined : this.#fallbackResolver();
    const target = (connection: string): Promise<ResolvedMysqlConnection> => {
      if (this.#options.target) return this.#options.target(connection, config);
      const settings = config.pipeline.connections.get(connection);
      if (!settings || settings.type === 'redis' || !resolver) {
        return Promise.reject(new Error(`no relational connection named ${connection} is configured`));
      }
      return resolveMysqlConnection(settings, resolver, (path) => readFile(path, 'utf8'));
    };
    try {
      const progress = await reconcileDeletes({
        plan,
        sourceOptions: context.sourceOptions,
        target,
        changeLog: context.changeLog,
        ownPrefix: `${this.#options.keys.prefix}:`,
        signal,
        logger: this.#logger,
        onProgress: (so) =>
          this.#status(statusKey, {
            reconcileRows: String(so.rows),
            reconcileDeletes: String(so.deletes),
          }),
      });
      await this.#status(statusKey, {
        reconcileRows: String(progress.rows),
        reconcileDeletes: String(progress.deletes),
        reconcileDone: '1',
      });
      this.#logger.info({ ...progress, ms: Date.now() - started }, 'delete reconciliation done');
      return true;
    } catch (error) {
      if (signal.aborted || error instanceof ReconcileAbortedError) return false;
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error({ err: error }, 'delete reconciliation failed; it runs again after a backoff');
      await this.#status(statusKey, { lastError: `reconciliation: ${message}` }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Resolves target settings when the worker does not hand its own resolver over: from this process's
   * environment, and the secret store when FERRY_SECRET_KEY opens it.
   */
  #fallbackResolver(): SecretResolver {
    let box: SecretBox | undefined;
    try {
      box = SecretBox.load({ env: process.env });
    } catch (error) {
      this.#logger.warn(
        { err: error },
        'FERRY_SECRET_KEY cannot be used; ${secret:...} references will fail',
      );
    }
    return new SecretResolver({
      env: process.env,
      readFile: (path) => readFile(path, 'utf8'),
      ...(box ? { secrets: new SecretStore(this.#redis, this.#options.keys, box) } : {}),
    });
  }

  async #status(key: string, fields: Record<string, string>): Promise<void> {
    await this.#redis.hset(key, {
      ...fields,
      workerId: this.#options.workerId,
      updatedAt: String(Date.now()),
    });
  }
}

/** What a maintenance item needs of its session. */
interface MaintenanceContext {
  config: ActiveConfig;
  jobs: TrackedJob[];
  sourceOptions: RedisOptions;
  changeLog: ChangeLog;
  statusKey: string;
  signal: AbortSignal;
}

function parsePosition(saved: Record<string, string>): ReplicationPosition | undefined {
  const { replid, offset, db } = saved;
  if (replid === undefined || offset === undefined) return undefined;
  const position = { replid, offset: Number(offset), db: Number(db ?? 0) };
  return Number.isSafeInteger(position.offset) && Number.isSafeInteger(position.db) ? position : undefined;
}
