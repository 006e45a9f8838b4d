/**
 * The connections of a check of the targets (target-check.ts): resolving a connection's or source's settings
 * as a worker does (worker/connections.ts), opening it with short timeouts, reading the catalogs of the
 * tables its outputs write (worker/targets/mysql/catalog.ts) or sampling its jobs' keys, and closing it.
 * Whatever fails becomes a reason in a few words, never a thrown error: one unusable connection must not
 * hide what the others say.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import type { RelationalConnection, SourceConfig } from '../common/config/index.js';
import { FerryError } from '../common/errors.js';
import { readsSecretStore } from '../common/secrets/index.js';
import type { SecretResolver } from '../common/secrets/index.js';
import type { ApplyJob } from '../worker/apply/types.js';
import { resolveMysqlConnection, resolveRedisSource } from '../worker/connections.js';
import type { ResolvedMysqlConnection, ResolvedRedisSource } from '../worker/connections.js';
import { readTableCatalog } from '../worker/targets/mysql/catalog.js';
import type { TableCatalog } from '../worker/targets/mysql/catalog.js';
import { driverMessage } from '../worker/targets/mysql/errors.js';
import { TargetSchemaError } from '../worker/targets/mysql/index.js';
import { serverTraits } from '../worker/targets/mysql/sql.js';
import { sampleJob } from './target-check-sample.js';
import type { JobSample } from './target-check-sample.js';

/** The longest wait for a connection to open, in milliseconds, unless the connection says less. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** The longest the whole check of one connection or source may take, in milliseconds. */
export const DEFAULT_CHECK_TIMEOUT_MS = 8000;

/** How connections are opened: resolved settings, timeouts (ms), sample size. */
export interface ConnectionSettings {
  resolver: SecretResolver;
  readFile: (path: string) => Promise<string>;
  connectTimeoutMs: number;
  checkTimeoutMs: number;
  sampleKeys: number;
}

/** A connection or source as the check used it (ferry.v1.TargetConnectionCheck). */
export interface ConnectionCheck {
  name: string;
  section: 'connections' | 'sources';
  type: string;
  /** host:port; a host or port read from the secret store is shown as its reference. */
  address: string;
  state: 'ok' | 'unreachable' | 'not checked';
  /** Why it is unreachable; '' otherwise. */
  error: string;
  /** Connections: tables whose catalog was read. */
  tables: number;
  /** Sources: keys sampled. */
  sampledKeys: number;
  elapsedMs: number;
}

/** What a target connection gave. */
export interface TargetInspection {
  check: ConnectionCheck;
  /** Why the connection cannot be used; its outputs are then not checked. */
  failure?: string;
  database?: string;
  /** By `schema\0table`; undefined for a table that does not exist. */
  catalogs: Map<string, TableCatalog | undefined>;
}

/** What a source gave. */
export interface SourceInspection {
  check: ConnectionCheck;
  failure?: string;
  /** By job name. */
  samples: Map<string, JobSample>;
}

/**
 * Opens one connection, reads the catalog of every table its outputs write, and closes it. A table without
 * a schema lives in the connection's database, as for the writer.
 */
export async function inspectTarget(
  connection: RelationalConnection,
  outputs: readonly { schema?: string; table: string }[],
  settings: ConnectionSettings,
): Promise<TargetInspection> {
  const started = performance.now();
  const check: ConnectionCheck = {
    name: connection.name,
    section: 'connections',
    type: connection.type,
    address: writtenAddress(connection.host, connection.port),
    state: 'ok',
    error: '',
    tables: 0,
    sampledKeys: 0,
    elapsedMs: 0,
  };
  const result: TargetInspection = { check, catalogs: new Map() };
  const connectTimeoutMs = Math.min(connection.connectTimeoutMs, settings.connectTimeoutMs);
  try {
    const read = await withDeadline(settings.checkTimeoutMs, async () => {
      const resolved = await resolveMysqlConnection(connection, settings.resolver, settings.readFile);
      check.address = resolvedAddress(connection, resolved);
      if (resolved.database === undefined) {
        throw new FerryError(
          'FAILED_PRECONDITION',
          'it has no database, where Ferry keeps its checkpoints (ferry_checkpoints); add database to the connection',
        );
      }
      const tables = new Map<string, { schema: string; table: string }>();
      for (const output of outputs) {
        const schema = output.schema ?? resolved.database;
        tables.set(catalogKey(schema, output.table), { schema, table: output.table });
      }
      return {
        database: resolved.database,
        catalogs: await readCatalogs(resolved, [...tables.values()], connectTimeoutMs),
      };
    });
    // Taken only from a check that finished in time: a late one ends unseen in the background.
    result.database = read.database;
    result.catalogs = read.catalogs;
    check.tables = [...read.catalogs.values()].filter((catalog) => catalog !== undefined).length;
  } catch (error) {
    check.state = 'unreachable';
    check.error = failureReason(error, connectTimeoutMs);
    result.failure = check.error;
  }
  check.elapsedMs = Math.round(performance.now() - started);
  return result;
}

async function readCatalogs(
  resolved: ResolvedMysqlConnection,
  tables: readonly { schema: string; table: string }[],
  connectTimeoutMs: number,
): Promise<Map<string, TableCatalog | undefined>> {
  // One connection, with the writer's session-independent options (the catalog does not depend on sql_mode).
  const pool = createPool({
    host: resolved.host,
    port: resolved.port,
    user: resolved.user,
    password: resolved.password,
    ...(resolved.database === undefined ? {} : { database: resolved.database }),
    ...(resolved.tls === undefined ? {} : { ssl: resolved.tls }),
    connectionLimit: 1,
    connectTimeout: connectTimeoutMs,
    charset: 'utf8mb4_general_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  });
  const catalogs = new Map<string, TableCatalog | undefined>();
  try {
    const connection = await pool.getConnection();
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
      const version: unknown = rows[0]?.['version'];
      const { mariaDb } = serverTraits(typeof version === 'string' ? version : '');
      for (const { schema, table } of tables) {
        try {
          catalogs.set(catalogKey(schema, table), await readTableCatalog(connection, schema, table, mariaDb));
        } catch (error) {
          // The one schema error of a catalog read: the table has no columns the user can see.
          if (!(error instanceof TargetSchemaError)) throw error;
          catalogs.set(catalogKey(schema, table), undefined);
        }
      }
    } finally {
      connection.release();
    }
  } finally {
    await pool.end();
  }
  return catalogs;
}

/** Opens the source once per database its jobs use, and samples each job. */
export async function sampleSource(
  source: SourceConfig,
  jobs: readonly ApplyJob[],
  settings: ConnectionSettings,
): Promise<SourceInspection> {
  const started = performance.now();
  const check: ConnectionCheck = {
    name: source.name,
    section: 'sources',
    type: source.type,
    address: writtenAddress(source.host, source.port),
    state: 'ok',
    error: '',
    tables: 0,
    sampledKeys: 0,
    elapsedMs: 0,
  };
  const result: SourceInspection = { check, samples: new Map() };
  try {
    result.samples = await withDeadline(settings.checkTimeoutMs, async () => {
      const resolved = await resolveRedisSource(source, settings.resolver, settings.readFile);
      check.address = resolvedAddress(source, resolved);
      const samples = new Map<string, JobSample>();
      for (const db of new Set(jobs.map((job) => job.db))) {
        const redis = await openRedis(resolved, db, settings.connectTimeoutMs);
        try {
          for (const job of jobs.filter((candidate) => candidate.db === db)) {
            samples.set(job.name, await sampleJob(redis, job, { maxKeys: settings.sampleKeys }));
          }
        } finally {
          redis.disconnect();
        }
      }
      return samples;
    });
    check.sampledKeys = [...result.samples.values()].reduce((sum, sample) => sum + sample.keys, 0);
  } catch (error) {
    check.state = 'unreachable';
    check.error = failureReason(error, settings.connectTimeoutMs);
    result.failure = check.error;
  }
  check.elapsedMs = Math.round(performance.now() - started);
  return result;
}

/** A connected client of one database of the source; nothing is retried or queued while it is down. */
async function openRedis(
  resolved: ResolvedRedisSource,
  db: number,
  connectTimeoutMs: number,
): Promise<Redis> {
  let lastError: Error | undefined;
  const redis = new Redis({
    ...resolved,
    db,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectionName: 'ferry-target-check',
  });
  // ioredis rejects connect() with "Connection is closed."; the error event says why.
  redis.on('error', (error: Error) => (lastError = error));
  try {
    // connectTimeout covers the TCP connect only: a server that accepts and stays silent is caught here.
    await withDeadline(connectTimeoutMs, () => redis.connect(), connectTimeoutReason(connectTimeoutMs));
  } catch (error) {
    redis.disconnect();
    throw error instanceof DeadlineError ? error : (lastError ?? error);
  }
  return redis;
}

/** What a failed connection attempt says, in a few words, without secrets. */
function failureReason(error: unknown, connectTimeoutMs: number): string {
  if (error instanceof FerryError || error instanceof DeadlineError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ETIMEDOUT') return connectTimeoutReason(connectTimeoutMs);
  const message = driverMessage(error);
  if (message !== '') return message;
  // Node's happy-eyeballs connect fails with an AggregateError without a message; its errors tell why.
  const inner = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
  return typeof code === 'string' ? code : 'unknown error';
}

class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Runs `work`, failing with DeadlineError(`message`) after `ms`; `work` then ends in the background and
 * cleans up after itself.
 */
async function withDeadline<T>(
  ms: number,
  work: () => Promise<T>,
  message = `no complete answer within ${seconds(ms)}`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function connectTimeoutReason(connectTimeoutMs: number): string {
  return `no answer within ${seconds(connectTimeoutMs)} (connect timeout)`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** host:port as written, for messages before the settings are resolved. */
export function writtenAddress(host: string, port: number | string): string {
  return `${host}:${port}`;
}

/** host:port as resolved, except a part taken from the secret store, which is shown as written. */
function resolvedAddress(
  written: { host: string; port: number | string },
  resolved: { host: string; port: number },
): string {
  const host = readsSecretStore(written.host) ? written.host : resolved.host;
  const port =
    typeof written.port === 'string' && readsSecretStore(written.port) ? written.port : resolved.port;
  return `${host}:${port}`;
}

/** The key of a table in TargetInspection.catalogs. */
export function catalogKey(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}
