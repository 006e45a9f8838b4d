// Invalid pipelines, each with the exact list of problems a user sees: file, line, column, path, message.
// Every case starts from valid base files (test/fixtures/config/pipeline-fixtures.ts) and breaks one thing.
import t from 'tap';
import { ConfigValidationError, parsePipeline, validatePipeline } from '../../common/config/index.js';
import type { ConfigProblem } from '../../common/config/index.js';
import {
  BASE_CONFIG,
  INGEST_JOB,
  WRITE_BEHIND_JOB,
  at,
  pipelineOf,
  yaml,
} from '../fixtures/config/pipeline-fixtures.js';

interface InvalidCase {
  name: string;
  /** config.yaml; BASE_CONFIG when absent. */
  config?: string;
  /** Job files by name; none when absent. */
  jobs?: Record<string, string>;
  problems: ConfigProblem[];
}

const C = 'config.yaml';
const J = 'jobs/emp.yaml';

/** The `output:` section of the base jobs, to follow a source written by a case. */
const WB_OUTPUT = WRITE_BEHIND_JOB.slice(WRITE_BEHIND_JOB.indexOf('output:'));
const INGEST_OUTPUT = INGEST_JOB.slice(INGEST_JOB.indexOf('output:'));

/** config.yaml with just what a case needs around the section under test. */
const REDIS_ONLY = 'connections:\n  cache: {type: redis}\n';

// One problem per line, so that the cases read as a table.
// prettier-ignore
const configCases: InvalidCase[] = [
  {
    name: 'YAML syntax error: unclosed quote',
    config: yaml`
      connections:
        target:
          type: mysql
          host: "db
    `,
    problems: [at(C, 5, 1, '', 'missing closing "quote')],
  },
  {
    name: 'YAML syntax error: bad indentation',
    config: yaml`
      connections:
        cache:
          type: redis
         host: db
    `,
    problems: [at(C, 4, 1, '', 'all mapping items must start at the same column')],
  },
  { name: 'empty config.yaml', config: '', problems: [at(C, 0, 0, '', 'the file is empty')] },
  {
    name: 'config.yaml with only comments',
    config: '# connections come later\n',
    problems: [at(C, 0, 0, '', 'the file is empty')],
  },
  {
    name: 'document is a list',
    config: '- target\n- cache\n',
    problems: [at(C, 1, 1, '', 'must be a mapping (got a list)')],
  },
  {
    name: 'document is a scalar',
    config: 'connections\n',
    problems: [at(C, 1, 1, '', 'must be a mapping (got "connections")')],
  },
  {
    name: 'duplicate keys, nested and at the top level',
    config: yaml`
      connections:
        target:
          type: mysql
          host: db1
          host: db2
      sources: {}
      sources: {}
    `,
    problems: [
      at(C, 5, 5, 'connections.target', 'duplicate key "host" (first given on line 4)'),
      at(C, 7, 1, '', 'duplicate key "sources" (first given on line 6)'),
    ],
  },
  {
    name: 'several YAML documents in one file',
    config: REDIS_ONLY + '---\napplier: {}\n',
    problems: [
      at(C, 3, 1, '', 'the file holds 2 YAML documents; a pipeline file must hold exactly one (remove the "---" separator)'),
    ],
  },
  {
    name: 'misspelt top-level field: suggestion, and the real one is missing',
    config: 'conections:\n  cache: {type: redis}\n',
    problems: [
      at(C, 1, 1, '', 'unknown field "conections"; did you mean "connections"?'),
      at(C, 1, 1, '', 'missing required field "connections"'),
    ],
  },
  {
    name: 'unknown top-level field without a near miss lists the known ones',
    config: REDIS_ONLY + 'metrics: true\n',
    problems: [
      at(C, 3, 1, '', 'unknown field "metrics"; known fields: connections, targets, sources, applier, processors, change_log'),
    ],
  },
  {
    name: 'jobs inside config.yaml get a hint',
    config: REDIS_ONLY + 'jobs:\n  - emp\n',
    problems: [at(C, 3, 1, '', 'unknown field "jobs"; jobs are separate files, jobs/<name>.yaml')],
  },
  {
    name: 'unknown nested field with a suggestion',
    config: REDIS_ONLY + 'applier:\n  read_batch_sise: 100\n',
    problems: [at(C, 4, 3, 'applier', 'unknown field "read_batch_sise"; did you mean "read_batch_size"?')],
  },
  {
    name: 'applier numbers: string, negative, zero, float',
    config:
      REDIS_ONLY +
      yaml`
      applier:
        read_batch_size: lots
        write_batch_size: -3
        duration: 0
        wait_timeout: 1.5
        retry_max_attempts: -1
    `,
    problems: [
      at(C, 4, 20, 'applier.read_batch_size', 'must be a positive integer (got "lots")'),
      at(C, 5, 21, 'applier.write_batch_size', 'must be a positive integer (got -3)'),
      at(C, 6, 13, 'applier.duration', 'must be a positive integer (got 0)'),
      at(C, 7, 17, 'applier.wait_timeout', 'must be a positive integer (got 1.5)'),
      at(C, 8, 23, 'applier.retry_max_attempts', 'must be a non-negative integer (got -1)'),
    ],
  },
  {
    name: 'applier enums and booleans',
    config:
      REDIS_ONLY +
      yaml`
      applier:
        error_handling: drop
        target_data_type: jsn
        dedup: yes
        debezium_lob_encoded_placeholder: 42
    `,
    problems: [
      at(C, 4, 19, 'applier.error_handling', 'must be one of dlq, ignore (got "drop")'),
      at(C, 5, 21, 'applier.target_data_type', 'must be one of hash, json (got "jsn"); did you mean "json"?'),
      at(C, 6, 10, 'applier.dedup', 'must be true or false (got "yes")'),
      at(C, 7, 37, 'applier.debezium_lob_encoded_placeholder', 'must be a string (got 42)'),
    ],
  },
  {
    name: 'applier is a list',
    config: REDIS_ONLY + 'applier: [read_batch_size]\n',
    problems: [at(C, 3, 10, 'applier', 'must be a mapping (got a list)')],
  },
  {
    name: 'retry_max_delay_ms below retry_initial_delay_ms',
    config: REDIS_ONLY + 'applier:\n  retry_initial_delay_ms: 1000\n  retry_max_delay_ms: 500\n',
    problems: [
      at(C, 5, 23, 'applier.retry_max_delay_ms', 'must be >= retry_initial_delay_ms (got 500 < 1000)'),
    ],
  },
  {
    name: 'retry_initial_delay_ms above the default retry_max_delay_ms (processors spelling)',
    config: REDIS_ONLY + 'processors:\n  retry_initial_delay_ms: 60000\n',
    problems: [
      at(C, 4, 27, 'processors.retry_initial_delay_ms', 'must be <= retry_max_delay_ms, 30000 by default (got 60000); raise retry_max_delay_ms too'),
    ],
  },
  {
    name: 'applier and processors both given',
    config: REDIS_ONLY + 'applier:\n  read_batch_size: 100\nprocessors:\n  read_batch_size: 200\n',
    problems: [
      at(C, 5, 1, '', "applier and processors cannot both be given; processors is RDI's newer name for applier"),
    ],
  },
  {
    name: 'change_log out of range and misspelt',
    config: REDIS_ONLY + 'change_log:\n  partitions: 2048\n  max_length: 10\n  partition: 4\n',
    problems: [
      at(C, 4, 15, 'change_log.partitions', 'must be an integer between 1 and 1024 (got 2048)'),
      at(C, 5, 15, 'change_log.max_length', 'must be an integer >= 1000 (got 10)'),
      at(C, 6, 3, 'change_log', 'unknown field "partition"; did you mean "partitions"?'),
    ],
  },
  {
    name: 'connections missing',
    config: 'sources:\n  app: {type: redis}\n',
    problems: [at(C, 1, 1, '', 'missing required field "connections"')],
  },
  {
    name: 'connections empty',
    config: 'connections: {}\n',
    problems: [at(C, 1, 14, 'connections', 'must define at least one connection')],
  },
  {
    name: 'connections is a list',
    config: 'connections:\n  - target\n',
    problems: [at(C, 2, 3, 'connections', 'must be a mapping (got a list)')],
  },
  {
    name: 'connection type missing',
    config: 'connections:\n  target:\n    host: db\n',
    problems: [at(C, 3, 5, 'connections.target', 'missing required field "type"')],
  },
  {
    name: 'connection type unknown',
    config: 'connections:\n  target: {type: mssql, host: db}\n',
    problems: [
      at(C, 2, 18, 'connections.target.type', 'must be one of mysql, mariadb, postgresql, oracle, redis (got "mssql"); did you mean "mysql"?'),
    ],
  },
  {
    name: 'relational connection without host',
    config: 'connections:\n  target:\n    type: postgresql\n    database: app\n',
    problems: [at(C, 3, 5, 'connections.target', 'missing required field "host"')],
  },
  {
    name: 'connection fields of the wrong type',
    config: yaml`
      connections:
        target:
          type: mysql
          host: 1234
          port: 70000
          user: {name: ferry}
          pool_size: "4"
          connect_timeout_ms: 0
    `,
    problems: [
      at(C, 4, 11, 'connections.target.host', 'must be a string (got 1234)'),
      at(C, 5, 11, 'connections.target.port', 'must be an integer between 1 and 65535 or a ${...} reference (got 70000)'),
      at(C, 6, 11, 'connections.target.user', 'must be a string (got a mapping)'),
      at(C, 7, 16, 'connections.target.pool_size', 'must be a positive integer (got "4")'),
      at(C, 8, 25, 'connections.target.connect_timeout_ms', 'must be a positive integer (got 0)'),
    ],
  },
  {
    name: 'a literal password of the wrong type is not echoed',
    config: 'connections:\n  target:\n    type: mysql\n    host: db\n    password: 123456\n',
    problems: [at(C, 5, 15, 'connections.target.password', 'must be a string (got a number)')],
  },
  {
    name: 'oracle with both service_name and sid',
    config: yaml`
      connections:
        erp:
          type: oracle
          host: ora.internal
          service_name: ORCLPDB1
          sid: ORCL
    `,
    problems: [
      at(C, 6, 5, 'connections.erp', 'service_name and sid cannot both be given; give exactly one of database, service_name or sid'),
    ],
  },
  {
    name: 'oracle with none of database, service_name, sid',
    config: 'connections:\n  erp: {type: oracle, host: ora.internal}\n',
    problems: [at(C, 2, 8, 'connections.erp', 'must have exactly one of database, service_name or sid')],
  },
  {
    name: 'redis field on a mysql connection gets a hint',
    config: 'connections:\n  target:\n    type: mysql\n    host: db\n    db: 2\n',
    problems: [
      at(C, 5, 5, 'connections.target', 'unknown field "db"; "db" is for redis connections; relational connections use "database"'),
    ],
  },
  {
    name: 'redis connection: db out of range, database instead of db',
    config: 'connections:\n  cache:\n    type: redis\n    db: 16\n    database: app\n',
    problems: [
      at(C, 4, 9, 'connections.cache.db', 'must be an integer between 0 and 15 (got 16)'),
      at(C, 5, 5, 'connections.cache', 'unknown field "database"; redis connections select a logical database with "db" (0..15)'),
    ],
  },
  {
    name: 'tls: wrong type, unknown field, and RDI flat TLS keys',
    config: yaml`
      connections:
        cache:
          type: redis
          tls: "yes"
          cacert: /etc/ca.pem
        target:
          type: mysql
          host: db
          tls: {ca: /etc/ca.pem, verify: false}
    `,
    problems: [
      at(C, 4, 10, 'connections.cache.tls', 'must be true, false or a mapping with ca, cert, key, reject_unauthorized (got "yes")'),
      at(C, 5, 5, 'connections.cache', 'unknown field "cacert"; TLS files go under tls: {ca, cert, key}'),
      at(C, 9, 28, 'connections.target.tls', 'unknown field "verify"; known fields: ca, cert, key, reject_unauthorized'),
    ],
  },
  {
    name: 'connect_args value that is not a scalar',
    config: yaml`
      connections:
        target:
          type: mysql
          host: db
          connect_args:
            ssl_mode: REQUIRED
            init: [a, b]
    `,
    problems: [
      at(C, 7, 13, 'connections.target.connect_args.init', 'must be a string, number, boolean or null (got a list)'),
    ],
  },
  {
    name: 'the same connection under targets and connections',
    config: yaml`
      connections:
        target: {type: mysql, host: db}
      targets:
        target: {type: redis}
        cache: {type: redis}
    `,
    problems: [at(C, 4, 3, 'targets', 'connection "target" is defined under both connections and targets')],
  },
  {
    name: 'source of a type other than redis, and user with username',
    config: yaml`
      connections:
        target: {type: mysql, host: db}
      sources:
        mysql:
          type: cdc
        app: {type: redis, user: a, username: b}
    `,
    problems: [
      at(C, 5, 11, 'sources.mysql.type', 'must be redis (got "cdc")'),
      at(C, 6, 31, 'sources.app', 'user and username cannot both be given; they are the same setting'),
    ],
  },
  {
    name: 'source with an unknown capture mode',
    config: yaml`
      connections:
        target: {type: mysql, host: db}
      sources:
        app: {type: redis, capture: replica}
    `,
    problems: [
      at(C, 4, 31, 'sources.app.capture', 'must be one of replication, external (got "replica")'),
    ],
  },
  {
    name: 'malformed secret references',
    config: yaml`
      connections:
        target:
          type: mysql
          host: \${env:}
          user: \${vault:ferry}
          database: "app_\${env:DB_SUFFIX"
          password: \${secret:db password}
    `,
    problems: [
      at(C, 4, 11, 'connections.target.host', 'secret reference "${env:}" has no name'),
      at(C, 5, 11, 'connections.target.user', 'unknown secret reference kind "vault" in "${vault:ferry}"; use env, file or secret'),
      at(C, 6, 20, 'connections.target.database', 'unclosed secret reference "${env:DB_SUFFIX"; add the closing "}"'),
      at(C, 7, 15, 'connections.target.password', 'invalid secret name in a secret reference'),
    ],
  },
];

/** A write-behind job whose output block is `output`, indented as a list item under `output:`. */
function writeBehindJobWith(output: string): string {
  return `source:\n  redis: {key_pattern: "emp:*", trigger: write-behind}\noutput:\n${output}`;
}

// One problem per line, so that the cases read as a table.
// prettier-ignore
const jobCases: InvalidCase[] = [
  { name: 'empty job file', jobs: { [J]: '' }, problems: [at(J, 0, 0, '', 'the file is empty')] },
  {
    name: 'job without source and output',
    jobs: { [J]: 'name: emp\n' },
    problems: [
      at(J, 1, 1, '', 'missing required field "source"'),
      at(J, 1, 1, '', 'missing required field "output"'),
    ],
  },
  {
    name: 'misspelt job field',
    jobs: { [J]: WRITE_BEHIND_JOB + 'transfrom: []\n' },
    problems: [at(J, 11, 1, '', 'unknown field "transfrom"; did you mean "transform"?')],
  },
  {
    name: 'job name that does not match the file',
    jobs: { [J]: 'name: employees\n' + WRITE_BEHIND_JOB },
    problems: [at(J, 1, 7, 'name', 'must match the file name, "emp" (got "employees")')],
  },
  {
    name: 'job file that is not YAML by name',
    jobs: { 'jobs/emp.json': WRITE_BEHIND_JOB },
    problems: [at('jobs/emp.json', 0, 0, '', 'a job file must be named jobs/<name>.yaml or jobs/<name>.yml')],
  },
  {
    name: 'duplicate job names from emp.yaml and emp.yml',
    jobs: { [J]: WRITE_BEHIND_JOB, 'jobs/emp.yml': WRITE_BEHIND_JOB },
    problems: [at('jobs/emp.yml', 0, 0, '', 'duplicate job name "emp": jobs/emp.yaml defines it already')],
  },
  {
    name: 'duplicate job name reported at an explicit name:',
    jobs: { [J]: WRITE_BEHIND_JOB, 'jobs/emp.yml': 'name: emp\n' + WRITE_BEHIND_JOB },
    problems: [
      at('jobs/emp.yml', 1, 7, 'name', 'duplicate job name "emp": jobs/emp.yaml defines it already'),
    ],
  },
  {
    name: 'duplicate key in a job',
    jobs: { [J]: 'source:\n  table: emp\n  table: dept\n' + INGEST_OUTPUT },
    problems: [at(J, 3, 3, 'source', 'duplicate key "table" (first given on line 2)')],
  },
  {
    name: 'source that mixes write-behind and ingest',
    jobs: {
      [J]: 'source:\n  redis: {key_pattern: "emp:*", trigger: write-behind}\n  table: emp\n' + WB_OUTPUT,
    },
    problems: [at(J, 2, 3, 'source', 'must have either redis (write-behind) or table (ingest), not both')],
  },
  {
    name: 'source with neither redis nor table',
    jobs: { [J]: 'source: {}\n' + WB_OUTPUT },
    problems: [at(J, 1, 9, 'source', 'must have either redis (write-behind) or table (ingest)')],
  },
  {
    name: 'trigger other than write-behind',
    jobs: {
      [J]: 'source:\n  redis: {key_pattern: "emp:*", trigger: write-through}\n' + WB_OUTPUT,
    },
    problems: [at(J, 2, 42, 'source.redis.trigger', 'must be write-behind (got "write-through")')],
  },
  {
    name: 'source.redis without key_pattern and trigger',
    jobs: { [J]: 'source:\n  redis: {db: 1}\n' + WB_OUTPUT },
    problems: [
      at(J, 2, 10, 'source.redis', 'missing required field "key_pattern"'),
      at(J, 2, 10, 'source.redis', 'missing required field "trigger"'),
    ],
  },
  {
    name: 'unknown exclude command, and one that is not a string',
    jobs: {
      [J]:
        yaml`
        source:
          redis:
            key_pattern: "emp:*"
            trigger: write-behind
            exclude_commands: [json.del, HSETT, 42]
            db: 16
      ` + WB_OUTPUT,
    },
    problems: [
      at(J, 5, 34, 'source.redis.exclude_commands[1]', 'unknown Redis write command "hsett"; did you mean "hset"?'),
      at(J, 5, 41, 'source.redis.exclude_commands[2]', 'must be a string (got 42)'),
      at(J, 6, 9, 'source.redis.db', 'must be an integer between 0 and 15 (got 16)'),
    ],
  },
  {
    name: 'key_pattern with an unclosed bracket, exclude_commands not a list',
    jobs: {
      [J]:
        yaml`
        source:
          redis:
            key_pattern: "emp:[ab"
            trigger: write-behind
            exclude_commands: json.del
      ` + WB_OUTPUT,
    },
    problems: [
      at(J, 3, 18, 'source.redis.key_pattern', 'has an unclosed "[" (got "emp:[ab")'),
      at(J, 5, 23, 'source.redis.exclude_commands', 'must be a list (got "json.del")'),
    ],
  },
  {
    name: 'empty key_pattern',
    jobs: {
      [J]: 'source:\n  redis: {key_pattern: "", trigger: write-behind}\n' + WB_OUTPUT,
    },
    problems: [at(J, 2, 24, 'source.redis.key_pattern', 'must not be empty')],
  },
  {
    name: 'output missing',
    jobs: { [J]: 'source:\n  table: emp\n' },
    problems: [at(J, 1, 1, '', 'missing required field "output"')],
  },
  {
    name: 'output empty',
    jobs: { [J]: 'source:\n  table: emp\noutput: []\n' },
    problems: [at(J, 3, 9, 'output', 'must not be empty')],
  },
  {
    name: 'output is a mapping, not a list',
    jobs: { [J]: writeBehindJobWith('  uses: relational.write\n  with: {connection: target, table: emp}\n') },
    problems: [at(J, 4, 3, 'output', 'must be a list (got a mapping)')],
  },
  {
    name: 'relational.write without table',
    jobs: {
      [J]: writeBehindJobWith(
        '  - uses: relational.write\n    with:\n      connection: target\n      schema: app\n',
      ),
    },
    problems: [at(J, 6, 7, 'output[0].with', 'missing required field "table"')],
  },
  {
    name: 'output block without with',
    jobs: { [J]: writeBehindJobWith('  - uses: relational.write\n') },
    problems: [at(J, 4, 5, 'output[0]', 'missing required field "with"')],
  },
  {
    name: 'connection not defined in config.yaml',
    config: 'connections:\n  target: {type: mysql, host: db}\nsources:\n  app: {type: redis}\n',
    jobs: {
      [J]: writeBehindJobWith('  - uses: relational.write\n    with: {connection: warehouse, table: emp}\n'),
    },
    problems: [
      at(J, 5, 24, 'output[0].with.connection', 'connection "warehouse" is not defined in config.yaml; defined: target'),
    ],
  },
  {
    name: 'relational.write to a redis connection',
    jobs: {
      [J]: writeBehindJobWith('  - uses: relational.write\n    with: {connection: cache, table: emp}\n'),
    },
    problems: [
      at(J, 5, 24, 'output[0].with.connection', 'connection "cache" is a redis connection; relational.write needs a mysql, mariadb, postgresql or oracle connection'),
    ],
  },
  {
    name: 'write-behind job with redis.write',
    jobs: { [J]: writeBehindJobWith('  - uses: redis.write\n    with: {connection: cache}\n') },
    problems: [
      at(J, 4, 11, 'output[0].uses', 'redis.write cannot be used in a write-behind job (source.redis); write-behind jobs write to a relational database with relational.write'),
    ],
  },
  {
    name: 'ingest job with relational.write',
    jobs: {
      [J]: 'source:\n  table: emp\noutput:\n  - uses: relational.write\n    with: {connection: target, table: emp}\n',
    },
    problems: [
      at(J, 4, 11, 'output[0].uses', 'relational.write cannot be used in an ingest job; ingest jobs write to Redis with redis.write'),
    ],
  },
  {
    name: 'unknown output uses',
    jobs: { [J]: writeBehindJobWith('  - uses: sql.write\n    with: {connection: target, table: emp}\n') },
    problems: [
      at(J, 4, 11, 'output[0].uses', 'must be one of relational.write, redis.write (got "sql.write")'),
    ],
  },
  {
    name: 'TYPE2 without active_record_indicator',
    jobs: {
      [J]: writeBehindJobWith(
        '  - uses: relational.write\n    with:\n      connection: target\n      table: emp\n      load_strategy: TYPE2\n',
      ),
    },
    problems: [
      at(J, 6, 7, 'output[0].with', 'missing required field "active_record_indicator" (load_strategy is TYPE2)'),
    ],
  },
  {
    name: 'inactive_record_mapping without TYPE2',
    jobs: {
      [J]: writeBehindJobWith(
        yaml`
        - uses: relational.write
          with:
            connection: target
            table: emp
            inactive_record_mapping:
              - {source: CURRENT_DATE, target: deleted_at}
      `.replace(/^/gm, '  '),
      ),
    },
    problems: [
      at(J, 8, 7, 'output[0].with', 'inactive_record_mapping is only used with load_strategy TYPE2 (got UPSERT)'),
    ],
  },
  {
    name: 'load_strategy in lower case, foreach without a column, a key with two columns',
    jobs: {
      [J]: writeBehindJobWith(
        yaml`
        - uses: relational.write
          with:
            connection: target
            table: emp
            load_strategy: upsert
            foreach: lines[]
            keys: [{id: emp_id, name: n}]
      `.replace(/^/gm, '  '),
      ),
    },
    problems: [
      at(J, 8, 22, 'output[0].with.load_strategy', 'must be one of APPEND, REPLACE, UPSERT, TYPE2 (got "upsert"); did you mean "UPSERT"?'),
      at(J, 9, 16, 'output[0].with.foreach', 'must be "column: expression", e.g. "order_line: lines[]" (got "lines[]")'),
      at(J, 10, 14, 'output[0].with.keys[0]', 'must be a column name or a single "column: expression" pair (got a mapping with 2 keys)'),
    ],
  },
  {
    name: 'write-behind job when config.yaml has no sources',
    config: 'connections:\n  target: {type: mysql, host: db}\n',
    jobs: { [J]: WRITE_BEHIND_JOB },
    problems: [
      at(J, 3, 5, 'source.redis', 'config.yaml defines no sources; add the Redis database to capture from under sources'),
    ],
  },
  {
    name: 'write-behind job without connection when there are two sources',
    config: BASE_CONFIG + '  other:\n    type: redis\n    port: 6380\n',
    jobs: { [J]: WRITE_BEHIND_JOB },
    problems: [
      at(J, 3, 5, 'source.redis', 'missing required field "connection": config.yaml defines 2 sources (app, other)'),
    ],
  },
  {
    name: 'write-behind job capturing from an undefined source',
    jobs: {
      [J]:
        'source:\n  redis: {key_pattern: "emp:*", trigger: write-behind, connection: sessions}\n' + WB_OUTPUT,
    },
    problems: [
      at(J, 2, 68, 'source.redis.connection', 'source "sessions" is not defined in config.yaml; defined: app'),
    ],
  },
  {
    name: 'redis.write without connection and no default to take',
    config: 'connections:\n  cache: {type: redis}\n  sessions: {type: redis}\n',
    jobs: { [J]: 'source:\n  table: emp\noutput:\n  - uses: redis.write\n    with: {data_type: json}\n' },
    problems: [
      at(J, 5, 11, 'output[0].with', 'missing required field "connection": config.yaml defines 2 redis connections (cache, sessions) and none named "target"'),
    ],
  },
  {
    name: 'redis.write defaulting to a target that is not redis',
    config: 'connections:\n  target: {type: postgresql, host: db}\n',
    jobs: { [J]: 'source:\n  table: emp\noutput:\n  - uses: redis.write\n    with: {data_type: json}\n' },
    problems: [
      at(J, 5, 11, 'output[0].with', 'missing required field "connection": the default connection "target" is a postgresql connection, not redis'),
    ],
  },
  {
    name: 'redis.write: nest with key and a hash, bad JSONPath; negative expire; mapping on a set',
    jobs: {
      [J]: yaml`
        source:
          table: invoice_line
        output:
          - uses: redis.write
            with:
              data_type: hash
              key: {expression: id}
              nest:
                parent: {table: invoice}
                nesting_key: id
                parent_key: invoice_id
                path: lines
          - uses: redis.write
            with: {data_type: set, mapping: [id], expire: -1}
      `,
    },
    problems: [
      at(J, 6, 18, 'output[0].with.data_type', 'must be json with nest (got "hash")'),
      at(J, 7, 7, 'output[0].with', "key cannot be used with nest; the parent's key is written"),
      at(J, 12, 15, 'output[0].with.nest.path', 'must be a JSONPath from the document root, starting with "$" (got "lines")'),
      at(J, 14, 28, 'output[1].with', 'mapping is supported for hash, json and stream only (data_type is set)'),
      at(J, 14, 51, 'output[1].with.expire', 'must be a non-negative integer (got -1)'),
    ],
  },
  {
    name: 'unknown transform uses, with a suggestion',
    jobs: {
      [J]:
        'source:\n  table: emp\ntransform:\n  - uses: rename_fields\n    with: {from_field: a, to_field: b}\n' +
        INGEST_OUTPUT,
    },
    problems: [
      at(J, 4, 11, 'transform[0].uses', 'must be one of add_field, filter, js, key, map, remove_field, rename_field (got "rename_fields"); did you mean "rename_field"?'),
    ],
  },
  {
    name: 'rename_field with neither form',
    jobs: {
      [J]:
        'source:\n  table: emp\ntransform:\n  - uses: rename_field\n    with: {from: a, to: b}\n' +
        INGEST_OUTPUT,
    },
    problems: [at(J, 5, 11, 'transform[0].with', 'must have either from_field and to_field, or fields')],
  },
  {
    name: 'rename_field list: wrong type and missing field inside',
    jobs: {
      [J]:
        yaml`
        source:
          table: emp
        transform:
          - uses: filter
            with: {expression: "true"}
          - uses: rename_field
            with:
              fields:
                - from_field: a
                  to_field: 5
                - from_field: b
      ` + INGEST_OUTPUT,
    },
    problems: [
      at(J, 10, 21, 'transform[1].with.fields[0].to_field', 'must be a string (got 5)'),
      at(J, 11, 11, 'transform[1].with.fields[1]', 'missing required field "to_field"'),
    ],
  },
  {
    name: 'js with both code and file; js with neither',
    jobs: {
      [J]:
        yaml`
        source:
          table: emp
        transform:
          - uses: js
            with:
              code: return record;
              file: transforms/emp.js
          - uses: js
            with: {timeout_ms: 10}
      ` + INGEST_OUTPUT,
    },
    problems: [
      at(J, 6, 7, 'transform[0].with', 'must have either code or file, not both'),
      at(J, 9, 11, 'transform[1].with', 'must have either code or file'),
    ],
  },
  {
    name: 'expressions: bad language, missing expression, empty map, add_field without a form',
    jobs: {
      [J]:
        yaml`
        source:
          table: emp
        transform:
          - uses: filter
            with: {expression: "age > 18", language: python}
          - uses: key
            with: {language: sql}
          - uses: map
            with: {expression: {}}
          - uses: add_field
            with: {language: sql}
          - uses: js
            with: {code: "return record", timeout_ms: 0, memory_mb: "32"}
      ` + INGEST_OUTPUT,
    },
    problems: [
      at(J, 5, 46, 'transform[0].with.language', 'must be one of jmespath, sql (got "python")'),
      at(J, 7, 11, 'transform[1].with', 'missing required field "expression"'),
      at(J, 9, 24, 'transform[2].with.expression', 'must not be empty'),
      at(J, 11, 11, 'transform[3].with', 'must have either field and expression, or fields'),
      at(J, 13, 47, 'transform[4].with.timeout_ms', 'must be a positive integer (got 0)'),
      at(J, 13, 61, 'transform[4].with.memory_mb', 'must be a positive integer (got "32")'),
    ],
  },
  {
    name: 'transform is a mapping',
    jobs: {
      [J]: 'source:\n  table: emp\ntransform:\n  uses: filter\n' + INGEST_OUTPUT,
    },
    problems: [at(J, 4, 3, 'transform', 'must be a list (got a mapping)')],
  },
];

// One problem per line, so that the cases read as a table.
// prettier-ignore
const multiFileCases: InvalidCase[] = [
  {
    name: 'several problems in several files, sorted by file then line',
    config:
      'connections:\n  target: {type: mysql, host: db}\nsources:\n  app: {type: redis}\napplier:\n  write_batch_size: 0\n',
    jobs: {
      'jobs/zeta.yaml': 'source: {table: t}\noutput: []\n',
      'jobs/alpha.yaml': writeBehindJobWith(
        '  - uses: relational.write\n    with: {connection: target}\n',
      ).replace('emp:*', 'a:*'),
      'jobs/beta.yaml':
        'source: {table: t}\noutput:\n  - uses: redis.write\n    with: {connection: target, expire: x}\n',
    },
    problems: [
      at(C, 6, 21, 'applier.write_batch_size', 'must be a positive integer (got 0)'),
      at('jobs/alpha.yaml', 5, 11, 'output[0].with', 'missing required field "table"'),
      at('jobs/beta.yaml', 4, 24, 'output[0].with.connection', 'connection "target" is a mysql connection; redis.write needs a redis connection'),
      at('jobs/beta.yaml', 4, 40, 'output[0].with.expire', 'must be a non-negative integer (got "x")'),
      at('jobs/zeta.yaml', 2, 9, 'output', 'must not be empty'),
    ],
  },
  {
    name: 'a syntax error in one job does not hide the problems of the others',
    config: BASE_CONFIG,
    jobs: {
      [J]: 'source: {table: emp\noutput: []\n',
      'jobs/dept.yaml':
        'source: {table: dept}\noutput:\n  - uses: redis.write\n    with: {connection: warehouse}\n',
    },
    problems: [
      at('jobs/dept.yaml', 4, 24, 'output[0].with.connection', 'connection "warehouse" is not defined in config.yaml; defined: target, cache'),
      at(J, 2, 1, '', 'flow map in block collection must be sufficiently indented and end with a }'),
    ],
  },
  {
    name: 'a config.yaml that cannot be read does not make every job reference fail',
    config: 'connections: [\n',
    jobs: { [J]: WRITE_BEHIND_JOB },
    problems: [
      at(C, 2, 1, '', 'flow sequence in block collection must be sufficiently indented and end with a ]'),
    ],
  },
];

const cases = [...configCases, ...jobCases, ...multiFileCases];

t.test('invalid configurations report every problem, located', (t) => {
  t.ok(cases.length >= 45, `at least 45 invalid cases (${cases.length})`);
  for (const invalid of cases) {
    t.test(invalid.name, (t) => {
      const result = validatePipeline(pipelineOf(invalid.config ?? BASE_CONFIG, invalid.jobs ?? {}));
      t.strictSame(result.problems, invalid.problems);
      t.equal(result.pipeline, undefined, 'no pipeline when there are problems');
      t.end();
    });
  }
  t.end();
});

t.test('parsePipeline throws ConfigValidationError carrying every problem', (t) => {
  const files = pipelineOf(REDIS_ONLY + 'applier:\n  write_batch_size: -3\n  duration: 0\n');
  const error = t.throws(() => parsePipeline(files)) as unknown;
  t.ok(error instanceof ConfigValidationError);
  if (!(error instanceof ConfigValidationError)) {
    t.end();
    return;
  }
  t.equal(error.code, 'INVALID_CONFIG');
  t.equal(error.problems.length, 2);
  t.equal(
    error.message,
    'the configuration has 2 problems; first: config.yaml:4:21: applier.write_batch_size: must be a positive integer (got -3)',
  );
  t.end();
});
