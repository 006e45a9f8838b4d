/**
 * A pipeline directory on disk, as RDI lays it out: `config.yaml` and one file per job under `jobs/`
 * (`*.yaml` or `*.yml`). Read for deploy and validate; written by get-config --out and scaffold.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PipelineFileInput } from '../generated/ferry/v1/PipelineFile.js';
import { CliInputError } from './errors.js';

/** One file of a pipeline, named relative to the pipeline's directory (`config.yaml`, `jobs/emp.yaml`). */
export interface PipelineFileText {
  name: string;
  content: string;
}

export interface PipelineDir {
  /** The directory, absolute. */
  path: string;
  config: PipelineFileText;
  /** Sorted by name. */
  jobs: PipelineFileText[];
}

/** Job files, and the scripts of js transform blocks next to them. */
const JOB_FILE = /\.(ya?ml|m?js)$/;

/** Reads `dir` (relative to `cwd`). Throws CliInputError naming the path when it is not a pipeline. */
export function readPipelineDir(dir: string, cwd: string): PipelineDir {
  const path = resolve(cwd, dir);
  if (!isDirectory(path)) {
    throw new CliInputError(
      `${path} is not a directory; create a pipeline there with: ferry scaffold ${dir}`,
    );
  }
  const configPath = join(path, 'config.yaml');
  let config: string;
  try {
    config = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new CliInputError(
      `cannot read ${configPath} (${errnoText(error)}); a pipeline directory holds config.yaml and jobs/*.yaml ` +
        `(ferry scaffold DIR writes a starter one)`,
    );
  }
  const jobsPath = join(path, 'jobs');
  const jobNames = isDirectory(jobsPath) ? readdirSync(jobsPath).filter((name) => JOB_FILE.test(name)) : [];
  const jobs = jobNames.sort().map((name) => {
    const file = join(jobsPath, name);
    try {
      return { name: `jobs/${name}`, content: readFileSync(file, 'utf8') };
    } catch (error) {
      throw new CliInputError(`cannot read ${file} (${errnoText(error)})`);
    }
  });
  return { path, config: { name: 'config.yaml', content: config }, jobs };
}

/** The directory's files as DeployRequest/ValidateRequest fields. */
export function toRequestFiles(pipeline: PipelineDir): {
  config: PipelineFileInput;
  jobs: PipelineFileInput[];
} {
  return { config: pipeline.config, jobs: pipeline.jobs };
}

/**
 * Writes files under `dir` (relative to `cwd`), creating folders. Refuses, before writing anything, when a file
 * exists and `overwrite` is not set. Returns the absolute directory.
 */
export function writePipelineFiles(
  dir: string,
  cwd: string,
  files: readonly PipelineFileText[],
  options: { overwrite: boolean; hint: string },
): string {
  const path = resolve(cwd, dir);
  for (const file of files) assertInside(path, file.name);
  if (!options.overwrite) {
    const existing = files.map((file) => join(path, file.name)).filter((file) => exists(file));
    if (existing.length > 0) {
      throw new CliInputError(`refusing to overwrite ${existing.join(', ')}; ${options.hint}`);
    }
  }
  for (const file of files) {
    const target = join(path, file.name);
    try {
      mkdirSync(dirname(target), { recursive: true });
      // Byte for byte: the same files redeploy with the same content hash.
      writeFileSync(target, file.content);
    } catch (error) {
      throw new CliInputError(`cannot write ${target} (${errnoText(error)})`);
    }
  }
  return path;
}

/** A file name from the server must stay inside the directory it is written to. */
function assertInside(dir: string, name: string): void {
  const target = resolve(dir, name);
  if (!target.startsWith(`${dir}/`) && !target.startsWith(`${dir}\\`)) {
    throw new CliInputError(`refusing to write ${JSON.stringify(name)}: it is outside ${dir}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
