/** Cancelling an append that waits for room: the error it rejects with, and an abortable wait. */

/**
 * An append was cancelled by its AbortSignal. It has the shape of Node's own AbortError (`name`
 * 'AbortError', `code` 'ABORT_ERR', `cause` = the signal's reason), so code that already recognises aborts
 * from node:timers/promises or fetch recognises this one.
 *
 * `appended` events of the batch (a prefix of each partition's share) are in the log; the rest are not.
 * Capture treats the whole batch as not appended (it does not advance its saved position) and sends it
 * again later: the duplicates this causes are harmless, because apply reads each key's current value.
 */
export class ChangeLogAbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';

  constructor(
    readonly appended: number,
    reason: unknown,
  ) {
    super(`the append was aborted with ${appended} of its events appended`, { cause: reason });
  }
}

/** Resolves after `ms` milliseconds, or rejects with `onAbort()` as soon as `signal` aborts. */
export function abortableDelay(
  ms: number,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
