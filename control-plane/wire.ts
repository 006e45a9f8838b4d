/** Conversions from Ferry's domain objects to the ferry.v1 wire messages. */
import type { ConfigProblem } from '../common/errors.js';
import type { ConfigVersion } from '../clients/generated/ferry/v1/ConfigVersion.js';
import type { TimestampInput } from '../clients/generated/google/protobuf/Timestamp.js';
import type { ValidationProblem } from '../clients/generated/ferry/v1/ValidationProblem.js';
import type { StoredVersion } from './config-store.js';

/** Milliseconds since the epoch -> google.protobuf.Timestamp. */
export function toTimestamp(ms: number): TimestampInput {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function toConfigVersion(stored: StoredVersion): ConfigVersion {
  return {
    version: stored.version,
    deployedAt: toTimestamp(stored.deployedAt) as ConfigVersion['deployedAt'],
    deployedBy: stored.deployedBy,
    contentHash: stored.contentHash,
    description: stored.description,
    jobNames: stored.jobNames,
  };
}

export function toValidationProblem(problem: ConfigProblem): ValidationProblem {
  return {
    file: problem.file,
    line: problem.line,
    column: problem.column,
    path: problem.path,
    message: problem.message,
  };
}
