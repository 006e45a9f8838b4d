/** Error details survive the trip through google.rpc.Status, and errors map to the right gRPC codes. */
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import {
  ConfigValidationError,
  FerryError,
  NotFoundError,
  VersionConflictError,
} from '../../common/errors.js';
import { silentLogger } from '../../common/logger.js';
import {
  decodeStatusDetails,
  encodeStatusDetails,
  STATUS_DETAILS_KEY,
  violationField,
} from '../../common/status-details.js';
import { toStatus } from '../../control-plane/grpc-adapter.js';

const problem = {
  file: 'jobs/emp.yaml',
  line: 12,
  column: 7,
  path: 'output[0].with.table',
  message: 'missing required field "table"',
};

t.test('details round-trip', (t) => {
  const encoded = encodeStatusDetails(3, 'bad', {
    reason: 'INVALID_CONFIG',
    problems: [problem],
    metadata: { a: 'b' },
  });
  t.same(decodeStatusDetails(encoded), {
    reason: 'INVALID_CONFIG',
    metadata: { a: 'b' },
    problems: [problem],
  });
  t.equal(violationField(problem), 'jobs/emp.yaml:12:7:output[0].with.table');
  t.end();
});

t.test('each error code maps to one gRPC status, with the reason in the details', (t) => {
  const cases: [unknown, grpc.status, string][] = [
    [new ConfigValidationError([problem]), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG'],
    [new VersionConflictError(1, 2), grpc.status.ABORTED, 'VERSION_CONFLICT'],
    [new NotFoundError('x'), grpc.status.NOT_FOUND, 'NOT_FOUND'],
    [new FerryError('FAILED_PRECONDITION', 'x'), grpc.status.FAILED_PRECONDITION, 'FAILED_PRECONDITION'],
    [new FerryError('UNIMPLEMENTED', 'x'), grpc.status.UNIMPLEMENTED, 'UNIMPLEMENTED'],
    [new FerryError('UNAVAILABLE', 'x'), grpc.status.UNAVAILABLE, 'UNAVAILABLE'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {}),
      grpc.status.UNAVAILABLE,
      'UNAVAILABLE',
    ],
    [new TypeError('driver exploded: password=hunter2'), grpc.status.INTERNAL, 'INTERNAL'],
  ];
  for (const [error, code, reason] of cases) {
    const status = toStatus(error, 'Test', silentLogger());
    t.equal(status.code, code, `${String(error)} -> ${grpc.status[code]}`);
    const details = decodeStatusDetails(status.metadata?.get(STATUS_DETAILS_KEY)[0] as Buffer);
    t.equal(details.reason, reason);
  }
  const internal = toStatus(new TypeError('driver exploded: password=hunter2'), 'Test', silentLogger());
  t.match(internal.details, /^internal error \(id [0-9a-f-]{36}\); the control plane's log has the cause$/);
  t.notMatch(internal.details, /hunter2/, 'raw messages never reach the client');
  t.end();
});
