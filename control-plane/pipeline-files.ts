/**
 * A deploy's files as they arrive over gRPC -> the normalized PipelineFiles that are validated and stored:
 * config.yaml under its fixed name, job files under jobs/, and a content hash that does not depend on the
 * order the files were sent in.
 */
import { createHash } from 'node:crypto';
import type { PipelineFiles, SourceFile } from '../common/config/index.js';
import { InvalidArgumentError } from '../common/errors.js';

/** A file as a client sends it (every field optional on the wire). */
export interface IncomingFile {
  name?: string | undefined;
  content?: string | undefined;
}

const JOB_FILE = /^(?:jobs\/)?([A-Za-z0-9][A-Za-z0-9_.-]*)\.(ya?ml|m?js)$/;
/** The most a deploy may carry: Redis keeps every version, and a pipeline is text. */
const MAX_TOTAL_BYTES = 4 * 1024 * 1024;

/** Normalizes names; throws InvalidArgumentError for names that cannot be a pipeline's files. */
export function normalizePipelineFiles(
  config: IncomingFile | null | undefined,
  jobs: readonly IncomingFile[],
): PipelineFiles {
  const configName = config?.name ? config.name : 'config.yaml';
  if (configName !== 'config.yaml') {
    throw new InvalidArgumentError(
      `the configuration file must be named config.yaml (got ${JSON.stringify(configName)})`,
    );
  }
  let total = 0;
  const normalizedJobs: SourceFile[] = jobs.map((job, index) => {
    const name = job.name ?? '';
    const match = JOB_FILE.exec(name);
    if (!match) {
      throw new InvalidArgumentError(
        `jobs[${index}].name must be a file name like "emp.yaml" or "jobs/emp.yaml", or a script like ` +
          `"jobs/emp.js" (got ${JSON.stringify(name)})`,
      );
    }
    total += Buffer.byteLength(job.content ?? '');
    return { name: `jobs/${match[1]}.${match[2]}`, content: job.content ?? '' };
  });
  total += Buffer.byteLength(config?.content ?? '');
  if (total > MAX_TOTAL_BYTES) {
    throw new InvalidArgumentError(
      `the pipeline's files add up to ${total} bytes; the limit is ${MAX_TOTAL_BYTES}`,
    );
  }
  const seen = new Set<string>();
  for (const job of normalizedJobs) {
    if (seen.has(job.name)) throw new InvalidArgumentError(`the job file ${job.name} is sent twice`);
    seen.add(job.name);
  }
  normalizedJobs.sort((a, b) => a.name.localeCompare(b.name));
  return { config: { name: 'config.yaml', content: config?.content ?? '' }, jobs: normalizedJobs };
}

/** `sha256:<hex>` over every file's name and content; the same files give the same hash in any order. */
export function contentHash(files: PipelineFiles): string {
  const hash = createHash('sha256');
  for (const file of [files.config, ...[...files.jobs].sort((a, b) => a.name.localeCompare(b.name))]) {
    hash.update(`${file.name}\0${Buffer.byteLength(file.content)}\0${file.content}\0`);
  }
  return `sha256:${hash.digest('hex')}`;
}
