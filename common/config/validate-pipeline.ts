/**
 * Validation of a whole pipeline: config.yaml and every job file are read, checked and compiled, problems of
 * all files are collected (never only the first) and sorted by file, line and column. The pipeline is
 * returned only when there is no problem at all; warnings never block it.
 */
import { ConfigValidationError } from '../errors.js';
import type { ConfigProblem } from '../errors.js';
import { decodeConfigFile } from './config-schema.js';
import type { ConfigFile } from './config-schema.js';
import { catalogOf, jobFileNameProblem, jobNameOf, reportDuplicateJobNames } from './cross-file-checks.js';
import type { JobIdentity } from './cross-file-checks.js';
import { checkJobExpressions } from './expression-checks.js';
import { decodeJobFile, jobNameNode } from './job-schema.js';
import { checkScriptFiles, isScriptFile } from './script-files.js';
import type { JobConfig } from './job-model.js';
import type { PipelineConfig } from './model.js';
import { scanSecretReferences } from './secret-references.js';
import type { SecretReference } from './secret-references.js';
import { readSourceFile } from './yaml-source.js';
import type { ProblemSink, SourceFile } from './yaml-source.js';

/** The files of a pipeline as deployed. */
export interface PipelineFiles {
  /** config.yaml. */
  config: SourceFile;
  /** One file per job, `jobs/<name>.yaml`. */
  jobs: SourceFile[];
}

/** The outcome of a validation. */
export interface ValidationResult {
  /** Every problem of every file, sorted by file (config.yaml first), line and column. */
  problems: ConfigProblem[];
  /** Settings that are legal but probably not what was meant; same order. */
  warnings: ConfigProblem[];
  /** The compiled pipeline, only when `problems` is empty. */
  pipeline: PipelineConfig | undefined;
}

/** Checks and compiles a pipeline; never throws for a bad configuration. */
export function validatePipeline(files: PipelineFiles): ValidationResult {
  const sink: ProblemSink = { problems: [], warnings: [] };
  const config = readSourceFile(files.config, sink);
  let configFile: ConfigFile | undefined;
  if (config.root) {
    configFile = decodeConfigFile(config.context, config.root);
    scanSecretReferences(config.context, config.root);
  }
  const catalog = catalogOf(config.context, config.root);

  const jobs = new Map<string, JobConfig>();
  const identities: JobIdentity[] = [];
  // JavaScript files next to the jobs are scripts of js transform blocks, not jobs.
  const scripts = new Map(
    files.jobs.filter((file) => isScriptFile(file.name)).map((file) => [file.name, file.content] as const),
  );
  for (const file of files.jobs) {
    if (isScriptFile(file.name)) continue;
    const name = jobNameOf(file.name);
    const fileNameProblem = jobFileNameProblem(file.name);
    if (fileNameProblem)
      sink.problems.push({ file: file.name, line: 0, column: 0, path: '', message: fileNameProblem });
    const { context, root } = readSourceFile(file, sink);
    const nameNode = jobNameNode(context, root);
    identities.push({
      file: file.name,
      name,
      ...(nameNode && { nameNode: { ctx: context, node: nameNode } }),
    });
    if (!root) continue;
    scanSecretReferences(context, root);
    const before = context.problemCount;
    const job = decodeJobFile(context, root, { name, catalog });
    // Expressions are compiled only in a job that decoded cleanly: a bad `language` would misreport them.
    if (job && context.problemCount === before) {
      checkJobExpressions(context, root, job);
      checkScriptFiles(context, root, job, scripts);
    }
    if (job && !jobs.has(name)) jobs.set(name, job);
  }
  reportDuplicateJobNames(identities, sink);

  const order = fileOrder(files);
  const problems = sortByPosition(sink.problems, order);
  const warnings = sortByPosition(sink.warnings, order);
  const pipeline = problems.length === 0 && configFile ? { ...configFile, jobs } : undefined;
  return { problems, warnings, pipeline };
}

/** Like validatePipeline, but throws ConfigValidationError (code INVALID_CONFIG) listing every problem. */
export function parsePipeline(files: PipelineFiles): PipelineConfig {
  const { problems, pipeline } = validatePipeline(files);
  if (problems.length > 0 || !pipeline) throw new ConfigValidationError(problems);
  return pipeline;
}

/** Every well-formed secret reference of the pipeline's files, in file and line order. Resolves nothing. */
export function findSecretReferences(files: PipelineFiles): SecretReference[] {
  const references: SecretReference[] = [];
  for (const file of [files.config, ...files.jobs.filter((job) => !isScriptFile(job.name))]) {
    // Problems are validatePipeline's business; a file that does not parse simply has no references here.
    const { context, root } = readSourceFile(file, { problems: [], warnings: [] });
    if (root) references.push(...scanSecretReferences(context, root));
  }
  return sortByPosition(references, fileOrder(files));
}

/** config.yaml first, then the job files by name. */
function fileOrder(files: PipelineFiles): (file: string) => string {
  return (file) => (file === files.config.name ? `0${file}` : `1${file}`);
}

function sortByPosition<T extends { file: string; line: number; column: number }>(
  items: readonly T[],
  fileKey: (file: string) => string,
): T[] {
  return [...items].sort((a, b) => {
    const fileA = fileKey(a.file);
    const fileB = fileKey(b.file);
    if (fileA !== fileB) return fileA < fileB ? -1 : 1;
    return a.line - b.line || a.column - b.column;
  });
}
