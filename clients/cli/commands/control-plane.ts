/**
 * `ferry control-plane`: runs the gRPC control plane in this process until SIGTERM or SIGINT. It prints nothing
 * on stdout; its structured log (pino, JSON lines) goes to stderr.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../../../common/logger.js';
import { integerAtLeast } from '../arguments.js';
import { CliInputError, EXIT_OK } from '../errors.js';
import type { CliSession } from '../session.js';

interface ControlPlaneOptions {
  listen: string;
  redis: string;
  keyPrefix: string;
  tokens?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  secretKeyFile?: string;
  leaseTtl?: number;
}

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function registerControlPlaneCommand(program: Command, session: CliSession): void {
  program
    .command('control-plane')
    .summary('run the control plane (gRPC server) until SIGTERM or Ctrl-C')
    .description(
      'Runs the control plane: the gRPC API that stores configurations, assigns leases and reports status, ' +
        'with its state in Redis. Logs (JSON lines) go to stderr; FERRY_LOG_LEVEL sets the level. ' +
        'Without tokens (--tokens FILE or FERRY_TOKENS=name:role:token,...) every caller is admin, so it ' +
        'refuses to listen on anything but loopback. FERRY_SECRET_KEY (or --secret-key-file) enables secrets.',
    )
    .option('--listen <HOST:PORT>', 'where to listen', '127.0.0.1:50051')
    .option('--redis <URL>', 'the Redis that holds the state', 'redis://127.0.0.1:6379')
    .option('--key-prefix <PREFIX>', "prefix of Ferry's keys in that Redis", 'ferry')
    .option('--tokens <FILE>', 'tokens file (YAML: tokens: [{name, role, token | sha256}])')
    .option('--tls-cert <FILE>', 'serve TLS with this certificate chain (PEM); needs --tls-key')
    .option('--tls-key <FILE>', 'the private key of --tls-cert (PEM)')
    .option('--tls-client-ca <FILE>', 'require client certificates signed by this CA (mutual TLS)')
    .option('--secret-key-file <FILE>', 'the 32-byte key that seals stored secrets (raw or base64)')
    .option(
      '--lease-ttl <MS>',
      "how long workers' leases last: a dead worker's partitions move after about this long (default " +
        '10000); workers must use the same --lease-ttl',
      integerAtLeast(100, 'the lease TTL in milliseconds'),
    )
    .action(
      session.action(async (_options: object, command: Command) => {
        // --tls-cert and --tls-key are also global options (the client's certificate): read them wherever
        // they were written. Here they mean the server's certificate.
        const options = command.optsWithGlobals<ControlPlaneOptions>();
        const file = (path: string | undefined): string | undefined =>
          path === undefined ? undefined : resolve(session.io.cwd, path);
        if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
          throw new CliInputError(
            '--tls-cert and --tls-key go together: the server certificate needs its key',
          );
        }
        if (options.tlsClientCa !== undefined && options.tlsCert === undefined) {
          throw new CliInputError('--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS first');
        }
        const level = session.io.env['FERRY_LOG_LEVEL'];
        const logger = createLogger({
          component: 'control-plane',
          ...(level && LOG_LEVELS.includes(level) ? { level: level as LevelWithSilent } : {}),
        });
        // Loaded here, not at the top: the server and its dependencies double the start-up time of every
        // other command.
        const { startControlPlane } = await import('../../../control-plane/server.js');
        const { interrupted, dispose } = session.interruption();
        try {
          const controlPlane = await startControlPlane({
            listen: options.listen,
            redisUrl: options.redis,
            keyPrefix: options.keyPrefix,
            tokensFile: file(options.tokens),
            tls:
              options.tlsCert !== undefined && options.tlsKey !== undefined
                ? {
                    certFile: file(options.tlsCert) ?? '',
                    keyFile: file(options.tlsKey) ?? '',
                    clientCaFile: file(options.tlsClientCa),
                  }
                : undefined,
            secretKeyFile: file(options.secretKeyFile),
            ...(options.leaseTtl === undefined ? {} : { assignment: { ttlMs: options.leaseTtl } }),
            env: session.io.env,
            logger,
          });
          const signal = await interrupted;
          logger.info({ signal }, 'stopping: letting calls in flight finish');
          await controlPlane.close();
          return EXIT_OK;
        } finally {
          dispose();
          logger.flush();
        }
      }),
    );
}
