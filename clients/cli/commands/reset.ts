/**
 * `ferry reset [JOB...]`: asks the workers capturing the sources of the jobs (all when none are named) for a
 * snapshot and a delete reconciliation, prints the snapshot id and, unless --no-wait, follows the capture
 * status (GetStatus every 500 ms) until the snapshot is done: a progress bar on a terminal, a plain line per
 * second otherwise, then a summary.
 *
 * Which captures to follow: those whose `snapshot_requested` is this reset's id (a later reset replaces it,
 * and then serves this one too); one is done when its `snapshot_id` (the newest request served) is this id or
 * a newer one.
 */
import type { Command } from 'commander';
import type { FerryClient } from '../../ferry-client.js';
import type { CaptureStatus } from '../../generated/ferry/v1/CaptureStatus.js';
import { EXIT_OK } from '../errors.js';
import { formatDuration, plural } from '../format.js';
import type { Output } from '../output.js';
import type { CliSession } from '../session.js';

interface ResetOptions {
  /** False with --no-wait. */
  wait: boolean;
}

/** How often the status is read while following. */
const POLL_MS = 500;
/** How often a plain progress line is printed when stdout is not a terminal. */
const PLAIN_LINE_MS = 1000;
const BAR_WIDTH = 24;

export function registerResetCommand(program: Command, session: CliSession): void {
  program
    .command('reset')
    .summary('snapshot the tracked keys again and delete the rows of keys that are gone')
    .description(
      'Asks the workers capturing the sources of the given jobs (all jobs when none are named) for a ' +
        'snapshot: every tracked key is sent through the pipeline again, so the targets get its current ' +
        'value, and then target rows whose Redis key no longer exists are deleted (for outputs whose key ' +
        'columns map to the "*" of key_pattern). Prints the snapshot id and, unless --no-wait, follows ' +
        'its progress until it is done.',
    )
    .argument('[JOB...]', 'jobs whose sources are snapshotted (default: all)')
    .option('--no-wait', 'print the snapshot id and return at once')
    .action(
      session.action((jobs: string[], options: ResetOptions, command: Command) =>
        session.withClient(command, async (client, out) => {
          const { snapshotId } = await client.reset(jobs);
          if (!options.wait) {
            out.result({ snapshotId }, () =>
              out.line(`Snapshot ${snapshotId} requested; follow it with: ferry status`),
            );
            return EXIT_OK;
          }
          out.line(`Snapshot ${snapshotId} requested`);
          const outcome = await followSnapshot(client, out, session, snapshotId);
          out.result({ snapshotId, ...outcome }, () => printSummary(out, snapshotId, outcome));
          return EXIT_OK;
        }),
      ),
    );
}

/** Where a followed snapshot got to. */
export interface SnapshotOutcome {
  /** Every followed capture finished its snapshot (false: interrupted). */
  done: boolean;
  /** Keys the followed captures emitted. */
  keys: number;
  /** The followed capture links, as status names them (`app`, `a,b` for sources sharing a master). */
  sources: string[];
  elapsedMs: number;
}

/** The captures asked for snapshot `id` (or a later one), their keys so far, and whether all served it. */
export function snapshotProgress(
  captures: readonly CaptureStatus[],
  id: string,
): { keys: number; done: boolean; waiting: string[]; followed: string[] } {
  // Ids start with the request's time, so a later reset has a greater id.
  const mine = captures.filter((capture) => capture.snapshotRequested >= id || capture.snapshotId >= id);
  const served = (capture: CaptureStatus): boolean => capture.snapshotId !== '' && capture.snapshotId >= id;
  return {
    keys: mine.reduce((sum, capture) => sum + capture.snapshotKeys, 0),
    done: mine.length > 0 && mine.every(served),
    waiting: mine
      .filter((capture) => !served(capture))
      .map((capture) => `${capture.sources}: ${capture.state}`),
    followed: mine.map((capture) => capture.sources),
  };
}

/**
 * An indeterminate progress bar (the number of keys is not known in advance): a block that moves one step
 * per frame and bounces at the ends.
 */
export function progressBar(frame: number, width = BAR_WIDTH): string {
  const block = 4;
  const span = width - block;
  const step = frame % (2 * span);
  const at = step <= span ? step : 2 * span - step;
  return `[${' '.repeat(at)}${'='.repeat(block)}${' '.repeat(span - at)}]`;
}

async function followSnapshot(
  client: FerryClient,
  out: Output,
  session: CliSession,
  id: string,
): Promise<SnapshotOutcome> {
  const started = Date.now();
  const { interrupted, dispose } = session.interruption();
  let stopped = false;
  void interrupted.then(() => {
    stopped = true;
  });
  let followed: string[] = [];
  let frame = 0;
  let lastPlainLine = 0;
  let keys = 0;
  let done = false;
  try {
    while (!stopped) {
      const status = await client.getStatus();
      const progress = snapshotProgress(status.captures, id);
      followed = progress.followed;
      keys = progress.keys;
      if (progress.done) {
        done = true;
        break;
      }
      const waiting = progress.waiting.join(', ');
      const elapsed = formatDuration(Date.now() - started);
      if (out.isTerminal) {
        out.raw(`\r${progressBar(frame++)} ${plural(keys, 'key')} emitted, ${elapsed} (${waiting})\u001b[K`);
      } else if (Date.now() - lastPlainLine >= PLAIN_LINE_MS) {
        lastPlainLine = Date.now();
        out.line(`snapshot: ${plural(keys, 'key')} emitted after ${elapsed} (${waiting})`);
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_MS)), interrupted]);
    }
  } finally {
    dispose();
    if (out.isTerminal && frame > 0) out.raw('\r\u001b[K');
  }
  return { done, keys, sources: followed, elapsedMs: Date.now() - started };
}

function printSummary(out: Output, snapshotId: string, outcome: SnapshotOutcome): void {
  const sources = outcome.sources.length > 0 ? ` (${outcome.sources.join('; ')})` : '';
  if (!outcome.done) {
    out.line(
      `Snapshot ${snapshotId} still running: ${plural(outcome.keys, 'key')} emitted so far${sources}; ` +
        'follow it with: ferry status',
    );
    return;
  }
  out.line(
    `Snapshot ${snapshotId} done in ${formatDuration(outcome.elapsedMs)}: ${plural(outcome.keys, 'key')} ` +
      `emitted${sources}, and the rows of keys that no longer exist handed to apply for deletion. Apply ` +
      'writes them as it reaches them: see ferry status.',
  );
}
