/**
 * From the deployed configuration's connections and sources to driver options: references resolved, ports
 * checked, TLS material read from files or taken inline, and one message per setting that cannot be used.
 */
import t from 'tap';
import type { RedisConnection, RelationalConnection, SourceConfig } from '../../common/config/index.js';
import { FerryError, InvalidArgumentError } from '../../common/errors.js';
import { SecretResolver, SettingResolutionError } from '../../common/secrets/index.js';
import type { MysqlTargetOptions } from '../../worker/targets/mysql/index.js';
import { resolveMysqlConnection, resolveRedisSource } from '../../worker/connections.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n';
const PASSWORD = 'pw-Hh29-secret';

/** Files of the worker's machine, by path; anything else is ENOENT like Node's own error. */
const FILES: Record<string, string> = { 'tls/ca.pem': CA, 'tls/client.pem': CERT, 'secrets/port': '3307\n' };

function readFile(path: string): Promise<string> {
  const content = FILES[path];
  if (content !== undefined) return Promise.resolve(content);
  const error: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${path}'`);
  error.code = 'ENOENT';
  return Promise.reject(error);
}

const STORED: Record<string, string> = {
  TARGET_PW: PASSWORD,
  CLIENT_KEY: KEY,
  NOT_PEM: 'MIIkey-without-header',
};

function resolver(env: Record<string, string> = {}): SecretResolver {
  return new SecretResolver({
    env: { DB_HOST: 'db.internal', DB_PORT: ' 3306 ', CA_PATH: 'tls/ca.pem', ...env },
    readFile,
    secrets: { reveal: (name) => Promise.resolve(STORED[name]) },
  });
}

function mysql(overrides: Partial<RelationalConnection> = {}): RelationalConnection {
  return {
    name: 'target',
    type: 'mysql',
    host: '127.0.0.1',
    port: 3306,
    user: 'ferry',
    connectTimeoutMs: 10_000,
    poolSize: 4,
    connectArgs: {},
    queryArgs: {},
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected resolving to fail');
}

t.test('a mysql connection with references, a port reference and TLS from a file and inline', async (t) => {
  const resolved = await resolveMysqlConnection(
    mysql({
      host: '${env:DB_HOST}',
      port: '${env:DB_PORT}',
      user: 'ferry',
      password: '${secret:TARGET_PW}',
      database: '${env:DB_NAME}',
      poolSize: 2,
      connectTimeoutMs: 500,
      tls: {
        ca: '${env:CA_PATH}',
        cert: 'tls/client.pem',
        key: '${secret:CLIENT_KEY}',
        rejectUnauthorized: false,
      },
    }),
    resolver({ DB_NAME: 'app' }),
    readFile,
  );
  t.same(resolved, {
    host: 'db.internal',
    port: 3306,
    user: 'ferry',
    password: PASSWORD,
    database: 'app',
    poolSize: 2,
    connectTimeoutMs: 500,
    tls: { ca: CA, cert: CERT, key: KEY, rejectUnauthorized: false },
  });
  // The writer takes it as is.
  const options: MysqlTargetOptions = resolved;
  t.equal(options.port, 3306);
});

t.test('a plain mysql connection: no password is an empty one, optional settings stay out', async (t) => {
  const resolved = await resolveMysqlConnection(mysql({ type: 'mariadb' }), resolver(), readFile);
  t.same(resolved, {
    host: '127.0.0.1',
    port: 3306,
    user: 'ferry',
    password: '',
    poolSize: 4,
    connectTimeoutMs: 10_000,
  });
  const port = await resolveMysqlConnection(mysql({ port: '${file:secrets/port}' }), resolver(), readFile);
  t.equal(port.port, 3307);
  const inline = await resolveMysqlConnection(
    mysql({ tls: { ca: CA, rejectUnauthorized: true } }),
    resolver(),
    readFile,
  );
  t.same(inline.tls, { ca: CA, rejectUnauthorized: true }, 'inline PEM is used as is');
});

t.test('mysql settings that cannot be used', async (t) => {
  const cases: [string, Partial<RelationalConnection>, string][] = [
    [
      'no user',
      { user: undefined },
      'connections.target.user: a mysql connection needs a user; add user to the connection and deploy again',
    ],
    [
      'a port reference that is not a port',
      { port: '${env:BIG_PORT}' },
      'connections.target.port: ${env:BIG_PORT} must resolve to a port, an integer from 1 to 65535 (got "70000")',
    ],
    [
      'a port reference that gives text',
      { port: '${secret:TARGET_PW}' },
      'connections.target.port: ${secret:TARGET_PW} must resolve to a port, an integer from 1 to 65535 ' +
        '(got a value that is not a number)',
    ],
    [
      'a written port out of range',
      { port: 0 },
      'connections.target.port: must be an integer from 1 to 65535 (got 0)',
    ],
    [
      'an unset host variable',
      { host: '${env:NO_HOST}' },
      "connections.target.host: cannot resolve ${env:NO_HOST}: NO_HOST is not set; set NO_HOST in the worker's environment",
    ],
    [
      'a CA file that is not there',
      { tls: { ca: 'tls/missing.pem', rejectUnauthorized: true } },
      'connections.target.tls.ca: cannot read tls/missing.pem (ENOENT: no such file or directory); the file must ' +
        "exist on the worker's machine and be readable by the worker, or give the PEM text inline",
    ],
    [
      'a stored key that is not PEM is taken for a path, and not shown',
      { tls: { key: '${secret:NOT_PEM}', rejectUnauthorized: true } },
      'connections.target.tls.key: cannot read the file that ${secret:NOT_PEM} names (ENOENT: no such file or ' +
        "directory); the file must exist on the worker's machine and be readable by the worker, or give the PEM " +
        'text inline',
    ],
    [
      'several lines that are not PEM',
      { tls: { key: 'MIIkey\nmore', rejectUnauthorized: true } },
      'connections.target.tls.key: the value is neither inline PEM (starting with -----BEGIN) nor the path of a ' +
        'PEM file',
    ],
  ];
  for (const [name, overrides, message] of cases) {
    const error = await failure(
      resolveMysqlConnection(mysql(overrides), resolver({ BIG_PORT: '70000' }), readFile),
    );
    t.type(error, SettingResolutionError, name);
    t.equal(error.code, 'FAILED_PRECONDITION', name);
    t.equal(error.message, message, name);
    t.notOk(error.message.includes(PASSWORD) || error.message.includes('MIIkey'), `${name}: no value shown`);
  }

  const postgres = await failure(resolveMysqlConnection(mysql({ type: 'postgresql' }), resolver(), readFile));
  t.type(postgres, InvalidArgumentError);
  t.equal(postgres.message, 'connections.target is a postgresql connection, not mysql or mariadb');
});

t.test('a redis source and a redis connection', async (t) => {
  const source: SourceConfig = {
    name: 'app',
    type: 'redis',
    host: '${env:DB_HOST}',
    port: '${env:REDIS_PORT}',
    db: 2,
    username: 'capture',
    password: '${TARGET_PW}',
    tls: { ca: 'tls/ca.pem', rejectUnauthorized: true },
    capture: 'replication',
  };
  t.same(await resolveRedisSource(source, resolver({ REDIS_PORT: '6380' }), readFile), {
    host: 'db.internal',
    port: 6380,
    db: 2,
    username: 'capture',
    password: PASSWORD,
    tls: { ca: CA, rejectUnauthorized: true },
  });
  t.same(
    await resolveRedisSource(
      { name: 'plain', type: 'redis', host: '127.0.0.1', port: 6379, db: 0, capture: 'replication' },
      resolver(),
      readFile,
    ),
    { host: '127.0.0.1', port: 6379, db: 0 },
    'no username, password or TLS: left out',
  );

  const sourceError = await failure(
    resolveRedisSource({ ...source, port: '${env:NO_PORT}' }, resolver(), readFile),
  );
  t.equal(
    sourceError.message,
    "sources.app.port: cannot resolve ${env:NO_PORT}: NO_PORT is not set; set NO_PORT in the worker's environment",
  );

  const connection: RedisConnection = {
    name: 'cache',
    type: 'redis',
    host: '127.0.0.1',
    port: 6379,
    db: 0,
    password: '${env:CACHE_PW}',
    connectTimeoutMs: 10_000,
    poolSize: 4,
    connectArgs: {},
    queryArgs: {},
  };
  const connectionError = await failure(resolveRedisSource(connection, resolver(), readFile));
  t.equal(
    connectionError.message,
    "connections.cache.password: cannot resolve ${env:CACHE_PW}: CACHE_PW is not set; set CACHE_PW in the worker's " +
      'environment',
    'a connection is named under connections',
  );
});
