// The building blocks of the validator, one by one: suggestions, message wording, reference syntax.
import t from 'tap';
import { describeIntegerRange } from '../../common/config/combinators.js';
import { isOnlyReferences, tokenizeReferences } from '../../common/config/secret-references.js';
import { closestMatch, editDistance } from '../../common/config/suggest.js';
import { cleanYamlMessage } from '../../common/config/yaml-source.js';

t.test('editDistance counts insertions, deletions, substitutions and swaps, ignoring case', (t) => {
  const cases: [string, string, number][] = [
    ['read_batch_size', 'read_batch_size', 0],
    ['read_batch_sise', 'read_batch_size', 1],
    ['transfrom', 'transform', 1],
    ['Host', 'host', 0],
    ['conections', 'connections', 1],
    ['drop', 'dlq', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, distance] of cases) t.equal(editDistance(a, b), distance, `${a} -> ${b}`);
  t.end();
});

t.test('closestMatch suggests only likely typos', (t) => {
  const fields = ['read_batch_size', 'write_batch_size', 'duration'];
  t.equal(closestMatch('read_batch_sise', fields), 'read_batch_size');
  t.equal(closestMatch('write_batchsize', fields), 'write_batch_size');
  t.equal(closestMatch('durations', fields), 'duration');
  t.equal(closestMatch('timeout', fields), undefined);
  t.equal(closestMatch('jsn', ['hash', 'json']), 'json');
  t.equal(closestMatch('drop', ['dlq', 'ignore']), undefined);
  t.end();
});

t.test('integer ranges are worded for people', (t) => {
  t.equal(describeIntegerRange(1, undefined), 'a positive integer');
  t.equal(describeIntegerRange(0, undefined), 'a non-negative integer');
  t.equal(describeIntegerRange(1000, undefined), 'an integer >= 1000');
  t.equal(describeIntegerRange(0, 15), 'an integer between 0 and 15');
  t.equal(describeIntegerRange(undefined, 10), 'an integer <= 10');
  t.equal(describeIntegerRange(undefined, undefined), 'an integer');
  t.end();
});

t.test("the yaml library's messages lose their code frame and capital", (t) => {
  t.equal(
    cleanYamlMessage('Missing closing "quote at line 2, column 1:\n\na: "abc\n\n^\n'),
    'missing closing "quote',
  );
  t.equal(
    cleanYamlMessage(
      'All mapping items must start at the same column at line 4, column 1:\n\n host: db\n^\n',
    ),
    'all mapping items must start at the same column',
  );
  t.equal(cleanYamlMessage('YAML 1.1 tag used'), 'YAML 1.1 tag used', 'an acronym keeps its capitals');
  t.end();
});

t.test('secret reference syntax', (t) => {
  const valid: [string, string, string][] = [
    ['${env:DB_PASSWORD}', 'env', 'DB_PASSWORD'],
    ['${file:/run/secrets/db}', 'file', '/run/secrets/db'],
    ['${secret:db-password.v2}', 'secret', 'db-password.v2'],
    ['${SOURCE_DB_PASSWORD}', 'secret', 'SOURCE_DB_PASSWORD'],
  ];
  for (const [text, kind, name] of valid) {
    t.match(tokenizeReferences(text), [{ index: 0, kind, name }], text);
  }
  const malformed: [string, string][] = [
    ['${env:}', 'secret reference "${env:}" has no name'],
    ['${}', 'secret reference "${}" has no name'],
    ['${vault:x}', 'unknown secret reference kind "vault" in "${vault:x}"; use env, file or secret'],
    ['${env:1PASS}', 'invalid environment variable name in "${env:1PASS}"'],
    [
      '${DB PASSWORD}',
      'invalid secret reference "${DB PASSWORD}"; use ${NAME}, ${env:NAME}, ${file:PATH} or ${secret:NAME}',
    ],
    ['x${env:A', 'unclosed secret reference "${env:A"; add the closing "}"'],
  ];
  for (const [text, error] of malformed) t.match(tokenizeReferences(text), [{ error }], text);
  t.strictSame(tokenizeReferences('pa$${ss'), [], '$${ is a literal ${');
  t.match(tokenizeReferences('a${env:X}b${env:Y}'), [
    { index: 1, name: 'X' },
    { index: 10, name: 'Y' },
  ]);
  t.match(tokenizeReferences('p${vault:hunter2}', true), [
    { error: 'unknown secret reference kind; use env, file or secret' },
  ]);
  t.equal(isOnlyReferences('${env:A} ${env:B}'), true);
  t.equal(isOnlyReferences('pre-${env:A}'), false);
  t.equal(isOnlyReferences('hunter2'), false);
  t.end();
});
