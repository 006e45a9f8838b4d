/**
 * The sample of a check of the targets: up to a hundred existing keys of a write-behind job, read from its
 * source the way the apply engine reads them (worker/apply/source-reader.ts) and turned into rows by the
 * same transform (worker/apply/records.ts), so that the rows checked are the rows the writer would get.
 */
import type { Redis } from 'ioredis';
import { readValues } from '../worker/apply/source-reader.js';
import { transformRecords } from '../worker/apply/records.js';
import type { ApplyJob, SourceRecord, TransformReject, TransformedRow } from '../worker/apply/types.js';
import { prepareSandboxes } from '../worker/transform/chain.js';

export interface SampleOptions {
  /** The most keys sampled per job. @default 100 */
  maxKeys?: number;
  /**
   * How long SCAN may look for matching keys, in milliseconds: a large keyspace with few matching keys is
   * sampled with what was found by then. @default 2000
   */
  scanBudgetMs?: number;
}

/** The rows of one job's sampled keys. */
export interface JobSample {
  /** Keys read (a key deleted between SCAN and the read is left out). */
  keys: number;
  /** Upserts, as transformRecords gives them: `output` indexes the ApplyJob's outputs. */
  rows: TransformedRow[];
  /** Keys that could not become rows; `table` is '' when the record failed before reaching any output. */
  rejects: TransformReject[];
}

export const DEFAULT_SAMPLE_KEYS = 100;
const DEFAULT_SCAN_BUDGET_MS = 2000;
/** Keys SCAN looks at per call: large enough to cross a big keyspace in few round trips, small enough not
 * to block the server (SCAN is O(COUNT) per call). */
const SCAN_COUNT = 1000;

/**
 * Samples `job` on `redis`, which must already be connected to the job's source and database. Throws what
 * the Redis client throws (the caller reports the source as unreachable).
 */
export async function sampleJob(
  redis: Redis,
  job: ApplyJob,
  options: SampleOptions = {},
): Promise<JobSample> {
  const keys = await scanKeys(
    redis,
    job.keyPattern,
    options.maxKeys ?? DEFAULT_SAMPLE_KEYS,
    options.scanBudgetMs ?? DEFAULT_SCAN_BUDGET_MS,
  );
  const values = await readValues(redis, keys);
  const records: SourceRecord[] = [];
  keys.forEach((key, index) => {
    const value = values[index];
    // Gone since SCAN saw it: the writer would delete its row, which converts nothing worth checking.
    if (!value || value.type === 'none') return;
    records.push({ key, db: job.db, entryId: '0-0', jobs: [0], value });
  });
  // As the apply task does: js sandboxes are created (asynchronously) before records run through them.
  if (job.transform && job.transform.length > 0) await prepareSandboxes(job.transform);
  const result = transformRecords({ jobs: [job], records });
  return {
    keys: records.length,
    rows: result.rows.filter((row) => row.change.op === 'upsert'),
    rejects: result.rejects,
  };
}

/** Up to `max` distinct keys matching `pattern`, in SCAN order, looking for at most `budgetMs`. */
export async function scanKeys(
  redis: Redis,
  pattern: string,
  max: number,
  budgetMs: number,
): Promise<string[]> {
  const found = new Set<string>();
  const deadline = Date.now() + budgetMs;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (const key of keys) {
      if (found.size >= max) break;
      // SCAN may return a key twice.
      found.add(key);
    }
  } while (cursor !== '0' && found.size < max && Date.now() < deadline);
  return [...found];
}
