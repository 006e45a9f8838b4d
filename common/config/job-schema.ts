/**
 * Schema of a job file (`jobs/<name>.yaml`): `name` (optional, must equal the file's base name), `source`
 * (write-behind: `source.redis`; ingest: `source.table`...), `transform` and `output`. The job's direction
 * comes from its source and decides which output blocks it may use.
 */
import { isMap } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import {
  MappingView,
  alternatives,
  array,
  integer,
  map,
  object,
  oneOf,
  refine,
  string,
} from './combinators.js';
import type { Decoder } from './combinators.js';
import { defaultSource, sourceReferenceProblem } from './cross-file-checks.js';
import type { ConfigCatalog } from './cross-file-checks.js';
import type {
  IngestSource,
  JobConfig,
  RedisWriteOutput,
  RelationalWriteOutput,
  WriteBehindSource,
} from './job-model.js';
import { outputBlock } from './output-schema.js';
import { REDIS_WRITE_COMMANDS } from './redis-commands.js';
import { didYouMean } from './suggest.js';
import { transformBlock } from './transform-schema.js';
import type { FileContext } from './yaml-source.js';

/** What a job file is checked against. */
export interface JobContext {
  /** The job's name, from its file name. */
  name: string;
  catalog: ConfigCatalog;
}

/** A Redis glob: non-empty, with every `[` closed (SCAN MATCH would otherwise match nothing useful). */
const keyPattern = refine(string(), (pattern) => {
  let open = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') index++;
    else if (char === '[') open = true;
    else if (char === ']') open = false;
  }
  return open ? `has an unclosed "[" (got ${JSON.stringify(pattern)})` : undefined;
});

/** A Redis write command, any case, compiled to lower case. */
const excludedCommand: Decoder<string> = (node, at) => {
  const command = string()(node, at)?.toLowerCase();
  if (command === undefined) return undefined;
  if (REDIS_WRITE_COMMANDS.has(command)) return command;
  at.ctx.problem(
    node,
    at.path,
    `unknown Redis write command "${command}"${didYouMean(command, REDIS_WRITE_COMMANDS)}`,
  );
  return undefined;
};

function writeBehindSource(catalog: ConfigCatalog): Decoder<WriteBehindSource> {
  const redis = object({
    fields: {
      key_pattern: keyPattern,
      trigger: oneOf(['write-behind']),
      exclude_commands: array(excludedCommand),
      db: integer({ min: 0, max: 15 }),
      connection: string(),
    },
    required: ['key_pattern', 'trigger'],
  });
  const resolved: Decoder<WriteBehindSource> = (node, at) => {
    const value = redis(node, at);
    if (!value) return undefined;
    const view = new MappingView(at.ctx, at.path, node as YAMLMap);
    let connection = value.connection;
    if (connection !== undefined) {
      const problem = sourceReferenceProblem(catalog, connection);
      if (problem) view.problemAt('connection', problem);
    } else {
      const fallback = defaultSource(catalog);
      if ('problem' in fallback) view.problem(fallback.problem);
      else connection = fallback.name;
    }
    return {
      kind: 'write-behind',
      keyPattern: value.key_pattern,
      trigger: value.trigger,
      excludeCommands: value.exclude_commands ?? [],
      db: value.db ?? 0,
      connection: connection ?? '',
    };
  };
  return map(object({ fields: { redis: resolved }, required: ['redis'] }), (value) => value.redis);
}

const INGEST_FIELDS = ['server_name', 'db', 'schema', 'table', 'row_format'] as const;

const ingestSource: Decoder<IngestSource> = map(
  object({
    fields: {
      server_name: string(),
      db: string(),
      schema: string(),
      table: string(),
      row_format: oneOf(['full', 'partial']),
    },
    required: ['table'],
  }),
  (value) => {
    const source: IngestSource = {
      kind: 'ingest',
      table: value.table,
      rowFormat: value.row_format ?? 'partial',
    };
    if (value.server_name !== undefined) source.serverName = value.server_name;
    if (value.db !== undefined) source.db = value.db;
    if (value.schema !== undefined) source.schema = value.schema;
    return source;
  },
);

/** The direction the source describes, read before decoding so that outputs can be checked against it. */
function jobKindOf(ctx: FileContext, root: YAMLMap): 'write-behind' | 'ingest' | undefined {
  const source = new MappingView(ctx, '', root).valueNode('source');
  if (!isMap(source)) return undefined;
  const view = new MappingView(ctx, 'source', source);
  const ingest = INGEST_FIELDS.some((key) => view.has(key));
  if (view.has('redis')) return ingest ? undefined : 'write-behind';
  return ingest ? 'ingest' : undefined;
}

/** Decodes a job file's root mapping into a job; undefined when it has problems (all of them recorded). */
export function decodeJobFile(ctx: FileContext, root: YAMLMap, context: JobContext): JobConfig | undefined {
  const jobKind = jobKindOf(ctx, root);
  const source = alternatives<WriteBehindSource | IngestSource>('redis (write-behind) or table (ingest)', [
    { markers: ['redis'], decoder: writeBehindSource(context.catalog) },
    { markers: INGEST_FIELDS, decoder: ingestSource },
  ]);
  const job = object({
    fields: {
      name: refine(string(), (name) =>
        name === context.name
          ? undefined
          : `must match the file name, "${context.name}" (got ${JSON.stringify(name)})`,
      ),
      source,
      transform: array(transformBlock),
      output: array(outputBlock({ catalog: context.catalog, jobKind }), { nonEmpty: true }),
    },
    required: ['source', 'output'],
  });
  const value = job(root, { ctx, path: '' });
  if (!value) return undefined;
  const common = { name: context.name, file: ctx.file, transform: value.transform ?? [] };
  if (value.source.kind === 'write-behind') {
    const output = value.output.filter(
      (block): block is RelationalWriteOutput => block.uses === 'relational.write',
    );
    return { ...common, kind: 'write-behind', source: value.source, output };
  }
  const output = value.output.filter((block): block is RedisWriteOutput => block.uses === 'redis.write');
  return { ...common, kind: 'ingest', source: value.source, output };
}

/** The node of a job file's `name:` value, when it is written (for reporting a duplicate job there). */
export function jobNameNode(ctx: FileContext, root: YAMLMap | undefined): Node | undefined {
  if (!root) return undefined;
  const view = new MappingView(ctx, '', root);
  return view.has('name') ? view.valueNode('name') : undefined;
}
