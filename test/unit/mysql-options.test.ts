/** The MySQL writer's options and batch checks: defaults, and one message per bad value; stream ids. */
import t from 'tap';
import { checkWriteBatch, compileMysqlOptions } from '../../worker/targets/mysql/options.js';
import { compareStreamIds, parseStreamId } from '../../worker/targets/mysql/stream-id.js';
import type { MysqlTargetOptions, WriteBatch } from '../../worker/targets/mysql/index.js';

const BASE: MysqlTargetOptions = { host: '127.0.0.1', port: 3306, user: 'ferry', password: '' };

t.test('defaults', (t) => {
  const compiled = compileMysqlOptions(BASE);
  t.match(compiled, {
    host: '127.0.0.1',
    port: 3306,
    user: 'ferry',
    password: '',
    database: undefined,
    poolSize: 4,
    connectTimeoutMs: 10_000,
    lockWaitTimeoutSeconds: undefined,
    tls: undefined,
  });
  t.ok(
    ['debug', 'info', 'warn', 'error'].every((level) => level in compiled.logger),
    'a silent logger',
  );
  t.same(compileMysqlOptions({ ...BASE, tls: {} }).tls, { rejectUnauthorized: true });
  t.same(compileMysqlOptions({ ...BASE, tls: { ca: 'PEM', rejectUnauthorized: false } }).tls, {
    ca: 'PEM',
    rejectUnauthorized: false,
  });
  t.match(
    compileMysqlOptions({
      ...BASE,
      database: 'app',
      poolSize: 1,
      connectTimeoutMs: 500,
      lockWaitTimeoutSeconds: 2,
    }),
    {
      database: 'app',
      poolSize: 1,
      connectTimeoutMs: 500,
      lockWaitTimeoutSeconds: 2,
    },
  );
  t.end();
});

t.test('every bad option has its own message', (t) => {
  const cases: [Partial<Record<keyof MysqlTargetOptions, unknown>>, string][] = [
    [{ host: '' }, 'mysql target host must be a non-empty string (got "")'],
    [{ host: 12 }, 'mysql target host must be a non-empty string (got 12)'],
    [{ port: 0 }, 'mysql target port must be an integer from 1 to 65535 (got 0)'],
    [{ port: 70000 }, 'mysql target port must be an integer from 1 to 65535 (got 70000)'],
    [{ port: '3306' }, 'mysql target port must be an integer from 1 to 65535 (got "3306")'],
    [{ user: '' }, 'mysql target user must be a non-empty string (got "")'],
    [{ password: null }, 'mysql target password must be a string (got null)'],
    [{ database: '' }, 'mysql target database must be a non-empty string (got "")'],
    [{ poolSize: 0 }, 'mysql target poolSize must be an integer from 1 to 1000 (got 0)'],
    [{ poolSize: 2.5 }, 'mysql target poolSize must be an integer from 1 to 1000 (got 2.5)'],
    [{ connectTimeoutMs: -3 }, 'mysql target connectTimeoutMs must be an integer >= 1 (got -3)'],
    [
      { lockWaitTimeoutSeconds: 0 },
      'mysql target lockWaitTimeoutSeconds must be an integer from 1 to 1073741824 (got 0)',
    ],
    [{ tls: 'yes' }, 'mysql target tls must be an object (got "yes")'],
    [
      { tls: { rejectUnauthorized: 'no' } },
      'mysql target tls.rejectUnauthorized must be a boolean (got "no")',
    ],
    [{ tls: { ca: '' } }, 'mysql target tls.ca must be a non-empty string (got "")'],
    [
      { logger: { info: () => undefined } },
      'mysql target logger must be an object with debug, info, warn and error functions (got an object)',
    ],
  ];
  for (const [override, message] of cases) {
    t.throws(() => compileMysqlOptions({ ...BASE, ...override } as MysqlTargetOptions), {
      name: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      message,
    });
  }
  t.end();
});

t.test('batch envelopes are checked before any I/O', (t) => {
  const good: WriteBatch = {
    pipeline: 'p',
    partition: 0,
    leaseEpoch: 0,
    lastEntryId: '1-0',
    tables: [{ table: { table: 'emp' }, keyColumns: ['id'], changes: [] }],
  };
  t.doesNotThrow(() => checkWriteBatch(good));
  const cases: [Partial<Record<keyof WriteBatch, unknown>>, string][] = [
    [{ pipeline: '' }, 'write batch pipeline must be a string of 1 to 200 characters (got "")'],
    [{ partition: -1 }, 'write batch partition must be an integer from 0 to 2147483647 (got -1)'],
    [{ leaseEpoch: 1.5 }, 'write batch leaseEpoch must be an integer >= 0 (got 1.5)'],
    [{ lastEntryId: '17' }, 'write batch lastEntryId must be a Redis stream id ms-seq (got "17")'],
    [{ lastEntryId: '1-2-3' }, 'write batch lastEntryId must be a Redis stream id ms-seq (got "1-2-3")'],
    [{ tables: null }, 'write batch tables must be an array (got null)'],
    [
      { tables: [{ table: { table: '' }, keyColumns: ['id'], changes: [] }] },
      'write batch tables[0].table.table must be a non-empty string (got "")',
    ],
    [
      { tables: [{ table: { table: 't', schema: '' }, keyColumns: ['id'], changes: [] }] },
      'write batch tables[0].table.schema must be a non-empty string when set (got "")',
    ],
    [
      { tables: [{ table: { table: 't' }, keyColumns: [], changes: [] }] },
      'write batch tables[0].keyColumns must be a non-empty array of column names (got an array)',
    ],
  ];
  for (const [override, message] of cases) {
    t.throws(() => checkWriteBatch({ ...good, ...override } as WriteBatch), {
      code: 'INVALID_ARGUMENT',
      message,
    });
  }
  t.end();
});

t.test('stream ids compare as numbers, ms then seq', (t) => {
  t.same(parseStreamId('1700000000000-18446744073709551615'), {
    ms: 1700000000000n,
    seq: 18446744073709551615n,
  });
  t.equal(compareStreamIds('9-0', '10-0'), -1, 'not as strings');
  t.equal(compareStreamIds('10-0', '9-0'), 1);
  t.equal(compareStreamIds('5-9', '5-10'), -1);
  t.equal(compareStreamIds('5-10', '5-10'), 0);
  t.equal(compareStreamIds('0-0', '1-0'), -1);
  t.equal(compareStreamIds('9007199254740993-0', '9007199254740992-0'), 1, 'beyond 2^53');
  t.throws(() => parseStreamId('abc'), {
    code: 'INVALID_ARGUMENT',
    message: '"abc" is not a Redis stream id (ms-seq)',
  });
  t.throws(() => parseStreamId('1-'), { code: 'INVALID_ARGUMENT' });
  t.end();
});
