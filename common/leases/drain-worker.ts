/**
 * Draining a worker from the control plane: the worker is marked draining in its record, the leader hands its
 * units over to other workers (graceful: each one after the worker finishes its batch) and grants it no new
 * ones. The worker learns it at its next heartbeat.
 */
import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { FerryKeys } from '../redis-keys.js';
import { LeaseStore } from './lease-store.js';

/**
 * Marks worker `workerId` draining and answers how many live leases it holds now (the ones it will hand
 * over). Throws NotFoundError for a worker without a record. Draining twice is harmless.
 */
export async function drainWorker(redis: Redis, keys: FerryKeys, workerId: string): Promise<number> {
  const outcome = await new LeaseStore(redis, keys).drainWorker(workerId);
  if (!outcome.ok) {
    throw new NotFoundError(
      `worker ${JSON.stringify(workerId)} is not registered; list workers with ferry workers`,
      {
        context: { workerId },
      },
    );
  }
  return outcome.leaseCount;
}
