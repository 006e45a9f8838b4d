/**
 * Reading one pipeline file: YAML text -> a positioned yaml Document, plus the problems that concern the file
 * as a document (syntax errors, empty file, several documents, a document that is not a mapping, duplicate
 * keys). Everything after this works on the AST, so that every problem can carry a line and column.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { Document, Node, YAMLError, YAMLMap } from 'yaml';
import type { ConfigProblem } from '../errors.js';

/** One file of a pipeline as deployed. */
export interface SourceFile {
  /** `config.yaml` or `jobs/<name>.yaml`; used as is in every problem. */
  name: string;
  /** The YAML text. */
  content: string;
}

/** Where problems and warnings are collected; shared by all files of one validation. */
export interface ProblemSink {
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** A parsed file and the means to report problems against its text. */
export class FileContext {
  constructor(
    readonly file: string,
    readonly content: string,
    readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly sink: ProblemSink,
  ) {}

  /** Number of problems recorded so far (all files): lets a caller tell whether a step found something. */
  get problemCount(): number {
    return this.sink.problems.length;
  }

  /** 1-based line and column of an offset in the file's text. */
  positionOf(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** Records a problem at a node's first character (or at an explicit offset). */
  problem(at: Node | number, path: string, message: string): void {
    this.sink.problems.push(this.locate(at, path, message));
  }

  /** Records a warning: something legal that probably does not do what its author meant. */
  warning(at: Node | number, path: string, message: string): void {
    this.sink.warnings.push(this.locate(at, path, message));
  }

  /** Follows an alias (`*name`) to the node its anchor names; other nodes are returned as they are. */
  deref(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
  }

  private locate(at: Node | number, path: string, message: string): ConfigProblem {
    const offset = typeof at === 'number' ? at : (at.range?.[0] ?? 0);
    return { file: this.file, ...this.positionOf(offset), path, message };
  }
}

/**
 * Parses a file and reports document-level problems. Returns the context and the root mapping, or no root
 * when the file cannot be validated further (syntax error, empty, not a mapping).
 */
export function readSourceFile(
  file: SourceFile,
  sink: ProblemSink,
): { context: FileContext; root: YAMLMap | undefined } {
  const lineCounter = new LineCounter();
  // uniqueKeys is off so that duplicates are reported here, with the path and the line of the first one.
  const options = { lineCounter, uniqueKeys: false, prettyErrors: true } as const;
  const documents = parseAllDocuments(file.content, options);
  const docs = Array.isArray(documents) ? documents : [];
  const first = docs[0];
  if (!first) {
    // No document at all: nothing or only comments. parseDocument still gives a Document to hang context on.
    const context = new FileContext(file.name, file.content, parseDocument(file.content), lineCounter, sink);
    sink.problems.push({ file: file.name, line: 0, column: 0, path: '', message: 'the file is empty' });
    return { context, root: undefined };
  }
  const context = new FileContext(file.name, file.content, first, lineCounter, sink);
  let syntaxOk = true;
  for (const doc of docs) {
    if (reportYamlErrors(context, doc.errors, sink.problems)) syntaxOk = false;
    reportYamlErrors(context, doc.warnings, sink.warnings);
  }
  const second = docs[1];
  if (second) {
    context.problem(
      second.range[0],
      '',
      `the file holds ${docs.length} YAML documents; a pipeline file must hold exactly one (remove the "---" separator)`,
    );
  }
  if (!syntaxOk) return { context, root: undefined };
  const contents = first.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    sink.problems.push({ file: file.name, line: 0, column: 0, path: '', message: 'the file is empty' });
    return { context, root: undefined };
  }
  if (!isMap(contents)) {
    context.problem(contents, '', `must be a mapping (got ${describeNode(contents)})`);
    return { context, root: undefined };
  }
  reportDuplicateKeys(context, contents, '');
  return { context, root: contents };
}

/** Reports the yaml library's errors or warnings with its position and a message without the code frame. */
function reportYamlErrors(
  context: FileContext,
  errors: readonly YAMLError[],
  into: ConfigProblem[],
): boolean {
  const seen = new Set<string>();
  for (const error of errors) {
    const where = error.linePos?.[0] ?? context.positionOf(error.pos[0]);
    const line = where.line;
    const column = 'col' in where ? where.col : where.column;
    // The library often reports one mistake twice at the same place; the first message is the clearer one.
    const key = `${line}:${column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    into.push({ file: context.file, line, column, path: '', message: cleanYamlMessage(error.message) });
  }
  return errors.length > 0;
}

/** `Missing closing "quote at line 2, column 1:\n\n<code frame>` -> `missing closing "quote`. */
export function cleanYamlMessage(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? '';
  const text = firstLine.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
  if (text.length > 1 && /[a-z]/.test(text[1] ?? '')) return text[0]?.toLowerCase() + text.slice(1);
  return text;
}

/** Walks every mapping of the document and reports a key given twice in the same mapping. */
function reportDuplicateKeys(context: FileContext, node: Node, path: string): void {
  if (isMap(node)) {
    const firstLines = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = context.deref(pair.key);
      const key = keyText(keyNode);
      if (key === undefined && keyNode) context.problem(keyNode, path, 'keys must be plain names');
      if (key !== undefined && keyNode) {
        const earlier = firstLines.get(key);
        if (earlier === undefined) {
          firstLines.set(key, context.positionOf(keyNode.range?.[0] ?? 0).line);
        } else {
          context.problem(keyNode, path, `duplicate key "${key}" (first given on line ${earlier})`);
        }
      }
      const value = isAlias(pair.value) ? null : context.deref(pair.value);
      if (value && key !== undefined) reportDuplicateKeys(context, value, joinPath(path, key));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const value = isAlias(item) ? null : context.deref(item);
      if (value) reportDuplicateKeys(context, value, `${path}[${index}]`);
    });
  }
}

/** `a` + `b` -> `a.b`; `` + `b` -> `b`. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** How a node is named in a message: `a mapping`, `a list`, or the scalar as written (JSON-quoted strings). */
export function describeNode(node: Node | null, options: { sensitive?: boolean } = {}): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node)) return 'an alias';
  const value = node.value;
  if (value === null) return 'null';
  if (options.sensitive) return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === 'number' && node.source) return node.source;
  return keyText(node) ?? 'a value';
}

/** A mapping key as text: scalar keys (`db`, `1`, `true`) only; undefined for null and complex keys. */
export function keyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}
