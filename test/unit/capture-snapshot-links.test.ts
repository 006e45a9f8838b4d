// Which capture links a reset asks for a snapshot (common/capture-sources.ts, snapshotLinks), and the errors a
// caller sees for jobs it cannot snapshot; snapshot ids.
import t from 'tap';
import { newSnapshotId, snapshotLinks } from '../../common/capture-sources.js';
import { FerryError, InvalidArgumentError } from '../../common/errors.js';
import { parsePipeline } from '../../common/config/index.js';
import { pipelineOf, yaml } from '../fixtures/config/pipeline-fixtures.js';

const CONFIG = yaml`
  connections:
    target: {type: mysql, host: 127.0.0.1, database: app, user: ferry}
    cache: {type: redis}
  sources:
    app: {type: redis, host: 10.0.0.5}
    same_master: {type: redis, host: 10.0.0.5, db: 1}
    other: {type: redis, host: 10.0.0.6}
    appended: {type: redis, host: 10.0.0.7, capture: external}
`;

function writeBehind(connection: string, pattern: string): string {
  return yaml`
    source:
      redis:
        key_pattern: "${pattern}"
        trigger: write-behind
        connection: ${connection}
    output:
      - uses: relational.write
        with:
          connection: target
          table: t
          keys: [id]
  `;
}

const INGEST = yaml`
  source:
    table: emp
  output:
    - uses: redis.write
      with:
        connection: cache
`;

const pipeline = parsePipeline(
  pipelineOf(CONFIG, {
    'jobs/emp.yaml': writeBehind('app', 'emp:*'),
    'jobs/dept.yaml': writeBehind('same_master', 'dept:*'),
    'jobs/order.yaml': writeBehind('other', 'order:*'),
    'jobs/feed.yaml': writeBehind('appended', 'feed:*'),
    'jobs/ingest.yaml': INGEST,
  }),
);

t.test('links of the jobs named, each once; all links without names', (t) => {
  // prettier-ignore
  const cases: [string[], string[][]][] = [
    [[], [['app', 'same_master'], ['other']]],
    [['emp'], [['app', 'same_master']]],
    [['emp', 'dept'], [['app', 'same_master']]],
    [['order', 'emp'], [['other'], ['app', 'same_master']]],
  ];
  for (const [jobs, links] of cases) t.same(snapshotLinks(pipeline, jobs), links, JSON.stringify(jobs));
  t.end();
});

t.test('jobs that cannot be snapshotted', (t) => {
  t.throws(() => snapshotLinks(pipeline, ['payroll', 'emp', 'hr']), {
    constructor: InvalidArgumentError,
    message:
      'no jobs are named "payroll", "hr" in the deployed pipeline; its jobs: emp, dept, order, feed, ingest',
  });
  t.throws(() => snapshotLinks(pipeline, ['ingest']), {
    constructor: InvalidArgumentError,
    message: 'job "ingest" is an ingest job; reset re-snapshots the Redis keys of write-behind jobs',
  });
  t.throws(() => snapshotLinks(pipeline, ['feed']), {
    constructor: FerryError,
    code: 'FAILED_PRECONDITION',
    message: /^job "feed" reads source "appended", whose capture is external/,
  });
  const nothingCaptured = parsePipeline(
    pipelineOf(CONFIG, { 'jobs/feed.yaml': writeBehind('appended', 'feed:*') }),
  );
  t.throws(() => snapshotLinks(nothingCaptured, []), {
    code: 'FAILED_PRECONDITION',
    message: /^the deployed pipeline captures no source from the replication stream/,
  });
  t.end();
});

t.test('snapshot ids sort by time and differ', (t) => {
  const [a, b] = [newSnapshotId(1_000), newSnapshotId(1_000)];
  t.match(a, /^rs-[0-9a-f]{8}$/);
  t.not(a, b);
  t.ok(newSnapshotId(2_000_000_000_000) > newSnapshotId(1_700_000_000_000));
  t.end();
});
