// Expressions are compiled at validation: each bad one is a problem at its node (file, line, column, path) with
// the language's message; js transform files must be deployed next to the job.
import t from 'tap';
import { validatePipeline } from '../../common/config/index.js';
import { BASE_CONFIG, at, pipelineOf, yaml } from '../fixtures/config/pipeline-fixtures.js';

const J = 'jobs/emp.yaml';

const job = (transform: string, output = ''): string => yaml`
  source:
    redis:
      key_pattern: "emp:*"
      trigger: write-behind
  transform:
${transform}
  output:
    - uses: relational.write
      with:
        connection: target
        table: emp
        keys: [emp_id]
${output}
`;

t.test('good expressions of every kind validate', (t) => {
  const result = validatePipeline(
    pipelineOf(BASE_CONFIG, {
      [J]: job(
        `    - uses: add_field
      with:
        fields:
          - {field: full, expression: "fname || ' ' || lname", language: sql}
          - {field: up, expression: "upper(fname)"}
    - uses: filter
      with: {expression: "age > 20", language: sql}
    - uses: map
      with:
        expression: {id: key, name: {first: fname}}
    - uses: key
      with: {expression: "concat(['p:', fname])"}`,
        `        mapping:
          - name: upper(fname)
          - first_name`,
      ),
    }),
  );
  t.strictSame(result.problems, []);
  t.end();
});

t.test('bad expressions are problems at their node', (t) => {
  const result = validatePipeline(
    pipelineOf(BASE_CONFIG, {
      [J]: job(
        `    - uses: add_field
      with: {field: full, expression: "fname ||", language: sql}
    - uses: add_field
      with:
        fields:
          - {field: a, expression: "ok"}
          - {field: b, expression: "uper(fname)"}
    - uses: filter
      with: {expression: "age >", language: sql}
    - uses: map
      with:
        expression: {id: "key(", name: fname}`,
        `        mapping:
          - name: "foo["`,
      ),
    }),
  );
  t.strictSame(
    result.problems.map((problem) => [problem.line, problem.path, problem.message.split(':')[0]]),
    [
      [7, 'transform[0].with.expression', 'in the sql expression'],
      [12, 'transform[1].with.fields[1].expression', 'in the jmespath expression'],
      [14, 'transform[2].with.expression', 'in the sql expression'],
      [17, 'transform[3].with.expression.id', 'in the jmespath expression'],
      [25, 'output[0].with.mapping[0]', 'in the jmespath expression'],
    ],
  );
  t.match(result.problems[1]?.message, /unknown function uper\(\); did you mean "upper"\?/);
  t.equal(result.problems[0]?.file, J);
  t.end();
});

t.test('js transforms: a file must be deployed next to the job; scripts are not jobs', (t) => {
  const withFile = job(`    - uses: js
      with: {file: emp.js}`);
  const missing = validatePipeline(pipelineOf(BASE_CONFIG, { [J]: withFile }));
  t.strictSame(missing.problems, [
    at(
      J,
      7,
      18,
      'transform[0].with.file',
      'jobs/emp.js is not part of the pipeline; put the script next to the job file',
    ),
  ]);
  const files = pipelineOf(BASE_CONFIG, { [J]: withFile });
  files.jobs.push({ name: 'jobs/emp.js', content: 'function transform(r) { return r; }' });
  const present = validatePipeline(files);
  t.strictSame(present.problems, []);
  t.strictSame([...(present.pipeline?.jobs.keys() ?? [])], ['emp'], 'the script is not a job');
  t.end();
});

t.test('js transforms: code that does not compile is a problem at deploy; a body is a transform', (t) => {
  const inline = job(`    - uses: js
      with:
        code: |
          function transform(record) {
            return record +;
          }`);
  const result = validatePipeline(pipelineOf(BASE_CONFIG, { [J]: inline }));
  t.equal(result.problems.length, 1);
  t.match(result.problems[0], {
    file: J,
    line: 8,
    path: 'transform[0].with.code',
    message:
      /^the script does not compile: Unexpected token ';' at line 2, column 18 \(near "return record \+;"\)$/,
  });
  const body = validatePipeline(
    pipelineOf(BASE_CONFIG, {
      [J]: job(`    - uses: js
      with: {code: "return {...record, seen: true};"}`),
    }),
  );
  t.strictSame(body.problems, [], 'code without a transform function is its body');
  const files = pipelineOf(BASE_CONFIG, {
    [J]: job(`    - uses: js
      with: {file: emp.js}`),
  });
  files.jobs.push({ name: 'jobs/emp.js', content: 'function transform(r) {' });
  t.match(validatePipeline(files).problems, [
    {
      path: 'transform[0].with.file',
      message: /^jobs\/emp\.js: the script does not compile: Unexpected end of input/,
    },
  ]);
  t.end();
});
