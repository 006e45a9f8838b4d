/**
 * Checks that span files: what a job may reference in config.yaml (connections and sources, read straight
 * from config.yaml's AST so that a connection with a problem of its own does not also show up as "not
 * defined"), default connections, and job names (from file names, unique, matching `name:`).
 */
import { isMap, isScalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { MappingView } from './combinators.js';
import { CONNECTION_TYPES, RELATIONAL_CONNECTION_TYPES } from './model.js';
import type { ConnectionType, TargetDataType } from './model.js';
import type { FileContext, ProblemSink } from './yaml-source.js';

/** What config.yaml defines, as far as jobs are concerned. */
export interface ConfigCatalog {
  /** False when config.yaml could not be read: references from jobs are then not checked. */
  readable: boolean;
  /** Connection names (connections and targets) and their type, when the type is valid. */
  connections: ReadonlyMap<string, ConnectionType | undefined>;
  /** Source names. */
  sources: readonly string[];
  /** applier.target_data_type, or its default. */
  targetDataType: TargetDataType;
}

/** Reads the catalog from config.yaml's root mapping (undefined when config.yaml could not be read). */
export function catalogOf(ctx: FileContext, root: YAMLMap | undefined): ConfigCatalog {
  if (!root) return { readable: false, connections: new Map(), sources: [], targetDataType: 'hash' };
  const top = new MappingView(ctx, '', root);
  const connections = new Map<string, ConnectionType | undefined>();
  for (const section of ['connections', 'targets']) {
    for (const [name, node] of entriesOf(ctx, top, section)) {
      const type = isMap(node) ? scalarString(node.get('type', true)) : undefined;
      const known = CONNECTION_TYPES.find((candidate) => candidate === type);
      if (!connections.has(name)) connections.set(name, known);
    }
  }
  const sources = entriesOf(ctx, top, 'sources').map(([name]) => name);
  let targetDataType: TargetDataType = 'hash';
  for (const section of ['applier', 'processors']) {
    const applier = top.has(section) ? top.valueNode(section) : undefined;
    const value = isMap(applier) ? scalarString(applier.get('target_data_type', true)) : undefined;
    if (value === 'hash' || value === 'json') targetDataType = value;
  }
  return { readable: true, connections, sources, targetDataType };
}

function entriesOf(ctx: FileContext, top: MappingView, section: string): [string, Node][] {
  const node = top.has(section) ? top.valueNode(section) : undefined;
  if (!isMap(node)) return [];
  const view = new MappingView(ctx, section, node);
  return view.keys().map((name) => [name, view.valueNode(name)]);
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function listOf(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? 'none' : list.join(', ');
}

/**
 * Why `name` cannot be the connection of an output block, or undefined when it can (or cannot be told
 * because config.yaml is unreadable or the connection's own type is wrong).
 */
export function connectionReferenceProblem(
  catalog: ConfigCatalog,
  name: string,
  uses: 'relational.write' | 'redis.write',
): string | undefined {
  if (!catalog.readable) return undefined;
  if (!catalog.connections.has(name)) {
    return `connection "${name}" is not defined in config.yaml; defined: ${listOf(catalog.connections.keys())}`;
  }
  const type = catalog.connections.get(name);
  if (type === undefined) return undefined;
  if (uses === 'relational.write' && type === 'redis') {
    return `connection "${name}" is a redis connection; relational.write needs a ${RELATIONAL_CONNECTION_TYPES.join(', ').replace(/, (\w+)$/, ' or $1')} connection`;
  }
  if (uses === 'redis.write' && type !== 'redis') {
    return `connection "${name}" is a ${type} connection; redis.write needs a redis connection`;
  }
  return undefined;
}

/**
 * The connection a redis.write without `connection` writes to: the only redis connection, else the one named
 * `target` (RDI's default). A message instead when there is none to choose.
 */
export function defaultRedisConnection(catalog: ConfigCatalog): { name: string } | { problem: string } {
  const redis = [...catalog.connections].filter(([, type]) => type === 'redis').map(([name]) => name);
  const [only, other] = redis;
  if (only !== undefined && other === undefined) return { name: only };
  if (catalog.connections.has('target')) {
    const type = catalog.connections.get('target');
    if (type === undefined || type === 'redis') return { name: 'target' };
    return {
      problem: `missing required field "connection": the default connection "target" is a ${type} connection, not redis`,
    };
  }
  if (!catalog.readable) return { name: 'target' };
  const why =
    redis.length === 0 ? 'no redis connection' : `${redis.length} redis connections (${listOf(redis)})`;
  return {
    problem: `missing required field "connection": config.yaml defines ${why} and none named "target"`,
  };
}

/** The source a write-behind job without `connection` captures from, or a message when it cannot be chosen. */
export function defaultSource(catalog: ConfigCatalog): { name: string } | { problem: string } {
  const [only, other] = catalog.sources;
  if (only !== undefined && other === undefined) return { name: only };
  if (!catalog.readable) return { name: '' };
  if (only === undefined) {
    return {
      problem: 'config.yaml defines no sources; add the Redis database to capture from under sources',
    };
  }
  return {
    problem: `missing required field "connection": config.yaml defines ${catalog.sources.length} sources (${listOf(catalog.sources)})`,
  };
}

/** Why `name` cannot be a write-behind job's source, or undefined when it can. */
export function sourceReferenceProblem(catalog: ConfigCatalog, name: string): string | undefined {
  if (!catalog.readable || catalog.sources.includes(name)) return undefined;
  return `source "${name}" is not defined in config.yaml; defined: ${listOf(catalog.sources)}`;
}

/** `jobs/emp.yaml` -> `emp`: the file's base name without `.yaml` / `.yml`. */
export function jobNameOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.ya?ml$/i, '');
}

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Problems with a job file's name itself: extension and characters (names end up in Redis keys). */
export function jobFileNameProblem(fileName: string): string | undefined {
  if (!/\.ya?ml$/i.test(fileName)) return 'a job file must be named jobs/<name>.yaml or jobs/<name>.yml';
  if (!JOB_NAME.test(jobNameOf(fileName))) {
    return `job name "${jobNameOf(fileName)}" must start with a letter or digit and hold only letters, digits, "_", "-" and "."`;
  }
  return undefined;
}

/** A job file as seen by the duplicate check: its name, and where `name:` is written, if it is. */
export interface JobIdentity {
  file: string;
  name: string;
  nameNode?: { ctx: FileContext; node: Node };
}

/** Reports every job whose name an earlier file already has, on the later file. */
export function reportDuplicateJobNames(jobs: readonly JobIdentity[], sink: ProblemSink): void {
  const firstFile = new Map<string, string>();
  for (const job of jobs) {
    const earlier = firstFile.get(job.name);
    if (earlier === undefined) {
      firstFile.set(job.name, job.file);
      continue;
    }
    const message = `duplicate job name "${job.name}": ${earlier} defines it already`;
    if (job.nameNode) job.nameNode.ctx.problem(job.nameNode.node, 'name', message);
    else sink.problems.push({ file: job.file, line: 0, column: 0, path: '', message });
  }
}
