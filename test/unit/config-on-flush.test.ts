// sources.<name>.on_flush and outage_window_s: parsing, the problems a user sees for bad values, and the
// defaults capture applies (common/capture-sources.ts, captureSettings).
import t from 'tap';
import { CaptureSourceDefaults, captureSettings } from '../../common/capture-sources.js';
import { validatePipeline } from '../../common/config/index.js';
import type { ConfigProblem } from '../../common/config/index.js';
import { at, pipelineOf, yaml } from '../fixtures/config/pipeline-fixtures.js';

const C = 'config.yaml';

function configWithSource(source: string): string {
  return yaml`
    connections:
      target: {type: mysql, host: db}
    sources:
      app: ${source}
  `;
}

interface Case {
  name: string;
  source: string;
  settings?: { onFlush: string; outageWindowS: number };
  problems?: ConfigProblem[];
}

// prettier-ignore
const cases: Case[] = [
  { name: 'not written: the defaults', source: '{type: redis}', settings: { onFlush: 'keep', outageWindowS: 300 } },
  { name: 'on_flush: keep', source: '{type: redis, on_flush: keep}', settings: { onFlush: 'keep', outageWindowS: 300 } },
  { name: 'on_flush: sync', source: '{type: redis, on_flush: sync}', settings: { onFlush: 'sync', outageWindowS: 300 } },
  { name: 'outage_window_s', source: '{type: redis, outage_window_s: 3600}', settings: { onFlush: 'keep', outageWindowS: 3600 } },
  {
    name: 'an unknown on_flush value',
    source: '{type: redis, on_flush: delete}',
    problems: [at(C, 4, 32, 'sources.app.on_flush', 'must be one of keep, sync (got "delete")')],
  },
  {
    name: 'a likely typo of sync',
    source: '{type: redis, on_flush: synch}',
    problems: [at(C, 4, 32, 'sources.app.on_flush', 'must be one of keep, sync (got "synch"); did you mean "sync"?')],
  },
  {
    name: 'on_flush as a boolean',
    source: '{type: redis, on_flush: true}',
    problems: [at(C, 4, 32, 'sources.app.on_flush', 'must be one of keep, sync (got true)')],
  },
  {
    name: 'outage_window_s of 0',
    source: '{type: redis, outage_window_s: 0}',
    problems: [at(C, 4, 39, 'sources.app.outage_window_s', 'must be a positive integer (got 0)')],
  },
];

t.test('on_flush and outage_window_s', (t) => {
  for (const { name, source, settings, problems } of cases) {
    const result = validatePipeline(pipelineOf(configWithSource(source)));
    if (problems) {
      t.same(result.problems, problems, name);
      continue;
    }
    t.same(result.problems, [], `${name}: valid`);
    const compiled = result.pipeline?.sources.get('app');
    t.ok(compiled, `${name}: compiled`);
    if (compiled) t.same(captureSettings(compiled), settings, name);
  }
  t.end();
});

t.test('settings not written stay out of the compiled source', (t) => {
  const result = validatePipeline(pipelineOf(configWithSource('{type: redis}')));
  const compiled = result.pipeline?.sources.get('app');
  t.notOk(compiled && 'onFlush' in compiled, 'no onFlush');
  t.notOk(compiled && 'outageWindowS' in compiled, 'no outageWindowS');
  t.same(CaptureSourceDefaults, { onFlush: 'keep', outageWindowS: 300 });
  t.end();
});
