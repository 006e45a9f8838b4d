/**
 * The capture loop of one source master, run by the worker that holds its capture lease
 * (`capture/<host>:<port>`, see common/capture-sources.ts): it reads the master's replication stream
 * (ReplicationClient) and appends a change event to the change log for every key a write command changes that
 * some write-behind job of the source tracks (key_pattern and db).
 *
 * - Filtering: non-writes are skipped (COMMAND INFO flag `write`); keys come from the server's own key specs
 *   (CommandKeyTable), plus the other database of MOVE / COPY ... DB n; keys under Ferry's own prefix are
 *   ignored. FLUSHALL / FLUSHDB / SWAPDB change keys without naming them: they are logged as warnings and
 *   counted in the capture status (`databaseEvents`, `lastWarning`); the targets are left alone.
 * - Durability: one append per `commands` event (back-pressure from the change log stops reading, and the
 *   client then pauses its socket); the position (replid, offset, db) is saved in the state Redis only after
 *   the append resolved, then acknowledged to the master. A restart resumes from the saved position.
 * - Snapshot: after a full resync, on a first start without a saved position, and after a restart that
 *   interrupted a snapshot, every tracked pattern of every tracked db is SCANned and one `snapshot` event is
 *   appended per key, while the stream keeps flowing (apply reads current values, so the order between the
 *   two does not matter).
 * - Errors: a lost link (or any failure) reconnects with backoff from the saved position. A command the key
 *   table does not know reloads the table once; if it is still unknown the error is logged and recorded in
 *   status and capture stops before that command (it retries with backoff, never skipping it).
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ChangeLog } from '../../common/change-log/index.js';
import type { ChangeEvent } from '../../common/change-log/index.js';
import { captureUnits } from '../../common/capture-sources.js';
import type { Logger } from '../../common/logger.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import type { ActiveConfig } from '../active-config.js';
import type { KeyPattern } from '../apply/key-pattern.js';
import { Backoff, sleep } from '../apply/backoff.js';
import type { ResolvedRedisSource } from '../connections.js';
import {
  CommandKeyTable,
  IncompleteKeySpecError,
  UnknownCommandError,
  crossDatabaseKeys,
  databaseEffect,
} from './key-specs.js';
import { ReplicationClient } from './replication-client.js';
import type { ReplicatedCommand, ReplicationPosition } from './replication-client.js';

/** A write-behind job as capture sees it: which keys of which database it tracks. */
interface TrackedJob {
  db: number;
  pattern: KeyPattern;
}

export interface CaptureTaskOptions {
  /** The capture unit, `capture/<host>:<port>`. */
  unit: string;
  workerId: string;
  keys: FerryKeys;
  /** A new connection to the state Redis (closed by the task). */
  connect: () => Redis;
  config: () => ActiveConfig | undefined;
  source: (name: string, config: ActiveConfig) => Promise<ResolvedRedisSource>;
  logger: Logger;
  /** Backoff after a failure. @default 500 ms doubling up to 10 s */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Called once the task has ended (stopped or given up). */
  onExit?: (task: CaptureTask) => void;
}

/** SCAN page size of the snapshot. */
const SCAN_COUNT = 1000;
/** How often the status hash is refreshed while streaming. */
const STATUS_INTERVAL_MS = 1000;
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
        // No configuration yet, or this unit is no longer captured (the leader will take it back).
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
    const jobs: TrackedJob[] = [];
    config.jobs.forEach((job, index) => {
      const pattern = config.patterns[index];
      if (sources.includes(job.source) && pattern) jobs.push({ db: job.db, pattern });
    });
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
    let snapshotAbort = new AbortController();
    const abortSnapshot = (): void => snapshotAbort.abort();
    signal.addEventListener('abort', abortSnapshot, { once: true });
    let snapshot: Promise<void> | undefined;
    let snapshotFailure: Error | undefined;
    let streaming = false;
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
      const snapshotPending = saved['snapshotPending'] === '1';
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

      const startSnapshot = (reason: string): void => {
        snapshotAbort.abort();
        const previous = snapshot;
        const next = new AbortController();
        snapshotAbort = next;
        snapshot = (async () => {
          await previous;
          await this.#snapshot(sourceOptions, jobs, changeLog, positionKey, statusKey, reason, next.signal);
        })().catch((error: unknown) => {
          // Reconnect after a backoff: the snapshot runs again (snapshotPending is still set).
          snapshotFailure = error instanceof Error ? error : new Error(String(error));
          client.close();
        });
      };
      const savePosition = async (offset: number, db: number): Promise<void> => {
        const replid = client.replid;
        if (replid === undefined) return;
        await this.#redis.hset(positionKey, { replid, offset: String(offset), db: String(db) });
      };

      let lastSavedOffset = position?.offset ?? 0;
      let lastSavedAt = Date.now();
      let lastStatusAt = 0;
      for await (const event of client.start(signal)) {
        if (event.kind === 'sync') {
          streaming = true;
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
          if (event.mode === 'fullresync') startSnapshot('full resync');
          else if (!position) startSnapshot('first start');
          else if (snapshotPending) startSnapshot('a snapshot was interrupted');
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
        let result: { events: ChangeEvent[]; foreign: boolean };
        try {
          result = this.#events(table, event.commands, jobs, statusKey);
        } catch (error) {
          if (!(error instanceof UnknownCommandError)) throw error;
          this.#logger.info({ command: error.command }, 'unknown command: reloading the command table');
          table = await CommandKeyTable.load(sourceRedis);
          try {
            result = this.#events(table, event.commands, jobs, statusKey);
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
        if (result.events.length > 0) await changeLog.append(result.events, signal);
        const now = Date.now();
        if (
          result.events.length > 0 ||
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
      if (snapshotFailure !== undefined) throw snapshotFailure;
      return streaming;
    } finally {
      signal.removeEventListener('abort', abortSnapshot);
      snapshotAbort.abort();
      await snapshot;
      this.#client?.close();
      this.#client = undefined;
      sourceRedis.disconnect();
    }
  }

  /**
   * The change events of one read of the stream. `foreign`: some write touched a key outside Ferry's prefix
   * (whether tracked or not).
   */
  #events(
    table: CommandKeyTable,
    commands: ReplicatedCommand[],
    jobs: TrackedJob[],
    statusKey: string,
  ): { events: ChangeEvent[]; foreign: boolean } {
    const own = `${this.#options.keys.prefix}:`;
    const events: ChangeEvent[] = [];
    let foreign = false;
    const add = (keyBuffer: Buffer, db: number, command: string, offset: number): void => {
      const key = keyBuffer.toString('utf8');
      if (key.startsWith(own)) return;
      foreign = true;
      if (jobs.some((job) => job.db === db && job.pattern.matches(key))) {
        events.push({ key, command, db, offset: String(offset) });
      }
    };
    for (const { argv, db, offset } of commands) {
      if (!table.isWrite(argv)) continue;
      const command = (argv[0] as Buffer).toString('latin1').toLowerCase();
      const effect = databaseEffect(argv);
      if (effect) {
        foreign = true;
        const message =
          `${command.toUpperCase()} on the source (db ${db}) changed keys without naming them; ` +
          'the targets were left as they are: reconcile them (e.g. ferry reset) if needed';
        this.#logger.warn({ effect, db, offset }, message);
        this.#redis
          .multi()
          .hincrby(statusKey, 'databaseEvents', 1)
          .hset(statusKey, { lastWarning: message, updatedAt: String(Date.now()) })
          .exec()
          .catch(() => undefined);
        continue;
      }
      let accesses;
      try {
        accesses = table.keysOf(argv);
      } catch (error) {
        if (!(error instanceof IncompleteKeySpecError)) throw error;
        this.#logger.error({ command }, error.message);
        void this.#status(statusKey, { lastError: error.message }).catch(() => undefined);
        accesses = error.partialKeys;
      }
      const elsewhere = crossDatabaseKeys(argv, db);
      for (const access of accesses) {
        if (!access.write) continue;
        // COPY src dst DB n: dst lives in n (listed below), not in this db.
        if (elsewhere.some((other) => other.key === access.key)) continue;
        add(access.key, db, command, offset);
      }
      for (const other of elsewhere) add(other.key, other.db, command, offset);
    }
    return { events, foreign };
  }

  async #snapshot(
    sourceOptions: RedisOptions,
    jobs: TrackedJob[],
    changeLog: ChangeLog,
    positionKey: string,
    statusKey: string,
    reason: string,
    signal: AbortSignal,
  ): Promise<void> {
    const own = `${this.#options.keys.prefix}:`;
    const byDb = new Map<number, Set<string>>();
    for (const job of jobs) byDb.set(job.db, (byDb.get(job.db) ?? new Set()).add(job.pattern.pattern));
    let emitted = 0;
    const started = Date.now();
    this.#logger.info({ reason, databases: [...byDb.keys()] }, 'capture snapshot started');
    try {
      await this.#redis.hset(positionKey, 'snapshotPending', '1');
      await this.#status(statusKey, { snapshotKeys: '0', snapshotDone: '0' });
      for (const [db, patterns] of byDb) {
        const redis = new Redis({ ...sourceOptions, db, connectionName: 'ferry-capture-snapshot' });
        redis.on('error', (error: Error) => this.#logger.debug({ err: error }, 'snapshot connection error'));
        try {
          for (const pattern of patterns) {
            let cursor = '0';
            do {
              if (signal.aborted) return;
              const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
              cursor = next;
              const events = found
                .filter((key) => !key.startsWith(own))
                .map((key): ChangeEvent => ({ key, command: 'snapshot', db }));
              if (events.length > 0) {
                await changeLog.append(events, signal);
                emitted += events.length;
                await this.#status(statusKey, { snapshotKeys: String(emitted) });
              }
            } while (cursor !== '0');
          }
        } finally {
          redis.disconnect();
        }
      }
      await this.#redis.hdel(positionKey, 'snapshotPending');
      await this.#status(statusKey, { snapshotKeys: String(emitted), snapshotDone: '1' });
      this.#logger.info({ keys: emitted, ms: Date.now() - started }, 'capture snapshot done');
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error(
        { err: error, keys: emitted },
        'capture snapshot failed; it runs again on reconnect',
      );
      await this.#status(statusKey, { lastError: `snapshot: ${message}` }).catch(() => undefined);
      throw error;
    }
  }

  async #status(key: string, fields: Record<string, string>): Promise<void> {
    await this.#redis.hset(key, {
      ...fields,
      workerId: this.#options.workerId,
      updatedAt: String(Date.now()),
    });
  }
}

function parsePosition(saved: Record<string, string>): ReplicationPosition | undefined {
  const { replid, offset, db } = saved;
  if (replid === undefined || offset === undefined) return undefined;
  const position = { replid, offset: Number(offset), db: Number(db ?? 0) };
  return Number.isSafeInteger(position.offset) && Number.isSafeInteger(position.db) ? position : undefined;
}
