/** `ferry status [--live]`: the configuration, the engine, the workers, connections and jobs. */
import type { Command } from 'commander';
import type { BatchTimings } from '../../generated/ferry/v1/BatchTimings.js';
import type { CaptureStatus } from '../../generated/ferry/v1/CaptureStatus.js';
import type { JobStatus } from '../../generated/ferry/v1/JobStatus.js';
import type { PipelineStatus } from '../../generated/ferry/v1/PipelineStatus.js';
import { milliseconds } from '../arguments.js';
import { EXIT_OK } from '../errors.js';
import { enumLabel, formatAgo, formatDuration, formatTime, plural, shortHash } from '../format.js';
import type { Output } from '../output.js';
import type { CliSession } from '../session.js';
import { printWorkersTable } from '../views.js';

interface StatusOptions {
  live?: boolean;
  interval: number;
}

/** Clears a terminal and moves the cursor home, so that each status replaces the previous one. */
const CLEAR_SCREEN = '\u001b[2J\u001b[H';

export function registerStatusCommand(program: Command, session: CliSession): void {
  program
    .command('status')
    .summary('show the version, engine state, workers, connections and jobs')
    .description(
      'Shows the pipeline: the deployed configuration version, the engine state, the workers, whether ' +
        "each connection was reachable when a worker last used it, and each job's counters, its last " +
        "batch (size; read/transform/write/ack milliseconds) and the backlog of the pipeline's change log " +
        '(pending events and lag, the same for every write-behind job). With --live, shows it again every ' +
        '--interval until Ctrl-C (with --json: one JSON document per line).',
    )
    .option('--live', 'keep showing the status until Ctrl-C')
    .option('--interval <MS>', 'with --live, how often the status is sent (at least 200)', milliseconds, 1000)
    .action(
      session.action((options: StatusOptions, command: Command) =>
        session.withClient(command, async (client, out) => {
          if (!options.live) {
            const current = await client.getStatus();
            out.result(current, () => printStatus(out, current));
            return EXIT_OK;
          }
          let shown = 0;
          const stream = client.watchStatus(options.interval, (current) => {
            if (out.json) out.document(current, { compact: true });
            else if (out.isTerminal) out.raw(CLEAR_SCREEN);
            else if (shown > 0) out.line();
            if (!out.json) printStatus(out, current);
            shown++;
          });
          await session.follow(stream);
          return EXIT_OK;
        }),
      ),
    );
}

/** The status for people. Empty sections say what would fill them. */
export function printStatus(out: Output, current: PipelineStatus, now = Date.now()): void {
  const config = current.config;
  if (config) {
    const description = config.description ? ` "${config.description}"` : '';
    out.line(`Configuration:  version ${config.version} (${shortHash(config.contentHash)})${description}`);
    out.line(
      `Deployed:       ${formatTime(config.deployedAt)} (${formatAgo(config.deployedAt, now)}) by ${config.deployedBy}`,
    );
  } else {
    out.line('Configuration:  nothing deployed yet; deploy a pipeline with: ferry deploy --dir DIR');
  }
  out.line(`Engine:         ${enumLabel(current.engineState, 'ENGINE_STATE_')}`);
  out.line();
  out.line('Workers');
  printWorkersTable(out, current.workers, now);
  if (current.connections.length > 0) {
    out.line();
    out.line('Connections');
    out.table(
      ['name', 'type', 'reachable', 'checked', 'last error'],
      current.connections.map((connection) => [
        connection.name,
        connection.type,
        connection.reachable,
        formatAgo(connection.checkedAt, now),
        connection.lastError,
      ]),
    );
  }
  if (current.captures.length > 0) {
    out.line();
    out.line('Capture');
    out.table(
      ['sources', 'state', 'sync', 'offset', 'snapshot', 'worker', 'updated', 'last error / warning'],
      current.captures.map((capture) => [
        capture.sources,
        capture.state,
        capture.syncMode,
        capture.offset,
        snapshotText(capture),
        capture.workerId,
        capture.updatedAt ? formatAgo(capture.updatedAt, now) : null,
        capture.lastError || capture.lastWarning || firstSentence(capture.warning),
      ]),
      { alignRight: [3] },
    );
  }
  if (current.jobs.length > 0) {
    out.line();
    out.line('Jobs');
    out.table(
      [
        'job',
        'kind',
        'processed',
        'inserted',
        'updated',
        'deleted',
        'filtered',
        'rejected',
        'pending',
        'lag',
        'last batch',
      ],
      current.jobs.map((job) => [
        job.name,
        enumLabel(job.kind, 'JOB_KIND_'),
        job.processed,
        job.inserted,
        job.updated,
        job.deleted,
        job.filtered,
        job.rejected,
        ...backlogCells(job),
        job.lastBatch ? formatLastBatch(job.lastBatch) : null,
      ]),
      { alignRight: [2, 3, 4, 5, 6, 7, 8, 9] },
    );
  }
}

/** Pending and lag are the pipeline's change log, which ingest jobs do not read: "-" for them. */
function backlogCells(job: JobStatus): [number | null, string | null] {
  if (job.kind === 'JOB_KIND_INGEST') return [null, null];
  return [job.pending, job.lagMs < 1000 ? `${job.lagMs}ms` : formatDuration(job.lagMs)];
}

/** `200 events, r/t/w/a 12/3/40/1 ms`: the batch's size, then its read, transform, write and ack times. */
export function formatLastBatch(batch: BatchTimings): string {
  const times = [batch.readMs, batch.transformMs, batch.writeMs, batch.ackMs].join('/');
  return `${plural(batch.size, 'event')}, r/t/w/a ${times} ms`;
}

/** `done, 21 keys`, `running, 5 keys so far`, plus the delete reconciliation when one ran. */
function snapshotText(capture: CaptureStatus): string | null {
  const snapshot = capture.snapshotDone
    ? `done, ${plural(capture.snapshotKeys, 'key')}`
    : capture.snapshotKeys > 0 || capture.snapshotRequested !== ''
      ? `running, ${plural(capture.snapshotKeys, 'key')} so far`
      : null;
  if (snapshot === null || capture.reconcileRows === 0) return snapshot;
  const reconcile = `${plural(capture.reconcileRows, 'row')} checked, ${capture.reconcileDeletes} gone`;
  return `${snapshot}; ${reconcile}`;
}

/** The table shows a standing warning's first sentence; `--json` and the worker's log have all of it. */
function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end < 0 ? text : `${text.slice(0, end)} (ferry status --json for more)`;
}
