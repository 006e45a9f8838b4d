// Secret references (found, never resolved) and redaction (literal secrets hidden, references and layout kept).
import t from 'tap';
import {
  ConfigValidationError,
  findSecretReferences,
  redactConfig,
  validatePipeline,
} from '../../common/config/index.js';
import { pipelineOf, yaml } from '../fixtures/config/pipeline-fixtures.js';

t.test('findSecretReferences lists every well-formed reference with its position', (t) => {
  const config = yaml`
    connections:
      target:
        type: mysql
        host: \${env:DB_HOST}
        port: \${env:DB_PORT}
        user: ferry
        password: "\${secret:target-password}"
        tls:
          ca: \${file:/etc/ferry/ca.pem}
      cache:
        type: redis
        password: \${REDIS_PASSWORD}
        connect_args:
          client_name: "ferry-$\${literal}"
    sources:
      app: {type: redis, password: "\${env:APP_PW}\${env:APP_PW_SUFFIX}"}
  `;
  const job = yaml`
    source: {redis: {key_pattern: "emp:*", trigger: write-behind}}
    transform:
      - uses: js
        with:
          code: "return { ...record, label: \`emp \${record.id}\` };"
    output:
      - uses: relational.write
        with: {connection: target, schema: "\${env:HR_SCHEMA}", table: emp}
  `;
  const files = pipelineOf(config, { 'jobs/emp.yaml': job });
  t.strictSame(
    validatePipeline(files).problems,
    [],
    'the escape $${ and template literals in js code are no problem',
  );
  t.strictSame(findSecretReferences(files), [
    {
      file: 'config.yaml',
      line: 4,
      column: 11,
      path: 'connections.target.host',
      kind: 'env',
      name: 'DB_HOST',
    },
    {
      file: 'config.yaml',
      line: 5,
      column: 11,
      path: 'connections.target.port',
      kind: 'env',
      name: 'DB_PORT',
    },
    {
      file: 'config.yaml',
      line: 7,
      column: 16,
      path: 'connections.target.password',
      kind: 'secret',
      name: 'target-password',
    },
    {
      file: 'config.yaml',
      line: 9,
      column: 11,
      path: 'connections.target.tls.ca',
      kind: 'file',
      name: '/etc/ferry/ca.pem',
    },
    {
      file: 'config.yaml',
      line: 12,
      column: 15,
      path: 'connections.cache.password',
      kind: 'secret',
      name: 'REDIS_PASSWORD',
    },
    { file: 'config.yaml', line: 16, column: 33, path: 'sources.app.password', kind: 'env', name: 'APP_PW' },
    {
      file: 'config.yaml',
      line: 16,
      column: 46,
      path: 'sources.app.password',
      kind: 'env',
      name: 'APP_PW_SUFFIX',
    },
    {
      file: 'jobs/emp.yaml',
      line: 8,
      column: 41,
      path: 'output[0].with.schema',
      kind: 'env',
      name: 'HR_SCHEMA',
    },
  ]);
  t.end();
});

t.test('findSecretReferences skips malformed references and unreadable files', (t) => {
  const files = pipelineOf('connections:\n  a: {type: redis, password: "${vault:x}", user: "${env:OK}"}\n', {
    'jobs/broken.yaml': 'source: [\n',
  });
  t.strictSame(findSecretReferences(files), [
    { file: 'config.yaml', line: 2, column: 51, path: 'connections.a.user', kind: 'env', name: 'OK' },
  ]);
  t.end();
});

t.test('redactConfig hides literal secrets and keeps references, comments and layout', (t) => {
  const config = yaml`
    # Ferry pipeline: production
    connections:
      target:
        type: mysql
        host: db.internal   # primary
        password: hunter2   # rotate monthly
        tls:
          key: /etc/ferry/client.key
      warehouse: {type: postgresql, host: dwh, password: 's3cr3t', user: etl}
      cache:
        type: redis
        password: \${env:REDIS_PASSWORD}
        tls:
          key: |
            -----BEGIN PRIVATE KEY-----
            MIIEvQIBADANBg
            -----END PRIVATE KEY-----
        connect_args:
          ssl_password: topsecret
          client_name: ferry
    sources:
      app: {type: redis, password: "pre-\${env:X}"}
      other:
        type: redis
        token: 12345
        secret: ""
  `;
  const expected = yaml`
    # Ferry pipeline: production
    connections:
      target:
        type: mysql
        host: db.internal   # primary
        password: "******"   # rotate monthly
        tls:
          key: /etc/ferry/client.key
      warehouse: {type: postgresql, host: dwh, password: "******", user: etl}
      cache:
        type: redis
        password: \${env:REDIS_PASSWORD}
        tls:
          key: "******"
        connect_args:
          ssl_password: "******"
          client_name: ferry
    sources:
      app: {type: redis, password: "******"}
      other:
        type: redis
        token: "******"
        secret: ""
  `;
  t.equal(redactConfig({ name: 'config.yaml', content: config }), expected);
  t.end();
});

t.test('redactConfig follows an alias to the anchored value', (t) => {
  const config = 'defaults: &pw hunter2\nconnections:\n  a: {type: mysql, host: db, password: *pw}\n';
  t.equal(
    redactConfig({ name: 'config.yaml', content: config }),
    'defaults: &pw "******"\nconnections:\n  a: {type: mysql, host: db, password: *pw}\n',
  );
  t.end();
});

t.test('redactConfig leaves a job file without secrets as it is', (t) => {
  const job = yaml`
    source: {table: emp}
    output:
      - uses: redis.write
        with:
          key: {expression: "concat(['emp:', id])", language: jmespath}
  `;
  t.equal(redactConfig({ name: 'jobs/emp.yaml', content: job }), job);
  t.end();
});

t.test('redactConfig refuses a file that is not valid YAML rather than risk a leak', (t) => {
  const error = t.throws(() =>
    redactConfig({ name: 'config.yaml', content: 'password: "hunter2\n' }),
  ) as unknown;
  t.ok(error instanceof ConfigValidationError);
  if (error instanceof ConfigValidationError) {
    t.strictSame(error.problems, [
      { file: 'config.yaml', line: 2, column: 1, path: '', message: 'missing closing "quote' },
    ]);
    t.notMatch(error.message, /hunter2/);
  }
  t.end();
});
