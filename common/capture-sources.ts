/**
 * Which sources Ferry captures from the replication stream, and the capture lease unit of each: the leader
 * assigns one `capture/<host>:<port>` unit per source master, and the worker that holds it maps the unit back
 * to its sources by the same rule. A source is captured when its `capture` is `replication` (the default) and
 * some write-behind job reads it. The unit names the host and port as configured; when either is a secret
 * reference (its value is known only where a worker resolves it), the unit is `capture/<source name>:0`.
 * Sources that name the same host and port share one unit, hence one replication link.
 *
 * Also what both sides need of capture: a source's capture settings with their defaults, and the protocol of
 * snapshot requests (`ferry reset`) between the control plane and the capture task.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PipelineConfig, SourceConfig } from './config/index.js';
import { FerryError, InvalidArgumentError } from './errors.js';
import { captureUnit } from './leases/index.js';
import type { FerryKeys } from './redis-keys.js';

function isReference(value: string | number): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** The capture unit of a source (see the file comment). */
export function captureUnitOf(source: SourceConfig): string {
  if (isReference(source.host) || isReference(source.port)) return captureUnit(`${source.name}:0`);
  return captureUnit(`${source.host}:${String(source.port)}`);
}

/** Capture unit -> the names of the sources it captures (in config order); empty when nothing is captured. */
export function captureUnits(pipeline: PipelineConfig): Map<string, string[]> {
  const used = new Set<string>();
  for (const job of pipeline.jobs.values()) {
    if (job.kind === 'write-behind') used.add(job.source.connection);
  }
  const units = new Map<string, string[]>();
  for (const source of pipeline.sources.values()) {
    if (source.capture !== 'replication' || !used.has(source.name)) continue;
    const unit = captureUnitOf(source);
    units.set(unit, [...(units.get(unit) ?? []), source.name]);
  }
  return units;
}

/** A source's capture settings with their defaults (`on_flush`, `outage_window_s`; see SourceConfig). */
export interface CaptureSettings {
  onFlush: NonNullable<SourceConfig['onFlush']>;
  outageWindowS: number;
}

export const CaptureSourceDefaults: Readonly<CaptureSettings> = Object.freeze({
  onFlush: 'keep',
  outageWindowS: 300,
});

/** The capture settings of a source, defaults applied. */
export function captureSettings(source: SourceConfig): CaptureSettings {
  return {
    onFlush: source.onFlush ?? CaptureSourceDefaults.onFlush,
    outageWindowS: source.outageWindowS ?? CaptureSourceDefaults.outageWindowS,
  };
}

/**
 * Snapshot requests (`ferry reset`). The control plane writes the request's id into the capture position
 * hash of each link (`<prefix>:{capture}:<first source of the link>`, field `snapshotRequest`) and marks the
 * link's status as waiting for a snapshot (`snapshotDone` 0, `snapshotRequested` the id). The worker holding
 * the link's capture lease polls the field every second, runs a snapshot and a delete reconciliation when it
 * differs from the one it served last (field `snapshotServed`, written once both finished), and then records
 * the id in the status hash (`snapshotId`). A request written while no worker captures the link is served
 * when one starts.
 */
export const SnapshotRequestFields = Object.freeze({
  /** Position hash: the newest requested snapshot id. */
  request: 'snapshotRequest',
  /** Position hash: the id of the newest request served (snapshot and reconciliation finished). */
  served: 'snapshotServed',
});

/**
 * The capture links a reset of `jobs` (all jobs when empty) re-snapshots, each as the names of the sources it
 * reads (the first names the link's position and status). Throws InvalidArgumentError naming unknown jobs
 * and ingest jobs, FerryError FAILED_PRECONDITION when a job's source is not captured by Ferry or when the
 * pipeline captures nothing.
 */
export function snapshotLinks(pipeline: PipelineConfig, jobs: readonly string[]): string[][] {
  const links = [...captureUnits(pipeline).values()];
  if (jobs.length === 0) {
    if (links.length === 0) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        'the deployed pipeline captures no source from the replication stream (no write-behind job reads a ' +
          'source with capture: replication), so reset has nothing to snapshot',
      );
    }
    return links;
  }
  const unknown = jobs.filter((name) => !pipeline.jobs.has(name));
  if (unknown.length > 0) {
    const known = [...pipeline.jobs.keys()].join(', ') || 'none';
    throw new InvalidArgumentError(
      `${unknown.length === 1 ? 'no job is' : 'no jobs are'} named ${unknown.map((name) => JSON.stringify(name)).join(', ')} ` +
        `in the deployed pipeline; its jobs: ${known}`,
    );
  }
  const chosen: string[][] = [];
  for (const name of jobs) {
    const job = pipeline.jobs.get(name);
    if (job?.kind !== 'write-behind') {
      throw new InvalidArgumentError(
        `job ${JSON.stringify(name)} is an ingest job; reset re-snapshots the Redis keys of write-behind jobs`,
      );
    }
    const source = job.source.connection;
    const link = links.find((sources) => sources.includes(source));
    if (!link) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        `job ${JSON.stringify(name)} reads source ${JSON.stringify(source)}, whose capture is external: Ferry ` +
          'does not read its replication stream, so it cannot snapshot it; have whatever appends its change ' +
          'events send them again',
      );
    }
    if (!chosen.includes(link)) chosen.push(link);
  }
  return chosen;
}

/** A new snapshot id: the time in base 36 (so ids sort by time) and a random part. */
export function newSnapshotId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Where the control plane records snapshot requests: the state Redis (see SnapshotRequestFields). */
export class SnapshotRequests {
  readonly #redis: Redis;
  readonly #keys: FerryKeys;

  constructor(redis: Redis, keys: FerryKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Records the request `id` for each link, in one round trip. */
  async request(links: readonly (readonly string[])[], id: string): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const link of links) {
      const source = link[0];
      if (source === undefined) continue;
      pipeline.hset(this.#keys.capture.position(source), SnapshotRequestFields.request, id);
      pipeline.hset(this.#keys.status.capture(source), { snapshotDone: '0', snapshotRequested: id });
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }
}
