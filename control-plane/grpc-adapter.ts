/**
 * The one place where gRPC meets Ferry's domain code. Handlers are plain async functions; this adapter
 * authenticates the caller, checks the method's role, awaits the handler, and maps errors to a status with
 * details, exactly once. A client never sees a stack or a raw driver message: unexpected errors are logged
 * with an id and answered as INTERNAL with that id.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { ErrorCode } from '../common/errors.js';
import { ConfigValidationError, FerryError, VersionConflictError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from '../common/status-details.js';
import type { ErrorDetails } from '../common/status-details.js';
import { Authenticator } from './auth.js';
import type { Principal, Role } from './auth.js';

/** What a handler knows about its call. */
export interface CallContext {
  principal: Principal;
  logger: Logger;
  metadata: grpc.Metadata;
  /** Aborted when the client cancels or its deadline passes (streams). */
  signal: AbortSignal;
}

export interface UnarySpec<Req, Res> {
  role: Role;
  handle: (request: Req, context: CallContext) => Promise<Res>;
}

export interface StreamSpec<Req, Res> {
  role: Role;
  /** Writes with `send` until done or until `context.signal` aborts. */
  handle: (request: Req, send: (message: Res) => void, context: CallContext) => Promise<void>;
}

export interface AdapterDeps {
  authenticator: Authenticator;
  logger: Logger;
}

const STATUS_BY_CODE: Record<ErrorCode, grpc.status> = {
  INVALID_CONFIG: grpc.status.INVALID_ARGUMENT,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  // A failed compare-and-set is a concurrency conflict: the client should re-read and retry (AIP-193).
  VERSION_CONFLICT: grpc.status.ABORTED,
  NOT_FOUND: grpc.status.NOT_FOUND,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  UNIMPLEMENTED: grpc.status.UNIMPLEMENTED,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  INTERNAL: grpc.status.INTERNAL,
  // Target errors reach clients only through status and checks; should one be thrown by a handler: the
  // database is down (retry later), or it needs an operator (the table, the login), or the lease moved on.
  TARGET_UNAVAILABLE: grpc.status.UNAVAILABLE,
  TARGET_SCHEMA: grpc.status.FAILED_PRECONDITION,
  TARGET_AUTH: grpc.status.FAILED_PRECONDITION,
  FENCED: grpc.status.ABORTED,
  TARGET_FAILED: grpc.status.INTERNAL,
};

/** Adapts a unary handler to grpc-js. `method` names it in logs and permission messages. */
export function unary<Req, Res>(
  method: string,
  spec: UnarySpec<Req, Res>,
  deps: AdapterDeps,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort());
    const started = process.hrtime.bigint();
    run(method, spec.role, call.metadata, controller.signal, deps, (context) =>
      spec.handle(call.request, context),
    ).then(
      (response) => {
        logCall(deps.logger, method, started, grpc.status.OK);
        callback(null, response);
      },
      (error: unknown) => {
        const status = toStatus(error, method, deps.logger);
        logCall(deps.logger, method, started, status.code);
        callback(status);
      },
    );
  };
}

/** Adapts a server-streaming handler; the stream ends when the handler resolves or the client cancels. */
export function serverStream<Req, Res>(
  method: string,
  spec: StreamSpec<Req, Res>,
  deps: AdapterDeps,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort());
    const started = process.hrtime.bigint();
    const send = (message: Res): void => {
      if (!controller.signal.aborted) call.write(message);
    };
    run(method, spec.role, call.metadata, controller.signal, deps, (context) =>
      spec.handle(call.request, send, context),
    ).then(
      () => {
        logCall(deps.logger, method, started, grpc.status.OK);
        if (!controller.signal.aborted) call.end();
      },
      (error: unknown) => {
        const status = toStatus(error, method, deps.logger);
        logCall(deps.logger, method, started, status.code);
        if (!controller.signal.aborted) call.destroy(Object.assign(new Error(status.details), status));
      },
    );
  };
}

async function run<T>(
  method: string,
  role: Role,
  metadata: grpc.Metadata,
  signal: AbortSignal,
  deps: AdapterDeps,
  body: (context: CallContext) => Promise<T>,
): Promise<T> {
  const principal = deps.authenticator.authenticate(metadata);
  Authenticator.authorize(principal, role, method);
  const logger = deps.logger.child({ method, caller: principal.name });
  return body({ principal, logger, metadata, signal });
}

function logCall(logger: Logger, method: string, started: bigint, code: grpc.status): void {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.debug({ method, code: grpc.status[code], ms: Math.round(ms * 10) / 10 }, 'call');
}

/** Maps any error to a gRPC status with details. Exported for the tests of the mapping. */
export function toStatus(error: unknown, method: string, logger: Logger): grpc.StatusObject {
  if (error instanceof FerryError) {
    const code = STATUS_BY_CODE[error.code];
    const details: ErrorDetails = { reason: error.code };
    if (error instanceof ConfigValidationError) details.problems = [...error.problems];
    if (error instanceof VersionConflictError) {
      details.metadata = {
        current_version: String(error.currentVersion),
        expected_version: String(error.expectedVersion),
      };
    }
    if (code === grpc.status.INTERNAL) logger.error({ err: error, method }, 'internal error');
    return statusObject(code, error.message, details);
  }
  if (isRedisUnavailable(error)) {
    logger.warn({ err: error, method }, 'state Redis unavailable');
    return statusObject(
      grpc.status.UNAVAILABLE,
      'the control plane cannot reach its Redis; check that Redis is running and --redis points at it',
      { reason: 'UNAVAILABLE' },
    );
  }
  const errorId = randomUUID();
  logger.error({ err: error, method, errorId }, 'unexpected error');
  return statusObject(
    grpc.status.INTERNAL,
    `internal error (id ${errorId}); the control plane's log has the cause`,
    {
      reason: 'INTERNAL',
    },
  );
}

function statusObject(code: grpc.status, message: string, details: ErrorDetails): grpc.StatusObject {
  const metadata = new grpc.Metadata();
  metadata.set(STATUS_DETAILS_KEY, encodeStatusDetails(code, message, details));
  return { code, details: message, metadata };
}

/** ioredis' ways of saying that the server cannot be reached, mapped here once. */
function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH/.test(
    error.message,
  );
}
