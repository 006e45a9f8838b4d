/**
 * The configuration store: every deploy is a new numbered version in Redis, written atomically with an
 * optional compare-and-set on the newest version (control-plane/lua/deploy-config.lua). Versions are never
 * rewritten, so any of them can be read back, compared or redeployed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { NotFoundError, VersionConflictError, FerryError } from '../common/errors.js';
import type { FerryKeys } from '../common/redis-keys.js';
import { packageRoot } from '../common/proto.js';
import { parsePipeline } from '../common/config/index.js';
import type { PipelineConfig, PipelineFiles } from '../common/config/index.js';

/** A stored configuration version. */
export interface StoredVersion {
  version: number;
  /** When it was stored (ms since the epoch). */
  deployedAt: number;
  /** The token name that deployed it. */
  deployedBy: string;
  /** `sha256:<hex>` over the files, independent of job order. */
  contentHash: string;
  description: string;
  /** Sorted job names. */
  jobNames: string[];
  files: PipelineFiles;
}

export interface DeployOptions {
  /** Compare-and-set: the version the caller believes is the newest (0: nothing deployed). */
  expectedVersion?: number | undefined;
  deployedBy: string;
  description?: string;
  jobNames: string[];
  contentHash: string;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

type StoredRecord = Omit<StoredVersion, 'version'>;

// Read from the package, not next to this module: the compiled module lives in dist/, the script does not.
const DEPLOY_SCRIPT = readFileSync(join(packageRoot(), 'control-plane', 'lua', 'deploy-config.lua'), 'utf8');

/** Lua return codes of deploy-config.lua, mapped once here. */
const DEPLOY_STORED = 1;
const DEPLOY_CONFLICT = -1;

interface RedisWithDeploy extends Redis {
  ferryDeployConfig(
    latest: string,
    versions: string,
    expected: string,
    record: string,
  ): Promise<[number, number]>;
}

export class ConfigStore {
  readonly #redis: RedisWithDeploy;
  readonly #keys: FerryKeys;

  constructor(redis: Redis, keys: FerryKeys) {
    // defineCommand loads the script once and calls it by SHA, reloading it after a NOSCRIPT.
    if (!('ferryDeployConfig' in redis)) {
      redis.defineCommand('ferryDeployConfig', { numberOfKeys: 2, lua: DEPLOY_SCRIPT });
    }
    this.#redis = redis as RedisWithDeploy;
    this.#keys = keys;
  }

  /** Stores `files` as the next version. Throws VersionConflictError when the compare-and-set fails. */
  async deploy(files: PipelineFiles, options: DeployOptions): Promise<StoredVersion> {
    const record: StoredRecord = {
      deployedAt: (options.now ?? Date.now)(),
      deployedBy: options.deployedBy,
      contentHash: options.contentHash,
      description: options.description ?? '',
      jobNames: [...options.jobNames].sort(),
      files,
    };
    const expected = options.expectedVersion === undefined ? -1 : options.expectedVersion;
    const [status, version] = await this.#redis.ferryDeployConfig(
      this.#keys.config.latest,
      this.#keys.config.versions,
      String(expected),
      JSON.stringify(record),
    );
    if (status === DEPLOY_CONFLICT) throw new VersionConflictError(expected, version);
    if (status !== DEPLOY_STORED) throw new FerryError('INTERNAL', `deploy script answered ${status}`);
    return { version, ...record };
  }

  /** The newest version number; 0 when nothing is deployed. */
  async latestVersion(): Promise<number> {
    const latest = await this.#redis.get(this.#keys.config.latest);
    return latest === null ? 0 : Number(latest);
  }

  /** One version; `version` 0 (or omitted) means the newest. Throws NotFoundError. */
  async get(version = 0): Promise<StoredVersion> {
    const wanted = version > 0 ? version : await this.latestVersion();
    if (wanted === 0) {
      throw new NotFoundError('nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)');
    }
    const raw = await this.#redis.hget(this.#keys.config.versions, String(wanted));
    if (raw === null) {
      const latest = await this.latestVersion();
      throw new NotFoundError(`configuration version ${wanted} does not exist; the newest is ${latest}`, {
        context: { version: wanted },
      });
    }
    return { version: wanted, ...(JSON.parse(raw) as StoredRecord) };
  }

  /** Up to `limit` versions older than `beforeVersion` (0: from the newest), newest first, in one round trip. */
  async list(
    limit: number,
    beforeVersion = 0,
  ): Promise<{ versions: StoredVersion[]; nextBeforeVersion: number }> {
    const latest = await this.latestVersion();
    const start = beforeVersion > 0 ? Math.min(beforeVersion - 1, latest) : latest;
    const numbers: number[] = [];
    for (let version = start; version >= 1 && numbers.length < limit; version--) numbers.push(version);
    if (numbers.length === 0) return { versions: [], nextBeforeVersion: 0 };
    const raws = await this.#redis.hmget(this.#keys.config.versions, ...numbers.map(String));
    const versions: StoredVersion[] = [];
    raws.forEach((raw, index) => {
      const number = numbers[index];
      if (raw !== null && number !== undefined)
        versions.push({ version: number, ...(JSON.parse(raw) as StoredRecord) });
    });
    const oldest = numbers[numbers.length - 1] ?? 1;
    return { versions, nextBeforeVersion: oldest > 1 ? oldest : 0 };
  }
}

/** Compiles a stored version again (it was valid when deployed; a newer Ferry may disagree). */
export function compileStored(stored: StoredVersion): PipelineConfig {
  try {
    return parsePipeline(stored.files);
  } catch (error) {
    throw new FerryError(
      'FAILED_PRECONDITION',
      `configuration version ${stored.version} does not validate with this version of Ferry; redeploy it after fixing: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
