/**
 * One live process per worker id. Leases belong to a worker id, so two processes started with the same
 * `--id` would both adopt its leases under the same epoch, which fencing cannot tell apart: they would read
 * different entries of one partition and the checkpoint could skip one's batch as "already applied". A
 * worker therefore claims its id with a random token that it renews; a second process waits for the claim
 * to expire (a crashed predecessor's does within its TTL) and otherwise refuses to start.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FerryError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class WorkerIdClaim {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #workerId: string;
  readonly #ttlMs: number;
  readonly #logger: Logger;
  readonly #token = randomBytes(12).toString('hex');
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, key: string, workerId: string, ttlMs: number, logger: Logger) {
    this.#redis = redis;
    this.#key = key;
    this.#workerId = workerId;
    this.#ttlMs = ttlMs;
    this.#logger = logger;
  }

  /** Claims the id, waiting up to `waitMs` for another process's claim to expire. */
  async acquire(waitMs = this.#ttlMs + 500): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const answer = await this.#redis.set(this.#key, this.#token, 'PX', this.#ttlMs, 'NX');
      if (answer === 'OK') break;
      if (Date.now() >= deadline) {
        throw new FerryError(
          'FAILED_PRECONDITION',
          `another worker process is running with id ${JSON.stringify(this.#workerId)}: two processes with one ` +
            'id would share its leases. Give this one another --id, or stop the other first',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.#ttlMs / 4)));
    }
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.#ttlMs / 3)));
  }

  async #renew(): Promise<void> {
    try {
      const renewed = await this.#redis.eval(RENEW, 1, this.#key, this.#token, String(this.#ttlMs));
      if (renewed !== 1) {
        // Only after Redis lost the key (or we were cut off longer than the TTL): take it again if free.
        const taken = await this.#redis.set(this.#key, this.#token, 'PX', this.#ttlMs, 'NX');
        if (taken !== 'OK') {
          this.#logger.error(
            { workerId: this.#workerId },
            'another process now uses this worker id; stop one of them (they share leases)',
          );
        }
      }
    } catch (error) {
      this.#logger.debug({ err: error }, 'could not renew the worker id claim; will retry');
    }
  }

  /** Stops renewing without releasing (what a crash looks like): the id frees itself after the TTL. */
  abandon(): Promise<void> {
    clearInterval(this.#timer);
    return Promise.resolve();
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.eval(RELEASE, 1, this.#key, this.#token).catch(() => undefined);
  }
}
