/**
 * A private redis-server process for tests that need a server of their own (replication, failover, AUTH):
 * started on a free loopback port without persistence, in a temporary directory, and killed in teardown.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

export interface RedisServerOptions {
  /** `--requirepass`. */
  password?: string;
  /** `--repl-diskless-sync yes|no`. @default the server's (yes since Redis 7) */
  disklessSync?: boolean;
  /** `--repl-backlog-size`, e.g. `16kb`. */
  backlogSize?: string;
  /** `--replicaof 127.0.0.1 <port>`. */
  replicaOf?: number;
  /** Serve TLS only (`--tls-port`, plain port 0), with these PEM files; clients are not asked for a certificate. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** More `--name value` arguments. */
  args?: string[];
}

export interface RedisServer {
  host: string;
  port: number;
  url: string;
  /** A new ioredis connection (authenticated when the server has a password); closed in teardown. */
  connect(db?: number): Redis;
  /** INFO replication as a map. */
  replicationInfo(): Promise<Map<string, string>>;
  /** Stops the server at once (SIGKILL) and removes its directory. */
  kill(): Promise<void>;
}

type Teardown = { teardown: (fn: () => unknown) => void };

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server and waits until it answers PING. */
export async function startRedisServer(t: Teardown, options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-redis-'));
  const host = '127.0.0.1';
  const port = await freePort();
  // A full resync starts at once instead of waiting 5 s for more replicas to join the same transfer.
  const args = ['--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--repl-diskless-sync-delay', '0');
  const tls = options.tls;
  if (tls) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no');
    args.push(
      '--tls-cert-file',
      tls.certFile,
      '--tls-key-file',
      tls.keyFile,
      '--tls-ca-cert-file',
      tls.caFile,
    );
  } else {
    args.push('--port', String(port));
  }
  if (options.password !== undefined) args.push('--requirepass', options.password);
  if (options.disklessSync !== undefined) {
    args.push('--repl-diskless-sync', options.disklessSync ? 'yes' : 'no');
  }
  if (options.backlogSize !== undefined) args.push('--repl-backlog-size', options.backlogSize);
  if (options.replicaOf !== undefined) args.push('--replicaof', host, String(options.replicaOf));
  if (options.password !== undefined && options.replicaOf !== undefined) {
    args.push('--masterauth', options.password);
  }
  args.push(...(options.args ?? []));

  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const clients: Redis[] = [];
  const kill = async (): Promise<void> => {
    for (const client of clients.splice(0)) client.disconnect();
    child.kill('SIGKILL');
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  };
  t.teardown(kill);

  const tlsOptions = tls ? { tls: { ca: await readFile(tls.caFile, 'utf8') } } : {};
  const connect = (db = 0): Redis => {
    const client = new Redis({
      host,
      port,
      db,
      ...tlsOptions,
      password: options.password,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output}`);
    const probe = new Redis({
      host,
      port,
      ...tlsOptions,
      password: options.password,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`redis-server on port ${port} did not answer PING: ${output}`);
      await sleep(20);
    } finally {
      probe.disconnect();
    }
  }

  const replicationInfo = async (): Promise<Map<string, string>> => {
    const admin = connect();
    try {
      const text = await admin.info('replication');
      const fields = new Map<string, string>();
      for (const line of text.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
      return fields;
    } finally {
      admin.disconnect();
    }
  };

  return { host, port, url: `${tls ? 'rediss' : 'redis'}://${host}:${port}`, connect, replicationInfo, kill };
}

export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** The CA certificate (PEM), for clients to trust. */
  ca: string;
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1 and localhost, made with the openssl command;
 * Fails with what to install when the openssl command is missing (the TLS tests need it; so do the control
 * plane's).
 */
export async function createTestCertificates(t: Teardown): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=Ferry test CA',
    );
    await openssl(
      'req',
      ...ec,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      '/CN=localhost',
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new Error(
        'the openssl command is needed to make test certificates; install it (apt-get install openssl)',
      );
    }
    throw error;
  }
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.crt'),
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
  );
  return {
    caFile: file('ca.crt'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    ca: await readFile(file('ca.crt'), 'utf8'),
  };
}
