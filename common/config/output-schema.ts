/**
 * Schema of a job's `output` blocks: `relational.write` (write-behind: Redis -> database) and `redis.write`
 * (ingest: database -> Redis). Connection names are checked against config.yaml, defaults that depend on
 * config.yaml (the redis connection, the data type) are resolved here, and a block that does not fit the
 * job's direction is reported at its `uses`.
 */
import { isMap, isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import {
  MappingView,
  array,
  discriminated,
  integer,
  map,
  mismatch,
  object,
  oneOf,
  refine,
  scalarMap,
  string,
  withoutUndefined,
} from './combinators.js';
import type { Decoder, ObjectValue } from './combinators.js';
import { connectionReferenceProblem, defaultRedisConnection } from './cross-file-checks.js';
import type { ConfigCatalog } from './cross-file-checks.js';
import type {
  FieldMapping,
  NestOptions,
  OutputBlock,
  RedisWriteOutput,
  RelationalWriteOutput,
} from './job-model.js';
import { expressionObject } from './transform-schema.js';

/** What an output block needs to know about its job and config.yaml. */
export interface OutputContext {
  catalog: ConfigCatalog;
  /** The job's direction, when its source says; undefined when the source itself is wrong. */
  jobKind: 'write-behind' | 'ingest' | undefined;
}

/** A list item `name` (same name both sides) or `target: expression` (one key only). */
function fieldMapping(noun: 'column' | 'field'): Decoder<FieldMapping> {
  const expected = `a ${noun} name or a single "${noun}: expression" pair`;
  return (node, at) => {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') {
      return { target: node.value, expression: node.value };
    }
    if (!isMap(node)) return mismatch(node, at, expected);
    const view = new MappingView(at.ctx, at.path, node);
    const [target, ...others] = view.keys();
    if (target === undefined || others.length > 0) {
      at.ctx.problem(node, at.path, `must be ${expected} (got a mapping with ${view.keys().length} keys)`);
      return undefined;
    }
    const expression = string()(view.valueNode(target), { ctx: at.ctx, path: view.pathOf(target) });
    return expression === undefined ? undefined : { target, expression };
  };
}

/** `"column: expression"` split at its first colon; both sides non-empty. */
function splitForeach(value: string): { column: string; expression: string } | undefined {
  const colon = value.indexOf(':');
  const column = value.slice(0, Math.max(colon, 0)).trim();
  const expression = value.slice(colon + 1).trim();
  return colon > 0 && column !== '' && expression !== '' ? { column, expression } : undefined;
}

const foreach: Decoder<{ column: string; expression: string }> = (node, at) => {
  const value = string()(node, at);
  if (value === undefined) return undefined;
  const parts = splitForeach(value);
  if (!parts) {
    at.ctx.problem(
      node,
      at.path,
      `must be "column: expression", e.g. "order_line: lines[]" (got ${JSON.stringify(value)})`,
    );
  }
  return parts;
};

const inactiveRecordColumn = map(
  object({ fields: { source: string(), target: string() }, required: ['source'] }),
  (value) => ({ column: value.target ?? value.source, sql: value.source }),
);

const relationalWriteFields = {
  connection: string(),
  schema: string(),
  table: string(),
  keys: array(fieldMapping('column')),
  mapping: array(fieldMapping('column')),
  foreach,
  opcode_field: string(),
  load_strategy: oneOf(['APPEND', 'REPLACE', 'UPSERT', 'TYPE2']),
  active_record_indicator: string(),
  inactive_record_mapping: array(inactiveRecordColumn),
};

type RelationalWriteValue = ObjectValue<typeof relationalWriteFields, 'connection' | 'table'>;

/** TYPE2 needs its active-row condition; its two settings mean nothing with another strategy. */
function checkLoadStrategy(value: RelationalWriteValue, view: MappingView): void {
  if (view.invalid.has('load_strategy')) return;
  const strategy = value.load_strategy ?? 'UPSERT';
  if (strategy === 'TYPE2') {
    if (!view.has('active_record_indicator')) {
      view.problem('missing required field "active_record_indicator" (load_strategy is TYPE2)');
    }
    return;
  }
  for (const key of ['active_record_indicator', 'inactive_record_mapping']) {
    if (view.has(key))
      view.problemAtKey(key, `${key} is only used with load_strategy TYPE2 (got ${strategy})`);
  }
}

function relationalWrite(context: OutputContext): Decoder<RelationalWriteOutput> {
  const checkReferences = context.jobKind !== 'ingest';
  const decoder = object(
    {
      fields: relationalWriteFields,
      required: ['connection', 'table'],
    },
    (value, view) => {
      checkLoadStrategy(value, view);
      const problem =
        checkReferences && connectionReferenceProblem(context.catalog, value.connection, 'relational.write');
      if (problem) view.problemAt('connection', problem);
    },
  );
  return map(decoder, (value) =>
    withoutUndefined({
      uses: 'relational.write',
      connection: value.connection,
      schema: value.schema,
      table: value.table,
      keys: value.keys ?? [],
      mapping: value.mapping ?? [],
      foreach: value.foreach,
      opcodeField: value.opcode_field,
      loadStrategy: value.load_strategy ?? 'UPSERT',
      activeRecordIndicator: value.active_record_indicator,
      inactiveRecordMapping: value.inactive_record_mapping ?? [],
    } satisfies RelationalWriteOutput),
  );
}

const nestObject = object(
  {
    fields: {
      parent: object({
        fields: { server_name: string(), schema: string(), table: string() },
        required: ['table'],
      }),
      nesting_key: string(),
      parent_key: string(),
      parent_field: string(),
      child_key: string(),
      path: refine(string(), (path) =>
        path.startsWith('$')
          ? undefined
          : `must be a JSONPath from the document root, starting with "$" (got ${JSON.stringify(path)})`,
      ),
      structure: oneOf(['map']),
    },
    required: ['parent', 'nesting_key', 'path'],
  },
  (_value, view) => {
    if (view.has('parent_key') && view.has('parent_field')) {
      view.problemAtKey(
        'parent_field',
        'parent_key and parent_field cannot both be given; they are the same setting',
      );
    } else if (!view.has('parent_key') && !view.has('parent_field')) {
      view.problem('missing required field "parent_key"');
    }
  },
);

const nest = map(nestObject, (value): NestOptions | undefined => {
  const parentKey = value.parent_key ?? value.parent_field;
  if (parentKey === undefined) return undefined;
  return {
    parent: withoutUndefined({
      serverName: value.parent.server_name,
      schema: value.parent.schema,
      table: value.parent.table,
    }),
    nestingKey: value.nesting_key,
    parentKey,
    childKey: value.child_key ?? parentKey,
    path: value.path,
    structure: value.structure ?? 'map',
  };
});

const redisWriteFields = {
  connection: string(),
  data_type: oneOf(['hash', 'json', 'set', 'sorted_set', 'stream', 'string']),
  key: expressionObject,
  mapping: array(fieldMapping('field')),
  on_update: oneOf(['merge', 'replace']),
  expire: integer({ min: 0 }),
  nest,
  args: scalarMap,
} satisfies Record<string, Decoder<unknown>>;

type RedisWriteValue = ObjectValue<typeof redisWriteFields, never>;

/** nest writes into the parent's JSON document: the key-level settings have no meaning with it. */
function checkRedisWrite(value: RedisWriteValue, view: MappingView): void {
  if (view.has('nest')) {
    for (const key of ['key', 'args', 'on_update', 'expire']) {
      if (view.has(key))
        view.problemAtKey(key, `${key} cannot be used with nest; the parent's key is written`);
    }
    if (value.data_type !== undefined && value.data_type !== 'json') {
      view.problemAt('data_type', `must be json with nest (got "${value.data_type}")`);
    }
  }
  const type = value.data_type;
  if (view.has('mapping') && (type === 'set' || type === 'sorted_set' || type === 'string')) {
    view.problemAtKey(
      'mapping',
      `mapping is supported for hash, json and stream only (data_type is ${type})`,
    );
  }
}

function redisWrite(context: OutputContext): Decoder<RedisWriteOutput> {
  const checkReferences = context.jobKind !== 'write-behind';
  const decoder = object({ fields: redisWriteFields }, checkRedisWrite);
  return (node, at) => {
    const value = decoder(node, at);
    if (!value) return undefined;
    const view = new MappingView(at.ctx, at.path, node as YAMLMap);
    let connection = value.connection;
    if (connection !== undefined) {
      const problem =
        checkReferences && connectionReferenceProblem(context.catalog, connection, 'redis.write');
      if (problem) view.problemAt('connection', problem);
    } else {
      const fallback = defaultRedisConnection(context.catalog);
      if ('problem' in fallback) {
        if (checkReferences) view.problem(fallback.problem);
      } else connection = fallback.name;
    }
    return withoutUndefined({
      uses: 'redis.write',
      connection: connection ?? 'target',
      dataType: value.data_type ?? (value.nest ? 'json' : context.catalog.targetDataType),
      key: value.key,
      mapping: value.mapping ?? [],
      onUpdate: value.on_update ?? 'replace',
      expireSeconds: value.expire ?? 0,
      nest: value.nest,
      args: value.args ?? {},
    } satisfies RedisWriteOutput);
  };
}

/** `{uses, with}`, reporting at `uses` a block that the job's direction does not allow. */
function outputVariant<T extends OutputBlock>(
  uses: T['uses'],
  withDecoder: Decoder<T>,
  context: OutputContext,
): Decoder<T> {
  const wrongDirection =
    uses === 'redis.write'
      ? context.jobKind === 'write-behind' &&
        'redis.write cannot be used in a write-behind job (source.redis); write-behind jobs write to a relational database with relational.write'
      : context.jobKind === 'ingest' &&
        'relational.write cannot be used in an ingest job; ingest jobs write to Redis with redis.write';
  const decoder = map(
    object({ fields: { uses: oneOf([uses]), with: withDecoder }, required: ['uses', 'with'] }),
    (value) => value.with,
  );
  return (node, at) => {
    // Reported first and whatever else is wrong in the block: it is the mistake to fix first.
    if (wrongDirection && isMap(node))
      new MappingView(at.ctx, at.path, node).problemAt('uses', wrongDirection);
    return decoder(node, at);
  };
}

/** One output block, chosen by `uses`. */
export function outputBlock(context: OutputContext): Decoder<OutputBlock> {
  return discriminated<OutputBlock>('uses', {
    'relational.write': outputVariant('relational.write', relationalWrite(context), context),
    'redis.write': outputVariant('redis.write', redisWrite(context), context),
  });
}
