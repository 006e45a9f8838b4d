/** Renderings shared by several commands: job and worker tables, configuration problems. */
import type { FerryClientError } from '../ferry-client.js';
import type { JobSummary } from '../generated/ferry/v1/JobSummary.js';
import type { ValidationProblem } from '../generated/ferry/v1/ValidationProblem.js';
import type { WorkerInfo } from '../generated/ferry/v1/WorkerInfo.js';
import { formatProblem } from '../../common/errors.js';
import { countProblems, errorDocument, EXIT_REJECTED } from './errors.js';
import { enumLabel, formatAgo } from './format.js';
import type { Output } from './output.js';

/** NAME | KIND | SOURCE | TARGETS | TRANSFORMS | OUTPUTS. */
export function printJobsTable(out: Output, jobs: readonly JobSummary[]): void {
  out.table(
    ['name', 'kind', 'source', 'targets', 'transforms', 'outputs'],
    jobs.map((job) => [
      job.name,
      enumLabel(job.kind, 'JOB_KIND_'),
      job.source,
      job.targets.join(', '),
      job.transformCount,
      job.outputCount,
    ]),
    { alignRight: [4, 5] },
  );
}

/** ID | HOST | STATE | LEASES | LAST HEARTBEAT, or a line saying how to start a worker. */
export function printWorkersTable(out: Output, workers: readonly WorkerInfo[], now = Date.now()): void {
  if (workers.length === 0) {
    out.line('No workers have registered yet. Start one with: ferry worker');
    return;
  }
  out.table(
    ['id', 'host', 'state', 'leases', 'last heartbeat'],
    workers.map((worker) => [
      worker.id,
      worker.host,
      enumLabel(worker.state, 'WORKER_STATE_'),
      worker.leaseCount,
      formatAgo(worker.lastHeartbeatAt, now),
    ]),
    { alignRight: [3] },
  );
}

/** Warnings of a deploy or validation, on stderr. */
export function printWarnings(out: Output, warnings: readonly ValidationProblem[]): void {
  for (const warning of warnings) out.warning(formatProblem(warning));
}

/**
 * The problems of an INVALID_ARGUMENT answer: one line each on stderr, the way compilers print them, then a
 * verdict (`2 problems; nothing was deployed.`). With --json, the error document carries them too.
 */
export function reportProblems(
  out: Output,
  error: FerryClientError,
  verdict: string,
  server: string,
): number {
  out.document(errorDocument(error, server));
  out.diagnostics(error.problems.map(formatProblem));
  out.error(`${countProblems(error.problems.length)}; ${verdict}`);
  return EXIT_REJECTED;
}
