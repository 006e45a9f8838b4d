/**
 * A worker's entry in the cluster registry: its record (`<prefix>:{cluster}:worker:<id>`) and its heartbeat
 * (score in `<prefix>:{cluster}:workers`, Redis server time). The leader assigns units only to workers whose
 * heartbeat is recent; control-plane/cluster-registry.ts shows the same records to operators.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { FerryKeys } from '../redis-keys.js';
import type { HeartbeatOptions } from './lease-options.js';
import { checkId, compileHeartbeatOptions } from './lease-options.js';
import { LeaseStore } from './lease-store.js';
import { settleWithin } from './settle-within.js';

export interface WorkerRegistryOptions extends HeartbeatOptions {
  /** The worker's id, unique in the cluster. @default `<host>-<pid>` */
  workerId?: string;
  /** @default os.hostname() */
  host?: string;
  /** @default process.pid */
  pid?: number;
  /** Ferry's version on the worker. @default '' */
  version?: string;
  /** Threads in its pool. @default 1 */
  threads?: number;
  /** Leases held now, written at every heartbeat (usually `() => keeper.leaseCount`). @default () => 0 */
  leaseCount?: () => number;
  /** Called once when the worker learns (from a heartbeat) that it is being drained. */
  onDraining?: () => void;
  logger?: Logger;
}

/** The default worker id: `<host>-<pid>`. */
export function defaultWorkerId(): string {
  return `${hostname()}-${process.pid}`;
}

/** Registers one worker, heartbeats for it, and deregisters it on a clean stop. */
export class WorkerRegistry {
  readonly workerId: string;
  readonly heartbeatIntervalMs: number;
  readonly #store: LeaseStore;
  readonly #options: WorkerRegistryOptions;
  readonly #logger: Logger;
  readonly #startedAt = Date.now();
  #state: 'active' | 'draining' = 'active';
  #interval: NodeJS.Timeout | undefined;
  #beat: Promise<void> | undefined;
  #running = false;

  constructor(redis: Redis, keys: FerryKeys, options: WorkerRegistryOptions = {}) {
    this.workerId = checkId(options.workerId ?? defaultWorkerId(), 'workerRegistry.workerId');
    this.heartbeatIntervalMs = compileHeartbeatOptions(options, 'workerRegistry').heartbeatIntervalMs;
    this.#store = new LeaseStore(redis, keys);
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger()).child({
      component: 'worker-registry',
      workerId: this.workerId,
    });
  }

  /** True once the worker is draining (marked here, or learnt from a heartbeat). */
  get draining(): boolean {
    return this.#state === 'draining';
  }

  /** Registers the worker and starts heartbeating every heartbeatIntervalMs. */
  async start(): Promise<void> {
    this.#running = true;
    await this.#register();
    this.#interval ??= setInterval(() => void this.heartbeat(), this.heartbeatIntervalMs);
  }

  /** One heartbeat now. Errors are logged: the next heartbeat tries again. */
  heartbeat(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    this.#beat ??= this.#heartbeat()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'heartbeat failed'))
      .finally(() => {
        this.#beat = undefined;
      });
    return this.#beat;
  }

  /** Marks this worker draining: the leader hands its units over to others and grants it no new ones. */
  async markDraining(): Promise<void> {
    const outcome = await this.#store.drainWorker(this.workerId);
    if (!outcome.ok) {
      throw new NotFoundError(`worker ${this.workerId} is not registered; start the registry first`, {
        context: { workerId: this.workerId },
      });
    }
    this.#setState('draining');
  }

  /** Stops heartbeating; with `deregister` (the default) removes the worker's record and heartbeat. */
  async stop(options: { deregister?: boolean } = {}): Promise<void> {
    this.#running = false;
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = undefined;
    // A heartbeat in flight could register the worker again after the deregistration: let it finish first.
    if (this.#beat) await settleWithin(this.#beat, this.heartbeatIntervalMs);
    if (options.deregister ?? true) await this.#store.deregisterWorker(this.workerId);
  }

  async #heartbeat(): Promise<void> {
    const outcome = await this.#store.heartbeatWorker(this.workerId, this.#leaseCount());
    if (outcome.ok) {
      this.#setState(outcome.state);
      return;
    }
    // The record is gone (cleaned up while this worker was unreachable): register again.
    if (!this.#running) return;
    this.#logger.warn({ failure: outcome.failure }, 'worker record missing; registering again');
    await this.#register();
  }

  async #register(): Promise<void> {
    await this.#store.registerWorker(this.workerId, {
      host: this.#options.host ?? hostname(),
      pid: this.#options.pid ?? process.pid,
      version: this.#options.version ?? '',
      threads: this.#options.threads ?? 1,
      state: this.#state,
      startedAt: this.#startedAt,
      leaseCount: this.#leaseCount(),
    });
  }

  #leaseCount(): number {
    return this.#options.leaseCount?.() ?? 0;
  }

  #setState(state: 'active' | 'draining'): void {
    if (state === this.#state) return;
    // A drain is not undone by a heartbeat: only a new registration starts active.
    if (this.#state === 'draining') return;
    this.#state = state;
    this.#logger.info({ state }, 'worker state changed');
    if (state === 'draining') {
      try {
        this.#options.onDraining?.();
      } catch (error) {
        this.#logger.error({ err: error }, 'onDraining callback threw');
      }
    }
  }
}
