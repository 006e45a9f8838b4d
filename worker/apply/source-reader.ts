/**
 * Reads the current values of a batch's keys from a source Redis: one pipelined script call per key (see
 * lua/read-value.lua), one round trip per batch. On Redis Cluster each call touches one key, so it runs on
 * that key's node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { UnavailableError } from '../../common/errors.js';
import { packageRoot } from '../../common/proto.js';
import type { RedisValue } from './types.js';

const READ_VALUE_SCRIPT = readFileSync(
  join(packageRoot(), 'worker', 'apply', 'lua', 'read-value.lua'),
  'utf8',
);

interface ReaderPipeline {
  /** Queues the script call on the pipeline (its result comes from exec). */
  ferryReadValue(key: string): unknown;
}

/** Decodes the script's answer. */
export function decodeValue(reply: unknown): RedisValue {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') {
    throw new UnavailableError(`unexpected answer from the value script: ${JSON.stringify(reply)}`);
  }
  const [kind, raw] = reply as [string, unknown];
  switch (kind) {
    case 'none':
      return { type: 'none' };
    case 'hash': {
      const list = raw as string[];
      const fields: Record<string, string> = {};
      for (let index = 0; index + 1 < list.length; index += 2) {
        fields[list[index] as string] = list[index + 1] as string;
      }
      return { type: 'hash', fields };
    }
    case 'string':
      return { type: 'string', value: raw as string };
    case 'ReJSON-RL':
      return { type: 'json', value: raw as string };
    case 'set':
      return { type: 'set', members: raw as string[] };
    case 'zset': {
      const list = raw as string[];
      const members: [string, string][] = [];
      for (let index = 0; index + 1 < list.length; index += 2) {
        members.push([list[index] as string, list[index + 1] as string]);
      }
      return { type: 'zset', members };
    }
    default:
      return { type: 'other', redisType: kind };
  }
}

/**
 * Reads `keys`' values: first HGETALL for every key in one pipeline (hashes are what write-behind jobs track
 * most; an empty answer is a missing key, since Redis deletes empty hashes), then the type-aware script for
 * the keys that answered WRONGTYPE, in a second pipeline. Throws UnavailableError when Redis fails (the batch
 * is retried).
 */
export async function readValues(redis: Redis, keys: readonly string[]): Promise<RedisValue[]> {
  if (keys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const results = await execOrThrow(pipeline, keys);
  const values: RedisValue[] = [];
  const others: number[] = [];
  results.forEach(([error, reply], index) => {
    if (error) {
      if (!error.message.startsWith('WRONGTYPE')) {
        throw new UnavailableError(`cannot read key ${JSON.stringify(keys[index])}: ${error.message}`, {
          cause: error,
        });
      }
      others.push(index);
      values.push({ type: 'none' });
      return;
    }
    const fields = reply as Record<string, string>;
    values.push(Object.keys(fields).length === 0 ? { type: 'none' } : { type: 'hash', fields });
  });
  if (others.length > 0) {
    const typed = await readTypedValues(
      redis,
      others.map((index) => keys[index] as string),
    );
    others.forEach((index, position) => {
      values[index] = typed[position] ?? { type: 'none' };
    });
  }
  return values;
}

async function execOrThrow(
  pipeline: ReturnType<Redis['pipeline']>,
  keys: readonly string[],
): Promise<[Error | null, unknown][]> {
  let results: [Error | null, unknown][] | null;
  try {
    results = await pipeline.exec();
  } catch (error) {
    throw new UnavailableError(`cannot read values from the source Redis: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!results || results.length !== keys.length) {
    throw new UnavailableError('the source Redis closed the connection during a read');
  }
  return results;
}

/** Reads keys of any type with the script: type and value in one call per key, one pipeline. */
export async function readTypedValues(redis: Redis, keys: readonly string[]): Promise<RedisValue[]> {
  if (keys.length === 0) return [];
  if (!('ferryReadValue' in redis)) {
    redis.defineCommand('ferryReadValue', { numberOfKeys: 1, lua: READ_VALUE_SCRIPT });
  }
  const pipeline = redis.pipeline();
  for (const key of keys) (pipeline as unknown as ReaderPipeline).ferryReadValue(key);
  const results = await execOrThrow(pipeline, keys);
  return results.map(([error, reply], index) => {
    if (error) {
      throw new UnavailableError(`cannot read key ${JSON.stringify(keys[index])}: ${error.message}`, {
        cause: error,
      });
    }
    return decodeValue(reply);
  });
}
