/**
 * The control plane's side of status: what workers recorded per job and per connection (status-recorder.ts).
 * Reads never fail on what a worker stored: an unreadable value is logged and treated as absent, so one bad
 * field cannot take the whole status call down.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { FerryKeys } from '../redis-keys.js';
import { redactErrorText } from './redact-error.js';
import { execOrThrow, unavailable } from './redis-failure.js';
import { LAST_BATCH_FIELD } from './status-recorder.js';
import { BATCH_COUNTERS } from './types.js';
import type { BatchTimingsRecord, ConnectionState, JobStatusRecord } from './types.js';

export interface ReadStatusOptions {
  /** Where unreadable stored values are reported (as warnings). @default not reported */
  logger?: Logger;
}

/**
 * Each job's counters and last batch, in one round trip. A job no worker has recorded yet has zero counters
 * and no last batch. The map has one entry per job, in the order given.
 * @throws UnavailableError when Redis fails.
 */
export async function readJobStatuses(
  redis: Redis,
  keys: FerryKeys,
  jobs: readonly string[],
  options: ReadStatusOptions = {},
): Promise<Map<string, JobStatusRecord>> {
  const statuses = new Map<string, JobStatusRecord>();
  if (jobs.length === 0) return statuses;
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.hgetall(keys.status.job(job));
  const replies = await execOrThrow(pipeline, 'read job statuses');
  jobs.forEach((job, index) => {
    const fields = (replies[index] ?? {}) as Record<string, string>;
    statuses.set(job, parseJobStatus(job, fields, options.logger));
  });
  return statuses;
}

/**
 * Every connection state workers recorded, by connection name. Unreadable entries are left out (and logged);
 * `lastError` is redacted again on the way out, in case something other than StatusRecorder wrote it.
 * @throws UnavailableError when Redis fails.
 */
export async function readConnectionStates(
  redis: Redis,
  keys: FerryKeys,
  options: ReadStatusOptions = {},
): Promise<Map<string, ConnectionState>> {
  let raw: Record<string, string>;
  try {
    raw = await redis.hgetall(keys.status.connections);
  } catch (error) {
    throw unavailable(error, 'read connection states');
  }
  const states = new Map<string, ConnectionState>();
  for (const [name, json] of Object.entries(raw)) {
    const state = parseConnectionState(json);
    if (state) states.set(name, state);
    else options.logger?.warn({ connection: name }, 'ignoring an unreadable connection state in the status');
  }
  return states;
}

/** Deletes the counters and last batch of each job (a reset, or a test's cleanup). */
export async function resetJobStatuses(
  redis: Redis,
  keys: FerryKeys,
  jobs: readonly string[],
): Promise<void> {
  if (jobs.length === 0) return;
  try {
    await redis.del(...jobs.map((job) => keys.status.job(job)));
  } catch (error) {
    throw unavailable(error, 'reset job statuses');
  }
}

function parseJobStatus(
  job: string,
  fields: Record<string, string>,
  logger: Logger | undefined,
): JobStatusRecord {
  const record: JobStatusRecord = {
    processed: 0,
    inserted: 0,
    updated: 0,
    deleted: 0,
    filtered: 0,
    rejected: 0,
  };
  for (const counter of BATCH_COUNTERS) {
    const text = fields[counter];
    if (text === undefined) continue;
    const value = Number(text);
    if (Number.isSafeInteger(value) && value >= 0) record[counter] = value;
    else logger?.warn({ job, field: counter }, 'ignoring an unreadable job counter in the status');
  }
  const lastBatch = fields[LAST_BATCH_FIELD];
  if (lastBatch !== undefined) {
    const parsed = parseBatchTimings(lastBatch);
    if (parsed) record.lastBatch = parsed;
    else logger?.warn({ job, field: LAST_BATCH_FIELD }, 'ignoring an unreadable last batch in the status');
  }
  return record;
}

function parseBatchTimings(json: string): BatchTimingsRecord | undefined {
  const value = parseObject(json);
  if (!value) return undefined;
  const { readMs, transformMs, writeMs, ackMs, size, finishedAt } = value;
  if (
    isNonNegativeNumber(readMs) &&
    isNonNegativeNumber(transformMs) &&
    isNonNegativeNumber(writeMs) &&
    isNonNegativeNumber(ackMs) &&
    isNonNegativeNumber(size) &&
    isNonNegativeNumber(finishedAt)
  ) {
    return { readMs, transformMs, writeMs, ackMs, size, finishedAt };
  }
  return undefined;
}

function parseConnectionState(json: string): ConnectionState | undefined {
  const value = parseObject(json);
  if (!value) return undefined;
  const { type, reachable, lastError, checkedAt, workerId } = value;
  if (typeof type !== 'string' || typeof reachable !== 'boolean' || !isNonNegativeNumber(checkedAt)) {
    return undefined;
  }
  if (lastError !== undefined && typeof lastError !== 'string') return undefined;
  return {
    type,
    reachable,
    ...(lastError ? { lastError: redactErrorText(lastError) } : {}),
    checkedAt,
    workerId: typeof workerId === 'string' ? workerId : '',
  };
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
