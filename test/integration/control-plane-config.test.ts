/**
 * The control plane's configuration store over real gRPC and a real Redis: deploy, read back, list, describe,
 * compare-and-set, history, validation errors in the status details, and redaction.
 */
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { FerryClientError } from '../../clients/ferry-client.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { deployRequest, examplePipeline } from '../helpers/pipelines.js';

async function rejection(promise: Promise<unknown>): Promise<FerryClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

t.test('deploy, read back, list jobs and describe a job', async (t) => {
  const { client } = await startTestControlPlane(t, 'deploy');
  const ferry = client();

  const deployed = await ferry.deploy(deployRequest({ description: 'first' }));
  t.equal(deployed.version?.version, 1);
  t.equal(deployed.version?.deployedBy, 'anonymous');
  t.equal(deployed.version?.description, 'first');
  t.same(deployed.version?.jobNames, ['emp']);
  t.match(deployed.version?.contentHash, /^sha256:[0-9a-f]{64}$/);
  const deployedAt = Number(deployed.version?.deployedAt?.seconds) * 1000;
  t.ok(Math.abs(deployedAt - Date.now()) < 60_000, 'deployed_at is now');

  const config = await ferry.getConfig();
  t.equal(config.version?.version, 1);
  t.equal(config.config?.name, 'config.yaml');
  t.equal(
    config.config?.content,
    examplePipeline().config.content,
    'config.yaml comes back as deployed (it has only a reference)',
  );
  t.same(config.jobs, examplePipeline().jobs);

  const jobs = await ferry.listJobs();
  t.equal(jobs.version, 1);
  t.same(jobs.jobs, [
    {
      name: 'emp',
      kind: 'JOB_KIND_WRITE_BEHIND',
      source: 'emp:*',
      targets: ['target/ferry_demo.emp'],
      transformCount: 0,
      outputCount: 1,
    },
  ]);

  const described = await ferry.describeJob('emp');
  t.equal(described.summary?.name, 'emp');
  t.equal(described.file?.name, 'jobs/emp.yaml');
  t.equal(described.file?.content, examplePipeline().jobs[0]?.content);
  const compiled = JSON.parse(described.compiledJson) as Record<string, unknown>;
  t.match(compiled, {
    name: 'emp',
    kind: 'write-behind',
    source: { keyPattern: 'emp:*', trigger: 'write-behind', db: 0 },
  });

  const missing = await rejection(ferry.describeJob('nope'));
  t.equal(missing.code, grpc.status.NOT_FOUND);
  t.equal(missing.message, 'version 1 has no job named "nope"; its jobs: emp');
});

t.test('the same files give the same content hash in any order; bare job names go under jobs/', async (t) => {
  const { client } = await startTestControlPlane(t, 'hash');
  const ferry = client();
  const pipeline = examplePipeline();
  const second = {
    name: 'dept.yaml',
    content: pipeline.jobs[0]!.content.replace('emp:*', 'dept:*').replace('table: emp', 'table: dept'),
  };
  const a = await ferry.deploy({ config: pipeline.config, jobs: [...pipeline.jobs, second] });
  const b = await ferry.deploy({
    config: pipeline.config,
    jobs: [{ ...second, name: 'jobs/dept.yaml' }, ...pipeline.jobs],
  });
  t.equal(a.version?.contentHash, b.version?.contentHash);
  t.same(b.version?.jobNames, ['dept', 'emp']);
  const validated = await ferry.validate({ config: pipeline.config, jobs: pipeline.jobs });
  t.not(validated.contentHash, a.version?.contentHash);
  t.same(
    validated.jobs.map((job) => job.name),
    ['emp'],
  );
});

t.test('compare-and-set: a deploy with a stale expected version is refused and stores nothing', async (t) => {
  const { client } = await startTestControlPlane(t, 'cas');
  const ferry = client();

  t.equal(
    (await ferry.deploy(deployRequest({ expectedVersion: 0 }))).version?.version,
    1,
    'expected 0 on an empty store',
  );
  const conflict = await rejection(ferry.deploy(deployRequest({ expectedVersion: 0 })));
  t.equal(conflict.code, grpc.status.ABORTED);
  t.equal(conflict.reason, 'VERSION_CONFLICT');
  t.same(conflict.metadata, { current_version: '1', expected_version: '0' });
  t.equal(
    conflict.message,
    'expected the newest configuration to be version 0 but it is version 1; read it again (ferry get-config) and redeploy',
  );
  t.equal((await ferry.getConfig()).version?.version, 1, 'nothing was stored');
  t.equal((await ferry.deploy(deployRequest({ expectedVersion: 1 }))).version?.version, 2);
  t.equal((await ferry.deploy(deployRequest())).version?.version, 3, 'no expected version: no check');
});

t.test('history: every version is kept, readable and listed newest first with paging', async (t) => {
  const { client } = await startTestControlPlane(t, 'history');
  const ferry = client();
  const empty = await ferry.listVersions();
  t.same(empty.versions, []);
  const nothing = await rejection(ferry.getConfig());
  t.equal(nothing.code, grpc.status.NOT_FOUND);
  t.equal(nothing.message, 'nothing is deployed yet; deploy a pipeline first (ferry deploy --dir DIR)');

  const pipeline = examplePipeline();
  for (let index = 1; index <= 5; index++) {
    const job = {
      name: 'jobs/emp.yaml',
      content: pipeline.jobs[0]!.content.replace('emp:*', `emp${index}:*`),
    };
    await ferry.deploy({ config: pipeline.config, jobs: [job], description: `change ${index}` });
  }
  const page1 = await ferry.listVersions(2);
  t.same(
    page1.versions.map((version) => [version.version, version.description]),
    [
      [5, 'change 5'],
      [4, 'change 4'],
    ],
  );
  t.equal(page1.nextBeforeVersion, 4);
  const page2 = await ferry.listVersions(10, page1.nextBeforeVersion);
  t.same(
    page2.versions.map((version) => version.version),
    [3, 2, 1],
  );
  t.equal(page2.nextBeforeVersion, 0);

  const old = await ferry.getConfig(2);
  t.match(old.jobs[0]?.content, /emp2:\*/);
  t.equal((await ferry.listJobs(3)).jobs[0]?.source, 'emp3:*');
  const gone = await rejection(ferry.getConfig(9));
  t.equal(gone.code, grpc.status.NOT_FOUND);
  t.equal(gone.message, 'configuration version 9 does not exist; the newest is 5');
});

t.test(
  'an invalid deploy answers INVALID_ARGUMENT with every problem in the details and stores nothing',
  async (t) => {
    const { client } = await startTestControlPlane(t, 'invalid');
    const ferry = client();
    await ferry.deploy(deployRequest());
    const pipeline = examplePipeline();
    const badConfig = pipeline.config.content.replace('write_batch_size: 200', 'write_batch_size: -3');
    const badJob = pipeline.jobs[0]!.content.replace('connection: target', 'connection: warehouse');
    const error = await rejection(
      ferry.deploy({
        config: { name: 'config.yaml', content: badConfig },
        jobs: [{ name: 'jobs/emp.yaml', content: badJob }],
      }),
    );
    t.equal(error.code, grpc.status.INVALID_ARGUMENT);
    t.equal(error.reason, 'INVALID_CONFIG');
    t.same(error.problems, [
      {
        file: 'config.yaml',
        line: 19,
        column: 21,
        path: 'applier.write_batch_size',
        message: 'must be a positive integer (got -3)',
      },
      {
        file: 'jobs/emp.yaml',
        line: 9,
        column: 19,
        path: 'output[0].with.connection',
        message: 'connection "warehouse" is not defined in config.yaml; defined: target',
      },
    ]);
    t.equal(
      error.message,
      'the configuration has 2 problems; first: config.yaml:19:21: applier.write_batch_size: must be a positive integer (got -3)',
    );
    t.equal((await ferry.getConfig()).version?.version, 1, 'the stored version did not change');

    const validateError = await rejection(
      ferry.validate({ config: { name: 'config.yaml', content: badConfig }, jobs: pipeline.jobs }),
    );
    t.equal(validateError.code, grpc.status.INVALID_ARGUMENT);
    t.equal(validateError.problems.length, 1);

    const badName = await rejection(
      ferry.deploy({ config: pipeline.config, jobs: [{ name: '../etc/passwd', content: 'x' }] }),
    );
    t.equal(badName.code, grpc.status.INVALID_ARGUMENT);
    t.equal(
      badName.message,
      'jobs[0].name must be a file name like "emp.yaml" or "jobs/emp.yaml", or a script like "jobs/emp.js" ' +
        '(got "../etc/passwd")',
    );
  },
);

t.test('GetConfig redacts literal secrets and keeps references', async (t) => {
  const { client } = await startTestControlPlane(t, 'redact');
  const ferry = client();
  const pipeline = examplePipeline();
  const literal = pipeline.config.content.replace(
    'password: ${env:FERRY_DEMO_DB_PASSWORD}',
    'password: hunter2-very-secret',
  );
  await ferry.deploy({ config: { name: 'config.yaml', content: literal }, jobs: pipeline.jobs });
  const config = await ferry.getConfig();
  t.notMatch(config.config?.content, /hunter2/);
  t.match(config.config?.content, /password: "?\*{6}"?/);
  t.match(config.config?.content, /# A reference, resolved by the worker/, 'comments are kept');
});
