/**
 * Exit codes and error messages of the `ferry` CLI. Every failure is mapped here, once, from the gRPC status
 * code (never from message text) to an exit code and to a message on stderr that says what to do next.
 *
 * Exit codes: 0 success; 1 the input was rejected (by the server or locally: a bad flag, a missing
 * directory); 2 the command could not be carried out (server unreachable, deadline, internal error,
 * not implemented yet). Scripts can retry on 2 and should not retry on 1.
 */
import { status } from '@grpc/grpc-js';
import { FerryClientError } from '../ferry-client.js';
import { FerryError } from '../../common/errors.js';
import type { ErrorCode } from '../../common/errors.js';

export const EXIT_OK = 0;
/** The input was rejected: fix it and run the command again. */
export const EXIT_REJECTED = 1;
/** The command could not be carried out: the server is unreachable, failed or lacks the feature. */
export const EXIT_FAILURE = 2;

/** gRPC codes that mean "your input was refused": retrying the same command will not help. */
const REJECTED_CODES: ReadonlySet<status> = new Set([
  status.INVALID_ARGUMENT,
  status.ABORTED,
  status.NOT_FOUND,
  status.FAILED_PRECONDITION,
  status.ALREADY_EXISTS,
  status.UNAUTHENTICATED,
  status.PERMISSION_DENIED,
]);

/**
 * Ferry's own codes that mean "your input was refused", for errors raised in this process (the control plane
 * that `ferry control-plane` runs refusing its options, for example).
 */
const REJECTED_FERRY_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  'VERSION_CONFLICT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'FAILED_PRECONDITION',
]);

/** A problem with what the user gave on the command line or in local files (exit 1). */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  readonly code = 'INVALID_ARGUMENT';
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliInputError) return EXIT_REJECTED;
  if (error instanceof FerryClientError) return REJECTED_CODES.has(error.code) ? EXIT_REJECTED : EXIT_FAILURE;
  if (error instanceof FerryError) return REJECTED_FERRY_CODES.has(error.code) ? EXIT_REJECTED : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/** What the user reads about an error, for stderr (printed after `ferry: `). */
export function describeError(error: unknown, server: string): string {
  if (error instanceof CliInputError || error instanceof FerryError) return error.message;
  if (!(error instanceof FerryClientError)) {
    const message = error instanceof Error ? error.message : String(error);
    return `unexpected error: ${message}; please report it with the command you ran`;
  }
  switch (error.code) {
    case status.UNAVAILABLE:
      // With a reason, the server answered and says what it lacks (e.g. its Redis); without, nobody answered.
      if (error.reason) return error.message;
      return (
        `cannot reach the control plane at ${server} (${grpcDetails(error)}); ` +
        'start it with: ferry control-plane, or point --server (or FERRY_SERVER) at a running one'
      );
    case status.DEADLINE_EXCEEDED:
      return `${error.message}; check that it is healthy, or allow more time with --timeout MS`;
    case status.UNAUTHENTICATED:
      return /--token/.test(error.message)
        ? error.message
        : `${error.message}; pass a valid token with --token or FERRY_TOKEN`;
    case status.PERMISSION_DENIED:
      return `${error.message}; use a token with that role (--token or FERRY_TOKEN)`;
    case status.ABORTED:
      return error.reason === 'VERSION_CONFLICT' ? versionConflictMessage(error) : error.message;
    default:
      return error.message;
  }
}

function versionConflictMessage(error: FerryClientError): string {
  const current = error.metadata['current_version'] ?? '?';
  const expected = error.metadata['expected_version'] ?? '?';
  const newest = current === '0' ? 'nothing is deployed' : `the newest is version ${current}`;
  return (
    `nothing was deployed: --expected-version ${expected} is out of date, ${newest}. ` +
    `Review what changed (ferry history, ferry get-config), then deploy again with --expected-version ${current}`
  );
}

/**
 * Why the connection failed, in a few words: grpc-js says "No connection established. Last error: Error:
 * connect ECONNREFUSED 127.0.0.1:1. Resolution note: ", of which "connect ECONNREFUSED 127.0.0.1:1" is the news.
 */
function grpcDetails(error: FerryClientError): string {
  const cause = error.cause as { details?: unknown } | undefined;
  if (typeof cause?.details !== 'string' || cause.details === '') return error.codeName;
  const lastError = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/s.exec(cause.details);
  return lastError?.[1] ? lastError[1] : cause.details;
}

/** `N problems` with the right plural. */
export function countProblems(count: number): string {
  return `${count} problem${count === 1 ? '' : 's'}`;
}

/** An error as one JSON document, for --json: stdout then still carries exactly one document. */
export function errorDocument(error: unknown, server: string): { error: Record<string, unknown> } {
  const message = describeError(error, server);
  if (error instanceof FerryClientError) {
    return {
      error: {
        code: error.codeName,
        reason: error.reason ?? null,
        message,
        ...(error.problems.length > 0 ? { problems: error.problems } : {}),
        ...(Object.keys(error.metadata).length > 0 ? { metadata: error.metadata } : {}),
      },
    };
  }
  const code = error instanceof CliInputError || error instanceof FerryError ? error.code : 'UNKNOWN';
  return { error: { code, reason: null, message } };
}
