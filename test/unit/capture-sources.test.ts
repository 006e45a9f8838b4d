// Which sources are captured from the replication stream, and their capture lease units: the leader's and
// the worker's common rule (common/capture-sources.ts).
import t from 'tap';
import { captureUnits } from '../../common/capture-sources.js';
import { parsePipeline } from '../../common/config/index.js';
import { pipelineOf, yaml } from '../fixtures/config/pipeline-fixtures.js';

const CONFIG = yaml`
  connections:
    target: {type: mysql, host: 127.0.0.1, database: app, user: ferry}
  sources:
    app: {type: redis, host: 10.0.0.5, port: 6380}
    same_master: {type: redis, host: 10.0.0.5, port: 6380, db: 1}
    hidden: {type: redis, host: redis.internal, port: "\${env:REDIS_PORT}"}
    appended: {type: redis, host: 10.0.0.6, capture: external}
    unused: {type: redis, host: 10.0.0.7}
`;

function job(connection: string, pattern: string): string {
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
          table: emp
          keys: [emp_id]
  `;
}

t.test('one unit per captured master; external and unused sources have none', (t) => {
  const pipeline = parsePipeline(
    pipelineOf(CONFIG, {
      'jobs/a.yaml': job('app', 'emp:*'),
      'jobs/b.yaml': job('same_master', 'dept:*'),
      'jobs/c.yaml': job('hidden', 'x:*'),
      'jobs/d.yaml': job('appended', 'y:*'),
    }),
  );
  t.equal(pipeline.sources.get('app')?.capture, 'replication', 'replication is the default');
  t.equal(pipeline.sources.get('appended')?.capture, 'external');
  t.same(
    [...captureUnits(pipeline)],
    [
      ['capture/10.0.0.5:6380', ['app', 'same_master']],
      ['capture/hidden:0', ['hidden']],
    ],
  );
  t.end();
});
