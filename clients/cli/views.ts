/** Renderings shared by several commands: job and worker tables, configuration problems. */
import type { FerryClientError } from '../ferry-client.js';
import type { JobSummary } from '../generated/ferry/v1/JobSummary.js';
import type { TargetConnectionCheck } from '../generated/ferry/v1/TargetConnectionCheck.js';
import type { TargetProblem } from '../generated/ferry/v1/TargetProblem.js';
import type { ValidationProblem } from '../generated/ferry/v1/ValidationProblem.js';
import type { WorkerInfo } from '../generated/ferry/v1/WorkerInfo.js';
import { formatProblem } from '../../common/errors.js';
import { countProblems, errorDocument, EXIT_OK, EXIT_REJECTED } from './errors.js';
import { enumLabel, formatAgo, plural } from './format.js';
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

/**
 * A check of the targets (validate --check-targets): the connections and sources it used, then its problems
 * as a table with where each one is, or a line saying there are none.
 */
export function printTargetCheck(
  out: Output,
  connections: readonly TargetConnectionCheck[],
  problems: readonly TargetProblem[],
): void {
  out.line('Targets');
  if (connections.length === 0) {
    out.line('No job writes to a relational target: there was nothing to check.');
  } else {
    out.table(
      ['name', 'type', 'address', 'state', 'checked', 'time'],
      connections.map((check) => [
        check.name,
        check.type,
        check.address,
        check.state,
        checkedCell(check),
        `${check.elapsedMs}ms`,
      ]),
      { alignRight: [5] },
    );
  }
  out.line();
  if (problems.length === 0) {
    out.line('No target problems.');
    return;
  }
  out.line('Target problems');
  out.table(
    ['connection', 'job', 'table', 'column', 'where', 'problem'],
    problems.map((problem) => [
      problem.connection,
      problem.job,
      problem.table,
      problem.targetColumn,
      problem.problem ? formatWhere(problem.problem) : '',
      problem.problem?.message,
    ]),
  );
}

/** Warnings of a check of the targets on stderr, then its verdict; returns the exit code. */
export function reportTargetCheck(
  out: Output,
  problems: readonly TargetProblem[],
  warnings: readonly TargetProblem[],
): number {
  printWarnings(
    out,
    warnings.flatMap((warning) => (warning.problem ? [warning.problem] : [])),
  );
  if (problems.length === 0) return EXIT_OK;
  out.error(
    `${plural(problems.length, 'target problem')}; the files are valid, but the jobs do not fit their targets.`,
  );
  return EXIT_REJECTED;
}

/** What a connection's check covered: tables read, or keys sampled. */
function checkedCell(check: TargetConnectionCheck): string {
  if (check.state !== 'ok') return '';
  return check.section === 'sources'
    ? `${plural(check.sampledKeys, 'key')} sampled`
    : plural(check.tables, 'table');
}

/** `jobs/emp.yaml:12:9`, or the file alone for a problem about the whole file. */
function formatWhere(problem: ValidationProblem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
}
