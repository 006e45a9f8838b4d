/** Test helpers for the real Redis every test talks to: unique key prefixes and their cleanup. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use: FERRY_TEST_REDIS_URL or the local default. */
export const TEST_REDIS_URL = process.env['FERRY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses, e.g. `ferry-test-deploy-1a2b3c4d`. */
export function uniquePrefix(name: string): string {
  return `ferry-test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix:` (SCAN, never KEYS). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A connection for a test; closed in teardown. */
export function testRedis(t: { teardown: (fn: () => unknown) => void }): Redis {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false });
  t.teardown(() => redis.disconnect());
  return redis;
}
