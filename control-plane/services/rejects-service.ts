/**
 * ferry.v1.RejectsService: a job's dead-letter queue, listed, replayed and purged. Thin: the queue and the
 * replay live in common/dead-letter; this file resolves the job in the deployed configuration and converts
 * to and from the wire.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { ChangeLog } from '../../common/change-log/index.js';
import { DeadLetterQueue, replay, replaySourceDb } from '../../common/dead-letter/index.js';
import type { StoredDeadLetter } from '../../common/dead-letter/index.js';
import { FerryError, InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import type { FerryKeys } from '../../common/redis-keys.js';
import type { RejectedRecord } from '../../clients/generated/ferry/v1/RejectedRecord.js';
import type { RejectsServiceHandlers } from '../../clients/generated/ferry/v1/RejectsService.js';
import type { ReplayRejectsRequest } from '../../clients/generated/ferry/v1/ReplayRejectsRequest.js';
import type { ReplayRejectsResponse } from '../../clients/generated/ferry/v1/ReplayRejectsResponse.js';
import { compileStored } from '../config-store.js';
import type { ConfigStore, StoredVersion } from '../config-store.js';
import type { AdapterDeps } from '../grpc-adapter.js';
import { unary } from '../grpc-adapter.js';
import { toTimestamp } from '../wire.js';

export interface RejectsServiceDeps extends AdapterDeps {
  store: ConfigStore;
  /** The state Redis, where the dead-letter streams and the change log live. */
  redis: Redis;
  keys: FerryKeys;
}

/** List's page size when the request says 0, and the most it may ask. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Replay waits for apply at most this long... */
const MAX_REPLAY_WAIT_MS = 30_000;
/** ...and stops this long before the call's deadline, to answer in time. */
const DEADLINE_MARGIN_MS = 500;

export function rejectsService(deps: RejectsServiceDeps): RejectsServiceHandlers {
  const { store, redis, keys } = deps;
  const queue = new DeadLetterQueue(redis, keys);

  /** The newest deployed version, which must have a job named `job`. */
  async function deployedWith(job: string): Promise<StoredVersion> {
    if (job === '') throw new InvalidArgumentError('job is required: the name of a deployed job');
    const latest = await store.latestVersion();
    if (latest === 0) {
      throw new FerryError(
        'FAILED_PRECONDITION',
        'nothing is deployed yet, so no job has rejected records; deploy a pipeline first (ferry deploy --dir DIR)',
      );
    }
    const stored = await store.get(latest);
    if (!stored.jobNames.includes(job)) {
      const names = stored.jobNames.join(', ') || 'none';
      throw new NotFoundError(
        `the deployed configuration (version ${stored.version}) has no job named ${JSON.stringify(job)}; its jobs: ${names}`,
        { context: { job } },
      );
    }
    return stored;
  }

  return {
    List: unary(
      'List',
      {
        role: 'viewer',
        handle: async (request) => {
          if (request.limit > MAX_LIMIT) {
            throw new InvalidArgumentError(`limit must be at most ${MAX_LIMIT} (got ${request.limit})`);
          }
          await deployedWith(request.job);
          const page = await queue.list(request.job, {
            limit: request.limit === 0 ? DEFAULT_LIMIT : request.limit,
            ...(request.afterId ? { afterId: request.afterId } : {}),
          });
          return {
            records: page.records.map(toRejectedRecord),
            nextAfterId: page.nextAfterId,
            total: page.total,
          };
        },
      },
      deps,
    ),

    // Wrapped to read the call's deadline, which the adapter's context does not carry: the wait for apply
    // must end early enough for the answer to reach the caller.
    Replay: (call, callback) => {
      const deadline = deadlineMs(call.getDeadline());
      unary<ReplayRejectsRequest, ReplayRejectsResponse>(
        'Replay',
        {
          role: 'operator',
          handle: async (request, context) => {
            const stored = await deployedWith(request.job);
            const pipeline = compileStored(stored);
            const job = pipeline.jobs.get(request.job);
            if (!job)
              throw new FerryError('INTERNAL', `job ${JSON.stringify(request.job)} is missing once compiled`);
            const db = replaySourceDb(job);
            const changeLog = new ChangeLog(redis, {
              prefix: keys.prefix,
              partitions: pipeline.changeLog.partitions,
              maxLength: pipeline.changeLog.maxLength,
              pipeline: keys.prefix,
            });
            const waitMs = Math.max(
              0,
              Math.min(MAX_REPLAY_WAIT_MS, deadline - Date.now() - DEADLINE_MARGIN_MS),
            );
            const result = await replay({
              redis,
              keys,
              changeLog,
              job: request.job,
              db,
              ids: request.ids,
              waitMs,
              signal: context.signal,
            });
            context.logger.info({ job: request.job, ids: request.ids.length, ...result }, 'replayed rejects');
            return result;
          },
        },
        deps,
      )(call, callback);
    },

    Purge: unary(
      'Purge',
      {
        role: 'operator',
        handle: async (request, context) => {
          await deployedWith(request.job);
          const purged = await queue.purge(request.job, request.ids.length > 0 ? request.ids : undefined);
          context.logger.info({ job: request.job, ids: request.ids.length, purged }, 'purged rejects');
          return { purged };
        },
      },
      deps,
    ),
  };
}

function toRejectedRecord(record: StoredDeadLetter): RejectedRecord {
  return {
    id: record.id,
    job: record.job,
    key: record.key,
    valuesJson: JSON.stringify(record.values),
    error: record.error,
    errorCode: record.errorCode,
    rejectedAt: toTimestamp(record.rejectedAt) as RejectedRecord['rejectedAt'],
    table: record.table,
    column: record.column ?? '',
    entryId: record.entryId ?? '',
  };
}

/** A call's deadline in ms since the epoch; Infinity when it has none. */
function deadlineMs(deadline: grpc.Deadline): number {
  return deadline instanceof Date ? deadline.getTime() : deadline;
}
