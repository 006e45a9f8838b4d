/**
 * Stored secrets: sealed with SecretBox before they reach Redis, listed by name only, never returned over the
 * API. The control plane stores them; workers reveal them, with the same key, to resolve `${secret:NAME}`.
 */
import type { Redis } from 'ioredis';
import { FerryError, InvalidArgumentError, NotFoundError } from './errors.js';
import type { FerryKeys } from './redis-keys.js';
import type { SealedSecret, SecretBox } from './secret-box.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const MAX_VALUE_BYTES = 64 * 1024;

interface StoredSecret extends SealedSecret {
  updatedAt: number;
  updatedBy: string;
}

export interface SecretSummary {
  name: string;
  updatedAt: number;
  updatedBy: string;
}

/** The secrets of one Ferry cluster (one key prefix); without a SecretBox it can list and delete only. */
export class SecretStore {
  readonly #redis: Redis;
  readonly #keys: FerryKeys;
  readonly #box: SecretBox | undefined;

  constructor(redis: Redis, keys: FerryKeys, box: SecretBox | undefined) {
    this.#redis = redis;
    this.#keys = keys;
    this.#box = box;
  }

  /** Creates or replaces a secret; true when it was created. */
  async set(name: string, value: string, updatedBy: string, now = Date.now()): Promise<boolean> {
    checkName(name);
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw new InvalidArgumentError(
        `a secret's value may be at most ${MAX_VALUE_BYTES} bytes (got ${Buffer.byteLength(value)})`,
      );
    }
    if (!this.#box) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        'this control plane has no secret key, so it cannot store secrets encrypted; start it with --secret-key-file FILE ' +
          'or FERRY_SECRET_KEY (32 random bytes in base64, e.g. from `openssl rand -base64 32`)',
      );
    }
    const record: StoredSecret = { ...this.#box.seal(name, value), updatedAt: now, updatedBy };
    const added = await this.#redis.hset(this.#keys.secrets.secrets, name, JSON.stringify(record));
    return added === 1;
  }

  async list(): Promise<SecretSummary[]> {
    const raw = await this.#redis.hgetall(this.#keys.secrets.secrets);
    return Object.entries(raw)
      .map(([name, json]) => {
        const record = JSON.parse(json) as StoredSecret;
        return { name, updatedAt: record.updatedAt, updatedBy: record.updatedBy };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    const removed = await this.#redis.hdel(this.#keys.secrets.secrets, name);
    if (removed === 0) throw new NotFoundError(`there is no secret named ${name}`);
  }

  /**
   * The plain value, for resolving ${secret:NAME}; undefined when absent. Throws FAILED_PRECONDITION when the
   * secret exists but this process has no key, or another key, to open it.
   */
  async reveal(name: string): Promise<string | undefined> {
    const json = await this.#redis.hget(this.#keys.secrets.secrets, name);
    if (json === null) return undefined;
    if (!this.#box) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        `cannot open secret ${name}: this process has no secret key; start it with --secret-key-file FILE or ` +
          'FERRY_SECRET_KEY (the key the control plane uses)',
      );
    }
    return this.#box.open(name, JSON.parse(json) as StoredSecret);
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidArgumentError(
      `a secret's name must start with a letter and have only letters, digits and underscores, at most 128 (got ${JSON.stringify(name)})`,
    );
  }
}
