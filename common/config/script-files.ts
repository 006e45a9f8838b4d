/**
 * JavaScript files deployed next to the jobs (`jobs/<name>.js`) hold the code of `js` transform blocks that
 * say `file: <name>.js`. A block's file is looked up relative to its job's folder; one that was not deployed
 * is a problem of the job file, at the `file` field.
 */
import { Script } from 'node:vm';
import type { Node, YAMLMap } from 'yaml';
import type { JobConfig } from './job-model.js';
import type { FileContext } from './yaml-source.js';

const SCRIPT = /\.(m?js)$/i;

export function isScriptFile(name: string): boolean {
  return SCRIPT.test(name);
}

/** The deployed name of a js block's `file`, relative to the job file's folder: `jobs/emp.yaml` + `emp.js`. */
export function scriptFileName(jobFile: string, path: string): string {
  const folder = jobFile.includes('/') ? jobFile.slice(0, jobFile.lastIndexOf('/') + 1) : 'jobs/';
  const relative = path.replace(/^\.\//, '');
  return relative.startsWith(folder) ? relative : `${folder}${relative}`;
}

/**
 * Whether `code` parses as a script that declares `transform`; undefined when it does, else the problem.
 * Only compiled, never run (node:vm's Script parses without executing): the sandbox runs it in the worker.
 */
export function scriptProblem(code: string, filename: string): string | undefined {
  try {
    new Script(scriptSource(code), { filename });
  } catch (error) {
    const stack = error instanceof Error ? (error.stack ?? '') : '';
    const [where, source, caret] = stack.split('\n');
    const line = /:(\d+)$/.exec(where ?? '')?.[1];
    const column = caret?.indexOf('^') ?? -1;
    const position = line ? ` at line ${line}${column >= 0 ? `, column ${column + 1}` : ''}` : '';
    const shown = source?.trim() ? ` (near ${JSON.stringify(source.trim().slice(0, 60))})` : '';
    return `the script does not compile: ${(error as Error).message}${position}${shown}`;
  }
  return undefined;
}

const DECLARES_TRANSFORM = /\bfunction\s+transform\s*\(|\b(?:const|let|var)\s+transform\s*=/;

/**
 * The script the sandbox runs: the code as written when it declares `transform`; otherwise the code is the
 * function's body (`return {...record, x: 1};`, as short jobs write it), wrapped on its first line so that
 * line numbers stay those of the code.
 */
export function scriptSource(code: string): string {
  return DECLARES_TRANSFORM.test(code) ? code : `function transform(record, meta) { ${code}\n}`;
}

export function checkScriptFiles(
  ctx: FileContext,
  root: YAMLMap,
  job: JobConfig,
  scripts: ReadonlyMap<string, string>,
): void {
  job.transform.forEach((block, index) => {
    if (block.uses !== 'js') return;
    if (block.script.kind === 'inline') {
      const problem = scriptProblem(block.script.code, job.file);
      if (problem)
        ctx.problem(
          nodeOr(root, ['transform', index, 'with', 'code']),
          `transform[${index}].with.code`,
          problem,
        );
      return;
    }
    const name = scriptFileName(job.file, block.script.path);
    const code = scripts.get(name);
    if (code !== undefined) {
      const problem = scriptProblem(code, name);
      if (problem) {
        ctx.problem(
          nodeOr(root, ['transform', index, 'with', 'file']),
          `transform[${index}].with.file`,
          `${name}: ${problem}`,
        );
      }
      return;
    }
    const node = root.getIn(['transform', index, 'with', 'file'], true);
    const known = [...scripts.keys()].sort();
    ctx.problem(
      node && typeof node === 'object' && 'range' in node ? (node as never) : root,
      `transform[${index}].with.file`,
      `${name} is not part of the pipeline; put the script next to the job file` +
        (known.length > 0 ? ` (deployed scripts: ${known.join(', ')})` : ''),
    );
  });
}

function nodeOr(root: YAMLMap, path: (string | number)[]): Node {
  const node: unknown = root.getIn(path, true);
  return node && typeof node === 'object' && 'range' in node ? (node as Node) : root;
}
