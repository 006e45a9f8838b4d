/** mysql2 errors -> the MySQL target's error classes: transient, row reject, schema, access. */
import t from 'tap';
import { FerryError, InvalidArgumentError } from '../../common/errors.js';
import {
  FencedError,
  TargetAuthError,
  TargetError,
  TargetSchemaError,
  TargetWriteError,
  TransientTargetError,
  classifyMysqlError,
  toTransferableError,
} from '../../worker/targets/mysql/index.js';
import type { MysqlErrorClass } from '../../worker/targets/mysql/index.js';
import { driverMessage, toTargetError } from '../../worker/targets/mysql/errors.js';

/** An error shaped like mysql2's: `code`, `errno`, `sqlMessage`, `fatal`. */
function driverError(code: string, errno: number, sqlMessage = 'message', fatal = false): Error {
  return Object.assign(new Error(sqlMessage), { code, errno, sqlMessage, sqlState: 'HY000', fatal });
}

const TRANSIENT: MysqlErrorClass = { kind: 'transient' };
const SCHEMA: MysqlErrorClass = { kind: 'schema' };
const AUTH: MysqlErrorClass = { kind: 'auth' };
const UNKNOWN: MysqlErrorClass = { kind: 'unknown' };
const reject = (rejectCode: string): MysqlErrorClass => ({ kind: 'reject', rejectCode }) as MysqlErrorClass;

t.test('classification by code and errno', (t) => {
  const cases: [string, number, MysqlErrorClass][] = [
    // The connection is gone or never came up.
    ['ECONNREFUSED', -111, TRANSIENT],
    ['ECONNRESET', -104, TRANSIENT],
    ['ETIMEDOUT', -110, TRANSIENT],
    ['EPIPE', -32, TRANSIENT],
    ['EHOSTUNREACH', -113, TRANSIENT],
    ['ENOTFOUND', -3008, TRANSIENT],
    ['PROTOCOL_CONNECTION_LOST', 0, TRANSIENT],
    ['PROTOCOL_SEQUENCE_TIMEOUT', 0, TRANSIENT],
    // The server refuses for now.
    ['ER_LOCK_DEADLOCK', 1213, TRANSIENT],
    ['ER_LOCK_WAIT_TIMEOUT', 1205, TRANSIENT],
    ['ER_OPTION_PREVENTS_STATEMENT', 1290, TRANSIENT],
    ['ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 1792, TRANSIENT],
    ['ER_READ_ONLY_MODE', 1836, TRANSIENT],
    ['ER_CON_COUNT_ERROR', 1040, TRANSIENT],
    ['ER_SERVER_SHUTDOWN', 1053, TRANSIENT],
    ['CR_SERVER_GONE_ERROR', 2006, TRANSIENT],
    ['CR_SERVER_LOST', 2013, TRANSIENT],
    ['ER_CONNECTION_KILLED', 1927, TRANSIENT],
    ['ER_QUERY_INTERRUPTED', 1317, TRANSIENT],
    ['ER_STATEMENT_TIMEOUT', 1969, TRANSIENT],
    ['ER_DISK_FULL', 1021, TRANSIENT],
    // One row is at fault.
    ['ER_DUP_ENTRY', 1062, reject('DUPLICATE')],
    ['ER_NO_REFERENCED_ROW_2', 1452, reject('CONSTRAINT_VIOLATION')],
    ['ER_ROW_IS_REFERENCED_2', 1451, reject('CONSTRAINT_VIOLATION')],
    ['ER_CHECK_CONSTRAINT_VIOLATED', 3819, reject('CONSTRAINT_VIOLATION')],
    ['ER_CONSTRAINT_FAILED', 4025, reject('CONSTRAINT_VIOLATION')],
    ['ER_DATA_TOO_LONG', 1406, reject('DATA_TOO_LONG')],
    ['ER_BAD_NULL_ERROR', 1048, reject('NOT_NULL')],
    ['ER_NO_DEFAULT_FOR_FIELD', 1364, reject('NOT_NULL')],
    ['ER_WARN_DATA_OUT_OF_RANGE', 1264, reject('OUT_OF_RANGE')],
    ['ER_TRUNCATED_WRONG_VALUE', 1292, reject('CONVERSION')],
    ['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 1366, reject('CONVERSION')],
    ['WARN_DATA_TRUNCATED', 1265, reject('CONVERSION')],
    ['ER_INVALID_JSON_TEXT', 3140, reject('CONVERSION')],
    ['ER_SIGNAL_EXCEPTION', 1644, reject('REJECTED')],
    // The schema does not fit the job.
    ['ER_NO_SUCH_TABLE', 1146, SCHEMA],
    ['ER_BAD_FIELD_ERROR', 1054, SCHEMA],
    ['ER_BAD_DB_ERROR', 1049, SCHEMA],
    ['ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN', 3105, SCHEMA],
    // Access.
    ['ER_TABLEACCESS_DENIED_ERROR', 1142, AUTH],
    ['ER_DBACCESS_DENIED_ERROR', 1044, AUTH],
    ['ER_ACCESS_DENIED_ERROR', 1045, AUTH],
    ['ER_COLUMNACCESS_DENIED_ERROR', 1143, AUTH],
    // Anything else.
    ['ER_PARSE_ERROR', 1064, UNKNOWN],
    ['ER_NET_PACKET_TOO_LARGE', 1153, UNKNOWN],
  ];
  for (const [code, errno, expected] of cases) {
    t.same(classifyMysqlError(driverError(code, errno)), expected, `${code} ${errno}`);
  }
  t.end();
});

t.test('errors without a known code', (t) => {
  t.same(classifyMysqlError(new Error('boom')), UNKNOWN);
  t.same(classifyMysqlError('a string'), UNKNOWN);
  t.same(classifyMysqlError(undefined), UNKNOWN);
  t.same(
    classifyMysqlError(driverError('SOMETHING_NEW', 0, 'x', true)),
    TRANSIENT,
    'a fatal error kills the connection',
  );
  const refused = Object.assign(
    new AggregateError([driverError('ECONNREFUSED', -111), driverError('ECONNREFUSED', -111)]),
    {
      code: undefined,
    },
  );
  t.same(classifyMysqlError(refused), TRANSIENT, 'every address refused');
  t.same(classifyMysqlError(new AggregateError([new Error('x')])), UNKNOWN);
  t.end();
});

t.test('mapping to error classes, once', (t) => {
  const cases: [Error, new (...args: never[]) => TargetError, string, string][] = [
    [
      driverError('ER_LOCK_DEADLOCK', 1213, 'Deadlock found'),
      TransientTargetError,
      'TransientTargetError',
      'TARGET_UNAVAILABLE',
    ],
    [
      driverError('ER_NO_SUCH_TABLE', 1146, "Table 'a.b' doesn't exist"),
      TargetSchemaError,
      'TargetSchemaError',
      'TARGET_SCHEMA',
    ],
    [
      driverError('ER_ACCESS_DENIED_ERROR', 1045, 'Access denied'),
      TargetAuthError,
      'TargetAuthError',
      'TARGET_AUTH',
    ],
    [
      driverError('ER_DUP_ENTRY', 1062, 'Duplicate entry'),
      TargetWriteError,
      'TargetWriteError',
      'TARGET_FAILED',
    ],
    [new TypeError('bug'), TargetWriteError, 'TargetWriteError', 'TARGET_FAILED'],
  ];
  for (const [error, type, name, code] of cases) {
    const mapped = toTargetError(error, { pipeline: 'p', partition: 3 });
    t.type(mapped, type);
    t.type(mapped, TargetError);
    t.match(mapped, { name, code, cause: error, context: { pipeline: 'p', partition: 3 } }, name);
  }
  t.match(toTargetError(driverError('ER_LOCK_DEADLOCK', 1213, 'Deadlock found')), {
    message: 'the MySQL target is unavailable: Deadlock found',
    context: { driverCode: 'ER_LOCK_DEADLOCK', errno: 1213 },
  });
  const fenced = new FencedError('p', 3, 5, 4);
  t.equal(toTargetError(fenced), fenced, 'TargetErrors pass through');
  t.equal(driverMessage(driverError('X', 1, 'from the server')), 'from the server');
  t.equal(driverMessage('plain'), 'plain');
  t.end();
});

t.test('FencedError and what crosses the thread boundary', (t) => {
  const fenced = new FencedError('orders', 7, 5, 4);
  t.match(fenced, {
    name: 'FencedError',
    code: 'FENCED',
    message:
      'partition 7 of pipeline orders is held under lease epoch 5; a batch under epoch 4 may not write',
    context: { pipeline: 'orders', partition: 7, storedEpoch: 5, batchEpoch: 4 },
  });
  const transferable = toTransferableError(fenced);
  t.same(transferable, {
    name: 'FencedError',
    code: 'FENCED',
    message: fenced.message,
    context: { pipeline: 'orders', partition: 7, storedEpoch: 5, batchEpoch: 4 },
  });
  t.same(structuredClone(transferable), transferable, 'structured-cloneable as is');
  t.match(toTransferableError(driverError('ECONNRESET', -104, 'read ECONNRESET')), {
    name: 'TransientTargetError',
    code: 'TARGET_UNAVAILABLE',
    context: { driverCode: 'ECONNRESET', errno: -104 },
  });
  t.same(toTransferableError(new InvalidArgumentError('bad batch', { context: { field: 'partition' } })), {
    name: 'InvalidArgumentError',
    code: 'INVALID_ARGUMENT',
    message: 'bad batch',
    context: { field: 'partition' },
  });
  t.end();
});

t.test('target errors are FerryErrors with target codes', (t) => {
  const cases: [Error, string][] = [
    [new TransientTargetError('down'), 'TARGET_UNAVAILABLE'],
    [new TargetSchemaError('no table'), 'TARGET_SCHEMA'],
    [new TargetAuthError('denied'), 'TARGET_AUTH'],
    [new FencedError('p', 0, 2, 1), 'FENCED'],
    [new TargetWriteError('closed'), 'TARGET_FAILED'],
  ];
  for (const [error, code] of cases) {
    t.ok(error instanceof FerryError, `${error.name} is a FerryError`);
    t.ok(error instanceof TargetError, `${error.name} is a TargetError`);
    t.equal((error as FerryError).code, code);
  }
  t.end();
});
