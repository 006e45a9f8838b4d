/**
 * Rich error details on gRPC statuses (the `grpc-status-details-bin` trailer, a serialized google.rpc.Status).
 * The server encodes them; the client decodes them. Details sent: google.rpc.ErrorInfo (reason = Ferry's
 * error code), google.rpc.BadRequest (one field violation per configuration problem) and
 * ferry.v1.ValidationErrors (the same problems with file, line, column and path as separate fields).
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import type { ConfigProblem } from './errors.js';
import { packageRoot } from './proto.js';

export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const TYPE_PREFIX = 'type.googleapis.com/';

let root: protobuf.Root | undefined;

function types(): {
  status: protobuf.Type;
  errorInfo: protobuf.Type;
  badRequest: protobuf.Type;
  validationErrors: protobuf.Type;
} {
  if (!root) {
    const protoDir = join(packageRoot(), 'proto');
    const loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) =>
      target.startsWith('google/protobuf/') ? target : join(protoDir, target);
    // keepCase: field names exactly as in the .proto files (type_url, field_violations), whatever the loader.
    loaded.loadSync(
      ['google/rpc/status.proto', 'google/rpc/error_details.proto', 'ferry/v1/pipeline.proto'],
      {
        keepCase: true,
      },
    );
    root = loaded;
  }
  return {
    status: root.lookupType('google.rpc.Status'),
    errorInfo: root.lookupType('google.rpc.ErrorInfo'),
    badRequest: root.lookupType('google.rpc.BadRequest'),
    validationErrors: root.lookupType('ferry.v1.ValidationErrors'),
  };
}

/** What the details of one error say. */
export interface ErrorDetails {
  /** Ferry's error code (ErrorInfo.reason). */
  reason?: string | undefined;
  /** ErrorInfo.metadata: typed context such as the current version of a conflict. */
  metadata?: Record<string, string> | undefined;
  /** Configuration problems, in file order. */
  problems?: ConfigProblem[] | undefined;
}

/** The field of a BadRequest violation: `file:line:column:path`. */
export function violationField(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}:${problem.path}`;
}

/** Serializes a google.rpc.Status with the given details. */
export function encodeStatusDetails(code: number, message: string, details: ErrorDetails): Buffer {
  const { status, errorInfo, badRequest, validationErrors } = types();
  const anys: { type_url: string; value: Uint8Array }[] = [];
  if (details.reason) {
    anys.push({
      type_url: TYPE_PREFIX + 'google.rpc.ErrorInfo',
      value: errorInfo
        .encode(
          errorInfo.fromObject({
            reason: details.reason,
            domain: 'ferry.v1',
            metadata: details.metadata ?? {},
          }),
        )
        .finish(),
    });
  }
  if (details.problems && details.problems.length > 0) {
    const violations = details.problems.map((problem) => ({
      field: violationField(problem),
      description: problem.message,
    }));
    anys.push({
      type_url: TYPE_PREFIX + 'google.rpc.BadRequest',
      value: badRequest.encode(badRequest.fromObject({ field_violations: violations })).finish(),
    });
    anys.push({
      type_url: TYPE_PREFIX + 'ferry.v1.ValidationErrors',
      value: validationErrors.encode(validationErrors.fromObject({ problems: details.problems })).finish(),
    });
  }
  const message_ = status.fromObject({
    code,
    message,
    details: anys,
  });
  return Buffer.from(status.encode(message_).finish());
}

/** Reads the details back from a serialized google.rpc.Status; unknown detail types are skipped. */
export function decodeStatusDetails(buffer: Buffer): ErrorDetails {
  const { status, errorInfo, validationErrors } = types();
  const decoded = status.toObject(status.decode(buffer), { defaults: true, arrays: true }) as {
    details: { type_url: string; value: Uint8Array }[];
  };
  const result: ErrorDetails = {};
  for (const any of decoded.details) {
    if (any.type_url === TYPE_PREFIX + 'google.rpc.ErrorInfo') {
      const info = errorInfo.toObject(errorInfo.decode(any.value), { defaults: true, objects: true }) as {
        reason: string;
        metadata: Record<string, string>;
      };
      result.reason = info.reason;
      result.metadata = info.metadata;
    } else if (any.type_url === TYPE_PREFIX + 'ferry.v1.ValidationErrors') {
      const errors = validationErrors.toObject(validationErrors.decode(any.value), {
        defaults: true,
        arrays: true,
      }) as {
        problems: ConfigProblem[];
      };
      result.problems = errors.problems;
    }
  }
  return result;
}
