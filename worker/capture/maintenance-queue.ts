/**
 * Runs the maintenance items of one capture session (maintenance.ts) one at a time, beside the stream: what
 * is asked while an item runs is merged into the next one, and a failed item runs again after a backoff
 * (merged with what was asked meanwhile) while the stream keeps flowing, so the replication link is never
 * dropped for a target that is down or a setting to fix.
 *
 * Crash safety is shared with the capture task: `fields()` are the position hash fields that record the work
 * running and waiting; the task writes them with every position, and the queue clears those no longer needed
 * once an item finished (on the task's state Redis connection, so that the two writes keep their order).
 */
import type { Logger } from '../../common/logger.js';
import { Backoff, sleep } from '../apply/backoff.js';
import { encodeScope, mergeMaintenance, mergeScopes } from './maintenance.js';
import type { Maintenance } from './maintenance.js';

/** Position hash fields of the work still to do (values: encodeScope). */
export const SNAPSHOT_PENDING_FIELD = 'snapshotPending';
export const RECONCILE_PENDING_FIELD = 'reconcilePending';

export interface MaintenanceQueueOptions {
  /** Runs one item: false when stopped by the signal; throws on a failure (it runs again after a backoff). */
  run: (item: Maintenance, signal: AbortSignal) => Promise<boolean>;
  /** Removes position hash fields of work no longer running or waiting. */
  clear: (fields: string[]) => Promise<void>;
  /** Called once an item finished and its fields were cleared; `snapshotWaits`: another snapshot is queued. */
  finished: (item: Maintenance, snapshotWaits: boolean) => Promise<void>;
  logger: Logger;
  /** Backoff of a failed item. @default 1000 ms doubling up to 60000 ms */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export class MaintenanceQueue {
  readonly #options: MaintenanceQueueOptions;
  readonly #abort = new AbortController();
  readonly #retry: Backoff;
  #pending: Maintenance | undefined;
  #running: Maintenance | undefined;
  #active = false;
  #runner: Promise<void> | undefined;

  constructor(options: MaintenanceQueueOptions) {
    this.#options = options;
    this.#retry = new Backoff(options.retryInitialMs ?? 1000, options.retryMaxMs ?? 60_000);
  }

  /** Adds an item: it runs now, or is merged into the next one. */
  schedule(item: Maintenance): void {
    this.#pending = mergeMaintenance(this.#pending, item);
    if (this.#active || this.#abort.signal.aborted) return;
    this.#active = true;
    this.#runner = this.#drain().catch((error: unknown) =>
      this.#options.logger.error({ err: error }, 'capture maintenance stopped'),
    );
  }

  /** The position hash fields that record the work running and waiting. */
  fields(): Record<string, string> {
    const snapshot = mergeScopes(this.#running?.snapshot, this.#pending?.snapshot);
    const reconcile = mergeScopes(this.#running?.reconcile, this.#pending?.reconcile);
    return {
      ...(snapshot ? { [SNAPSHOT_PENDING_FIELD]: encodeScope(snapshot) } : {}),
      ...(reconcile ? { [RECONCILE_PENDING_FIELD]: encodeScope(reconcile) } : {}),
    };
  }

  /** Stops: the item running is abandoned (its work stays recorded); resolves once it returned. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#runner;
  }

  async #drain(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      for (let item = this.#take(); item && !signal.aborted; item = this.#take()) {
        try {
          const done = await this.#options.run(item, signal);
          this.#running = undefined;
          if (!done) return;
          const fields = this.fields();
          const cleared = [SNAPSHOT_PENDING_FIELD, RECONCILE_PENDING_FIELD].filter(
            (field) => !(field in fields),
          );
          if (cleared.length > 0) await this.#options.clear(cleared);
          const next = this.#pending;
          await this.#options.finished(item, next?.snapshot !== undefined || next?.snapshotId !== undefined);
          this.#retry.reset();
        } catch (error) {
          this.#running = undefined;
          if (signal.aborted) return;
          // In front of what was asked meanwhile, whose request id is newer.
          this.#pending = this.#pending ? mergeMaintenance(item, this.#pending) : item;
          const delay = this.#retry.fail();
          this.#options.logger.warn(
            { err: error, reasons: item.reasons, retryInMs: delay },
            'capture maintenance failed; it runs again after a backoff',
          );
          await sleep(delay, signal);
        }
      }
    } finally {
      this.#active = false;
    }
  }

  /** The next item, moved from waiting to running. */
  #take(): Maintenance | undefined {
    const item = this.#pending;
    this.#pending = undefined;
    this.#running = item;
    return item;
  }
}
