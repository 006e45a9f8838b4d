/**
 * Key names of the change log in the Ferry state Redis, in the layout of common/redis-keys.ts
 * (`<prefix>:{tag}:...`). To be merged into that file's FerryKeys; until then this is their only definition.
 */

/** The change log's keys for one key prefix. */
export interface ChangeLogKeys {
  /**
   * Stream per partition: `<prefix>:{cl-<partition>}:changes`, one entry per change event. Each partition
   * has its own hash tag, so that a Redis Cluster spreads the partitions over its masters, and every script
   * of this module touches exactly one partition's stream, so it runs on a cluster unchanged.
   */
  stream: (partition: number) => string;
}

/** The change log's keys under `prefix` (validated by the caller, see compileChangeLogSettings). */
export function changeLogKeys(prefix: string): ChangeLogKeys {
  return { stream: (partition) => `${prefix}:{cl-${partition}}:changes` };
}
