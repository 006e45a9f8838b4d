/**
 * Access to the control plane: bearer tokens and roles (UNAUTHENTICATED / PERMISSION_DENIED per role), the
 * loopback rule without tokens, TLS and mutual TLS, health, reflection (what grpcurl relies on), and
 * UNAVAILABLE when the state Redis is away.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { FerryClient, FerryClientError } from '../../clients/ferry-client.js';
import { hashToken } from '../../control-plane/auth.js';
import { startControlPlane } from '../../control-plane/server.js';
import { silentLogger } from '../../common/logger.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { testRedis } from '../helpers/redis.js';
import { WorkerRegistry } from '../../common/leases/index.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { loadHealthClient, loadReflectionClient } from '../helpers/grpc-tools.js';
import { deployRequest } from '../helpers/pipelines.js';

const TOKENS = {
  viewer: 'viewer-token-0123456789',
  operator: 'operator-token-0123456789',
  admin: 'admin-token-0123456789',
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof FerryClientError) return error.codeName;
    throw error;
  }
}

t.test('roles: each method answers UNAUTHENTICATED, PERMISSION_DENIED or passes, per role', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-tokens-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The admin token is given as a hash only: the server never needs the token itself.
  const tokensFile = join(dir, 'tokens.yaml');
  writeFileSync(
    tokensFile,
    [
      'tokens:',
      `  - {name: alice, role: admin, sha256: ${hashToken(TOKENS.admin).toString('hex')}}`,
      `  - {name: olga, role: operator, token: ${TOKENS.operator}}`,
    ].join('\n'),
  );
  const { client } = await startTestControlPlane(t, 'roles', {
    tokensFile,
    env: {
      FERRY_TOKENS: `victor:viewer:${TOKENS.viewer}`,
      FERRY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    },
  });
  const as = {
    none: client(),
    wrong: client({ token: 'not-a-known-token-at-all' }),
    viewer: client({ token: TOKENS.viewer }),
    operator: client({ token: TOKENS.operator }),
    admin: client({ token: TOKENS.admin }),
  };

  t.equal(await codeOf(as.admin.deploy(deployRequest())), 'OK');
  const deployed = await as.admin.getConfig();
  t.equal(deployed.version?.deployedBy, 'alice', 'deploys record the token name');

  // What each call needs; anything but PERMISSION_DENIED means the call passed authorization.
  const calls: [
    string,
    (c: FerryClient) => Promise<unknown>,
    Record<'viewer' | 'operator' | 'admin', string>,
  ][] = [
    ['GetConfig', (c) => c.getConfig(), { viewer: 'OK', operator: 'OK', admin: 'OK' }],
    ['ListJobs', (c) => c.listJobs(), { viewer: 'OK', operator: 'OK', admin: 'OK' }],
    ['GetStatus', (c) => c.getStatus(), { viewer: 'OK', operator: 'OK', admin: 'OK' }],
    ['Validate', (c) => c.validate(deployRequest()), { viewer: 'OK', operator: 'OK', admin: 'OK' }],
    ['ListWorkers', (c) => c.listWorkers(), { viewer: 'OK', operator: 'OK', admin: 'OK' }],
    ['Start', (c) => c.start(), { viewer: 'PERMISSION_DENIED', operator: 'OK', admin: 'OK' }],
    ['Replay', (c) => c.replayRejects('emp'), { viewer: 'PERMISSION_DENIED', operator: 'OK', admin: 'OK' }],
    // NOT_FOUND: authorized, and no worker of that id has registered.
    [
      'DrainWorker',
      (c) => c.drainWorker('w1'),
      { viewer: 'PERMISSION_DENIED', operator: 'NOT_FOUND', admin: 'NOT_FOUND' },
    ],
    [
      'Deploy',
      (c) => c.deploy(deployRequest()),
      { viewer: 'PERMISSION_DENIED', operator: 'PERMISSION_DENIED', admin: 'OK' },
    ],
    [
      'SetSecret',
      (c) => c.setSecret('DB_PASSWORD', 'x'),
      { viewer: 'PERMISSION_DENIED', operator: 'PERMISSION_DENIED', admin: 'OK' },
    ],
    [
      'ListSecretNames',
      (c) => c.listSecretNames(),
      { viewer: 'PERMISSION_DENIED', operator: 'PERMISSION_DENIED', admin: 'OK' },
    ],
  ];
  for (const [method, call, expected] of calls) {
    t.equal(await codeOf(call(as.none)), 'UNAUTHENTICATED', `${method} without a token`);
    t.equal(await codeOf(call(as.wrong)), 'UNAUTHENTICATED', `${method} with an unknown token`);
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      t.equal(await codeOf(call(as[role])), expected[role], `${method} as ${role}`);
    }
  }

  const denied = await as.viewer.deploy(deployRequest()).catch((error: FerryClientError) => error);
  t.equal((denied as FerryClientError).message, 'Deploy needs the admin role; token "victor" has viewer');
  const missing = await as.none.getConfig().catch((error: FerryClientError) => error);
  t.equal(
    (missing as FerryClientError).message,
    'this server requires a bearer token: pass --token or set FERRY_TOKEN',
  );
});

t.test('without tokens the server refuses anything but loopback, and says why', async (t) => {
  await t.rejects(startControlPlane({ listen: '0.0.0.0:0', logger: silentLogger(), env: {} }), {
    code: 'INVALID_ARGUMENT',
    message:
      'refusing to listen on 0.0.0.0:0 without tokens: anyone who can reach it could deploy. Configure tokens ' +
      '(--tokens FILE or FERRY_TOKENS) or listen on loopback (--listen 127.0.0.1:50051)',
  });
  await t.rejects(startControlPlane({ listen: 'nonsense', logger: silentLogger(), env: {} }), {
    message: '--listen must be host:port, e.g. 127.0.0.1:50051 (got "nonsense")',
  });
  await t.rejects(
    startControlPlane({
      listen: '127.0.0.1:0',
      logger: silentLogger(),
      env: { FERRY_TOKENS: 'x:superuser:0123456789abcdefgh' },
    }),
    { message: 'FERRY_TOKENS: tokens[0].role must be one of viewer, operator, admin (got "superuser")' },
  );
});

t.test('TLS and mutual TLS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  makeCertificates(dir);
  const file = (name: string): string => join(dir, name);

  const tls = await startTestControlPlane(t, 'tls', {
    tls: { certFile: file('server.crt'), keyFile: file('server.key') },
  });
  const secure = tls.client({ tls: { caFile: file('ca.crt') }, readAttempts: 1, deadlineMs: 3000 });
  t.equal(await codeOf(secure.listVersions()), 'OK', 'TLS client with the CA');
  const plain = tls.client({ readAttempts: 1, deadlineMs: 3000 });
  t.equal(
    await codeOf(plain.listVersions()),
    'UNAVAILABLE',
    'a plaintext client cannot talk to a TLS server',
  );

  const mutual = await startTestControlPlane(t, 'mtls', {
    tls: { certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: file('ca.crt') },
  });
  const withCert = mutual.client({
    tls: { caFile: file('ca.crt'), certFile: file('client.crt'), keyFile: file('client.key') },
  });
  t.equal(await codeOf(withCert.listVersions()), 'OK', 'mutual TLS with a client certificate');
  const noCert = mutual.client({ tls: { caFile: file('ca.crt') }, readAttempts: 1, deadlineMs: 3000 });
  t.equal(
    await codeOf(noCert.listVersions()),
    'UNAVAILABLE',
    'mutual TLS refuses a client without a certificate',
  );
});

t.test('health and reflection answer as grpcurl and load balancers expect', async (t) => {
  const { controlPlane } = await startTestControlPlane(t, 'reflection');
  const health = loadHealthClient(controlPlane.address);
  t.teardown(() => health.close());
  t.equal(await health.check(''), 'SERVING');
  t.equal(await health.check('ferry.v1.PipelineService'), 'SERVING');
  await t.rejects(health.check('no.such.Service'), { code: grpc.status.NOT_FOUND });

  const reflection = loadReflectionClient(controlPlane.address);
  t.teardown(() => reflection.close());
  const services = await reflection.listServices();
  for (const name of [
    'ferry.v1.PipelineService',
    'ferry.v1.ClusterService',
    'ferry.v1.RejectsService',
    'ferry.v1.SecretsService',
    'grpc.health.v1.Health',
  ]) {
    t.ok(services.includes(name), `lists ${name}`);
  }
  // @grpc/reflection serves one synthesized file per package; grpcurl resolves symbols, not file names.
  const files = await reflection.fileContainingSymbol('ferry.v1.PipelineService');
  const service = files
    .flatMap((file) => file.service ?? [])
    .find((candidate) => candidate.name === 'PipelineService');
  t.same(
    service?.method?.map((method) => method.name),
    [
      'Deploy',
      'Validate',
      'GetConfig',
      'ListVersions',
      'ListJobs',
      'DescribeJob',
      'Start',
      'Stop',
      'Reset',
      'GetStatus',
      'WatchStatus',
      'Trace',
    ],
  );
  const messages = new Set(
    files.flatMap((file) => (file.messageType ?? []).map((message) => `${file.package}.${message.name}`)),
  );
  for (const name of ['ferry.v1.DeployRequest', 'ferry.v1.WorkerInfo', 'google.protobuf.Timestamp']) {
    t.ok(messages.has(name), `${name} comes along, so describe works`);
  }
  const details = await reflection.fileContainingSymbol('google.rpc.BadRequest');
  t.ok(
    details.some(
      (file) =>
        file.package === 'google.rpc' && file.messageType?.some((message) => message.name === 'BadRequest'),
    ),
    'error detail types are reflected for decoding',
  );
});

t.test('WatchStatus streams until the client cancels', async (t) => {
  const { client } = await startTestControlPlane(t, 'watch');
  const ferry = client();
  await ferry.deploy(deployRequest());
  const seen: number[] = [];
  let stream: ReturnType<typeof ferry.watchStatus> | undefined;
  await new Promise<void>((resolve) => {
    stream = ferry.watchStatus(200, (status) => {
      seen.push(Number(status.config?.version));
      if (seen.length === 3) resolve();
    });
  });
  stream?.cancel();
  await stream?.done;
  t.same(seen, [1, 1, 1]);
});

t.test(
  'with the state Redis unreachable, calls answer UNAVAILABLE and health says NOT_SERVING',
  async (t) => {
    const port = await freePort();
    const controlPlane = await startControlPlane({
      listen: '127.0.0.1:0',
      redisUrl: `redis://127.0.0.1:${port}`,
      logger: silentLogger(),
      env: {},
    });
    t.teardown(() => controlPlane.close(500));
    const ferry = new FerryClient({ server: controlPlane.address, token: '', readAttempts: 1 });
    t.teardown(() => ferry.close());
    const error = await ferry.getConfig().catch((caught: FerryClientError) => caught);
    t.equal((error as FerryClientError).codeName, 'UNAVAILABLE');
    t.equal(
      (error as FerryClientError).message,
      'the control plane cannot reach its Redis; check that Redis is running and --redis points at it',
    );
    const health = loadHealthClient(controlPlane.address);
    t.teardown(() => health.close());
    t.equal(await health.check(''), 'NOT_SERVING');
  },
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl. */
function makeCertificates(dir: string): void {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=ferry-test-ca',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/CN=ferry-test-client',
  );
  run(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
  );
}

t.test('DrainWorker marks a registered worker draining', async (t) => {
  const { client, prefix } = await startTestControlPlane(t, 'drain');
  const redis = testRedis(t);
  const registry = new WorkerRegistry(redis, ferryKeys(prefix), {
    workerId: 'worker-d',
    heartbeatIntervalMs: 200,
  });
  t.teardown(() => registry.stop({ deregister: true }));
  await registry.start();
  const ferry = client();
  t.same(await ferry.drainWorker('worker-d'), { leasesReleased: 0 });
  const workers = await ferry.listWorkers();
  t.same(
    workers.workers.map((worker) => [worker.id, worker.state]),
    [['worker-d', 'WORKER_STATE_DRAINING']],
  );
});
