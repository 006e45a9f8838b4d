/**
 * The control plane: a gRPC server with Ferry's services, grpc.health.v1 and server reflection (so that
 * `grpcurl -plaintext HOST:PORT list` works), over one connection to the state Redis.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { Redis } from 'ioredis';
import { InvalidArgumentError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { loadFerryProto } from '../common/proto.js';
import { ferryKeys, DEFAULT_KEY_PREFIX } from '../common/redis-keys.js';
import { SecretBox } from '../common/secret-box.js';
import { SecretStore } from '../common/secret-store.js';
import { loadAuthenticator } from './auth.js';
import type { Authenticator } from './auth.js';
import { ClusterRegistry } from './cluster-registry.js';
import { startAssignment } from './assignment.js';
import type { AssignmentOptions } from './assignment.js';
import { ConfigStore } from './config-store.js';
import { isLoopback, parseListenAddress } from './listen-address.js';
import { clusterService } from './services/cluster-service.js';
import { pipelineService } from './services/pipeline-service.js';
import { rejectsService } from './services/rejects-service.js';
import { secretsService } from './services/secrets-service.js';
import { SnapshotRequests } from '../common/capture-sources.js';

export interface ControlPlaneOptions {
  /** Where to listen, host:port. Port 0 picks a free one. @default '127.0.0.1:50051' */
  listen?: string;
  /** The state Redis. @default 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** Prefix of every Ferry key in the state Redis. @default 'ferry' */
  keyPrefix?: string;
  /** Tokens file (YAML: tokens: [{name, role, token | sha256}]). FERRY_TOKENS adds to it. */
  tokensFile?: string | undefined;
  /** Server TLS: certificate chain and key (PEM files); with clientCaFile, clients must present a certificate. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string | undefined } | undefined;
  /** Key that seals stored secrets (32 bytes raw or base64). FERRY_SECRET_KEY is the alternative. */
  secretKeyFile?: string | undefined;
  /** Environment to read FERRY_TOKENS and FERRY_SECRET_KEY from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Lease timings of the leader that assigns partitions to workers (the workers' lease TTL must match), or
   * false to run without assigning (a read-only control plane). @default {} (10 s leases)
   */
  assignment?: AssignmentOptions | false;
  logger: Logger;
}

export interface ControlPlane {
  /** The address actually bound, host:port. */
  address: string;
  port: number;
  authenticator: Authenticator;
  /** Stops accepting calls, lets calls in flight finish for up to `graceMs`, then closes. */
  close(graceMs?: number): Promise<void>;
}

/** The services whose health is reported, besides the overall "" entry. */
const SERVICE_NAMES = [
  'ferry.v1.PipelineService',
  'ferry.v1.ClusterService',
  'ferry.v1.RejectsService',
  'ferry.v1.SecretsService',
];

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const logger = options.logger;
  const env = options.env ?? process.env;
  const listen = parseListenAddress(options.listen ?? '127.0.0.1:50051');
  const authenticator = loadAuthenticator({ tokensFile: options.tokensFile, env });
  if (authenticator.isOpen && !isLoopback(listen.host)) {
    throw new InvalidArgumentError(
      `refusing to listen on ${listen.bindTarget} without tokens: anyone who can reach it could deploy. ` +
        'Configure tokens (--tokens FILE or FERRY_TOKENS) or listen on loopback (--listen 127.0.0.1:50051)',
    );
  }
  const credentials = serverCredentials(options.tls);
  const box = SecretBox.load({ keyFile: options.secretKeyFile, env });
  const keys = ferryKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);

  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  // Fail calls fast while Redis is away (UNAVAILABLE) instead of queueing them; reconnect in the background.
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'ferry-control-plane',
  });
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, 'NOT_SERVING'])),
  });
  const setServing = (serving: boolean): void => {
    for (const name of ['', ...SERVICE_NAMES]) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
  };
  let redisReady = false;
  redis.on('ready', () => {
    redisReady = true;
    setServing(true);
    logger.info({ redis: redactUrl(redisUrl) }, 'state Redis connected');
  });
  let closing: Promise<void> | undefined;
  redis.on('close', () => {
    if (redisReady && !closing)
      logger.warn({ redis: redactUrl(redisUrl) }, 'state Redis connection lost; reconnecting');
    redisReady = false;
    setServing(false);
  });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'state Redis error'));

  const deps = { authenticator, logger };
  const store = new ConfigStore(redis, keys);
  const registry = new ClusterRegistry(redis, keys);
  const secrets = new SecretStore(redis, keys, box);
  const { proto, definition } = loadFerryProto();

  const server = new grpc.Server();
  server.addService(
    proto.ferry.v1.PipelineService.service,
    pipelineService({ ...deps, store, registry, secrets, snapshots: new SnapshotRequests(redis, keys) }),
  );
  server.addService(proto.ferry.v1.ClusterService.service, clusterService({ ...deps, registry }));
  server.addService(proto.ferry.v1.RejectsService.service, rejectsService({ ...deps, store, redis, keys }));
  server.addService(proto.ferry.v1.SecretsService.service, secretsService({ ...deps, secrets }));
  health.addToServer(server);
  // Reflect the health service too, so that `grpcurl list` shows everything the server answers.
  new ReflectionService({ ...definition, ...healthDefinition() }).addToServer(server);

  // Give Redis a moment before answering, so that the first calls do not fail while it connects; if it is
  // down, start anyway: calls answer UNAVAILABLE and health says NOT_SERVING until it is back.
  await waitForRedis(redis, 3000);
  const leader =
    options.assignment === false
      ? undefined
      : startAssignment(redis, keys, store, logger, options.assignment ?? {});

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen.bindTarget, credentials, (error, bound) =>
      error ? reject(bindError(error, listen.bindTarget)) : resolve(bound),
    );
  });
  const address = listen.bindTarget.replace(/:\d+$/, `:${port}`);
  logger.info(
    {
      address,
      tls: options.tls ? (options.tls.clientCaFile ? 'mutual' : 'server') : 'off',
      auth: authenticator.isOpen ? 'open (loopback only)' : `${authenticator.tokenCount} tokens`,
      secrets: box ? 'sealed' : 'no key: SecretsService.Set is refused',
      keyPrefix: keys.prefix,
    },
    authenticator.isOpen
      ? 'control plane listening WITHOUT tokens: every caller is admin; this is allowed on loopback only'
      : 'control plane listening',
  );

  return {
    address,
    port,
    authenticator,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        setServing(false);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            logger.warn({ graceMs }, 'calls still running after the grace period; closing them');
            server.forceShutdown();
            resolve();
          }, graceMs);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        await leader?.stop();
        redis.disconnect();
        logger.info('control plane stopped');
      })();
      return closing;
    },
  };
}

function serverCredentials(tls: ControlPlaneOptions['tls']): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new InvalidArgumentError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const cert = read(tls.certFile, 'certificate');
  const key = read(tls.keyFile, 'key');
  const clientCa = tls.clientCaFile ? read(tls.clientCaFile, 'client CA') : null;
  return grpc.ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: cert, private_key: key }],
    clientCa !== null,
  );
}

function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

function healthDefinition(): protoLoader.PackageDefinition {
  const require = createRequire(import.meta.url);
  const protoPath = join(
    dirname(require.resolve('grpc-health-check/package.json')),
    'proto',
    'health',
    'v1',
    'health.proto',
  );
  return protoLoader.loadSync(protoPath);
}

function bindError(error: Error, target: string): Error {
  return new InvalidArgumentError(`cannot listen on ${target}: ${error.message}`, { cause: error });
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '******';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
