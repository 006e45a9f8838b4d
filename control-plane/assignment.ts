/**
 * The control plane's part in sharing work: it campaigns for the leader lease and, while leader, assigns
 * one apply unit per change-log partition of the deployed configuration, and one capture unit per source
 * master captured from the replication stream (see common/capture-sources.ts), to the live workers
 * (balanced and sticky; see common/leases). Several control planes can run; one leads, the others stand by.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { captureUnits } from '../common/capture-sources.js';
import { Leader, applyUnit } from '../common/leases/index.js';
import type {
  AssignmentOptions as LeaseAssignmentOptions,
  LeaseTimingOptions,
} from '../common/leases/index.js';
import type { Logger } from '../common/logger.js';
import type { FerryKeys } from '../common/redis-keys.js';
import { compileStored } from './config-store.js';
import type { ConfigStore } from './config-store.js';

/** Lease timings and assignment settings of the leader (see common/leases/lease-options.ts). */
export type AssignmentOptions = LeaseTimingOptions & LeaseAssignmentOptions;

export function startAssignment(
  redis: Redis,
  keys: FerryKeys,
  store: ConfigStore,
  logger: Logger,
  options: AssignmentOptions = {},
): Leader {
  let cached: { version: number; units: string[] } | undefined;
  const units = async (): Promise<string[]> => {
    const version = await store.latestVersion();
    if (version === 0) return [];
    if (cached?.version !== version) {
      const stored = await store.get(version);
      const pipeline = compileStored(stored);
      const partitions = pipeline.changeLog.partitions;
      cached = {
        version,
        units: [
          ...Array.from({ length: partitions }, (_, partition) => applyUnit(partition)),
          ...captureUnits(pipeline).keys(),
        ],
      };
    }
    return cached.units;
  };
  const leader = new Leader(redis, keys, {
    id: `cp-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    units,
    ...options,
    onElected: (epoch) => logger.info({ epoch }, 'elected leader: assigning work to workers'),
    onDeposed: (epoch) => logger.info({ epoch }, 'no longer leader'),
    logger,
  });
  leader.start();
  return leader;
}
