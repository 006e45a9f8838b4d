/**
 * ferry.v1.PipelineService: configuration (deploy, validate, read back), the engine's state and the
 * pipeline's status. Thin: the domain lives in config-store.ts, common/config, job-summary.ts and
 * pipeline-status.ts.
 */
import type * as grpc from '@grpc/grpc-js';
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
import type { ClusterRegistry } from '../cluster-registry.js';
import type { AdapterDeps, CallContext } from '../grpc-adapter.js';
import { serverStream, unary } from '../grpc-adapter.js';
import { describeJob, summarizeJob } from '../job-summary.js';
import { contentHash, normalizePipelineFiles } from '../pipeline-files.js';
import { readPipelineStatus } from '../pipeline-status.js';
import { toConfigVersion, toValidationProblem } from '../wire.js';
import type { EngineState } from '../../clients/generated/ferry/v1/EngineState.js';
import type { PipelineStatus } from '../../clients/generated/ferry/v1/PipelineStatus.js';

export interface PipelineServiceDeps extends AdapterDeps {
  store: ConfigStore;
  registry: ClusterRegistry;
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
        handle: async (request) => {
          const files = normalizePipelineFiles(request.config, request.jobs);
          const { pipeline, warnings } = validateOrThrow(files);
          return Promise.resolve({
            jobs: [...pipeline.jobs.values()].map(summarizeJob),
            warnings: warnings.map(toValidationProblem),
            contentHash: contentHash(files),
          });
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
    Reset: unimplemented(
      'Reset',
      'operator',
      'reset needs capture from the replication stream and its snapshot, which are not built yet',
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

  function unimplemented(
    method: string,
    role: 'viewer' | 'operator',
    message: string,
  ): grpc.handleUnaryCall<unknown, never> {
    return unary(method, { role, handle: () => Promise.reject(new UnimplementedError(message)) }, deps);
  }
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
