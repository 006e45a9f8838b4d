// `npm run bench -- transform`: records/s of one worker thread through a job's transform blocks: a chain of
// five blocks in JMESPath, the same five in SQL, and one sandboxed JavaScript transform doing the same work;
// against, in the same run, the same work written as a plain JavaScript function (the ceiling: no expression
// language, no sandbox). Runs in this process, on one thread, like one piscina thread of a worker; needs no
// services. See bench/README.md.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { chainOf, prepareSandboxes } from '../dist/worker/transform/chain.js';
import { integer } from './common.mjs';

export const usage = `usage: npm run bench -- transform [options]

Runs N records (hash-like: string fields) through five transform blocks (add_field, filter, rename_field,
remove_field, map) in JMESPath, then in SQL, then through one js block doing the same, and a plain
JavaScript function doing the same as the ceiling. Prints records/s and the heap for each; the last line is
ratio=<slowest language / plain function>.

options:
  --records N   records per measured run (default 200000)
  --rounds R    measured runs per variant; the best is reported (default 3)
  --help        this text
`;

const JMESPATH = [
  {
    uses: 'add_field',
    fields: [{ field: 'full_name', expression: jp("join(' ', [first_name, last_name])") }],
  },
  { uses: 'filter', expression: jp('to_number(salary) > `0`') },
  { uses: 'rename_field', fields: [{ fromField: 'country', toField: 'country_code' }] },
  { uses: 'remove_field', fields: ['note'] },
  {
    uses: 'map',
    language: 'jmespath',
    expression:
      '{id: emp_id, full_name: full_name, country: country_code, salary: to_number(salary), key: key}',
  },
];

const SQL = [
  { uses: 'add_field', fields: [{ field: 'full_name', expression: sql("first_name || ' ' || last_name") }] },
  { uses: 'filter', expression: sql('salary > 0') },
  { uses: 'rename_field', fields: [{ fromField: 'country', toField: 'country_code' }] },
  { uses: 'remove_field', fields: ['note'] },
  {
    uses: 'map',
    language: 'sql',
    expression: {
      id: 'emp_id',
      full_name: 'full_name',
      country: 'country_code',
      salary: 'CAST(salary AS REAL)',
      key: 'key',
    },
  },
];

const JS_CODE = `
function transform(record, meta) {
  record.full_name = record.first_name + ' ' + record.last_name;
  if (!(Number(record.salary) > 0)) return null;
  record.country_code = record.country;
  delete record.country;
  delete record.note;
  return { id: record.emp_id, full_name: record.full_name, country: record.country_code,
           salary: Number(record.salary), key: meta.key };
}`;

const JS = [{ uses: 'js', code: JS_CODE, filename: 'jobs/bench.yaml', timeoutMs: 50, memoryMb: 32 }];

/** The same five steps as plain code. */
function plain(record) {
  const fields = record.fields;
  fields.full_name = `${fields.first_name} ${fields.last_name}`;
  if (!(Number(fields.salary) > 0)) return [];
  fields.country_code = fields.country;
  delete fields.country;
  delete fields.note;
  return [
    {
      key: record.key,
      fields: {
        id: fields.emp_id,
        full_name: fields.full_name,
        country: fields.country_code,
        salary: Number(fields.salary),
        key: record.key,
      },
    },
  ];
}

function jp(expression) {
  return { expression, language: 'jmespath' };
}

function sql(expression) {
  return { expression, language: 'sql' };
}

function records(count) {
  const list = new Array(count);
  for (let index = 0; index < count; index++) {
    list[index] = {
      key: `emp:${index}`,
      fields: {
        emp_id: String(index),
        first_name: `First${index % 1000}`,
        last_name: `Last${index % 777}`,
        country: index % 2 ? 'GB' : 'FR',
        salary: String(1000 + (index % 5000)),
        note: 'x'.repeat(20),
      },
    };
  }
  return list;
}

/** Runs `run` over fresh copies of the records (blocks change records in place); best of `rounds`. */
function measure(run, count, rounds) {
  let best = Number.POSITIVE_INFINITY;
  let produced = 0;
  let heapPeak = 0;
  for (let round = 0; round < rounds + 1; round++) {
    const input = records(count);
    globalThis.gc?.();
    const started = performance.now();
    produced = 0;
    for (const record of input) produced += run(record).length;
    const elapsed = performance.now() - started;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    if (round > 0) best = Math.min(best, elapsed); // round 0 warms up the JIT and the caches
  }
  if (produced !== count) throw new Error(`expected ${count} records out, got ${produced}`);
  return { perSecond: Math.round((count / best) * 1000), ms: best, heapMiB: heapPeak / 1024 / 1024 };
}

export async function run(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { records: { type: 'string' }, rounds: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const count = integer(values.records ?? '200000', '--records', 1);
  const rounds = integer(values.rounds ?? '3', '--rounds', 1);
  await prepareSandboxes(JS);
  const chains = { jmespath: chainOf(JMESPATH), sql: chainOf(SQL), js: chainOf(JS) };
  const variants = [
    ['plain JavaScript (ceiling)', plain],
    ['JMESPath, 5 blocks', (record) => chains.jmespath.run(record)],
    ['SQL, 5 blocks', (record) => chains.sql.run(record)],
    ['js sandbox, 1 block', (record) => chains.js.run(record)],
  ];
  process.stdout.write(`${count} records per run, best of ${rounds}, one thread (node ${process.version})\n`);
  const results = new Map();
  for (const [name, fn] of variants) {
    const result = measure(fn, count, rounds);
    results.set(name, result);
    process.stdout.write(
      `${name.padEnd(28)} ${String(result.perSecond).padStart(9)} records/s  ` +
        `(${(result.ms / 1000).toFixed(2)} s, ${((result.ms * 1000) / count).toFixed(2)} µs/record, ` +
        `heap peak ${result.heapMiB.toFixed(0)} MiB)\n`,
    );
  }
  const ceiling = results.get('plain JavaScript (ceiling)').perSecond;
  for (const [name, result] of results) {
    if (name.startsWith('plain')) continue;
    process.stdout.write(`${name.padEnd(28)} ${(result.perSecond / ceiling).toFixed(3)} of the ceiling\n`);
  }
  process.stdout.write(`rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB\n`);
  const slowest = Math.min(...[...results.values()].map((result) => result.perSecond));
  process.stdout.write(`ratio=${(slowest / ceiling).toFixed(3)}\n`);
  return 0;
}
