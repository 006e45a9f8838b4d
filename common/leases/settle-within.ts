/**
 * Waits for a promise at most `ms`. Used so that a round stuck on an unreachable Redis does not block the
 * next one for ever: the stuck round still finishes later, and its results are applied only if they are
 * still safe (see the callers).
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise.then(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
