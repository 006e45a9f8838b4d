/**
 * ferry.v1.PipelineService: configuration (deploy, validate, read back), the engine's state and the
 * pipeline's status. Thin: the domain lives in config-store.ts, common/config, job-summary.ts and
 * pipeline-status.ts.
 */
import { redactConfig, validatePipeline } from '../../common/config/index.js';
import type { PipelineConfig, PipelineFiles } from '../../common/config/index.js';
import {
  ConfigValidationError,
  FerryError,
  InvalidArgumentError,
  NotFoundError,
  UnimplementedError,
} from '../../common/errors.js';
import type { PipelineServiceHandlers } from '../../clients/generated/ferry/v1/PipelineService.js';
import { compileStored } from '../config-store.js';
import type { ConfigStore } from '../config-store.js';
import type { SecretStore } from '../../common/secret-store.js';
import { newSnapshotId, snapshotLinks } from '../../common/capture-sources.js';
import type { SnapshotRequests } from '../../common/capture-sources.js';
import { Authenticator } from '../auth.js';
import type { ClusterRegistry } from '../cluster-registry.js';
import type { AdapterDeps, CallContext } from '../grpc-adapter.js';
import { serverStream, unary } from '../grpc-adapter.js';
import { describeJob, summarizeJob } from '../job-summary.js';
import { contentHash, normalizePipelineFiles } from '../pipeline-files.js';
import { readPipelineStatus } from '../pipeline-status.js';
import { checkTargets, processSecretSources } from '../target-check.js';
import type { TargetProblem as TargetFinding } from '../target-check.js';
import { toConfigVersion, toValidationProblem } from '../wire.js';
import type { EngineState } from '../../clients/generated/ferry/v1/EngineState.js';
import type { PipelineStatus } from '../../clients/generated/ferry/v1/PipelineStatus.js';
import type { TargetProblem } from '../../clients/generated/ferry/v1/TargetProblem.js';

export interface PipelineServiceDeps extends AdapterDeps {
  store: ConfigStore;
  registry: ClusterRegistry;
  /**
   * Resolves `${secret:NAME}` for Validate's check of the targets; without it such references do not resolve
   * there (the check reports the connection as unusable).
   */
  secrets?: SecretStore | undefined;
  /** Where Reset records snapshot requests; without it Reset answers UNIMPLEMENTED. */
  snapshots?: SnapshotRequests | undefined;
}

const MAX_VERSIONS_PAGE = 1000;

/** Validates, throwing ConfigValidationError with every problem; returns the compiled pipeline. */
function validateOrThrow(files: PipelineFiles): {
  pipeline: PipelineConfig;
  warnings: ReturnType<typeof validatePipeline>['warnings'];
} {
  const result = validatePipeline(files);
  if (result.problems.length > 0 || !result.pipeline) throw new ConfigValidationError(result.problems);
  return { pipeline: result.pipeline, warnings: result.warnings };
}

export function pipelineService(deps: PipelineServiceDeps): PipelineServiceHandlers {
  const { store, registry } = deps;

  async function status(logger: CallContext['logger']): Promise<PipelineStatus> {
    const latest = await store.latestVersion();
    const stored = latest > 0 ? await store.get(latest) : undefined;
    const deployed = stored ? { stored, pipeline: compileStored(stored) } : undefined;
    return readPipelineStatus(registry, deployed, logger);
  }

  /**
   * Start and Stop: the engine runs or stops as a whole, because all jobs of a pipeline share its change log
   * (a partition's batches hold the changes of every job's keys, in order), so one job cannot be held back
   * without holding back the others.
   */
  async function setEngineState(
    verb: 'start' | 'stop',
    jobs: readonly string[],
    context: CallContext,
  ): Promise<{ state: EngineState }> {
    if (jobs.length > 0) {
      throw new InvalidArgumentError(
        "jobs share the pipeline's change log, so the engine starts and stops as a whole; " +
          `run ferry ${verb} without job names (got ${jobs.map((job) => JSON.stringify(job)).join(', ')})`,
      );
    }
    if ((await store.latestVersion()) === 0) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        'nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)',
      );
    }
    const state = verb === 'start' ? 'running' : 'stopped';
    await registry.setEngineState(state);
    context.logger.info({ engineState: state }, verb === 'start' ? 'engine started' : 'engine stopped');
    return { state: verb === 'start' ? 'ENGINE_STATE_RUNNING' : 'ENGINE_STATE_STOPPED' };
  }

  return {
    Deploy: unary(
      'Deploy',
      {
        role: 'admin',
        handle: async (request, context) => {
          const files = normalizePipelineFiles(request.config, request.jobs);
          const { pipeline, warnings } = validateOrThrow(files);
          const stored = await store.deploy(files, {
            expectedVersion:
              request._expectedVersion === 'expectedVersion' ? request.expectedVersion : undefined,
            deployedBy: context.principal.name,
            description: request.description,
            jobNames: [...pipeline.jobs.keys()],
            contentHash: contentHash(files),
          });
          context.logger.info(
            { version: stored.version, jobs: stored.jobNames.length, contentHash: stored.contentHash },
            'deployed',
          );
          return { version: toConfigVersion(stored), warnings: warnings.map(toValidationProblem) };
        },
      },
      deps,
    ),

    Validate: unary(
      'Validate',
      {
        role: 'viewer',
        handle: async (request, context) => {
          // The check connects with the configuration's credentials, stored secrets included, to hosts the
          // caller chose: it needs the role that could deploy the same configuration.
          if (request.checkTargets)
            Authenticator.authorize(context.principal, 'admin', 'Validate with check_targets');
          const files = normalizePipelineFiles(request.config, request.jobs);
          const { pipeline, warnings } = validateOrThrow(files);
          const response = {
            jobs: [...pipeline.jobs.values()].map(summarizeJob),
            warnings: warnings.map(toValidationProblem),
            contentHash: contentHash(files),
          };
          if (!request.checkTargets) return response;
          const report = await checkTargets(files, pipeline, {
            secrets: processSecretSources(deps.secrets),
            logger: context.logger,
          });
          return {
            ...response,
            targetProblems: report.problems.map(toTargetProblem),
            targetWarnings: report.warnings.map(toTargetProblem),
            targetConnections: report.connections,
          };
        },
      },
      deps,
    ),

    GetConfig: unary(
      'GetConfig',
      {
        role: 'viewer',
        handle: async (request) => {
          const stored = await store.get(request.version);
          return {
            version: toConfigVersion(stored),
            config: { name: stored.files.config.name, content: redactConfig(stored.files.config) },
            jobs: stored.files.jobs,
          };
        },
      },
      deps,
    ),

    ListVersions: unary(
      'ListVersions',
      {
        role: 'viewer',
        handle: async (request) => {
          const limit = request.limit > 0 ? Math.min(request.limit, MAX_VERSIONS_PAGE) : 20;
          const page = await store.list(limit, request.beforeVersion);
          return { versions: page.versions.map(toConfigVersion), nextBeforeVersion: page.nextBeforeVersion };
        },
      },
      deps,
    ),

    ListJobs: unary(
      'ListJobs',
      {
        role: 'viewer',
        handle: async (request) => {
          const stored = await store.get(request.version);
          const pipeline = compileStored(stored);
          const jobs = [...pipeline.jobs.values()]
            .map(summarizeJob)
            .sort((a, b) => a.name.localeCompare(b.name));
          return { version: stored.version, jobs };
        },
      },
      deps,
    ),

    DescribeJob: unary(
      'DescribeJob',
      {
        role: 'viewer',
        handle: async (request) => {
          const stored = await store.get(request.version);
          const pipeline = compileStored(stored);
          const job = pipeline.jobs.get(request.name);
          if (!job) {
            const names = [...pipeline.jobs.keys()].join(', ') || 'none';
            throw new NotFoundError(
              `version ${stored.version} has no job named ${JSON.stringify(request.name)}; its jobs: ${names}`,
            );
          }
          const file = stored.files.jobs.find((candidate) => candidate.name === job.file);
          return {
            version: stored.version,
            summary: summarizeJob(job),
            file: file ?? null,
            compiledJson: JSON.stringify(describeJob(job), null, 2),
          };
        },
      },
      deps,
    ),

    GetStatus: unary(
      'GetStatus',
      { role: 'viewer', handle: (_request, context) => status(context.logger) },
      deps,
    ),

    WatchStatus: serverStream(
      'WatchStatus',
      {
        role: 'viewer',
        handle: async (request, send, context) => {
          const interval = request.intervalMs === 0 ? 1000 : Math.max(200, request.intervalMs);
          while (!context.signal.aborted) {
            send(await status(context.logger));
            await sleep(interval, context.signal);
          }
        },
      },
      deps,
    ),

    Start: unary(
      'Start',
      { role: 'operator', handle: (request, context) => setEngineState('start', request.jobs, context) },
      deps,
    ),
    Stop: unary(
      'Stop',
      { role: 'operator', handle: (request, context) => setEngineState('stop', request.jobs, context) },
      deps,
    ),
    Reset: unary(
      'Reset',
      { role: 'operator', handle: (request, context) => reset(request.jobs, context) },
      deps,
    ),
    Trace: serverStream(
      'Trace',
      {
        role: 'viewer',
        handle: () =>
          Promise.reject(
            new UnimplementedError('trace needs the apply engine (ferry worker), which is not built yet'),
          ),
      },
      deps,
    ),
  };

  /**
   * Reset: asks the workers capturing the sources of `jobs` (all when empty) for a snapshot and a delete
   * reconciliation (common/capture-sources.ts); answers the request's id, which status reports once served.
   */
  async function reset(jobs: readonly string[], context: CallContext): Promise<{ snapshotId: string }> {
    const snapshots = deps.snapshots;
    if (!snapshots) throw new UnimplementedError('this control plane cannot record snapshot requests');
    const latest = await store.latestVersion();
    if (latest === 0) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        'nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)',
      );
    }
    const links = snapshotLinks(compileStored(await store.get(latest)), jobs);
    const snapshotId = newSnapshotId();
    await snapshots.request(links, snapshotId);
    context.logger.info({ snapshotId, sources: links.map((link) => link.join(',')) }, 'snapshot requested');
    return { snapshotId };
  }
}

function toTargetProblem(finding: TargetFinding): TargetProblem {
  return {
    problem: toValidationProblem(finding.problem),
    kind: `TARGET_PROBLEM_KIND_${finding.kind}`,
    connection: finding.connection,
    job: finding.job,
    table: finding.table,
    targetColumn: finding.column,
    exampleKey: finding.exampleKey,
    sampledRows: finding.sampledRows,
    failedRows: finding.failedRows,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
