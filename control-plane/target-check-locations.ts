/**
 * Where a check of the targets reports what it finds: at the same file, line, column and path as the offline
 * validation's problems (common/config), so that both kinds read alike and editors jump to the same places.
 * The compiled configuration keeps no positions, so the files are read again, the way validation reads them.
 */
import { isMap, isPair, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { ConfigProblem, PipelineFiles } from '../common/config/index.js';
// Not exported by common/config's index: reading a file with validation's own reader gives the same positions.
import { joinPath, keyText, readSourceFile } from '../common/config/yaml-source.js';
import type { FileContext } from '../common/config/yaml-source.js';

/** A step into a YAML document: a mapping key, or a list index. */
export type PathStep = string | number;

interface ReadFile {
  context: FileContext;
  root: YAMLMap | undefined;
}

/** `['output', 0, 'with', 'mapping', 2]` -> `output[0].with.mapping[2]`, the path form of ConfigProblem. */
export function formatPath(steps: readonly PathStep[]): string {
  return steps.reduce<string>(
    (path, step) => (typeof step === 'number' ? `${path}[${step}]` : joinPath(path, step)),
    '',
  );
}

/** Locates problems in the files of one pipeline; each file is parsed once, on first use. */
export class ProblemLocator {
  readonly #files: PipelineFiles;
  readonly #read = new Map<string, ReadFile>();

  constructor(files: PipelineFiles) {
    this.#files = files;
  }

  /**
   * A problem at the node `steps` lead to in `file`. When the path does not go all the way (a setting left
   * out, such as an absent `mapping`), the position is that of the deepest node that exists; the path is
   * always the one asked for.
   */
  problem(file: string, steps: readonly PathStep[], message: string): ConfigProblem {
    const read = this.#file(file);
    const path = formatPath(steps);
    if (!read?.root) return { file, line: 0, column: 0, path, message };
    const node = deepestNode(read.context, read.root, steps);
    return { file, ...read.context.positionOf(node.range?.[0] ?? 0), path, message };
  }

  /** Whether `steps` lead to a node of `file` (e.g. to tell `connections.x` from RDI's `targets.x`). */
  hasChild(file: string, steps: readonly PathStep[]): boolean {
    const read = this.#file(file);
    if (!read?.root) return false;
    let node: Node | null = read.root;
    for (const step of steps) {
      node = child(read.context, node, step);
      if (!node) return false;
    }
    return true;
  }

  #file(name: string): ReadFile | undefined {
    let read = this.#read.get(name);
    if (!read) {
      const source = [this.#files.config, ...this.#files.jobs].find((file) => file.name === name);
      if (!source) return undefined;
      // Validation has already reported anything wrong with the files; only positions are wanted here.
      read = readSourceFile(source, { problems: [], warnings: [] });
      this.#read.set(name, read);
    }
    return read;
  }
}

function deepestNode(context: FileContext, root: Node, steps: readonly PathStep[]): Node {
  let node = root;
  for (const step of steps) {
    const next = child(context, node, step);
    if (!next) break;
    node = next;
  }
  return node;
}

/** The value under a key of a mapping, or an item of a list (aliases followed), or null. */
function child(context: FileContext, node: Node, step: PathStep): Node | null {
  if (typeof step === 'number') {
    return isSeq(node) ? context.deref(node.items[step]) : null;
  }
  if (!isMap(node)) return null;
  for (const pair of node.items) {
    if (isPair(pair) && keyText(context.deref(pair.key)) === step) return context.deref(pair.value);
  }
  return null;
}
