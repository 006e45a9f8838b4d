/**
 * The `ferry` CLI with tokens, secrets and tokens of its own making, the commands the server does not
 * implement yet, `status --live`, and `ferry control-plane` itself, against a real control plane and Redis.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import t from 'tap';
import { WorkerRegistry } from '../../common/leases/index.js';
import { ferryKeys } from '../../common/redis-keys.js';
import { closedPort, REDIS_URL, runFerry, startServer } from '../fixtures/cli/harness.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

const VIEWER_TOKEN = `viewer-${randomBytes(12).toString('hex')}`;
const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
const TOKENS = `viewer1:viewer:${VIEWER_TOKEN},admin1:admin:${ADMIN_TOKEN}`;

t.test('tokens: none, too weak a role, admin; and commands the server lacks', async (t) => {
  const { address } = await startServer(t, { FERRY_TOKENS: TOKENS });
  const server = ['--server', address];
  const cwd = t.testdir();
  t.equal((await runFerry(['scaffold', 'p'], { cwd })).code, 0);

  const anonymous = await runFerry(['deploy', '--dir', 'p', ...server], { cwd });
  t.equal(anonymous.code, 1);
  t.equal(anonymous.stdout, '');
  t.equal(anonymous.stderr, 'ferry: this server requires a bearer token: pass --token or set FERRY_TOKEN\n');

  const unknown = await runFerry(['history', '--token', 'not-a-token-of-this-server', ...server]);
  t.equal(unknown.code, 1);
  t.equal(
    unknown.stderr,
    'ferry: the token is not known to this server; pass a valid token with --token or FERRY_TOKEN\n',
  );

  const viewer = await runFerry(['deploy', '--dir', 'p', '--token', VIEWER_TOKEN, ...server], { cwd });
  t.equal(viewer.code, 1);
  t.equal(
    viewer.stderr,
    'ferry: Deploy needs the admin role; token "viewer1" has viewer; use a token with that role (--token or FERRY_TOKEN)\n',
  );

  const viewerReads = await runFerry(['validate', '--dir', 'p', '--token', VIEWER_TOKEN, ...server], { cwd });
  t.equal(viewerReads.code, 0, 'a viewer may validate');

  const admin = await runFerry(['deploy', '--dir', 'p', ...server], {
    cwd,
    env: { FERRY_TOKEN: ADMIN_TOKEN },
  });
  t.equal(admin.code, 0, 'FERRY_TOKEN is used without --token');
  t.match(admin.stdout, /^Deployed version 1 \(sha256:[0-9a-f]{12}…, 1 job\) by admin1 at /);

  const viewerStart = await runFerry(['stop', '--token', VIEWER_TOKEN, ...server]);
  t.equal(viewerStart.code, 1, 'a viewer may not stop the engine (rejected: exit 1)');
  t.equal(viewerStart.stdout, '');
  const stop = await runFerry(['stop', '--token', ADMIN_TOKEN, ...server]);
  t.same(
    { code: stop.code, stdout: stop.stdout, stderr: stop.stderr },
    { code: 0, stdout: 'Engine: stopped\n', stderr: '' },
  );
  const start = await runFerry(['start', '--token', ADMIN_TOKEN, ...server]);
  t.same(
    { code: start.code, stdout: start.stdout, stderr: start.stderr },
    { code: 0, stdout: 'Engine: running\n', stderr: '' },
  );

  const rejected = await runFerry(['get-rejected', 'example', '--token', ADMIN_TOKEN, ...server]);
  t.same(
    { code: rejected.code, stdout: rejected.stdout, stderr: rejected.stderr },
    { code: 0, stdout: 'No rejected records for job example.\n', stderr: '' },
  );

  const workers = await runFerry(['workers', '--token', VIEWER_TOKEN, ...server]);
  t.equal(workers.code, 0);
  t.equal(workers.stdout, 'No workers have registered yet. Start one with: ferry worker\n');

  const drain = await runFerry(['drain-worker', 'nobody', '--token', ADMIN_TOKEN, ...server]);
  t.same(
    drain,
    {
      code: 1,
      stdout: '',
      stderr: 'ferry: worker "nobody" is not registered; list workers with ferry workers\n',
    },
    'draining an unknown worker is refused',
  );
});

t.test('secrets: set, list (names only), replace from stdin, delete', async (t) => {
  const { address } = await startServer(t, { FERRY_SECRET_KEY: randomBytes(32).toString('base64') });
  const server = ['--server', address];
  const value = `s3cret-${randomBytes(8).toString('hex')}`;

  const set = await runFerry(['set-secret', 'DB_PASSWORD', value, ...server]);
  t.equal(set.code, 0);
  t.equal(set.stdout, 'Secret DB_PASSWORD created. Refer to it as ${secret:DB_PASSWORD}.\n');

  const replaced = await runFerry(['set-secret', 'DB_PASSWORD', ...server], { stdin: `${value}-2\n` });
  t.equal(replaced.code, 0);
  t.equal(replaced.stdout, 'Secret DB_PASSWORD replaced. Refer to it as ${secret:DB_PASSWORD}.\n');

  const empty = await runFerry(['set-secret', 'EMPTY', ...server], { stdin: '' });
  t.equal(empty.code, 1);
  t.equal(empty.stderr, 'ferry: the value of EMPTY is empty; nothing was stored\n');

  const list = await runFerry(['list-secrets', ...server]);
  t.equal(list.code, 0);
  const lines = list.stdout.trimEnd().split('\n');
  t.equal(lines[0], 'NAME         UPDATED AT            UPDATED BY');
  t.match(lines[1], /^DB_PASSWORD {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}anonymous$/);
  t.equal(lines.length, 2);
  const listJson = await runFerry(['list-secrets', '--json', ...server]);
  t.match(JSON.parse(listJson.stdout), { secrets: [{ name: 'DB_PASSWORD', updatedBy: 'anonymous' }] });
  for (const output of [list.stdout, listJson.stdout, set.stdout, replaced.stdout]) {
    t.notMatch(output, value, 'the value is never printed');
  }

  const deleted = await runFerry(['delete-secret', 'DB_PASSWORD', ...server]);
  t.equal(deleted.code, 0);
  t.equal(deleted.stdout, 'Secret DB_PASSWORD deleted.\n');
  const none = await runFerry(['list-secrets', ...server]);
  t.equal(none.stdout, 'No secrets are stored. Add one with: ferry set-secret NAME\n');
  const again = await runFerry(['delete-secret', 'DB_PASSWORD', ...server]);
  t.equal(again.code, 1);
  t.equal(again.stderr, 'ferry: there is no secret named DB_PASSWORD\n');
});

t.test('hash-token and new-token', async (t) => {
  const token = 'a-token-of-at-least-16-characters';
  const expected = createHash('sha256').update(token).digest('hex');

  const fromArgument = await runFerry(['hash-token', token]);
  t.equal(fromArgument.code, 0);
  t.equal(fromArgument.stdout, `${expected}\n`);
  const fromStdin = await runFerry(['hash-token'], { stdin: `${token}\n` });
  t.equal(fromStdin.stdout, `${expected}\n`, 'stdin, less its trailing newline');
  const json = await runFerry(['hash-token', token, '--json']);
  t.same(JSON.parse(json.stdout), { sha256: expected });

  const short = await runFerry(['hash-token', 'short']);
  t.equal(short.code, 1);
  t.equal(
    short.stderr,
    'ferry: a token must be at least 16 characters (got 5); make one with: ferry new-token\n',
  );

  const first = await runFerry(['new-token']);
  const second = await runFerry(['new-token']);
  t.match(first.stdout, /^[A-Za-z0-9_-]{43}\n$/, '32 bytes in base64url');
  t.not(first.stdout, second.stdout);
});

t.test('status --live prints a status per interval until interrupted', async (t) => {
  const { address } = await startServer(t);
  const controller = new AbortController();
  const running = runFerry(['status', '--live', '--interval', '200', '--server', address], {
    signal: controller.signal,
  });
  await new Promise((resolve) => setTimeout(resolve, 700));
  controller.abort();
  const live = await running;
  t.equal(live.code, 0);
  const statuses = live.stdout.split('\n\nConfiguration:');
  t.ok(statuses.length >= 2, `several statuses, separated by a blank line (got ${statuses.length})`);
  t.match(live.stdout, /^Configuration: {2}nothing deployed yet/);
  t.notMatch(live.stdout, '\u001b', 'no escape codes when stdout is not a terminal');
});

t.test('ferry control-plane: runs until interrupted; refuses an open non-loopback address', async (t) => {
  const env = { FERRY_LOG_LEVEL: 'silent' };
  const keyPrefix = uniquePrefix('cli-cp');
  const redis = testRedis(t);
  t.teardown(() => deleteKeys(redis, keyPrefix));
  const address = `127.0.0.1:${await closedPort()}`;
  const controller = new AbortController();
  const running = runFerry(['control-plane', '--listen', address, '--key-prefix', keyPrefix], {
    env,
    signal: controller.signal,
  });
  let answered = false;
  for (let attempt = 0; attempt < 50 && !answered; attempt++) {
    answered = (await runFerry(['history', '--server', address])).code === 0;
    if (!answered) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.ok(answered, 'the control plane answers');
  controller.abort();
  const stopped = await running;
  t.equal(stopped.code, 0, 'interrupted: exit 0');
  t.equal(stopped.stdout, '', 'nothing on stdout');
  t.equal((await runFerry(['history', '--server', address])).code, 2, 'and it is gone');

  const open = await runFerry(['control-plane', '--listen', '0.0.0.0:0'], { env });
  t.equal(open.code, 1);
  t.equal(
    open.stderr,
    'ferry: refusing to listen on 0.0.0.0:0 without tokens: anyone who can reach it could deploy. ' +
      'Configure tokens (--tokens FILE or FERRY_TOKENS) or listen on loopback (--listen 127.0.0.1:50051)\n',
  );

  const halfTls = await runFerry(['control-plane', '--tls-cert', 'cert.pem'], { env });
  t.equal(halfTls.code, 1);
  t.equal(
    halfTls.stderr,
    'ferry: --tls-cert and --tls-key go together: the server certificate needs its key\n',
  );
});

t.test('workers that registered show up in status and workers', async (t) => {
  const { address, keyPrefix } = await startServer(t);
  const redis = new Redis(REDIS_URL);
  const worker = new WorkerRegistry(redis, ferryKeys(keyPrefix), {
    workerId: 'worker-a',
    host: 'host-a',
    pid: 4242,
    version: '0.1.0',
    threads: 4,
  });
  t.teardown(async () => {
    await worker.stop({ deregister: true });
    redis.disconnect();
  });
  await worker.start();

  const workers = await runFerry(['workers', '--server', address]);
  t.equal(workers.code, 0);
  const lines = workers.stdout.trimEnd().split('\n');
  t.equal(
    lines[0],
    'ID        HOST     PID  VERSION  THREADS  STATE   LEASES  STARTED               LAST HEARTBEAT',
  );
  t.match(
    lines[1],
    /^worker-a {2}host-a {2}4242 {2}0\.1\.0 {10}4 {2}active {7}0 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}\d+s ago$/,
  );

  const status = await runFerry(['status', '--server', address]);
  t.equal(status.code, 0);
  t.match(
    status.stdout,
    /\nWorkers\nID {8}HOST {4}STATE {3}LEASES {2}LAST HEARTBEAT\nworker-a {2}host-a {2}active {7}0 {2}\d+s ago\n$/,
  );
});
