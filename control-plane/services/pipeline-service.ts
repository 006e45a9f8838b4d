/**
 * ferry.v1.PipelineService: configuration (deploy, validate, read back) and the pipeline's status.
 * Thin: the domain lives in config-store.ts, common/config and job-summary.ts.
 */
import type * as grpc from '@grpc/grpc-js';
import { parsePipeline, redactConfig, validatePipeline } from '../../common/config/index.js';
import type { PipelineConfig, PipelineFiles } from '../../common/config/index.js';
import { ConfigValidationError, FerryError, NotFoundError, UnimplementedError } from '../../common/errors.js';
import type { PipelineServiceHandlers } from '../../clients/generated/ferry/v1/PipelineService.js';
import type { ConfigStore, StoredVersion } from '../config-store.js';
import type { ClusterRegistry } from '../cluster-registry.js';
import type { AdapterDeps } from '../grpc-adapter.js';
import { serverStream, unary } from '../grpc-adapter.js';
import { describeJob, summarizeJob } from '../job-summary.js';
import { contentHash, normalizePipelineFiles } from '../pipeline-files.js';
import { toConfigVersion, toTimestamp, toValidationProblem } from '../wire.js';
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

/** Compiles a stored version again (the files were valid when deployed). */
function compileStored(stored: StoredVersion): PipelineConfig {
  try {
    return parsePipeline(stored.files);
  } catch (error) {
    throw new FerryError(
      'FAILED_PRECONDITION',
      `configuration version ${stored.version} does not validate with this version of Ferry; redeploy it after fixing: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function pipelineService(deps: PipelineServiceDeps): PipelineServiceHandlers {
  const { store, registry } = deps;

  async function status(): Promise<PipelineStatus> {
    const latest = await store.latestVersion();
    const stored = latest > 0 ? await store.get(latest) : undefined;
    const [workers, engineState] = await Promise.all([registry.listWorkers(), registry.engineState()]);
    return {
      config: stored ? toConfigVersion(stored) : null,
      engineState: stored ? engineState : 'ENGINE_STATE_NOT_DEPLOYED',
      jobs: [],
      workers,
      connections: [],
      observedAt: toTimestamp(Date.now()) as PipelineStatus['observedAt'],
    };
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

    GetStatus: unary('GetStatus', { role: 'viewer', handle: () => status() }, deps),

    WatchStatus: serverStream(
      'WatchStatus',
      {
        role: 'viewer',
        handle: async (request, send, context) => {
          const interval = request.intervalMs === 0 ? 1000 : Math.max(200, request.intervalMs);
          while (!context.signal.aborted) {
            send(await status());
            await sleep(interval, context.signal);
          }
        },
      },
      deps,
    ),

    Start: unimplemented(
      'Start',
      'operator',
      'starting the engine needs the apply engine (ferry worker), which is not built yet',
    ),
    Stop: unimplemented(
      'Stop',
      'operator',
      'stopping the engine needs the apply engine (ferry worker), which is not built yet',
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
