/**
 * A check of a valid pipeline against its real databases (`ferry validate --check-targets`, Validate with
 * check_targets): the control plane connects to every mysql/mariadb connection a write-behind job's
 * relational.write outputs use, reads each table's catalog as the writer does, samples existing keys of each
 * job from its source, and reports what would fail once deployed: a missing table or column, keys that are
 * not a unique key, columns the writer cannot write, values that do not convert. Outputs to postgresql and
 * oracle get a warning: Ferry cannot check them yet.
 *
 * Nothing here is the writer's logic again: settings are resolved by worker/connections.ts, catalogs read by
 * worker/targets/mysql/catalog.ts, jobs compiled by worker/active-config.ts, rows made by
 * worker/apply/records.ts, values converted by worker/targets/mysql/convert.ts. Connections and sources are
 * checked concurrently; each connect times out after a few seconds, and a connection or source that cannot
 * be used is one problem, never a failed call.
 */
import { readFile } from 'node:fs/promises';
import type {
  PipelineConfig,
  PipelineFiles,
  RelationalConnection,
  RelationalWriteOutput,
  SourceConfig,
  WriteBehindJob,
} from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { SecretResolver } from '../common/secrets/index.js';
import type { SecretSources } from '../common/secrets/index.js';
import { activateConfig } from '../worker/active-config.js';
import type { ApplyJob } from '../worker/apply/types.js';
import { checkOutput } from './target-check-analysis.js';
import type { OutputSample, TargetProblem, TargetProblemKind } from './target-check-analysis.js';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  catalogKey,
  inspectTarget,
  sampleSource,
  writtenAddress,
} from './target-check-connections.js';
import type { ConnectionCheck, ConnectionSettings, TargetInspection } from './target-check-connections.js';
import { ProblemLocator } from './target-check-locations.js';
import type { PathStep } from './target-check-locations.js';
import { DEFAULT_SAMPLE_KEYS } from './target-check-sample.js';
import type { JobSample } from './target-check-sample.js';

export type { TargetProblem, TargetProblemKind } from './target-check-analysis.js';
export type { ConnectionCheck } from './target-check-connections.js';

export interface TargetCheckOptions {
  /** Where secret references are resolved: the control plane's environment, files and secret store. */
  secrets: SecretSources;
  /**
   * The longest wait for a connection or source to open, in milliseconds; a connection's own shorter
   * `connect_timeout_ms` wins. @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * The longest the whole check of one connection or source may take (connect, catalog reads, SCAN and
   * reads), in milliseconds; it is then reported unreachable. Keep it under the caller's deadline (the CLI
   * waits 10 s by default). @default 8000
   */
  checkTimeoutMs?: number;
  /** Existing keys sampled per job. @default 100 */
  sampleKeys?: number;
  logger?: Logger;
}

export interface TargetCheckReport {
  /** In file order (config.yaml first, then the job files by name), then line and column. */
  problems: TargetProblem[];
  /** Outputs that could not be checked (postgresql, oracle). */
  warnings: TargetProblem[];
  /** Connections first, then sources, each in config order. */
  connections: ConnectionCheck[];
}

/** The target types Ferry's writer writes, and so the ones it can check. */
const CHECKABLE_TYPES = new Set(['mysql', 'mariadb']);

/** A relational.write output to a checkable connection. */
interface PlannedOutput {
  job: WriteBehindJob;
  /** In the job's `output` list. */
  index: number;
  output: RelationalWriteOutput;
  /** In the ApplyJob's `outputs` list (which holds the checkable outputs only), as TransformedRow.output. */
  applyIndex: number;
}

/** Checks the jobs of a valid pipeline against their real targets; never throws for a database's answer. */
export async function checkTargets(
  files: PipelineFiles,
  pipeline: PipelineConfig,
  options: TargetCheckOptions,
): Promise<TargetCheckReport> {
  const settings: ConnectionSettings = {
    resolver: new SecretResolver(options.secrets),
    readFile: options.secrets.readFile,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    checkTimeoutMs: options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
    sampleKeys: options.sampleKeys ?? DEFAULT_SAMPLE_KEYS,
  };
  const locator = new ProblemLocator(files);
  const plan = planCheck(files, pipeline, locator);

  const [targets, sources] = await Promise.all([
    Promise.all(
      [...plan.byConnection].map(([connection, outputs]) =>
        inspectTarget(
          connection,
          outputs.map(({ output }) => output),
          settings,
        ),
      ),
    ),
    Promise.all([...plan.bySource].map(([source, jobs]) => sampleSource(source, jobs, settings))),
  ]);

  const problems: TargetProblem[] = [];
  const targetResults = new Map(targets.map((result) => [result.check.name, result]));
  const sourceResults = new Map(sources.map((result) => [result.check.name, result]));
  for (const result of [...targets, ...sources]) {
    if (result.failure !== undefined)
      problems.push(unreachable(result.check, result.failure, locator, files));
  }
  for (const [connection, outputs] of plan.byConnection) {
    const result = targetResults.get(connection.name);
    if (!result || result.failure !== undefined) continue;
    for (const planned of outputs) {
      const sample = sourceResults.get(planned.job.source.connection)?.samples.get(planned.job.name);
      problems.push(...checkPlannedOutput(planned, result, sample, locator));
    }
  }
  for (const source of sources) {
    for (const [jobName, sample] of source.samples) {
      const job = pipeline.jobs.get(jobName);
      if (job?.kind === 'write-behind') problems.push(...unusableRecords(job, sample, locator));
    }
  }

  const unchecked = [...plan.unchecked.values()].map((connection) => ({
    name: connection.name,
    section: 'connections' as const,
    type: connection.type,
    address: writtenAddress(connection.host, connection.port),
    state: 'not checked' as const,
    error: '',
    tables: 0,
    sampledKeys: 0,
    elapsedMs: 0,
  }));
  const report = {
    problems: sortByPosition(problems, files),
    warnings: sortByPosition(plan.warnings, files),
    connections: [
      ...inConfigOrder([...targets.map((result) => result.check), ...unchecked], pipeline.connections),
      ...inConfigOrder(
        sources.map((result) => result.check),
        pipeline.sources,
      ),
    ],
  };
  options.logger?.info(
    {
      problems: report.problems.length,
      warnings: report.warnings.length,
      unreachable: report.connections
        .filter((check) => check.state === 'unreachable')
        .map((check) => check.name),
    },
    'targets checked',
  );
  return report;
}

interface CheckPlan {
  byConnection: Map<RelationalConnection, PlannedOutput[]>;
  bySource: Map<SourceConfig, ApplyJob[]>;
  /** Connections of a type Ferry cannot check, by name. */
  unchecked: Map<string, RelationalConnection>;
  warnings: TargetProblem[];
}

/** Which outputs go to which connection, which jobs are sampled from which source, what cannot be checked. */
function planCheck(files: PipelineFiles, pipeline: PipelineConfig, locator: ProblemLocator): CheckPlan {
  const applyJobs = new Map(activateConfig(0, files).jobs.map((job) => [job.name, job]));
  const plan: CheckPlan = {
    byConnection: new Map(),
    bySource: new Map(),
    unchecked: new Map(),
    warnings: [],
  };
  for (const job of pipeline.jobs.values()) {
    if (job.kind !== 'write-behind') continue;
    const applyJob = applyJobs.get(job.name);
    let applyIndex = 0;
    job.output.forEach((output, index) => {
      const connection = pipeline.connections.get(output.connection);
      // Validation has made sure that the connection exists and is relational.
      if (!connection || connection.type === 'redis') return;
      if (!CHECKABLE_TYPES.has(connection.type)) {
        plan.unchecked.set(connection.name, connection);
        plan.warnings.push({
          ...finding(locator, job.file, ['output', index], 'NOT_CHECKED', notCheckedMessage(connection)),
          connection: connection.name,
          job: job.name,
          table: tableLabel(output),
        });
        return;
      }
      const applied = applyJob?.outputs[applyIndex];
      // activateConfig keeps the same outputs in the same order; anything else is a bug to hear about.
      if (applied?.connection !== output.connection || applied.table.table !== output.table) {
        throw new Error(`job ${job.name}: output ${index} is not the compiled output ${applyIndex}`);
      }
      const outputs = plan.byConnection.get(connection) ?? [];
      outputs.push({ job, index, output, applyIndex });
      plan.byConnection.set(connection, outputs);
      applyIndex += 1;
    });
    const source = pipeline.sources.get(job.source.connection);
    if (applyJob && applyIndex > 0 && source) {
      plan.bySource.set(source, [...(plan.bySource.get(source) ?? []), applyJob]);
    }
  }
  return plan;
}

function notCheckedMessage(connection: RelationalConnection): string {
  return (
    `Ferry cannot check ${connection.type} targets yet: this output to connection ${connection.name} was not ` +
    'checked against its table'
  );
}

/** The output's findings, given its connection's catalogs and its job's sample. */
function checkPlannedOutput(
  planned: PlannedOutput,
  target: TargetInspection,
  jobSample: JobSample | undefined,
  locator: ProblemLocator,
): TargetProblem[] {
  const { job, index, output } = planned;
  const schema = output.schema ?? target.database ?? '';
  const table = `${schema}.${output.table}`;
  const catalog = target.catalogs.get(catalogKey(schema, output.table));
  if (!catalog) {
    return [
      {
        ...finding(
          locator,
          job.file,
          ['output', index, 'with', 'table'],
          'TABLE_MISSING',
          `table ${table} does not exist in connection ${output.connection}, or its user cannot see it; ` +
            "create it, or correct the output's schema and table",
        ),
        connection: output.connection,
        job: job.name,
        table,
      },
    ];
  }
  let sample: OutputSample | undefined;
  if (jobSample) {
    const label = tableLabel(output);
    sample = {
      keys: jobSample.keys,
      rows: jobSample.rows.filter((row) => row.output === planned.applyIndex).map((row) => row.change),
      rejects: jobSample.rejects.filter((reject) => reject.table === label),
    };
  }
  return checkOutput({ job, index, output, table, catalog, ...(sample ? { sample } : {}) }, locator);
}

/** records.ts' codes for a key whose value cannot be a record at all. */
const VALUE_ERRORS = new Set(['NOT_AN_OBJECT', 'UNSUPPORTED_TYPE']);

/**
 * Sampled keys that cannot become a row of any output: a value that is not a record (JSON that is not an
 * object, an unsupported Redis type), or a transform block that fails.
 */
function unusableRecords(job: WriteBehindJob, sample: JobSample, locator: ProblemLocator): TargetProblem[] {
  const groups = new Map<string, { count: number; key: string; error: string; code: string }>();
  for (const reject of sample.rejects) {
    if (reject.table !== '') continue;
    const group = groups.get(reject.errorCode);
    if (group) group.count += 1;
    else
      groups.set(reject.errorCode, {
        count: 1,
        key: reject.key,
        error: reject.error,
        code: reject.errorCode,
      });
  }
  return [...groups.values()].map((group) => ({
    ...finding(
      locator,
      job.file,
      // A value the job cannot take is about what it tracks; anything else failed in its transform blocks.
      VALUE_ERRORS.has(group.code) ? ['source', 'redis', 'key_pattern'] : ['transform'],
      'RECORDS_REJECTED',
      `${group.count} of ${sample.keys} sampled keys cannot become rows (e.g. key ${JSON.stringify(group.key)}): ` +
        group.error,
    ),
    connection: job.source.connection,
    job: job.name,
    exampleKey: group.key,
    sampledRows: sample.keys,
    failedRows: group.count,
  }));
}

/** The one problem of a connection or source that cannot be used, at its entry in config.yaml. */
function unreachable(
  check: ConnectionCheck,
  reason: string,
  locator: ProblemLocator,
  files: PipelineFiles,
): TargetProblem {
  const file = files.config.name;
  const section =
    check.section === 'connections' && !locator.hasChild(file, ['connections', check.name])
      ? 'targets'
      : check.section;
  const what = check.section === 'sources' ? 'source' : 'connection';
  const skipped =
    check.section === 'sources'
      ? 'no keys were sampled from it, so no values were checked'
      : 'the tables of its outputs were not checked';
  return {
    ...finding(
      locator,
      file,
      [section, check.name],
      'UNREACHABLE',
      `cannot use ${what} ${check.name} (${check.type} at ${check.address}): ${reason}; ${skipped}`,
    ),
    connection: check.name,
  };
}

/** A finding with its location and kind; the caller adds what it is about. */
function finding(
  locator: ProblemLocator,
  file: string,
  steps: readonly PathStep[],
  kind: TargetProblemKind,
  message: string,
): TargetProblem {
  return {
    problem: locator.problem(file, steps, message),
    kind,
    connection: '',
    job: '',
    table: '',
    column: '',
    exampleKey: '',
    sampledRows: 0,
    failedRows: 0,
  };
}

/** The output's table as the transform labels its rejects (records.ts): `schema.table`, or `table`. */
function tableLabel(output: RelationalWriteOutput): string {
  return output.schema ? `${output.schema}.${output.table}` : output.table;
}

function inConfigOrder(checks: ConnectionCheck[], order: ReadonlyMap<string, unknown>): ConnectionCheck[] {
  const names = [...order.keys()];
  return [...checks].sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
}

/** config.yaml first, then the job files by name; within a file by line and column (as validation sorts). */
function sortByPosition(problems: TargetProblem[], files: PipelineFiles): TargetProblem[] {
  const fileKey = (file: string): string => (file === files.config.name ? `0${file}` : `1${file}`);
  return [...problems].sort((a, b) => {
    const fileA = fileKey(a.problem.file);
    const fileB = fileKey(b.problem.file);
    if (fileA !== fileB) return fileA < fileB ? -1 : 1;
    return a.problem.line - b.problem.line || a.problem.column - b.problem.column;
  });
}

/** Where secret references are resolved when the caller does not say: this process's environment and files. */
export function processSecretSources(secrets?: SecretSources['secrets']): SecretSources {
  return {
    env: process.env,
    readFile: (path) => readFile(path, 'utf8'),
    ...(secrets ? { secrets } : {}),
    process: 'control plane',
  };
}
