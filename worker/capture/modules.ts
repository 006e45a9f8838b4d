/**
 * Which modules the source master runs, for the types capture can see: RedisJSON documents exist only where
 * the module is loaded. Capture reports it in its status (`redisJson`) and logs once per connect, so that a
 * job meant for JSON documents on a master without the module is explained rather than silently empty.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/logger.js';

/** RedisJSON registers itself as `ReJSON`. */
const REDIS_JSON = 'rejson';

/** `loaded <version>`, `not loaded`, or `unknown` when MODULE LIST is not allowed. */
export type RedisJsonState = `loaded ${string}` | 'not loaded' | 'unknown';

/** Reads MODULE LIST's answer: `[[name, ReJSON, ver, 20609, ...], ...]` (RESP2 flat pairs per module). */
export function redisJsonState(reply: unknown): RedisJsonState {
  if (!Array.isArray(reply)) return 'unknown';
  for (const module of reply) {
    if (!Array.isArray(module)) continue;
    const fields = new Map<string, unknown>();
    for (let index = 0; index + 1 < module.length; index += 2)
      fields.set(String(module[index]), module[index + 1]);
    const name = fields.get('name');
    if (typeof name === 'string' && name.toLowerCase() === REDIS_JSON) {
      return `loaded ${formatVersion(fields.get('ver'))}`;
    }
  }
  return 'not loaded';
}

/** RedisJSON's `ver` is an integer like 20609 for 2.6.9. */
function formatVersion(value: unknown): string {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) {
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
  return `${Math.floor(number / 10000)}.${Math.floor(number / 100) % 100}.${number % 100}`;
}

export async function checkRedisJson(redis: Redis, logger: Logger): Promise<RedisJsonState> {
  let state: RedisJsonState;
  try {
    state = redisJsonState(await redis.call('MODULE', 'LIST'));
  } catch {
    state = 'unknown';
  }
  if (state === 'not loaded') {
    logger.info(
      'RedisJSON is not loaded on the source master: JSON documents (JSON.SET) cannot exist there, so capture ' +
        'sees none; strings holding JSON objects are captured as usual',
    );
  } else if (state === 'unknown') {
    logger.info('MODULE LIST is not allowed on the source master: whether RedisJSON is loaded is unknown');
  }
  return state;
}
