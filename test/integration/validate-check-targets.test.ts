/**
 * Validate with check_targets (`ferry validate --check-targets`) against a real MariaDB and Redis: each case
 * builds its own throwaway database and key prefix, calls Validate over gRPC and compares every finding
 * (kind, message, file, line, column, path) with what a user would be told. One case runs through the CLI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { FerryClient } from '../../clients/ferry-client.js';
import { FerryClientError } from '../../clients/ferry-client.js';
import type { TargetProblem } from '../../clients/generated/ferry/v1/TargetProblem.js';
import type { ValidateResponse } from '../../clients/generated/ferry/v1/ValidateResponse.js';
import { closedPort, runFerry } from '../fixtures/cli/harness.js';
import { TEST_MYSQL, testDatabase } from '../fixtures/mysql/database.js';
import { startTestControlPlane } from '../helpers/control-plane.js';
import { deleteKeys, TEST_REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';

const REDIS = new URL(TEST_REDIS_URL);
const REDIS_HOST = REDIS.hostname;
const REDIS_PORT = Number(REDIS.port || 6379);

const EMP_TABLE =
  'CREATE TABLE emp (emp_id INT NOT NULL PRIMARY KEY, first_name VARCHAR(20) NULL, salary INT NULL)';

interface Scenario {
  /** Statements run in the test's database before the check. */
  tables: string[];
  /** Hashes stored under `<prefix>:<name>` before the check. */
  hashes: Record<string, Record<string, string>>;
  /** config.yaml's connections section, given the database; default: the test MariaDB. */
  connections?: (database: string) => string;
  /** The source's port; default the test Redis. */
  sourcePort?: number;
  keys?: string[];
  mapping?: string[];
}

interface Pipeline {
  prefix: string;
  database: string;
  config: { name: string; content: string };
  job: { name: string; content: string };
}

/** The test MariaDB as a config.yaml connection named `target`. */
function mariadbConnection(database: string, port = TEST_MYSQL.port): string {
  return [
    '  target:',
    '    type: mariadb',
    `    host: ${TEST_MYSQL.host}`,
    `    port: ${port}`,
    `    database: ${database}`,
    `    user: ${TEST_MYSQL.user}`,
    ...(TEST_MYSQL.password === '' ? [] : [`    password: ${JSON.stringify(TEST_MYSQL.password)}`]),
  ].join('\n');
}

function configYaml(connections: string, sourcePort: number): string {
  return [
    'connections:',
    connections,
    'sources:',
    '  app:',
    '    type: redis',
    `    host: ${REDIS_HOST}`,
    `    port: ${sourcePort}`,
    '',
  ].join('\n');
}

function jobYaml(prefix: string, keys: string[], mapping: string[]): string {
  return [
    'source:',
    '  redis:',
    `    key_pattern: "${prefix}:emp:*"`,
    '    trigger: write-behind',
    'output:',
    '  - uses: relational.write',
    '    with:',
    '      connection: target',
    '      table: emp',
    '      keys:',
    ...keys.map((key) => `        - ${key}`),
    '      mapping:',
    ...mapping.map((column) => `        - ${column}`),
    '',
  ].join('\n');
}

/** A database, hashes and the pipeline files of one case; everything is removed in teardown. */
async function prepare(t: Test, scenario: Scenario): Promise<Pipeline> {
  const { database, admin } = await testDatabase(t);
  for (const statement of scenario.tables) await admin.query(statement);
  const prefix = uniquePrefix('check-targets');
  const redis = testRedis(t);
  t.teardown(() => deleteKeys(redis, prefix));
  for (const [name, fields] of Object.entries(scenario.hashes)) await redis.hset(`${prefix}:${name}`, fields);
  const connections = scenario.connections?.(database) ?? mariadbConnection(database);
  return {
    prefix,
    database,
    config: { name: 'config.yaml', content: configYaml(connections, scenario.sourcePort ?? REDIS_PORT) },
    job: {
      name: 'jobs/emp.yaml',
      content: jobYaml(
        prefix,
        scenario.keys ?? ['emp_id'],
        scenario.mapping ?? ['emp_id', 'first_name', 'salary'],
      ),
    },
  };
}

/**
 * The 1-based line and column of `token` on the first line containing `marker` (searching from the line
 * containing `after`, when given): where a finding about that YAML node is reported.
 */
function at(text: string, marker: string, token: string, after?: string): { line: number; column: number } {
  const lines = text.split('\n');
  const start = after === undefined ? 0 : lines.findIndex((line) => line.includes(after));
  const index = lines.findIndex((line, position) => position >= start && line.includes(marker));
  if (index < 0) throw new Error(`no line with ${marker}`);
  return { line: index + 1, column: (lines[index] as string).indexOf(token) + 1 };
}

/** A finding as compared: its kind, what it is about, and the problem with its location. */
function finding(problem: TargetProblem): Record<string, unknown> {
  return {
    kind: problem.kind,
    connection: problem.connection,
    job: problem.job,
    table: problem.table,
    column: problem.targetColumn,
    exampleKey: problem.exampleKey,
    sampledRows: problem.sampledRows,
    failedRows: problem.failedRows,
    problem: problem.problem,
  };
}

function validate(client: FerryClient, pipeline: Pipeline): Promise<ValidateResponse> {
  return client.validate({ config: pipeline.config, jobs: [pipeline.job], checkTargets: true });
}

const NONE = { exampleKey: '', sampledRows: 0, failedRows: 0 };

t.test('Validate with check_targets', async (t) => {
  const { client: newClient } = await startTestControlPlane(t, 'check-targets');
  const client = newClient();

  t.test('all good: no problems, and each connection says what it checked', async (t) => {
    const pipeline = await prepare(t, {
      tables: [EMP_TABLE],
      hashes: {
        'emp:1': { first_name: 'Ann', salary: '100' },
        'emp:2': { first_name: 'Bob', salary: '-7' },
      },
    });
    const response = await validate(client, pipeline);
    t.same(response.targetProblems, []);
    t.same(response.targetWarnings, []);
    t.match(response.targetConnections, [
      {
        name: 'target',
        section: 'connections',
        type: 'mariadb',
        address: `${TEST_MYSQL.host}:${TEST_MYSQL.port}`,
        state: 'ok',
        error: '',
        tables: 1,
        sampledKeys: 0,
      },
      {
        name: 'app',
        section: 'sources',
        type: 'redis',
        address: `${REDIS_HOST}:${REDIS_PORT}`,
        state: 'ok',
        error: '',
        tables: 0,
        sampledKeys: 2,
      },
    ]);
    t.equal(response.targetConnections.length, 2);
    t.equal(response.jobs.length, 1, 'the offline answer is still there');
  });

  const cases: {
    name: string;
    scenario: Scenario;
    expected: (pipeline: Pipeline) => Record<string, unknown>[];
  }[] = [
    {
      name: 'missing table',
      scenario: { tables: [], hashes: { 'emp:1': { first_name: 'Ann', salary: '1' } } },
      expected: ({ database, job }) => [
        {
          kind: 'TARGET_PROBLEM_KIND_TABLE_MISSING',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: '',
          ...NONE,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, 'table: emp', 'emp'),
            path: 'output[0].with.table',
            message:
              `table ${database}.emp does not exist in connection target, or its user cannot see it; ` +
              "create it, or correct the output's schema and table",
          },
        },
      ],
    },
    {
      name: 'missing mapped column',
      scenario: {
        tables: [
          'CREATE TABLE emp (emp_id INT NOT NULL PRIMARY KEY, first_name VARCHAR(20) NULL, salry INT)',
        ],
        hashes: { 'emp:1': { first_name: 'Ann', salary: '1' } },
      },
      expected: ({ database, job }) => [
        {
          kind: 'TARGET_PROBLEM_KIND_COLUMN_MISSING',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: 'salary',
          ...NONE,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, '- salary', 'salary'),
            path: 'output[0].with.mapping[2]',
            message: `column "salary" does not exist in ${database}.emp; did you mean "salry"?; its columns: emp_id, first_name, salry`,
          },
        },
      ],
    },
    {
      name: 'missing key column',
      scenario: {
        tables: [
          'CREATE TABLE emp (id INT NOT NULL PRIMARY KEY, first_name VARCHAR(20) NULL, salary INT NULL)',
        ],
        hashes: { 'emp:1': { first_name: 'Ann', salary: '1' } },
      },
      expected: ({ database, job }) => [
        {
          kind: 'TARGET_PROBLEM_KIND_KEY_COLUMN_MISSING',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: 'emp_id',
          ...NONE,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, '- emp_id', 'emp_id', 'keys:'),
            path: 'output[0].with.keys[0]',
            message: `key column "emp_id" does not exist in ${database}.emp; its columns: id, first_name, salary`,
          },
        },
      ],
    },
    {
      name: 'keys that are not exactly a unique key',
      scenario: {
        tables: [
          'CREATE TABLE emp (emp_id INT NOT NULL, first_name VARCHAR(20) NOT NULL, salary INT NULL, ' +
            'PRIMARY KEY (emp_id, first_name), UNIQUE KEY salary_uq (salary))',
        ],
        hashes: { 'emp:1': { first_name: 'Ann', salary: '1' } },
      },
      expected: ({ database, job }) => [
        {
          kind: 'TARGET_PROBLEM_KIND_KEYS_NOT_UNIQUE',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: '',
          ...NONE,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, '- emp_id', '-', 'keys:'),
            path: 'output[0].with.keys',
            message:
              'keys (emp_id) are not exactly the columns of the PRIMARY KEY or of a UNIQUE index, so a key may ' +
              `not match one row; the unique keys of ${database}.emp: PRIMARY KEY (emp_id, first_name), ` +
              'UNIQUE salary_uq (salary); set keys to the columns of one of them, or add a UNIQUE index on (emp_id)',
          },
        },
      ],
    },
    {
      name: 'sampled values that do not convert',
      scenario: {
        tables: [
          'CREATE TABLE emp (emp_id INT NOT NULL PRIMARY KEY, first_name VARCHAR(5) NULL, salary INT NULL)',
        ],
        hashes: {
          'emp:1': { first_name: 'Ann', salary: '100' },
          'emp:2': { first_name: 'Bob', salary: 'abc' },
          'emp:3': { first_name: 'Christopher', salary: '7' },
        },
      },
      expected: ({ database, job, prefix }) => [
        {
          kind: 'TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: 'first_name',
          exampleKey: `${prefix}:emp:3`,
          sampledRows: 3,
          failedRows: 1,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, '- first_name', 'first_name'),
            path: 'output[0].with.mapping[1]',
            message:
              `1 of 3 sampled rows would be rejected (e.g. key "${prefix}:emp:3"): column first_name VARCHAR(5) ` +
              'cannot take "Christopher": 11 characters, at most 5',
          },
        },
        {
          kind: 'TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT',
          connection: 'target',
          job: 'emp',
          table: `${database}.emp`,
          column: 'salary',
          exampleKey: `${prefix}:emp:2`,
          sampledRows: 3,
          failedRows: 1,
          problem: {
            file: 'jobs/emp.yaml',
            ...at(job.content, '- salary', 'salary'),
            path: 'output[0].with.mapping[2]',
            message:
              `1 of 3 sampled rows would be rejected (e.g. key "${prefix}:emp:2"): column salary INT(11) ` +
              'cannot take "abc": expected an integer',
          },
        },
      ],
    },
  ];

  for (const { name, scenario, expected } of cases) {
    t.test(name, async (t) => {
      const pipeline = await prepare(t, scenario);
      const response = await validate(client, pipeline);
      t.same(response.targetProblems.map(finding), expected(pipeline));
      t.same(response.targetWarnings, []);
    });
  }

  t.test('an unreachable target is one problem, found without waiting for a timeout', async (t) => {
    const port = await closedPort();
    const pipeline = await prepare(t, {
      tables: [],
      hashes: { 'emp:1': { first_name: 'Ann', salary: '1' } },
      connections: (database) => mariadbConnection(database, port),
    });
    const started = Date.now();
    const response = await validate(client, pipeline);
    t.ok(Date.now() - started < 5000, 'answered before any connect timeout');
    t.same(response.targetProblems.map(finding), [
      {
        kind: 'TARGET_PROBLEM_KIND_UNREACHABLE',
        connection: 'target',
        job: '',
        table: '',
        column: '',
        ...NONE,
        problem: {
          file: 'config.yaml',
          ...at(pipeline.config.content, 'type: mariadb', 'type'),
          path: 'connections.target',
          message:
            `cannot use connection target (mariadb at ${TEST_MYSQL.host}:${port}): connect ECONNREFUSED ` +
            `${TEST_MYSQL.host}:${port}; the tables of its outputs were not checked`,
        },
      },
    ]);
    t.match(response.targetConnections[0], {
      name: 'target',
      state: 'unreachable',
      error: `connect ECONNREFUSED ${TEST_MYSQL.host}:${port}`,
    });
  });

  t.test('a target that accepts but never answers times out after its connect timeout', async (t) => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.teardown(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const port = (silent.address() as AddressInfo).port;
    const pipeline = await prepare(t, {
      tables: [],
      hashes: {},
      connections: (database) =>
        `${mariadbConnection(database, port).replace(`host: ${TEST_MYSQL.host}`, 'host: 127.0.0.1')}\n` +
        '    connect_timeout_ms: 1000',
    });
    const started = Date.now();
    const response = await validate(client, pipeline);
    const elapsed = Date.now() - started;
    t.ok(elapsed >= 900 && elapsed < 4000, `gave up after the connection's 1 s (took ${elapsed} ms)`);
    t.same(
      response.targetProblems.map((problem) => problem.problem?.message),
      [
        `cannot use connection target (mariadb at 127.0.0.1:${port}): no answer within 1 s (connect timeout); ` +
          'the tables of its outputs were not checked',
      ],
    );
  });

  t.test('an unreachable source is one problem; the tables are still checked', async (t) => {
    const port = await closedPort();
    const pipeline = await prepare(t, {
      tables: ['CREATE TABLE emp (emp_id INT NOT NULL PRIMARY KEY, first_name VARCHAR(20) NULL)'],
      hashes: {},
      sourcePort: port,
    });
    const response = await validate(client, pipeline);
    t.same(response.targetProblems.map(finding), [
      {
        kind: 'TARGET_PROBLEM_KIND_UNREACHABLE',
        connection: 'app',
        job: '',
        table: '',
        column: '',
        ...NONE,
        problem: {
          file: 'config.yaml',
          ...at(pipeline.config.content, 'type: redis', 'type'),
          path: 'sources.app',
          message:
            `cannot use source app (redis at ${REDIS_HOST}:${port}): connect ECONNREFUSED ${REDIS_HOST}:${port}; ` +
            'no keys were sampled from it, so no values were checked',
        },
      },
      {
        kind: 'TARGET_PROBLEM_KIND_COLUMN_MISSING',
        connection: 'target',
        job: 'emp',
        table: `${pipeline.database}.emp`,
        column: 'salary',
        ...NONE,
        problem: {
          file: 'jobs/emp.yaml',
          ...at(pipeline.job.content, '- salary', 'salary'),
          path: 'output[0].with.mapping[2]',
          message: `column "salary" does not exist in ${pipeline.database}.emp; its columns: emp_id, first_name`,
        },
      },
    ]);
  });

  t.test('a postgresql target gets a warning: Ferry cannot check it yet', async (t) => {
    const pipeline = await prepare(t, {
      tables: [],
      hashes: {},
      connections: () =>
        [
          '  target:',
          '    type: postgresql',
          '    host: 127.0.0.1',
          '    database: test',
          '    user: ferry',
        ].join('\n'),
    });
    const response = await validate(client, pipeline);
    t.same(response.targetProblems, []);
    t.same(response.targetWarnings.map(finding), [
      {
        kind: 'TARGET_PROBLEM_KIND_NOT_CHECKED',
        connection: 'target',
        job: 'emp',
        table: 'emp',
        column: '',
        ...NONE,
        problem: {
          file: 'jobs/emp.yaml',
          ...at(pipeline.job.content, '- uses: relational.write', 'uses'),
          path: 'output[0]',
          message:
            'Ferry cannot check postgresql targets yet: this output to connection target was not checked ' +
            'against its table',
        },
      },
    ]);
    t.match(response.targetConnections, [
      {
        name: 'target',
        section: 'connections',
        type: 'postgresql',
        address: '127.0.0.1:5432',
        state: 'not checked',
      },
    ]);
    t.equal(
      response.targetConnections.length,
      1,
      'the source is not sampled: no output of it can be checked',
    );
  });

  t.test('the check needs the admin role', async (t) => {
    const token = 'viewer-token-0123456789abcdef';
    const { client: viewerClient } = await startTestControlPlane(t, 'check-targets-viewer', {
      env: { FERRY_TOKENS: `vera:viewer:${token}` },
    });
    const viewer = viewerClient({ token });
    const pipeline = await prepare(t, { tables: [EMP_TABLE], hashes: {} });
    const plain = await viewer.validate({ config: pipeline.config, jobs: [pipeline.job] });
    t.same(plain.targetProblems, [], 'Validate without the check stays open to viewers');
    const error = await validate(viewer, pipeline).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.ok(error instanceof FerryClientError);
    t.match(error, {
      codeName: 'PERMISSION_DENIED',
      message: 'Validate with check_targets needs the admin role; token "vera" has viewer',
    });
  });
});

t.test('ferry validate --check-targets prints the connections and a table of problems', async (t) => {
  const { controlPlane } = await startTestControlPlane(t, 'check-targets-cli');
  const pipeline = await prepare(t, {
    tables: [
      'CREATE TABLE emp (emp_id INT NOT NULL PRIMARY KEY, first_name VARCHAR(5) NULL, salary INT NULL)',
    ],
    hashes: {
      'emp:1': { first_name: 'Ann', salary: '100' },
      'emp:2': { first_name: 'Bob', salary: 'abc' },
    },
  });
  const dir = t.testdir();
  mkdirSync(join(dir, 'jobs'));
  writeFileSync(join(dir, 'config.yaml'), pipeline.config.content);
  writeFileSync(join(dir, 'jobs', 'emp.yaml'), pipeline.job.content);
  const server = ['--server', controlPlane.address];

  const run = await runFerry(['validate', '--dir', dir, '--check-targets', ...server]);
  t.equal(run.code, 1, 'a target problem is a rejection');
  const salary = at(pipeline.job.content, '- salary', 'salary');
  // Cells, as the columns are padded to the longest value.
  const rows = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
  t.same(rows, [
    ['Valid: 1 job'],
    [''],
    ['NAME', 'KIND', 'SOURCE', 'TARGETS', 'TRANSFORMS', 'OUTPUTS'],
    ['emp', 'write-behind', `${pipeline.prefix}:emp:*`, 'target/emp', '0', '1'],
    [''],
    ['Targets'],
    ['NAME', 'TYPE', 'ADDRESS', 'STATE', 'CHECKED', 'TIME'],
    ['target', 'mariadb', `${TEST_MYSQL.host}:${TEST_MYSQL.port}`, 'ok', '1 table', rows[7]?.[5] ?? ''],
    ['app', 'redis', `${REDIS_HOST}:${REDIS_PORT}`, 'ok', '2 keys sampled', rows[8]?.[5] ?? ''],
    [''],
    ['Target problems'],
    ['CONNECTION', 'JOB', 'TABLE', 'COLUMN', 'WHERE', 'PROBLEM'],
    [
      'target',
      'emp',
      `${pipeline.database}.emp`,
      'salary',
      `jobs/emp.yaml:${salary.line}:${salary.column}`,
      `1 of 2 sampled rows would be rejected (e.g. key "${pipeline.prefix}:emp:2"): column salary INT(11) cannot ` +
        'take "abc": expected an integer',
    ],
  ]);
  t.match(rows[7]?.[5], /^\d+ms$/, 'the time each connection took');
  t.match(rows[8]?.[5], /^\d+ms$/);
  t.equal(
    run.stderr,
    'Checking the targets: the control plane connects to the databases and sources the jobs use (each gives ' +
      'up after 5 s)...\n' +
      'ferry: 1 target problem; the files are valid, but the jobs do not fit their targets.\n',
  );

  const json = await runFerry(['validate', '--dir', dir, '--check-targets', '--json', ...server]);
  t.equal(json.code, 1);
  const document = JSON.parse(json.stdout) as ValidateResponse;
  t.same(
    document.targetProblems.map((problem) => [problem.kind, problem.targetColumn, problem.failedRows]),
    [['TARGET_PROBLEM_KIND_VALUES_DO_NOT_CONVERT', 'salary', 1]],
  );
  t.equal(
    json.stderr,
    'ferry: 1 target problem; the files are valid, but the jobs do not fit their targets.\n',
  );
});
