/**
 * Schema of config.yaml's `connections` / `targets` entries (the databases written to) and of `sources`
 * entries (the Redis databases write-behind captures from). Each decoder checks the YAML and compiles the
 * entry with its defaults (port by type, pool size, timeouts).
 */
import { isMap, isScalar } from 'yaml';
import {
  MappingView,
  boolean,
  integer,
  mismatch,
  object,
  oneOf,
  scalarMap,
  string,
  withoutUndefined,
} from './combinators.js';
import type { Decoder, ObjectValue } from './combinators.js';
import { CONNECTION_TYPES, ConnectionDefaults } from './model.js';
import type {
  ConnectionConfig,
  ConnectionType,
  RedisConnection,
  RelationalConnection,
  SourceConfig,
  TlsOptions,
} from './model.js';
import { looksLikeReference } from './secret-references.js';

/** A TCP port, or a secret reference to one such as `${env:DB_PORT}` (its form is checked with the others). */
export const port: Decoder<number | string> = (node, at) => {
  if (isScalar(node) && typeof node.value === 'string' && looksLikeReference(node.value)) return node.value;
  if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) {
    if (node.value >= 1 && node.value <= 65535) return node.value;
  }
  return mismatch(node, at, 'an integer between 1 and 65535 or a ${...} reference');
};

const tlsObject = object({
  fields: {
    ca: string(),
    cert: string(),
    key: string({ sensitive: true }),
    reject_unauthorized: boolean,
  },
});

/** `tls: true`, `tls: false`, or a mapping {ca, cert, key, reject_unauthorized}; false means plain TCP. */
export const tls: Decoder<TlsOptions | false> = (node, at) => {
  if (isScalar(node) && typeof node.value === 'boolean') {
    return node.value && { rejectUnauthorized: ConnectionDefaults.rejectUnauthorized };
  }
  if (!isMap(node))
    return mismatch(node, at, 'true, false or a mapping with ca, cert, key, reject_unauthorized');
  const value = tlsObject(node, at);
  return (
    value &&
    withoutUndefined({
      ca: value.ca,
      cert: value.cert,
      key: value.key,
      rejectUnauthorized: value.reject_unauthorized ?? ConnectionDefaults.rejectUnauthorized,
    })
  );
};

const commonFields = {
  type: oneOf(CONNECTION_TYPES),
  host: string(),
  port,
  password: string({ allowEmpty: true, sensitive: true }),
  connect_timeout_ms: integer({ min: 1 }),
  pool_size: integer({ min: 1 }),
  tls,
  connect_args: scalarMap,
  query_args: scalarMap,
};

const relationalFields = { ...commonFields, database: string(), user: string() };
const oracleFields = { ...relationalFields, service_name: string(), sid: string() };
const redisFields = { ...commonFields, db: integer({ min: 0, max: 15 }), user: string(), username: string() };

/** Keys RDI users bring along, and what to write instead. */
const TLS_HINT = 'TLS files go under tls: {ca, cert, key}';
const rdiHints = { cacert: TLS_HINT, cert: TLS_HINT, key: TLS_HINT, key_password: TLS_HINT };
const notRedisHints = {
  ...rdiHints,
  db: '"db" is for redis connections; relational connections use "database"',
  username: 'relational connections use "user"',
  service_name: '"service_name" is for oracle connections',
  sid: '"sid" is for oracle connections',
};
const redisHints = {
  ...rdiHints,
  database: 'redis connections select a logical database with "db" (0..15)',
  service_name: '"service_name" is for oracle connections',
  sid: '"sid" is for oracle connections',
};

/** Reports `user` and `username` given together: they are one setting. */
function checkUserAlias(view: MappingView): void {
  if (view.has('user') && view.has('username')) {
    view.problemAtKey('username', 'user and username cannot both be given; they are the same setting');
  }
}

const relationalConnection = object({
  fields: relationalFields,
  required: ['type', 'host'],
  hints: notRedisHints,
});

const oracleConnection = object(
  {
    fields: oracleFields,
    required: ['type', 'host'],
    hints: notRedisHints,
  },
  (_value, view) => {
    const given = ['database', 'service_name', 'sid'].filter((key) => view.has(key));
    const [, second] = given;
    if (given.length === 0) view.problem('must have exactly one of database, service_name or sid');
    else if (second) {
      view.problemAtKey(
        second,
        `${given.join(' and ')} cannot both be given; give exactly one of database, service_name or sid`,
      );
    }
  },
);

const redisConnection = object(
  {
    fields: redisFields,
    required: ['type'],
    hints: redisHints,
  },
  (_value, view) => checkUserAlias(view),
);

/** A `connections` (or `targets`) entry; `name` is its key. */
export function connection(name: string): Decoder<ConnectionConfig> {
  const connectionType = oneOf(CONNECTION_TYPES);
  return (node, at) => {
    if (!isMap(node)) return mismatch(node, at, 'a mapping');
    const view = new MappingView(at.ctx, at.path, node);
    if (!view.given('type')) {
      view.problem('missing required field "type"');
      return undefined;
    }
    const type = connectionType(view.valueNode('type'), { ctx: at.ctx, path: view.pathOf('type') });
    if (type === undefined) return undefined;
    if (type === 'redis') {
      const value = redisConnection(node, at);
      return value && compileRedisConnection(name, value);
    }
    const value = type === 'oracle' ? oracleConnection(node, at) : relationalConnection(node, at);
    return value && compileRelationalConnection(name, { ...value, type });
  };
}

type CommonValue = ObjectValue<typeof commonFields, 'type'>;

/** The settings every connection type has, defaults applied; `host` is set by the caller. */
function compileCommon(type: ConnectionType, value: CommonValue) {
  return {
    port: value.port ?? ConnectionDefaults.ports[type],
    password: value.password,
    connectTimeoutMs: value.connect_timeout_ms ?? ConnectionDefaults.connectTimeoutMs,
    poolSize: value.pool_size ?? ConnectionDefaults.poolSize,
    tls: value.tls || undefined,
    connectArgs: value.connect_args ?? {},
    queryArgs: value.query_args ?? {},
  };
}

/** User options of a relational connection -> the compiled connection, defaults applied. */
export function compileRelationalConnection(
  name: string,
  value: ObjectValue<typeof oracleFields, 'type' | 'host'> & { type: RelationalConnection['type'] },
): RelationalConnection {
  return withoutUndefined({
    name,
    type: value.type,
    host: value.host,
    ...compileCommon(value.type, value),
    database: value.database,
    serviceName: value.service_name,
    sid: value.sid,
    user: value.user,
  });
}

/** User options of a redis connection -> the compiled connection, defaults applied. */
export function compileRedisConnection(
  name: string,
  value: ObjectValue<typeof redisFields, 'type'>,
): RedisConnection {
  return withoutUndefined<RedisConnection>({
    name,
    type: 'redis',
    host: value.host ?? ConnectionDefaults.redisHost,
    ...compileCommon('redis', value),
    db: value.db ?? ConnectionDefaults.redisDb,
    username: value.username ?? value.user,
  });
}

const sourceFields = {
  type: oneOf(['redis']),
  host: string(),
  port,
  db: integer({ min: 0, max: 15 }),
  user: string(),
  username: string(),
  password: string({ allowEmpty: true, sensitive: true }),
  tls,
  capture: oneOf(['replication', 'external']),
  on_flush: oneOf(['keep', 'sync']),
  outage_window_s: integer({ min: 1 }),
};

const sourceObject = object(
  {
    fields: sourceFields,
    required: ['type'],
    hints: rdiHints,
  },
  (_value, view) => checkUserAlias(view),
);

/** A `sources` entry: a Redis database write-behind jobs capture from. */
export function source(name: string): Decoder<SourceConfig> {
  return (node, at) => {
    const value = sourceObject(node, at);
    return (
      value &&
      withoutUndefined<SourceConfig>({
        name,
        type: 'redis',
        host: value.host ?? ConnectionDefaults.redisHost,
        port: value.port ?? ConnectionDefaults.ports.redis,
        db: value.db ?? ConnectionDefaults.redisDb,
        username: value.username ?? value.user,
        password: value.password,
        tls: value.tls || undefined,
        capture: value.capture ?? 'replication',
        // Left out when not written (capture applies the defaults), so compiled sources stay as they were.
        onFlush: value.on_flush,
        outageWindowS: value.outage_window_s,
      })
    );
  };
}
