/** Redis failures of the status module, mapped once: a failed read or write is UNAVAILABLE. */
import type { ChainableCommander } from 'ioredis';
import { UnavailableError } from '../errors.js';

type Context = Record<string, string | number>;

/** A Redis failure -> UnavailableError naming the action and the Redis error code, not its text. */
export function unavailable(error: unknown, action: string, context: Context = {}): UnavailableError {
  const message = error instanceof Error ? error.message : String(error);
  // The first word of a Redis error reply is its code (OOM, READONLY, LOADING...); keep that, not the text.
  const redisCode = /^[A-Z]+\b/.exec(message)?.[0] ?? 'connection';
  return new UnavailableError(`status could not ${action} (Redis: ${redisCode})`, {
    cause: error,
    context: { ...context, redisCode },
  });
}

/** Runs a pipeline or transaction; any failed command fails the whole call. Returns the replies in order. */
export async function execOrThrow(
  commands: ChainableCommander,
  action: string,
  context: Context = {},
): Promise<unknown[]> {
  let results: [Error | null, unknown][] | null;
  try {
    results = await commands.exec();
  } catch (error) {
    throw unavailable(error, action, context);
  }
  return (results ?? []).map(([error, reply]) => {
    if (error) throw unavailable(error, action, context);
    return reply;
  });
}
