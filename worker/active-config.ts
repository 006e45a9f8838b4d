/**
 * The configuration version a worker applies with: the deployed files compiled again, the write-behind jobs
 * turned into ApplyJobs, and the problems that stop apply (a target type without a writer yet). Workers pick
 * up a new version between batches.
 */
import type { ApplierOptions, PipelineConfig } from '../common/config/index.js';
import { parsePipeline } from '../common/config/index.js';
import type { PipelineFiles } from '../common/config/index.js';
import { compileKeyPattern } from './apply/key-pattern.js';
import type { KeyPattern } from './apply/key-pattern.js';
import type { ApplyJob } from './apply/types.js';
import type { TransformBlock } from '../common/config/job-model.js';
import { scriptFileName, scriptSource } from '../common/config/index.js';
import type { ApplyTransform } from './transform/chain.js';

export interface ActiveConfig {
  version: number;
  pipeline: PipelineConfig;
  applier: ApplierOptions;
  partitions: number;
  /** Write-behind jobs with at least one relational output, in config order. */
  jobs: ApplyJob[];
  patterns: KeyPattern[];
  /**
   * Why apply cannot run with this version (it pauses rather than drop changes), e.g. a job writing to a
   * target type Ferry cannot write yet; empty when it can.
   */
  blockers: string[];
}

const STRATEGIES = { UPSERT: 'upsert', REPLACE: 'replace', APPEND: 'append', TYPE2: 'type2' } as const;

/** A transform block as the tasks take it; a js `file` is read from the deployed files (else: the problem). */
function applyTransform(
  block: TransformBlock,
  jobFile: string,
  files: PipelineFiles,
): ApplyTransform | string {
  if (block.uses !== 'js') return block;
  const base = { timeoutMs: block.timeoutMs, memoryMb: block.memoryMb };
  if (block.script.kind === 'inline') {
    return { uses: 'js', code: scriptSource(block.script.code), filename: jobFile, ...base };
  }
  const name = scriptFileName(jobFile, block.script.path);
  const file = files.jobs.find((candidate) => candidate.name === name);
  if (!file) return `the js transform's file ${name} was not deployed with the pipeline`;
  return { uses: 'js', code: scriptSource(file.content), filename: name, ...base };
}

/** The target types the apply engine writes today. */
const WRITABLE_TYPES = new Set(['mysql', 'mariadb']);

export function activateConfig(version: number, files: PipelineFiles): ActiveConfig {
  const pipeline = parsePipeline(files);
  const jobs: ApplyJob[] = [];
  const blockers: string[] = [];
  for (const job of pipeline.jobs.values()) {
    if (job.kind !== 'write-behind') continue;
    const outputs: ApplyJob['outputs'] = [];
    for (const output of job.output) {
      const connection = pipeline.connections.get(output.connection);
      if (!connection || !WRITABLE_TYPES.has(connection.type)) {
        blockers.push(
          `job ${job.name}: connection ${output.connection} is ${connection?.type ?? 'missing'}; this version ` +
            'of Ferry writes to mysql and mariadb targets only. Deploy a configuration without it; the change ' +
            'log keeps the changes meanwhile',
        );
        continue;
      }
      outputs.push({
        connection: output.connection,
        table:
          output.schema === undefined
            ? { table: output.table }
            : { schema: output.schema, table: output.table },
        keys: output.keys.map(({ target, expression }) => ({ target, expression })),
        mapping: output.mapping.map(({ target, expression }) => ({ target, expression })),
        ...(output.foreach
          ? { foreach: { alias: output.foreach.column, expression: output.foreach.expression } }
          : {}),
        ...(output.opcodeField === undefined ? {} : { opcodeField: output.opcodeField }),
        strategy: STRATEGIES[output.loadStrategy],
        ...(output.loadStrategy === 'TYPE2'
          ? {
              type2: {
                activeCondition: output.activeRecordIndicator ?? '',
                closeOut: output.inactiveRecordMapping.map(({ column, sql }) => ({ column, sql })),
              },
            }
          : {}),
      });
      if (output.keys.length === 0 && output.loadStrategy !== 'APPEND') {
        blockers.push(
          `job ${job.name}: relational.write to ${output.table} needs keys: the columns that identify a row`,
        );
      }
    }
    const transform: ApplyTransform[] = [];
    for (const block of job.transform) {
      const compiled = applyTransform(block, job.file, files);
      if (typeof compiled === 'string') blockers.push(`job ${job.name}: ${compiled}`);
      else transform.push(compiled);
    }
    jobs.push({
      name: job.name,
      keyPattern: job.source.keyPattern,
      db: job.source.db,
      source: job.source.connection,
      excludeCommands: [...job.source.excludeCommands],
      transform,
      outputs,
    });
  }
  return {
    version,
    pipeline,
    applier: pipeline.applier,
    partitions: pipeline.changeLog.partitions,
    jobs,
    patterns: jobs.map((job) => compileKeyPattern(job.keyPattern)),
    blockers,
  };
}
