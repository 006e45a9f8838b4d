/**
 * The `ferry` CLI as a new user meets it, against a real control plane and Redis: scaffold, validate, deploy,
 * read back, history, status, and what the CLI says when things go wrong. Assertions are on the lines a user
 * reads, not only on exit codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { closedPort, FIXTURES, runFerry, startServer } from '../fixtures/cli/harness.js';

const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';
const SHORT_HASH = 'sha256:[0-9a-f]{12}…';

const JOBS_TABLE = [
  'NAME     KIND          SOURCE     TARGETS             TRANSFORMS  OUTPUTS',
  'example  write-behind  example:*  target/app.example           0        1',
].join('\n');

t.test('scaffold, validate, deploy, read back, history and status', async (t) => {
  const { address } = await startServer(t);
  const server = ['--server', address];
  const cwd = t.testdir();

  const scaffold = await runFerry(['scaffold', 'pipeline'], { cwd });
  t.equal(scaffold.code, 0);
  t.equal(
    scaffold.stdout,
    [
      'Wrote a starter mysql pipeline to pipeline:',
      '  pipeline/config.yaml        the target connection and the Redis source 127.0.0.1:6379',
      '  pipeline/jobs/example.yaml  write-behind of example:* hashes to the table example',
      '',
      'Next: give the worker the password, check the pipeline, then deploy it:',
      '  export FERRY_TARGET_PASSWORD=...',
      '  ferry validate --dir pipeline',
      '  ferry deploy --dir pipeline',
      '',
    ].join('\n'),
  );
  const config = readFileSync(join(cwd, 'pipeline', 'config.yaml'), 'utf8');
  const job = readFileSync(join(cwd, 'pipeline', 'jobs', 'example.yaml'), 'utf8');
  t.match(config, /password: \$\{env:FERRY_TARGET_PASSWORD\}/, 'the password is a reference, not a literal');
  t.match(config, /sources:\n {2}app:\n {4}type: redis\n {4}host: 127\.0\.0\.1\n {4}port: 6379/);
  t.match(job, /key_pattern: "example:\*"/);

  const again = await runFerry(['scaffold', 'pipeline'], { cwd });
  t.equal(again.code, 1, 'scaffold never overwrites');
  t.equal(
    again.stderr,
    `ferry: refusing to overwrite ${join(cwd, 'pipeline', 'config.yaml')}, ${join(cwd, 'pipeline', 'jobs', 'example.yaml')}; ` +
      'scaffold never overwrites files; choose another directory\n',
  );
  t.equal(readFileSync(join(cwd, 'pipeline', 'config.yaml'), 'utf8'), config, 'the file is untouched');

  const validate = await runFerry(['validate', '--dir', 'pipeline', ...server], { cwd });
  t.equal(validate.code, 0);
  t.equal(validate.stdout, `Valid: 1 job\n\n${JOBS_TABLE}\n`);
  t.equal(validate.stderr, '');

  const deploy = await runFerry(['deploy', '--dir', 'pipeline', '--description', 'first', ...server], {
    cwd,
  });
  t.equal(deploy.code, 0);
  t.match(
    deploy.stdout,
    new RegExp(`^Deployed version 1 \\(${SHORT_HASH}, 1 job\\) by anonymous at ${TIME}\n$`),
  );
  t.equal(deploy.stderr, '');

  const deployJson = await runFerry(['deploy', '--dir', 'pipeline', '--json', ...server], { cwd });
  t.equal(deployJson.code, 0);
  const deployed = JSON.parse(deployJson.stdout) as {
    version: { version: number; contentHash: string; deployedAt: string; jobNames: string[] };
    warnings: unknown[];
  };
  t.match(deployed, {
    version: { version: 2, jobNames: ['example'], deployedBy: 'anonymous' },
    warnings: [],
  });
  t.match(deployed.version.contentHash, /^sha256:[0-9a-f]{64}$/);
  t.match(
    deployed.version.deployedAt,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    'timestamps are ISO strings',
  );
  t.ok(deploy.stdout.includes(deployed.version.contentHash.slice(0, 19)), 'same files, same hash');

  const listJobs = await runFerry(['list-jobs', ...server]);
  t.equal(listJobs.code, 0);
  t.equal(listJobs.stdout, `Version 2: 1 job\n\n${JOBS_TABLE}\n`);

  const describe = await runFerry(['describe-job', 'example', ...server]);
  t.equal(describe.code, 0);
  const [summary, rest] = describe.stdout.split('\nCompiled (every default applied):\n') as [string, string];
  t.equal(
    summary,
    [
      'Job:         example (version 2)',
      'Kind:        write-behind',
      'Source:      example:*',
      'Targets:     target/app.example',
      'Transforms:  0',
      'Outputs:     1',
      '',
    ].join('\n'),
  );
  const [compiled, file] = rest.split('\n\n==> jobs/example.yaml <==\n') as [string, string];
  t.match(JSON.parse(compiled), {
    name: 'example',
    kind: 'write-behind',
    source: { keyPattern: 'example:*' },
  });
  t.equal(file, job, 'the job file as deployed');

  const missingJob = await runFerry(['describe-job', 'nope', ...server]);
  t.equal(missingJob.code, 1);
  t.equal(missingJob.stderr, 'ferry: version 2 has no job named "nope"; its jobs: example\n');

  const getConfig = await runFerry(['get-config', ...server]);
  t.equal(getConfig.code, 0);
  t.equal(getConfig.stdout, `==> config.yaml <==\n${config}\n==> jobs/example.yaml <==\n${job}`);

  const out = await runFerry(['get-config', '--out', 'copy', ...server], { cwd });
  t.equal(out.code, 0);
  t.equal(out.stdout, `Wrote version 2 to ${join(cwd, 'copy')}: config.yaml, jobs/example.yaml\n`);
  t.equal(readFileSync(join(cwd, 'copy', 'config.yaml'), 'utf8'), config);
  t.equal(readFileSync(join(cwd, 'copy', 'jobs', 'example.yaml'), 'utf8'), job);
  const outAgain = await runFerry(['get-config', '--out', 'copy', ...server], { cwd });
  t.equal(outAgain.code, 1, 'get-config --out does not overwrite without --force');
  t.match(
    outAgain.stderr,
    /^ferry: refusing to overwrite .*copy\/config\.yaml, .*; choose an empty directory, or pass --force\n$/,
  );

  const redeploy = await runFerry(['deploy', '--dir', 'copy', '--json', ...server], { cwd });
  t.equal(redeploy.code, 0);
  const redeployed = JSON.parse(redeploy.stdout) as typeof deployed;
  t.equal(redeployed.version.version, 3);
  t.equal(
    redeployed.version.contentHash,
    deployed.version.contentHash,
    'the written files redeploy identically',
  );

  const history = await runFerry(['history', ...server]);
  t.equal(history.code, 0);
  const lines = history.stdout.trimEnd().split('\n');
  t.equal(lines[0], 'VERSION  DEPLOYED AT           BY         JOBS  HASH                  DESCRIPTION');
  t.match(lines[1], new RegExp(`^      3  ${TIME}  anonymous     1  ${SHORT_HASH}  -$`));
  t.match(lines[2], new RegExp(`^      2  ${TIME}  anonymous     1  ${SHORT_HASH}  -$`));
  t.match(lines[3], new RegExp(`^      1  ${TIME}  anonymous     1  ${SHORT_HASH}  first$`));
  t.equal(lines.length, 4);

  const status = await runFerry(['status', ...server]);
  t.equal(status.code, 0);
  t.match(
    status.stdout,
    new RegExp(
      `^Configuration:  version 3 \\(${SHORT_HASH}\\)\n` +
        `Deployed:       ${TIME} \\(\\d+s ago\\) by anonymous\n` +
        'Engine:         running\n\n' +
        'Workers\n' +
        'No workers have registered yet. Start one with: ferry worker\n\n' +
        'Connections\n' +
        'NAME    TYPE   REACHABLE  CHECKED  LAST ERROR\n' +
        'target  mysql  no         -        not checked yet: no worker has used this connection\n' +
        'app     redis  no         -        not checked yet: no worker has used this connection\n\n' +
        'Capture\n' +
        'SOURCES  STATE        SYNC  OFFSET  SNAPSHOT  WORKER  UPDATED  LAST ERROR / WARNING\n' +
        'app      not started  -          0  -         -       -        -\n\n' +
        'Jobs\n' +
        'JOB      KIND          PROCESSED  INSERTED  UPDATED  DELETED  FILTERED  REJECTED  PENDING  LAG  LAST BATCH\n' +
        'example  write-behind          0         0        0        0         0         0        0  0ms  -\n$',
    ),
  );
});

t.test('every scaffold target validates as written', async (t) => {
  const { address } = await startServer(t);
  const cwd = t.testdir();
  for (const target of ['mysql', 'mariadb', 'postgresql', 'oracle']) {
    const scaffold = await runFerry(['scaffold', target, '--target', target], { cwd });
    t.equal(scaffold.code, 0, `scaffold --target ${target}`);
    t.match(readFileSync(join(cwd, target, 'config.yaml'), 'utf8'), `    type: ${target}\n`);
    const validate = await runFerry(['validate', '--dir', target, '--server', address], { cwd });
    t.equal(validate.stderr, '', `${target}: no problems, no warnings`);
    t.equal(validate.code, 0);
    t.match(validate.stdout, /^Valid: 1 job\n/);
  }
});

t.test('a fresh cluster: nothing deployed yet', async (t) => {
  const { address } = await startServer(t);
  const status = await runFerry(['status', '--server', address]);
  t.equal(status.code, 0);
  t.match(
    status.stdout,
    /^Configuration: {2}nothing deployed yet; deploy a pipeline with: ferry deploy --dir DIR\n/,
  );
  t.match(status.stdout, /\nNo workers have registered yet\. Start one with: ferry worker\n$/);

  const history = await runFerry(['history', '--server', address]);
  t.equal(history.stdout, 'Nothing has been deployed yet. Deploy a pipeline with: ferry deploy --dir DIR\n');

  const getConfig = await runFerry(['get-config', '--server', address]);
  t.equal(getConfig.code, 1);
  t.equal(
    getConfig.stderr,
    'ferry: nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)\n',
  );
  t.equal(getConfig.stdout, '');
});

t.test('an invalid pipeline: every problem, one per line, and nothing deployed', async (t) => {
  const { address } = await startServer(t);
  const dir = join(FIXTURES, 'invalid-pipeline');
  const problems = [
    'config.yaml:16:21: applier.write_batch_size: must be a positive integer (got -3)',
    'jobs/emp.yaml:8:7: output[0].with: missing required field "table"',
  ];

  const deploy = await runFerry(['deploy', '--dir', dir, '--server', address]);
  t.equal(deploy.code, 1);
  t.equal(deploy.stdout, '');
  t.equal(deploy.stderr, [...problems, 'ferry: 2 problems; nothing was deployed.', ''].join('\n'));

  const validate = await runFerry(['validate', '--dir', dir, '--server', address]);
  t.equal(validate.code, 1);
  t.equal(validate.stderr, [...problems, 'ferry: 2 problems; the pipeline is not valid.', ''].join('\n'));

  const json = await runFerry(['deploy', '--dir', dir, '--json', '--server', address]);
  t.equal(json.code, 1);
  t.match(JSON.parse(json.stdout), {
    error: {
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_CONFIG',
      problems: [
        { file: 'config.yaml', line: 16, column: 21, path: 'applier.write_batch_size' },
        {
          file: 'jobs/emp.yaml',
          line: 8,
          column: 7,
          path: 'output[0].with',
          message: 'missing required field "table"',
        },
      ],
    },
  });

  const history = await runFerry(['history', '--server', address]);
  t.equal(history.stdout, 'Nothing has been deployed yet. Deploy a pipeline with: ferry deploy --dir DIR\n');
});

t.test('a directory that is not a pipeline is named in the error', async (t) => {
  const cwd = t.testdir({ empty: {} });
  const missing = await runFerry(['deploy', '--dir', 'nope', '--server', '127.0.0.1:1'], { cwd });
  t.equal(missing.code, 1);
  t.equal(
    missing.stderr,
    `ferry: ${join(cwd, 'nope')} is not a directory; create a pipeline there with: ferry scaffold nope\n`,
  );

  const json = await runFerry(['deploy', '--dir', 'nope', '--json'], { cwd });
  t.equal(json.code, 1);
  t.same(JSON.parse(json.stdout), {
    error: {
      code: 'INVALID_ARGUMENT',
      reason: null,
      message: `${join(cwd, 'nope')} is not a directory; create a pipeline there with: ferry scaffold nope`,
    },
  });

  const noConfig = await runFerry(['validate', '--dir', 'empty', '--server', '127.0.0.1:1'], { cwd });
  t.equal(noConfig.code, 1);
  t.equal(
    noConfig.stderr,
    `ferry: cannot read ${join(cwd, 'empty', 'config.yaml')} (no such file); a pipeline directory holds ` +
      'config.yaml and jobs/*.yaml (ferry scaffold DIR writes a starter one)\n',
  );
});

t.test('--expected-version guards against concurrent deploys', async (t) => {
  const { address } = await startServer(t);
  const cwd = t.testdir();
  await runFerry(['scaffold', 'p'], { cwd });
  const first = await runFerry(['deploy', '--dir', 'p', '--expected-version', '0', '--server', address], {
    cwd,
  });
  t.equal(first.code, 0, 'version 0: nothing deployed yet');
  const second = await runFerry(['deploy', '--dir', 'p', '--expected-version', '1', '--server', address], {
    cwd,
  });
  t.equal(second.code, 0);

  const stale = await runFerry(['deploy', '--dir', 'p', '--expected-version', '1', '--server', address], {
    cwd,
  });
  t.equal(stale.code, 1);
  t.equal(stale.stdout, '');
  t.equal(
    stale.stderr,
    'ferry: nothing was deployed: --expected-version 1 is out of date, the newest is version 2. ' +
      'Review what changed (ferry history, ferry get-config), then deploy again with --expected-version 2\n',
  );
  const history = await runFerry(['history', '--json', '--server', address]);
  t.equal((JSON.parse(history.stdout) as { versions: unknown[] }).versions.length, 2);
});

t.test('a literal password comes back redacted', async (t) => {
  const { address } = await startServer(t);
  const cwd = t.testdir();
  await runFerry(['scaffold', 'p'], { cwd });
  const configPath = join(cwd, 'p', 'config.yaml');
  writeFileSync(
    configPath,
    readFileSync(configPath, 'utf8').replace('${env:FERRY_TARGET_PASSWORD}', 'hunter2-literal'),
  );
  t.equal((await runFerry(['deploy', '--dir', 'p', '--server', address], { cwd })).code, 0);

  const shown = await runFerry(['get-config', '--server', address]);
  t.equal(shown.code, 0);
  t.notMatch(shown.stdout, 'hunter2');
  t.match(shown.stdout, /\n {4}password: "?\*{6}"?\n/);

  const written = await runFerry(['get-config', '--out', 'copy', '--server', address], { cwd });
  t.equal(written.code, 0);
  t.equal(
    written.stderr,
    'ferry: warning: config.yaml holds secrets shown as ******; put the real values back before deploying it, ' +
      'or better, refer to secrets (${env:NAME}, or ${secret:NAME} after ferry set-secret NAME)\n',
  );
  t.notMatch(readFileSync(join(cwd, 'copy', 'config.yaml'), 'utf8'), 'hunter2');
});

t.test('an unreachable control plane: exit 2 and how to start one', async (t) => {
  const port = await closedPort();
  const server = `127.0.0.1:${port}`;
  const hint =
    `ferry: cannot reach the control plane at ${server} (connect ECONNREFUSED ${server}); ` +
    'start it with: ferry control-plane, or point --server (or FERRY_SERVER) at a running one\n';

  const status = await runFerry(['status', '--server', server]);
  t.equal(status.code, 2);
  t.equal(status.stdout, '');
  t.equal(status.stderr, hint);

  const fromEnv = await runFerry(['list-jobs'], { env: { FERRY_SERVER: server } });
  t.equal(fromEnv.code, 2, 'FERRY_SERVER is used without --server');
  t.equal(fromEnv.stderr, hint);

  const json = await runFerry(['history', '--json', '--server', server]);
  t.equal(json.code, 2);
  t.match(JSON.parse(json.stdout), {
    error: { code: 'UNAVAILABLE', message: hint.slice('ferry: '.length, -1) },
  });
});

t.test('usage errors exit 1 and say where to look', async (t) => {
  const limit = await runFerry(['history', '--limit', '0']);
  t.equal(limit.code, 1);
  t.equal(
    limit.stderr,
    "ferry: option '--limit <N>' argument '0' is invalid. the limit must be an integer >= 1 (got \"0\").\n" +
      "(run 'ferry history --help' for usage)\n",
  );

  const unknown = await runFerry(['deploi']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^ferry: unknown command 'deploi'\n\(Did you mean deploy\?\)\n/);

  const tlsCa = await runFerry(['status', '--tls-ca', 'missing.pem'], { cwd: '/tmp' });
  t.equal(tlsCa.code, 1);
  t.equal(tlsCa.stderr, 'ferry: --tls-ca missing.pem: no such file (looked at /tmp/missing.pem)\n');

  const help = await runFerry(['--help']);
  t.equal(help.code, 0);
  t.match(
    help.stdout,
    /\n {2}deploy \[options\] +validate a pipeline directory and store it as a new version\n/,
  );
  t.match(
    help.stdout,
    /\n {2}status \[options\] +show the version, engine state, workers, connections and jobs\n/,
  );

  const version = await runFerry(['--version']);
  t.equal(version.code, 0);
  t.match(version.stdout, /^ferry \d+\.\d+\.\d+/);
});
