/** Pipeline files for tests: the example pipeline, read from examples/, and small variations of it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../common/proto.js';
import type { DeployRequestInput } from '../../clients/generated/ferry/v1/DeployRequest.js';

export interface PipelineDir {
  config: { name: string; content: string };
  jobs: { name: string; content: string }[];
}

/** Reads a pipeline directory (config.yaml and jobs/*.yaml) under examples/. */
export function examplePipeline(name = 'write-behind-emp'): PipelineDir {
  const dir = join(packageRoot(), 'examples', name);
  const jobs = readdirSync(join(dir, 'jobs'))
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => ({ name: `jobs/${file}`, content: readFileSync(join(dir, 'jobs', file), 'utf8') }));
  return { config: { name: 'config.yaml', content: readFileSync(join(dir, 'config.yaml'), 'utf8') }, jobs };
}

/** A deploy request for the example pipeline, optionally with one more job. */
export function deployRequest(
  extra: Partial<DeployRequestInput> = {},
  pipeline = examplePipeline(),
): DeployRequestInput {
  return { config: pipeline.config, jobs: pipeline.jobs, ...extra };
}
