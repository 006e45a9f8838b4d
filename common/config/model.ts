/**
 * The compiled configuration of a pipeline, as the control plane stores it and the worker consumes it: every
 * default applied, every reference between files checked. Field names are camelCase; the YAML names (RDI's,
 * snake_case) are given in each comment. Secret references (`${env:NAME}`, ...) are kept as written: they
 * are resolved by the worker when it connects, never here.
 */
import type { JobConfig } from './job-model.js';

/** Database engines a connection can point at. */
export type ConnectionType = 'mysql' | 'mariadb' | 'postgresql' | 'oracle' | 'redis';

/** The engines `relational.write` can write to. */
export type RelationalConnectionType = Exclude<ConnectionType, 'redis'>;

export const CONNECTION_TYPES: readonly ConnectionType[] = [
  'mysql',
  'mariadb',
  'postgresql',
  'oracle',
  'redis',
];

export const RELATIONAL_CONNECTION_TYPES: readonly RelationalConnectionType[] = [
  'mysql',
  'mariadb',
  'postgresql',
  'oracle',
];

/** A driver argument kept as written in `connect_args` / `query_args`. */
export type DriverArgument = string | number | boolean | null;

/** TLS settings (`tls:` as a mapping; `tls: true` is all defaults). */
export interface TlsOptions {
  /** CA certificate(s) to trust: a file path or inline PEM (`ca`). @default the system's trust store */
  ca?: string;
  /** Client certificate for mutual TLS: a file path or inline PEM (`cert`). */
  cert?: string;
  /** Client private key for mutual TLS: a file path or inline PEM (`key`); may be a secret reference. */
  key?: string;
  /** Refuse servers whose certificate does not verify (`reject_unauthorized`). @default true */
  rejectUnauthorized: boolean;
}

interface ConnectionCommon {
  /** The connection's name: its key under `connections` (or `targets`). */
  name: string;
  /** Host name or address (`host`). */
  host: string;
  /**
   * TCP port (`port`), or a secret reference such as `${env:DB_PORT}` that the worker resolves to a number.
   * @default 3306 (mysql, mariadb), 5432 (postgresql), 1521 (oracle), 6379 (redis)
   */
  port: number | string;
  /** Password (`password`); usually a secret reference. */
  password?: string;
  /** Milliseconds to wait for a connection to open (`connect_timeout_ms`). @default 10000 */
  connectTimeoutMs: number;
  /** Connections per worker thread (`pool_size`). @default 4 */
  poolSize: number;
  /** TLS; absent means a plain TCP connection (`tls`). @default absent */
  tls?: TlsOptions;
  /** Extra driver connection arguments, kept as written (RDI's `connect_args`). @default {} */
  connectArgs: Readonly<Record<string, DriverArgument>>;
  /** Extra query arguments, kept as written (RDI's `query_args`). @default {} */
  queryArgs: Readonly<Record<string, DriverArgument>>;
}

/** A MySQL, MariaDB, PostgreSQL or Oracle database that `relational.write` writes to. */
export interface RelationalConnection extends ConnectionCommon {
  type: RelationalConnectionType;
  /** Database to connect to (`database`); for Oracle, one of database, serviceName, sid is set. */
  database?: string;
  /** Oracle service name (`service_name`). */
  serviceName?: string;
  /** Oracle SID (`sid`). */
  sid?: string;
  /** User name (`user`). */
  user?: string;
}

/** A Redis database that `redis.write` (ingest) writes to. */
export interface RedisConnection extends ConnectionCommon {
  type: 'redis';
  /** Logical database, 0..15 (`db`). @default 0 */
  db: number;
  /** ACL user name (`username`, or `user`). @default the default user */
  username?: string;
}

export type ConnectionConfig = RelationalConnection | RedisConnection;

/** A Redis database that write-behind jobs capture changes from (`sources.<name>`). */
export interface SourceConfig {
  /** The source's name: its key under `sources`. */
  name: string;
  type: 'redis';
  /** Host name or address (`host`). @default '127.0.0.1' */
  host: string;
  /** TCP port or a secret reference (`port`). @default 6379 */
  port: number | string;
  /** Logical database, 0..15 (`db`). @default 0 */
  db: number;
  /** ACL user name (`username`, or `user`). */
  username?: string;
  /** Password (`password`); usually a secret reference. */
  password?: string;
  /** TLS; absent means plain TCP (`tls`). */
  tls?: TlsOptions;
  /**
   * Who appends this source's changes to the change log (`capture`). `replication`: Ferry reads the source
   * master's replication stream (a capture lease per master). `external`: something else appends the change
   * events (an application library, a benchmark, a test); Ferry captures nothing from this source.
   * @default 'replication'
   */
  capture: CaptureMode;
  /**
   * What capture does after FLUSHALL, FLUSHDB or SWAPDB on the source, which change keys without naming them
   * (`on_flush`). `keep`: warn and leave the targets as they are. `sync`: reconcile the targets' rows with
   * the keys that still exist in the affected databases (a SWAPDB also snapshots both databases). Absent
   * when not written; capture then applies the default (common/capture-sources.ts, captureSettings).
   * @default 'keep'
   */
  onFlush?: FlushPolicy;
  /**
   * Seconds of capture interruption (worker restart, failover, network) the master's replication backlog
   * should cover, so that capture resumes with PSYNC rather than a full resync and snapshot
   * (`outage_window_s`, a positive integer). Capture warns when the backlog holds less than this long at the
   * source's measured write rate. Absent when not written. @default 300
   */
  outageWindowS?: number;
}

/** How a source's changes reach the change log (`sources.<name>.capture`). */
export type CaptureMode = 'replication' | 'external';

/** What capture does about FLUSHALL / FLUSHDB / SWAPDB on a source (`sources.<name>.on_flush`). */
export type FlushPolicy = 'keep' | 'sync';

/** What to do with a record the target rejects for good (constraint, conversion...). */
export type ErrorHandling = 'dlq' | 'ignore';

/** How ingest writes a record to Redis when a job does not say (`target_data_type`). */
export type TargetDataType = 'hash' | 'json';

/** Batching, error handling and retries of the apply loop (`applier`, or RDI's newer name `processors`). */
export interface ApplierOptions {
  /** Change-log entries read per batch (`read_batch_size`). @default 2000 */
  readBatchSize: number;
  /** Rows per target transaction (`write_batch_size`); at most one read batch is ever written. @default 200 */
  writeBatchSize: number;
  /** Milliseconds to wait for a read batch to fill before it is cut (`duration`). @default 100 */
  durationMs: number;
  /** Rejected records go to the job's dead-letter stream, or are dropped (`error_handling`). @default 'dlq' */
  errorHandling: ErrorHandling;
  /** Entries kept per dead-letter stream; older ones are trimmed (`dlq_max_messages`). @default 1000 */
  dlqMaxMessages: number;
  /** Seconds between retries of a failed batch (`on_failed_retry_interval`). @default 5 */
  onFailedRetryIntervalSeconds: number;
  /** Drop change events already applied (`dedup`). @default false */
  dedup: boolean;
  /** Entries remembered for deduplication (`dedup_max_size`). @default 1024 */
  dedupMaxSize: number;
  /** Redis type written by `redis.write` when a job gives no `data_type` (`target_data_type`). @default 'hash' */
  targetDataType: TargetDataType;
  /** Wait for the write to reach replicas before acknowledging (`wait_enabled`). @default false */
  waitEnabled: boolean;
  /** Seconds to wait for replicas when waitEnabled (`wait_timeout`). @default 1 */
  waitTimeoutSeconds: number;
  /** Retry when replicas did not acknowledge in time (`retry_on_replica_failure`). @default true */
  retryOnReplicaFailure: boolean;
  /** Placeholder Debezium sends for unchanged large objects (`debezium_lob_encoded_placeholder`). */
  debeziumLobEncodedPlaceholder?: string;
  /** First backoff after a transient target error, in milliseconds (`retry_initial_delay_ms`). @default 250 */
  retryInitialDelayMs: number;
  /** Backoff cap in milliseconds, >= retryInitialDelayMs (`retry_max_delay_ms`). @default 30000 */
  retryMaxDelayMs: number;
  /** Attempts per transient error before the batch fails; 0 retries forever (`retry_max_attempts`). @default 0 */
  retryMaxAttempts: number;
}

/** The defaults of {@link ApplierOptions}, RDI's where RDI has the setting. */
export const ApplierDefaults: Readonly<Omit<ApplierOptions, 'debeziumLobEncodedPlaceholder'>> = Object.freeze(
  {
    readBatchSize: 2000,
    writeBatchSize: 200,
    durationMs: 100,
    errorHandling: 'dlq',
    dlqMaxMessages: 1000,
    onFailedRetryIntervalSeconds: 5,
    dedup: false,
    dedupMaxSize: 1024,
    targetDataType: 'hash',
    waitEnabled: false,
    waitTimeoutSeconds: 1,
    retryOnReplicaFailure: true,
    retryInitialDelayMs: 250,
    retryMaxDelayMs: 30000,
    retryMaxAttempts: 0,
  },
);

/** The change log between capture and apply (`change_log`, a Ferry extension). */
export interface ChangeLogOptions {
  /** Partition streams; apply runs one lease per partition (`partitions`, 1..1024). @default 16 */
  partitions: number;
  /**
   * Entries the change log may hold before capture pauses: back-pressure, never a drop (`max_length`,
   * >= 1000). @default 1000000
   */
  maxLength: number;
}

export const ChangeLogDefaults: Readonly<ChangeLogOptions> = Object.freeze({
  partitions: 16,
  maxLength: 1_000_000,
});

/** Connection defaults that do not depend on the connection's type. */
export const ConnectionDefaults = Object.freeze({
  /** Used for redis connections and sources without `host`. */
  redisHost: '127.0.0.1',
  connectTimeoutMs: 10_000,
  poolSize: 4,
  redisDb: 0,
  rejectUnauthorized: true,
  ports: Object.freeze({ mysql: 3306, mariadb: 3306, postgresql: 5432, oracle: 1521, redis: 6379 }),
} as const);

/** A whole pipeline: config.yaml and its jobs, compiled. */
export interface PipelineConfig {
  /** Databases written to, by name (`connections` and `targets` merged), in the order written. */
  connections: ReadonlyMap<string, ConnectionConfig>;
  /** Redis databases captured from, by name (`sources`). @default none */
  sources: ReadonlyMap<string, SourceConfig>;
  /** Apply loop settings (`applier` / `processors`). */
  applier: ApplierOptions;
  /** Change log settings (`change_log`). */
  changeLog: ChangeLogOptions;
  /** Jobs by name (the file's base name), in the order the files were given. */
  jobs: ReadonlyMap<string, JobConfig>;
}
