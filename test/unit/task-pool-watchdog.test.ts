// The watchdog bound of an apply task: none without js transforms; otherwise twice the js time its records
// may take, per job that routes them, plus the time to write.
import t from 'tap';
import { jsWatchdogMs } from '../../worker/pool/task-pool.js';
import type { ApplyJob, KeyToApply } from '../../worker/apply/types.js';

const js = (timeoutMs: number): NonNullable<ApplyJob['transform']>[number] => ({
  uses: 'js',
  code: 'function transform(r) { return r; }',
  filename: 'jobs/a.yaml',
  timeoutMs,
  memoryMb: 32,
});

function job(transform: ApplyJob['transform']): ApplyJob {
  return { name: 'a', keyPattern: 'a:*', db: 0, source: 'app', excludeCommands: [], transform, outputs: [] };
}

function keys(count: number, jobs: number[]): KeyToApply[] {
  return Array.from({ length: count }, (_, index) => ({
    key: `a:${index}`,
    db: 0,
    entryId: `1-${index}`,
    jobs,
    source: 'app',
  }));
}

t.test('jsWatchdogMs', (t) => {
  t.equal(jsWatchdogMs({ jobs: [job([])], keys: keys(10, [0]) }), undefined, 'no js: no watchdog');
  t.equal(
    jsWatchdogMs({
      jobs: [job([{ uses: 'remove_field', fields: ['x'] }]), job(undefined)],
      keys: keys(10, [0, 1]),
    }),
    undefined,
    'other blocks: no watchdog',
  );
  t.equal(jsWatchdogMs({ jobs: [job([js(50)])], keys: keys(100, [0]) }), 120_000 + 2 * 100 * 50);
  t.equal(
    jsWatchdogMs({ jobs: [job([js(50), js(20)]), job([])], keys: [...keys(10, [0, 1]), ...keys(5, [1])] }),
    120_000 + 2 * 10 * 70,
    'per block, only for the records of jobs that have them',
  );
  t.end();
});
