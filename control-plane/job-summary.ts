/** A compiled job -> its one-line summary (ListJobs) and its JSON-able description (DescribeJob). */
import type { JobConfig } from '../common/config/index.js';
import type { JobSummary } from '../clients/generated/ferry/v1/JobSummary.js';

export function summarizeJob(job: JobConfig): JobSummary {
  if (job.kind === 'write-behind') {
    return {
      name: job.name,
      kind: 'JOB_KIND_WRITE_BEHIND',
      source: job.source.keyPattern,
      targets: job.output.map(
        (output) => `${output.connection}/${output.schema ? `${output.schema}.` : ''}${output.table}`,
      ),
      transformCount: job.transform.length,
      outputCount: job.output.length,
    };
  }
  const { serverName, schema, table } = job.source;
  return {
    name: job.name,
    kind: 'JOB_KIND_INGEST',
    source: [serverName, schema, table].filter((part) => part !== undefined && part !== '').join('.'),
    targets: job.output.map((output) => `${output.connection}/${output.dataType}`),
    transformCount: job.transform.length,
    outputCount: job.output.length,
  };
}

/** The job as Ferry runs it, defaults applied, as plain JSON (Maps and undefined fields dropped). */
export function describeJob(job: JobConfig): unknown {
  return JSON.parse(JSON.stringify(job)) as unknown;
}
