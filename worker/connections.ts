/**
 * Turns the connections and sources of the deployed configuration into the options the drivers take,
 * resolving secret references where the worker runs, when it connects. The configuration keeps references
 * as written (common/config/model.ts); nothing here is stored or logged, because the results hold passwords.
 */
import type {
  RedisConnection,
  RelationalConnection,
  SourceConfig,
  TlsOptions,
} from '../common/config/index.js';
import { InvalidArgumentError } from '../common/errors.js';
import { SettingResolutionError, fileErrorReason, readsSecretStore } from '../common/secrets/index.js';
import type { SecretResolver } from '../common/secrets/index.js';

/** TLS material as Node's `tls.connect` (and so mysql2 and ioredis) takes it: PEM text, not file paths. */
export interface ResolvedTls {
  /** PEM CA bundle; absent means the system's trust store. */
  ca?: string;
  /** PEM client certificate, for mutual TLS. */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  rejectUnauthorized: boolean;
}

/** A MySQL/MariaDB connection ready for the target writer: it is a MysqlTargetOptions as is. */
export interface ResolvedMysqlConnection {
  host: string;
  port: number;
  user: string;
  /** Empty when the configuration gives none. */
  password: string;
  database?: string;
  poolSize: number;
  connectTimeoutMs: number;
  tls?: ResolvedTls;
}

/** A Redis database ready for ioredis (`new Redis(resolved)` takes these names). */
export interface ResolvedRedisSource {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: ResolvedTls;
}

/**
 * Resolves a `mysql` or `mariadb` connection. Throws InvalidArgumentError for another type (a caller's
 * mistake), SettingResolutionError (FAILED_PRECONDITION) when a setting cannot be used: a reference that does
 * not resolve, a port that is not one, a missing `user`, a TLS file that cannot be read.
 * @param readFile reads TLS files (`tls.ca`, `tls.cert`, `tls.key` given as paths) as UTF-8 text.
 */
export async function resolveMysqlConnection(
  conn: RelationalConnection,
  resolver: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<ResolvedMysqlConnection> {
  const at = `connections.${conn.name}`;
  if (conn.type !== 'mysql' && conn.type !== 'mariadb') {
    throw new InvalidArgumentError(`${at} is a ${conn.type} connection, not mysql or mariadb`);
  }
  if (conn.user === undefined) {
    // The schema lets `user` out for engines that can do without; MySQL cannot.
    throw new SettingResolutionError(
      { setting: `${at}.user` },
      `a ${conn.type} connection needs a user; add user to the connection and deploy again`,
    );
  }
  // One after the other, so that the first setting that fails, in the order written, is the one reported.
  const host = await resolver.resolve(conn.host, `${at}.host`);
  const port = await resolvePort(conn.port, `${at}.port`, resolver);
  const user = await resolver.resolve(conn.user, `${at}.user`);
  const password = conn.password === undefined ? '' : await resolver.resolve(conn.password, `${at}.password`);
  const database = await optional(conn.database, `${at}.database`, resolver);
  const tls = await resolveTls(conn.tls, `${at}.tls`, resolver, readFile);
  return {
    host,
    port,
    user,
    password,
    ...(database === undefined ? {} : { database }),
    poolSize: conn.poolSize,
    connectTimeoutMs: conn.connectTimeoutMs,
    ...(tls === undefined ? {} : { tls }),
  };
}

/**
 * Resolves a Redis source (`sources.<name>`) or a Redis connection (`connections.<name>`, for ingest).
 * Throws SettingResolutionError (FAILED_PRECONDITION) as resolveMysqlConnection does.
 * @param readFile reads TLS files (`tls.ca`, `tls.cert`, `tls.key` given as paths) as UTF-8 text.
 */
export async function resolveRedisSource(
  source: SourceConfig | RedisConnection,
  resolver: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<ResolvedRedisSource> {
  // Only connections carry a pool size: that tells the two sections apart for messages.
  const at = 'poolSize' in source ? `connections.${source.name}` : `sources.${source.name}`;
  const host = await resolver.resolve(source.host, `${at}.host`);
  const port = await resolvePort(source.port, `${at}.port`, resolver);
  const username = await optional(source.username, `${at}.username`, resolver);
  const password = await optional(source.password, `${at}.password`, resolver);
  const tls = await resolveTls(source.tls, `${at}.tls`, resolver, readFile);
  return {
    host,
    port,
    db: source.db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
}

async function optional(
  value: string | undefined,
  where: string,
  resolver: SecretResolver,
): Promise<string | undefined> {
  return value === undefined ? undefined : resolver.resolve(value, where);
}

/** A port as written (validated at deploy) or a reference that must resolve to an integer 1..65535. */
async function resolvePort(port: number | string, where: string, resolver: SecretResolver): Promise<number> {
  if (typeof port === 'number') {
    if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
    throw new SettingResolutionError({ setting: where }, `must be an integer from 1 to 65535 (got ${port})`);
  }
  const text = (await resolver.resolve(port, where)).trim();
  const value = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (value >= 1 && value <= 65535) return value;
  // A port is not a secret, but a reference to the wrong secret could give a password: quote only what
  // looks like a mistyped number.
  const got = /^[-+\d.\s]{0,12}$/.test(text) ? JSON.stringify(text) : 'a value that is not a number';
  throw new SettingResolutionError(
    { setting: where, reference: port },
    `${port} must resolve to a port, an integer from 1 to 65535 (got ${got})`,
  );
}

async function resolveTls(
  tls: TlsOptions | undefined,
  where: string,
  resolver: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<ResolvedTls | undefined> {
  if (tls === undefined) return undefined;
  const ca = await pem(tls.ca, `${where}.ca`, resolver, readFile);
  const cert = await pem(tls.cert, `${where}.cert`, resolver, readFile);
  const key = await pem(tls.key, `${where}.key`, resolver, readFile);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/**
 * A TLS setting is inline PEM or the path of a PEM file, either possibly written as a reference (a key kept
 * in the secret store, a path in the environment).
 */
async function pem(
  written: string | undefined,
  where: string,
  resolver: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<string | undefined> {
  if (written === undefined) return undefined;
  const value = await resolver.resolve(written, where);
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  // Text from the secret store may be key material in another form: never quote it.
  const secret = readsSecretStore(written);
  if (value.includes('\n') || value.trim() === '') {
    throw new SettingResolutionError(
      { setting: where },
      `${secret ? written : 'the value'} is neither inline PEM (starting with -----BEGIN) nor the path of a PEM file`,
    );
  }
  try {
    return await readFile(value);
  } catch (error) {
    throw new SettingResolutionError(
      { setting: where },
      `cannot read ${secret ? `the file that ${written} names` : value} (${fileErrorReason(error)}); the file ` +
        "must exist on the worker's machine and be readable by the worker, or give the PEM text inline",
      { cause: error },
    );
  }
}
