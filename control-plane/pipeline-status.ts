/**
 * GetStatus: the deployed configuration joined with what the cluster reports about it. One JobStatus per job
 * and one ConnectionStatus per connection of the configuration, in the configuration's order, so that a job
 * or connection no worker has touched yet still shows (with zero counters, or as not checked yet).
 */
import type { PipelineConfig, JobConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import type {
  BatchTimingsRecord,
  ChangeLogBacklog,
  ConnectionState,
  JobStatusRecord,
} from '../common/status/index.js';
import type { BatchTimings } from '../clients/generated/ferry/v1/BatchTimings.js';
import type { ConnectionStatus } from '../clients/generated/ferry/v1/ConnectionStatus.js';
import { JobKind } from '../clients/generated/ferry/v1/JobKind.js';
import type { JobStatus } from '../clients/generated/ferry/v1/JobStatus.js';
import type { PipelineStatus } from '../clients/generated/ferry/v1/PipelineStatus.js';
import type { CaptureStatus } from '../clients/generated/ferry/v1/CaptureStatus.js';
import { captureUnits } from '../common/capture-sources.js';
import { readCaptureMaintenance } from '../common/status/index.js';
import type { ClusterRegistry } from './cluster-registry.js';
import type { StoredVersion } from './config-store.js';
import { toConfigVersion, toTimestamp } from './wire.js';

/** The newest deployed version and its compiled form. */
export interface DeployedPipeline {
  stored: StoredVersion;
  pipeline: PipelineConfig;
}

/** What a connection no worker has checked yet shows as its last error. */
export const NOT_CHECKED_YET = 'not checked yet: no worker has used this connection';

const NO_BACKLOG: ChangeLogBacklog = { pending: 0, lagMs: 0 };
const MAX_UINT32 = 0xffff_ffff;

/** Reads everything the status shows besides the configuration, in parallel, and assembles it. */
export async function readPipelineStatus(
  registry: ClusterRegistry,
  deployed: DeployedPipeline | undefined,
  logger: Logger,
  now = Date.now(),
): Promise<PipelineStatus> {
  const observedAt = toTimestamp(now) as PipelineStatus['observedAt'];
  if (!deployed) {
    const workers = await registry.listWorkers(now);
    const engineState = 'ENGINE_STATE_NOT_DEPLOYED';
    return { config: null, engineState, jobs: [], workers, connections: [], observedAt, captures: [] };
  }
  const { stored, pipeline } = deployed;
  const jobs = [...pipeline.jobs.values()];
  const jobNames = jobs.map((job) => job.name);
  const writesBehind = jobs.some((job) => job.kind === 'write-behind');
  // Capture reports under the first source of each link (sources naming the same master share one).
  const links = [...captureUnits(pipeline).values()];
  const [workers, engineState, jobStatuses, connectionStates, backlog, captureStates] = await Promise.all([
    registry.listWorkers(now),
    registry.engineState(),
    registry.jobStatuses(jobNames, logger),
    registry.connectionStates(logger),
    writesBehind ? registry.changeLogBacklog(pipeline.changeLog.partitions) : NO_BACKLOG,
    registry.captureStates(links.map((sources) => sources[0] ?? '')),
  ]);
  return {
    config: toConfigVersion(stored),
    engineState,
    jobs: jobs.map((job) => toJobStatus(job, jobStatuses.get(job.name), backlog)),
    workers,
    connections: configuredConnections(pipeline).map(({ name, type }) =>
      toConnectionStatus(name, type, connectionStates.get(name)),
    ),
    observedAt,
    captures: links.map((sources) => toCaptureStatus(sources, captureStates.get(sources[0] ?? '') ?? {})),
  };
}

/** A capture link's status from its status hash (see worker/capture/capture-task.ts). */
export function toCaptureStatus(sources: readonly string[], fields: Record<string, string>): CaptureStatus {
  const count = (value: string | undefined): number => {
    const parsed = Number(value ?? 0);
    return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0;
  };
  const updatedAt = count(fields['updatedAt']);
  const maintenance = readCaptureMaintenance(fields);
  return {
    sources: sources.join(','),
    state: fields['state'] ?? 'not started',
    replid: fields['replid'] ?? '',
    offset: count(fields['offset']),
    syncMode: fields['syncMode'] ?? '',
    snapshotKeys: count(fields['snapshotKeys']),
    snapshotDone: fields['snapshotDone'] === '1',
    databaseEvents: count(fields['databaseEvents']),
    lastWarning: fields['lastWarning'] ?? '',
    lastError: fields['lastError'] ?? '',
    workerId: fields['workerId'] ?? '',
    updatedAt: updatedAt > 0 ? (toTimestamp(updatedAt) as CaptureStatus['updatedAt']) : null,
    snapshotReason: maintenance.snapshotReason,
    snapshotRequested: maintenance.snapshotRequested,
    snapshotId: maintenance.snapshotId,
    reconcileRows: maintenance.reconcileRows,
    reconcileDeletes: maintenance.reconcileDeletes,
    reconcileDone: maintenance.reconcileDone,
    warning: maintenance.warning,
    redisJson: fields['redisJson'] ?? '',
  };
}

/**
 * One job's status. Pending and lag are the pipeline's change log, which all write-behind jobs share: each
 * of them shows the same figures. Ingest jobs do not read the change log and show 0.
 */
export function toJobStatus(
  job: JobConfig,
  record: JobStatusRecord | undefined,
  backlog: ChangeLogBacklog,
): JobStatus {
  const writeBehind = job.kind === 'write-behind';
  return {
    name: job.name,
    kind: writeBehind ? JobKind.JOB_KIND_WRITE_BEHIND : JobKind.JOB_KIND_INGEST,
    processed: record?.processed ?? 0,
    inserted: record?.inserted ?? 0,
    updated: record?.updated ?? 0,
    deleted: record?.deleted ?? 0,
    filtered: record?.filtered ?? 0,
    rejected: record?.rejected ?? 0,
    pending: writeBehind ? backlog.pending : 0,
    lagMs: writeBehind ? backlog.lagMs : 0,
    lastBatch: record?.lastBatch ? toBatchTimings(record.lastBatch) : null,
  };
}

export function toBatchTimings(timings: BatchTimingsRecord): BatchTimings {
  return {
    readMs: toUint32(timings.readMs),
    transformMs: toUint32(timings.transformMs),
    writeMs: toUint32(timings.writeMs),
    ackMs: toUint32(timings.ackMs),
    size: toUint32(timings.size),
    finishedAt: toTimestamp(timings.finishedAt) as BatchTimings['finishedAt'],
  };
}

/** A connection of the configuration with what a worker last saw of it, or "not checked yet". */
export function toConnectionStatus(
  name: string,
  type: string,
  state: ConnectionState | undefined,
): ConnectionStatus {
  if (!state) return { name, type, reachable: false, lastError: NOT_CHECKED_YET, checkedAt: null };
  return {
    name,
    type,
    reachable: state.reachable,
    lastError: state.reachable ? '' : (state.lastError ?? ''),
    checkedAt: toTimestamp(state.checkedAt) as ConnectionStatus['checkedAt'],
  };
}

/** The connections written to, then the sources captured from, each in the order config.yaml gives them. */
function configuredConnections(pipeline: PipelineConfig): { name: string; type: string }[] {
  return [...pipeline.connections.values(), ...pipeline.sources.values()].map(({ name, type }) => ({
    name,
    type,
  }));
}

/** BatchTimings fields are uint32 milliseconds: whole, and capped rather than wrapped. */
function toUint32(value: number): number {
  return Math.min(MAX_UINT32, Math.max(0, Math.round(value)));
}
