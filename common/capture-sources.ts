/**
 * Which sources Ferry captures from the replication stream, and the capture lease unit of each: the leader
 * assigns one `capture/<host>:<port>` unit per source master, and the worker that holds it maps the unit back
 * to its sources by the same rule. A source is captured when its `capture` is `replication` (the default) and
 * some write-behind job reads it. The unit names the host and port as configured; when either is a secret
 * reference (its value is known only where a worker resolves it), the unit is `capture/<source name>:0`.
 * Sources that name the same host and port share one unit, hence one replication link.
 */
import type { PipelineConfig, SourceConfig } from './config/index.js';
import { captureUnit } from './leases/index.js';

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
