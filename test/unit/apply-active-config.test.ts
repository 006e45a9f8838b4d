// The configuration a worker applies with: deployed files -> ApplyJobs, applier settings, partitions, and the
// blockers that pause apply (rather than drop changes) when a version asks for what apply cannot do yet.
import t from 'tap';
import { ApplierDefaults, ChangeLogDefaults } from '../../common/config/index.js';
import { activateConfig } from '../../worker/active-config.js';
import {
  BASE_CONFIG,
  INGEST_JOB,
  WRITE_BEHIND_JOB,
  loadPipeline,
  pipelineOf,
  yaml,
} from '../fixtures/config/pipeline-fixtures.js';

/** BASE_CONFIG with a PostgreSQL connection and an Oracle one next to the MySQL target. */
const CONFIG_WITH_OTHER_TARGETS = yaml`
  connections:
    target:
      type: mysql
      host: 127.0.0.1
      database: app
      user: ferry
    warehouse:
      type: postgresql
      host: 127.0.0.1
      database: dw
      user: ferry
    ledger:
      type: oracle
      host: 127.0.0.1
      service_name: ledger
      user: ferry
  sources:
    app:
      type: redis
`;

function writeBehindTo(connections: string[]): string {
  return [
    'source:',
    '  redis:',
    '    key_pattern: "emp:*"',
    '    trigger: write-behind',
    'output:',
    ...connections.flatMap((connection) => [
      '  - uses: relational.write',
      '    with:',
      `      connection: ${connection}`,
      '      table: emp',
      '      keys: [emp_id]',
    ]),
    '',
  ].join('\n');
}

const targetBlocker = (job: string, connection: string, type: string): string =>
  `job ${job}: connection ${connection} is ${type}; this version of Ferry writes to mysql and mariadb ` +
  'targets only. Deploy a configuration without it; the change log keeps the changes meanwhile';

t.test('a write-behind job to MySQL compiles to an ApplyJob; defaults are carried', (t) => {
  const active = activateConfig(7, pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': WRITE_BEHIND_JOB }));
  t.equal(active.version, 7);
  t.strictSame(active.blockers, []);
  t.strictSame(active.jobs, [
    {
      name: 'emp',
      keyPattern: 'emp:*',
      db: 0,
      source: 'app',
      excludeCommands: [],
      transform: [],
      outputs: [
        {
          connection: 'target',
          table: { table: 'emp' },
          keys: [{ target: 'emp_id', expression: 'emp_id' }],
          mapping: [],
          strategy: 'upsert',
        },
      ],
    },
  ]);
  t.strictSame(
    active.patterns.map((pattern) => [pattern.pattern, pattern.wildcards]),
    [['emp:*', 1]],
  );
  t.equal(active.partitions, ChangeLogDefaults.partitions);
  t.equal(active.partitions, 16);
  t.strictSame(active.applier, { ...ApplierDefaults });
  t.equal(active.applier, active.pipeline.applier, 'the pipeline applier settings, not a copy');
  t.end();
});

t.test('applier and change_log settings the user wrote are carried', (t) => {
  const config = `${BASE_CONFIG}applier:\n  read_batch_size: 50\n  error_handling: ignore\n  retry_max_delay_ms: 4000\nchange_log:\n  partitions: 3\n`;
  const active = activateConfig(1, pipelineOf(config, { 'jobs/emp.yaml': WRITE_BEHIND_JOB }));
  t.strictSame(active.blockers, []);
  t.equal(active.partitions, 3);
  t.strictSame(active.applier, {
    ...ApplierDefaults,
    readBatchSize: 50,
    errorHandling: 'ignore',
    retryMaxDelayMs: 4000,
  });
  t.end();
});

t.test('a job writing to PostgreSQL (or Oracle) is a blocker; its MySQL outputs stay', (t) => {
  const active = activateConfig(
    2,
    pipelineOf(CONFIG_WITH_OTHER_TARGETS, {
      'jobs/emp.yaml': writeBehindTo(['warehouse', 'target']),
      'jobs/ledger.yaml': writeBehindTo(['ledger']),
    }),
  );
  t.strictSame(active.blockers, [
    targetBlocker('emp', 'warehouse', 'postgresql'),
    targetBlocker('ledger', 'ledger', 'oracle'),
  ]);
  t.strictSame(
    active.jobs.map((job) => ({
      name: job.name,
      connections: job.outputs.map((output) => output.connection),
    })),
    [
      { name: 'emp', connections: ['target'] },
      { name: 'ledger', connections: [] },
    ],
  );
  t.strictSame(
    targetBlocker('emp', 'warehouse', 'postgresql'),
    'job emp: connection warehouse is postgresql; this version of Ferry writes to mysql and mariadb targets ' +
      'only. Deploy a configuration without it; the change log keeps the changes meanwhile',
    'the message, spelled out',
  );
  t.end();
});

t.test('transform blocks are carried to the tasks (the DESIGN.md example)', (t) => {
  const active = activateConfig(4, loadPipeline('design-example'));
  t.strictSame(active.blockers, []);
  t.strictSame(active.jobs, [
    {
      name: 'emp',
      keyPattern: 'emp:*',
      db: 0,
      source: 'app',
      excludeCommands: ['json.del'],
      transform: [
        { uses: 'rename_field', fields: [{ fromField: 'after.country', toField: 'after.my_country' }] },
      ],
      outputs: [
        {
          connection: 'target',
          table: { schema: 'app', table: 'emp' },
          keys: [{ target: 'emp_id', expression: 'emp_id' }],
          mapping: [
            { target: 'emp_id', expression: 'emp_id' },
            { target: 'first_name', expression: 'first_name' },
            { target: 'last_name', expression: 'last_name' },
            { target: 'my_country', expression: 'my_country' },
          ],
          strategy: 'upsert',
        },
      ],
    },
  ]);
  t.strictSame(active.applier, {
    ...ApplierDefaults,
    readBatchSize: 2000,
    writeBatchSize: 200,
    durationMs: 100,
    errorHandling: 'dlq',
    dlqMaxMessages: 1000,
  });
  t.end();
});

t.test('a relational.write without keys is a blocker', (t) => {
  const noKeys = WRITE_BEHIND_JOB.replace('      keys: [emp_id]\n', '');
  t.not(noKeys, WRITE_BEHIND_JOB, 'the job really lost its keys');
  const active = activateConfig(1, pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': noKeys }));
  t.strictSame(active.blockers, [
    'job emp: relational.write to emp needs keys: the columns that identify a row',
  ]);
  t.end();
});

t.test('ingest jobs are not apply jobs: ignored, transforms and all', (t) => {
  const active = activateConfig(
    5,
    pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': WRITE_BEHIND_JOB, 'jobs/load.yaml': INGEST_JOB }),
  );
  t.strictSame(active.blockers, []);
  t.strictSame(
    active.jobs.map((job) => job.name),
    ['emp'],
  );
  t.equal(active.patterns.length, 1);
  t.strictSame([...active.pipeline.jobs.keys()], ['emp', 'load'], 'the pipeline still has both');

  // RDI's newer layout: ingest jobs only (with transforms), `processors` for the applier settings.
  const rdi = activateConfig(6, loadPipeline('rdi-layout'));
  t.strictSame(rdi.blockers, []);
  t.strictSame(rdi.jobs, []);
  t.strictSame(rdi.patterns, []);
  t.equal(rdi.applier.readBatchSize, 500);
  t.equal(rdi.applier.writeBatchSize, 100);
  t.equal(rdi.applier.errorHandling, 'ignore');
  t.end();
});

t.test('a job on another source db and with a glob pattern keeps them', (t) => {
  const job = yaml`
    source:
      redis:
        key_pattern: "order:*:line:[0-9]*"
        trigger: write-behind
        db: 3
        exclude_commands: [hdel, expire]
    output:
      - uses: relational.write
        with:
          connection: target
          table: order_line
          keys: [order_id, line_no]
          mapping: [order_id, line_no, {qty: "to_number(quantity)"}]
  `;
  const active = activateConfig(1, pipelineOf(BASE_CONFIG, { 'jobs/lines.yaml': job }));
  t.strictSame(active.blockers, []);
  t.strictSame(active.jobs, [
    {
      name: 'lines',
      keyPattern: 'order:*:line:[0-9]*',
      db: 3,
      source: 'app',
      excludeCommands: ['hdel', 'expire'],
      transform: [],
      outputs: [
        {
          connection: 'target',
          table: { table: 'order_line' },
          keys: [
            { target: 'order_id', expression: 'order_id' },
            { target: 'line_no', expression: 'line_no' },
          ],
          mapping: [
            { target: 'order_id', expression: 'order_id' },
            { target: 'line_no', expression: 'line_no' },
            { target: 'qty', expression: 'to_number(quantity)' },
          ],
          strategy: 'upsert',
        },
      ],
    },
  ]);
  t.equal(active.patterns[0]?.wildcards, 2);
  t.strictSame(active.patterns[0]?.captures('order:7:line:3x'), ['7', 'x']);
  t.end();
});

t.test('files that do not validate throw the ConfigValidationError', (t) => {
  t.throws(() => activateConfig(1, pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': 'source: {}\n' })), {
    name: 'ConfigValidationError',
    code: 'INVALID_CONFIG',
  });
  t.end();
});

t.test('js blocks: inline code, or the code of the file deployed next to the job', (t) => {
  const job = WRITE_BEHIND_JOB.replace(
    'output:',
    'transform:\n  - uses: js\n    with: {file: emp.js, timeout_ms: 20}\n  - uses: js\n    with: {code: "function transform(r) { return r; }"}\noutput:',
  );
  t.not(job, WRITE_BEHIND_JOB);
  const files = pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': job });
  files.jobs.push({ name: 'jobs/emp.js', content: 'function transform(record) { return record; }' });
  const active = activateConfig(2, files);
  t.strictSame(active.blockers, []);
  t.strictSame(active.jobs[0]?.transform, [
    {
      uses: 'js',
      code: 'function transform(record) { return record; }',
      filename: 'jobs/emp.js',
      timeoutMs: 20,
      memoryMb: 32,
    },
    {
      uses: 'js',
      code: 'function transform(r) { return r; }',
      filename: 'jobs/emp.yaml',
      timeoutMs: 50,
      memoryMb: 32,
    },
  ]);
  t.end();
});
