// Valid pipelines and what they compile to: the DESIGN.md example, RDI's newer layout, every default, the
// warnings that do not block a deploy, and the pure user-options -> compiled-options functions.
import t from 'tap';
import {
  ApplierDefaults,
  ChangeLogDefaults,
  compileApplierOptions,
  compileChangeLogOptions,
  jobNameOf,
  parsePipeline,
  validatePipeline,
} from '../../common/config/index.js';
import type { JobConfig, PipelineConfig } from '../../common/config/index.js';
import {
  BASE_CONFIG,
  WRITE_BEHIND_JOB,
  at,
  loadPipeline,
  pipelineOf,
  yaml,
} from '../fixtures/config/pipeline-fixtures.js';

function job(pipeline: PipelineConfig, name: string): JobConfig {
  const found = pipeline.jobs.get(name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
}

t.test('the DESIGN.md example compiles to the documented model', (t) => {
  const result = validatePipeline(loadPipeline('design-example'));
  t.strictSame(result.problems, []);
  t.strictSame(result.warnings, []);
  const pipeline = result.pipeline;
  if (!pipeline) {
    t.fail('no pipeline');
    t.end();
    return;
  }
  t.strictSame(
    [...pipeline.connections.values()],
    [
      {
        name: 'target',
        type: 'mysql',
        host: '127.0.0.1',
        port: 3306,
        password: '${env:DB_PASSWORD}',
        connectTimeoutMs: 10000,
        poolSize: 4,
        connectArgs: {},
        queryArgs: {},
        database: 'app',
        user: 'ferry',
      },
    ],
  );
  t.strictSame(
    [...pipeline.sources.values()],
    [{ name: 'app', type: 'redis', host: '127.0.0.1', port: 6379, db: 0, capture: 'replication' }],
  );
  t.strictSame(pipeline.applier, { ...ApplierDefaults });
  t.strictSame(pipeline.changeLog, { partitions: 16, maxLength: 1_000_000 });
  t.strictSame(job(pipeline, 'emp'), {
    name: 'emp',
    file: 'jobs/emp.yaml',
    transform: [
      { uses: 'rename_field', fields: [{ fromField: 'after.country', toField: 'after.my_country' }] },
    ],
    kind: 'write-behind',
    source: {
      kind: 'write-behind',
      keyPattern: 'emp:*',
      trigger: 'write-behind',
      excludeCommands: ['json.del'],
      db: 0,
      connection: 'app',
    },
    output: [
      {
        uses: 'relational.write',
        connection: 'target',
        schema: 'app',
        table: 'emp',
        keys: [{ target: 'emp_id', expression: 'emp_id' }],
        mapping: ['emp_id', 'first_name', 'last_name', 'my_country'].map((name) => ({
          target: name,
          expression: name,
        })),
        loadStrategy: 'UPSERT',
        inactiveRecordMapping: [],
      },
    ],
  });
  t.end();
});

t.test("RDI's newer layout: targets and processors, ingest jobs with every transform", (t) => {
  const pipeline = parsePipeline(loadPipeline('rdi-layout'));
  const target = pipeline.connections.get('target');
  t.match(target, {
    type: 'redis',
    host: 'redis.internal',
    port: 12000,
    username: '${TARGET_DB_USERNAME}',
    password: '${TARGET_DB_PASSWORD}',
    tls: {
      ca: '/etc/ferry/ca.pem',
      cert: '/etc/ferry/client.pem',
      key: '/etc/ferry/client.key',
      rejectUnauthorized: true,
    },
  });
  t.match(pipeline.applier, {
    readBatchSize: 500,
    writeBatchSize: 100,
    errorHandling: 'ignore',
    targetDataType: 'json',
  });
  t.strictSame([...pipeline.jobs.keys()], ['invoice-line', 'invoice']);

  const invoice = job(pipeline, 'invoice');
  t.strictSame(invoice.source, {
    kind: 'ingest',
    table: 'invoice',
    rowFormat: 'full',
    serverName: 'chinook',
    schema: 'public',
  });
  t.strictSame(
    invoice.transform.map((block) => block.uses),
    ['filter', 'add_field', 'remove_field', 'key', 'js'],
  );
  t.strictSame(invoice.transform[1], {
    uses: 'add_field',
    fields: [
      {
        field: 'after.city_state',
        expression: {
          expression: "concat([after.billing_city, ', ', after.billing_state])",
          language: 'jmespath',
        },
      },
      { field: 'after.total_cents', expression: { expression: 'after.total * 100', language: 'sql' } },
    ],
  });
  t.strictSame(invoice.transform[4], {
    uses: 'js',
    script: {
      kind: 'inline',
      code: 'function transform(record) { return { ...record, label: `invoice ${record.after.invoice_id}` }; }',
    },
    timeoutMs: 20,
    memoryMb: 32,
  });
  t.strictSame(invoice.output, [
    {
      uses: 'redis.write',
      connection: 'target', // the only redis connection
      dataType: 'json', // processors.target_data_type
      key: { expression: "concat(['invoice:', invoice_id])", language: 'jmespath' },
      mapping: [
        { target: 'invoice_id', expression: 'invoice_id' },
        { target: 'total', expression: 'after.total' },
      ],
      onUpdate: 'replace',
      expireSeconds: 3600,
      args: {},
    },
  ]);

  const lines = job(pipeline, 'invoice-line');
  t.strictSame(lines.transform, [
    {
      uses: 'map',
      expression: {
        id: 'invoice_line_id',
        invoice_id: 'invoice_id',
        price: { unit: 'unit_price', quantity: 'quantity' },
      },
      language: 'jmespath',
    },
  ]);
  t.match(lines.output[0], {
    dataType: 'json',
    nest: {
      parent: { table: 'invoice' },
      nestingKey: 'invoice_line_id',
      parentKey: 'invoice_id',
      childKey: 'invoice_id',
      path: '$.lines',
      structure: 'map',
    },
  });
  t.end();
});

t.test('defaults are applied where nothing is written', (t) => {
  const config = yaml`
    connections:
      target: {type: mysql, host: db}
      maria: {type: mariadb, host: db}
      pg: {type: postgresql, host: db}
      ora: {type: oracle, host: db, service_name: ORCLPDB1}
      cache: {type: redis}
    sources:
      app: {type: redis}
    applier:
  `;
  const defaultedIngest = 'source: {table: emp}\noutput:\n  - uses: redis.write\n    with: {}\n';
  const pipeline = parsePipeline(
    pipelineOf(config, { 'jobs/emp.yaml': WRITE_BEHIND_JOB, 'jobs/dept.yml': defaultedIngest }),
  );
  const ports = Object.fromEntries(
    [...pipeline.connections].map(([name, connection]) => [name, connection.port]),
  );
  t.strictSame(ports, { target: 3306, maria: 3306, pg: 5432, ora: 1521, cache: 6379 });
  t.strictSame(pipeline.connections.get('cache'), {
    name: 'cache',
    type: 'redis',
    host: '127.0.0.1',
    port: 6379,
    connectTimeoutMs: 10000,
    poolSize: 4,
    connectArgs: {},
    queryArgs: {},
    db: 0,
  });
  t.match(pipeline.connections.get('ora'), { serviceName: 'ORCLPDB1' });
  t.strictSame(pipeline.applier, { ...ApplierDefaults }, '`applier:` with no value means all defaults');
  t.strictSame(pipeline.changeLog, { ...ChangeLogDefaults });

  const emp = job(pipeline, 'emp');
  t.match(emp, {
    kind: 'write-behind',
    source: { db: 0, excludeCommands: [], connection: 'app' },
    transform: [],
  });
  t.match(emp.output[0], { loadStrategy: 'UPSERT', mapping: [], inactiveRecordMapping: [] });
  const dept = job(pipeline, 'dept');
  t.strictSame(dept.source, { kind: 'ingest', table: 'emp', rowFormat: 'partial' });
  t.strictSame(dept.output, [
    {
      uses: 'redis.write',
      connection: 'cache', // the only redis connection
      dataType: 'hash',
      mapping: [],
      onUpdate: 'replace',
      expireSeconds: 0,
      args: {},
    },
  ]);
  t.end();
});

t.test('transform defaults: jmespath, js limits, single forms compiled to lists', (t) => {
  const ingest = yaml`
    source: {table: emp}
    transform:
      - uses: filter
        with: {expression: "age > \`18\`"}
      - uses: js
        with: {file: emp.js}
      - uses: remove_field
        with: {field: ssn}
      - uses: add_field
        with: {field: full_name, expression: "concat([first, ' ', last])"}
    output:
      - uses: redis.write
        with: {connection: cache, data_type: sorted_set, args: {score: age, member: id}}
  `;
  const pipeline = parsePipeline(
    pipelineOf(BASE_CONFIG, {
      'jobs/emp.yaml': ingest,
      'jobs/emp.js': 'function transform(r) { return r; }',
    }),
  );
  t.strictSame(job(pipeline, 'emp').transform, [
    { uses: 'filter', expression: { expression: 'age > `18`', language: 'jmespath' } },
    { uses: 'js', script: { kind: 'file', path: 'emp.js' }, timeoutMs: 50, memoryMb: 32 },
    { uses: 'remove_field', fields: ['ssn'] },
    {
      uses: 'add_field',
      fields: [
        {
          field: 'full_name',
          expression: { expression: "concat([first, ' ', last])", language: 'jmespath' },
        },
      ],
    },
  ]);
  t.match(job(pipeline, 'emp').output[0], { dataType: 'sorted_set', args: { score: 'age', member: 'id' } });
  t.end();
});

t.test('relational.write: TYPE2, foreach, column expressions, opcode field', (t) => {
  const writeBehind = yaml`
    name: emp
    source:
      redis:
        key_pattern: "emp:*"
        trigger: write-behind
        exclude_commands: [JSON.DEL, hdel]
        db: 3
        connection: app
    output:
      - uses: relational.write
        with:
          connection: target
          schema: hr
          table: emp_history
          keys: [emp_id, {valid_from: updated_at}]
          mapping: [first_name, {last_name: lname}]
          foreach: "skill: skills[]"
          opcode_field: op
          load_strategy: TYPE2
          active_record_indicator: "is_active = 'Y'"
          inactive_record_mapping:
            - {source: CURRENT_DATE, target: valid_to}
            - {source: "'N'", target: is_active}
            - source: deleted_by
  `;
  const pipeline = parsePipeline(pipelineOf(BASE_CONFIG, { 'jobs/emp.yaml': writeBehind }));
  const emp = job(pipeline, 'emp');
  t.match(emp.source, { excludeCommands: ['json.del', 'hdel'], db: 3, connection: 'app' });
  t.strictSame(emp.output[0], {
    uses: 'relational.write',
    connection: 'target',
    schema: 'hr',
    table: 'emp_history',
    keys: [
      { target: 'emp_id', expression: 'emp_id' },
      { target: 'valid_from', expression: 'updated_at' },
    ],
    mapping: [
      { target: 'first_name', expression: 'first_name' },
      { target: 'last_name', expression: 'lname' },
    ],
    foreach: { column: 'skill', expression: 'skills[]' },
    opcodeField: 'op',
    loadStrategy: 'TYPE2',
    activeRecordIndicator: "is_active = 'Y'",
    inactiveRecordMapping: [
      { column: 'valid_to', sql: 'CURRENT_DATE' },
      { column: 'is_active', sql: "'N'" },
      { column: 'deleted_by', sql: 'deleted_by' },
    ],
  });
  t.end();
});

t.test('connection options: tls forms, references as ports, driver arguments, user alias', (t) => {
  const config = yaml`
    connections:
      target:
        type: postgresql
        host: \${env:PG_HOST}
        port: \${env:PG_PORT}
        database: app
        tls: true
        connect_args: {sslmode: require, statement_timeout: 5000, application_name: null}
        query_args: {search_path: app}
      cache:
        type: redis
        user: ferry
        tls: {ca: /etc/ca.pem, reject_unauthorized: false}
      plain: {type: mysql, host: db, tls: false, pool_size: 16, connect_timeout_ms: 2500}
  `;
  const pipeline = parsePipeline(pipelineOf(config));
  t.match(pipeline.connections.get('target'), {
    host: '${env:PG_HOST}',
    port: '${env:PG_PORT}',
    tls: { rejectUnauthorized: true },
    connectArgs: { sslmode: 'require', statement_timeout: 5000, application_name: null },
    queryArgs: { search_path: 'app' },
  });
  t.match(pipeline.connections.get('cache'), {
    username: 'ferry',
    tls: { ca: '/etc/ca.pem', rejectUnauthorized: false },
  });
  const plain = pipeline.connections.get('plain');
  t.equal(plain?.tls, undefined, 'tls: false is a plain connection');
  t.match(plain, { poolSize: 16, connectTimeoutMs: 2500 });
  t.end();
});

t.test('write_batch_size above read_batch_size is a warning, not an error', (t) => {
  const config = BASE_CONFIG + 'applier:\n  read_batch_size: 100\n  write_batch_size: 500\n';
  const result = validatePipeline(pipelineOf(config, { 'jobs/emp.yaml': WRITE_BEHIND_JOB }));
  t.strictSame(result.problems, []);
  t.strictSame(result.warnings, [
    at(
      'config.yaml',
      15,
      21,
      'applier.write_batch_size',
      'is greater than read_batch_size (500 > 100); a write batch never holds more than one read batch, so ' +
        'transactions will have at most 100 rows',
    ),
  ]);
  t.equal(result.pipeline?.applier.writeBatchSize, 500, 'the value set is kept, never silently overridden');
  t.end();
});

t.test('a config.yaml without jobs is a valid pipeline with no jobs', (t) => {
  const pipeline = parsePipeline(pipelineOf(BASE_CONFIG));
  t.equal(pipeline.jobs.size, 0);
  t.end();
});

t.test('compileApplierOptions and compileChangeLogOptions are pure and apply defaults', (t) => {
  t.strictSame(compileApplierOptions({}), { ...ApplierDefaults });
  const compiled = compileApplierOptions({
    read_batch_size: 10,
    duration: 5,
    error_handling: 'ignore',
    on_failed_retry_interval: 7,
    wait_timeout: 3,
    debezium_lob_encoded_placeholder: '__debezium_unavailable_value',
    retry_max_attempts: 5,
  });
  t.match(compiled, {
    readBatchSize: 10,
    writeBatchSize: 200,
    durationMs: 5,
    errorHandling: 'ignore',
    onFailedRetryIntervalSeconds: 7,
    waitTimeoutSeconds: 3,
    debeziumLobEncodedPlaceholder: '__debezium_unavailable_value',
    retryMaxAttempts: 5,
  });
  t.strictSame(compileChangeLogOptions({ partitions: 4 }), { partitions: 4, maxLength: 1_000_000 });
  t.end();
});

t.test('jobNameOf takes the base name without the YAML extension', (t) => {
  t.equal(jobNameOf('jobs/emp.yaml'), 'emp');
  t.equal(jobNameOf('jobs/emp.yml'), 'emp');
  t.equal(jobNameOf('emp.YAML'), 'emp');
  t.equal(jobNameOf('jobs\\invoice-line.yaml'), 'invoice-line');
  t.equal(jobNameOf('jobs/emp.v2.yaml'), 'emp.v2');
  t.end();
});
