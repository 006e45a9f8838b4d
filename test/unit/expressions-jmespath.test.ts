// The jmespath expression language: standard JMESPath as Ferry relies on it, how records look to expressions,
// syntax errors with their position, and the checks made when an expression is compiled.
import t from 'tap';
import { search } from '@jmespath-community/jmespath';
import {
  EXTRA_FUNCTIONS,
  JmespathEvaluationError,
  JmespathSyntaxError,
  compileJmespath,
} from '../../common/expressions/jmespath/index.js';
import type * as JmespathModule from '../../common/expressions/jmespath/index.js';

const evaluate = (source: string, record: unknown): unknown => compileJmespath(source).evaluate(record);

const people = {
  name: 'Ann',
  address: { city: 'Oslo', zip: '0150' },
  tags: ['a', 'b', 'c', 'd'],
  people: [
    { name: 'Bo', age: 17, country: 'NO' },
    { name: 'Cy', age: 30, country: 'SE' },
    { name: 'Di', age: 45, country: 'NO' },
  ],
  'e-mail': 'ann@example.com',
  count: '42',
};

t.test('standard JMESPath behaviour is kept', (t) => {
  const cases: [string, unknown][] = [
    // fields and sub-expressions
    ['name', 'Ann'],
    ['address.city', 'Oslo'],
    ['address.street', null],
    ['missing.deeper', null],
    ['"e-mail"', 'ann@example.com'],
    // index and slice
    ['tags[0]', 'a'],
    ['tags[-1]', 'd'],
    ['tags[10]', null],
    ['tags[1:3]', ['b', 'c']],
    ['tags[::2]', ['a', 'c']],
    ['tags[::-1]', ['d', 'c', 'b', 'a']],
    // projections
    ['people[*].name', ['Bo', 'Cy', 'Di']],
    ['people[].age', [17, 30, 45]],
    ['address.*', ['Oslo', '0150']],
    // filters
    ["people[?country == 'NO'].name", ['Bo', 'Di']],
    ['people[?age > `18`].name', ['Cy', 'Di']],
    ["people[?age >= `30` && country == 'SE'].name", ['Cy']],
    ["people[?!(country == 'NO')].name", ['Cy']],
    // multiselect
    ['[name, address.city]', ['Ann', 'Oslo']],
    ['{who: name, city: address.city}', { who: 'Ann', city: 'Oslo' }],
    [
      'people[*].{n: name, a: age}',
      [
        { n: 'Bo', a: 17 },
        { n: 'Cy', a: 30 },
        { n: 'Di', a: 45 },
      ],
    ],
    // pipes
    ['people[*].name | [0]', 'Bo'],
    ["people[?country == 'NO'] | length(@)", 2],
    // literals and raw strings
    ['`42`', 42],
    ['`"text"`', 'text'],
    ['`[1, 2]`', [1, 2]],
    ['`{"a": true}`', { a: true }],
    ["'raw string'", 'raw string'],
    ["'it\\'s'", "it's"],
    // RDI writes string literals without JSON quotes inside backticks
    ['`sha1`', 'sha1'],
    // or, and, not
    ['missing || name', 'Ann'],
    ['name && address.city', 'Oslo'],
    ['!missing', true],
    // built-in functions
    ['length(name)', 3],
    ['length(tags)', 4],
    ['length(address)', 2],
    ["join(', ', tags)", 'a, b, c, d'],
    ['to_number(count)', 42],
    ["to_number('x')", null],
    ['to_string(`1`)', '1'],
    ["contains(tags, 'b')", true],
    ["contains(name, 'nn')", true],
    ["starts_with(name, 'An')", true],
    ["ends_with(name, 'x')", false],
    ['sort_by(people, &age)[-1].name', 'Di'],
    ['max_by(people, &age).name', 'Di'],
    ['sum(people[*].age)', 92],
    ['keys(address)', ['city', 'zip']],
    ['not_null(missing, name)', 'Ann'],
    ['type(tags)', 'array'],
    ['abs(`-3`)', 3],
    // arithmetic (JMESPath Community)
    ['people[0].age + `1`', 18],
    ['people[1].age / `3`', 10],
  ];
  for (const [source, expected] of cases) t.same(evaluate(source, people), expected, source);
  t.end();
});

t.test('how records look to expressions', (t) => {
  const record = { key: 'emp:7', emp_id: '7', first_name: 'Ann', nested: { after: 'inner' } };
  const cases: [string, unknown, unknown][] = [
    ['key', record, 'emp:7'],
    ['first_name', record, 'Ann'],
    ['after.first_name', record, 'Ann'],
    ['after.key', record, 'emp:7'],
    ['after', record, record],
    ['after.missing', record, null],
    // `after` stands for the record only at the record: elsewhere it is an ordinary field
    ['nested.after', record, 'inner'],
    ['nested.after.first_name', record, null],
    // a record that has a field named after keeps it
    ['after', { after: 'own' }, 'own'],
    ['after.x', { after: { x: 1 }, x: 2 }, 1],
    // inside let expressions too
    ['let $r = after in $r.first_name', record, 'Ann'],
    // only a record's own fields exist: nothing is read from JavaScript's object prototype
    ['constructor', record, null],
    ['toString', record, null],
    ['nested.hasOwnProperty', record, null],
    ['__proto__', record, null],
    // a missing record, or one that is not an object
    ['first_name', null, null],
    ['first_name', undefined, null],
    ['[0]', ['x'], 'x'],
  ];
  for (const [source, input, expected] of cases) t.same(evaluate(source, input), expected, source);
  t.end();
});

t.test('a compiled expression is evaluated many times, against each record', (t) => {
  const expression = compileJmespath("concat([upper(first), ' ', last])");
  t.equal(expression.source, "concat([upper(first), ' ', last])");
  t.equal(expression.evaluate({ first: 'ann', last: 'Lee' }), 'ANN Lee');
  t.equal(expression.evaluate({ first: 'bo', last: 'Ek' }), 'BO Ek');
  t.equal(expression.evaluate({ first: null, last: 'Ek' }), ' Ek');
  t.end();
});

t.test('syntax errors say what is wrong and where', (t) => {
  const cases: [string, number, number, number, string][] = [
    ['foo[?a == ]', 10, 1, 11, 'unexpected "]" at line 1, column 11 (near "foo[?a == ]")'],
    ['foo.', 4, 1, 5, 'the expression ends too early at line 1, column 5 (at the end of the expression)'],
    ['a ~ b', 2, 1, 3, 'unexpected character "~" at line 1, column 3 (near "a ~ b")'],
    [
      'name\n  | upper(@) ~',
      18,
      2,
      14,
      'unexpected character "~" at line 2, column 14 (near "| upper(@) ~")',
    ],
    ['"abc', 0, 1, 1, 'a quoted identifier is not closed or not valid at line 1, column 1'],
    ['x || `a"b`', 5, 1, 6, 'a literal is not closed or not valid JSON at line 1, column 6'],
    ['foo bar', 4, 1, 5, 'unexpected "bar" at line 1, column 5 (near "foo bar")'],
    ['a - 1', 4, 1, 5, 'unexpected "1" at line 1, column 5'],
    ['', 0, 1, 1, 'the expression is empty at line 1, column 1'],
    ['   ', 3, 1, 4, 'the expression is empty'],
    ['"f"(a)', 3, 1, 4, 'quoted identifier not allowed for function names'],
  ];
  for (const [source, offset, line, column, message] of cases) {
    t.throws(
      () => compileJmespath(source),
      { name: 'JmespathSyntaxError', code: 'JMESPATH_SYNTAX', offset, line, column, message },
      JSON.stringify(source),
    );
  }
  t.end();
});

t.test('unknown functions are refused when compiling, with the closest name', (t) => {
  const cases: [string, number, string][] = [
    ['lenght(name)', 0, 'unknown function lenght(); did you mean "length"? at line 1, column 1'],
    [
      'upper(name) | captalize(@)',
      14,
      'unknown function captalize(); did you mean "capitalize"? at line 1, column 15',
    ],
    [
      'people[*].tim_delta_days(dt)',
      10,
      'unknown function tim_delta_days(); did you mean "time_delta_days"?',
    ],
    ['sort_by(people, &nosuch(age))', 17, 'unknown function nosuch() at line 1, column 18'],
    ["filter_entries(@, 'lenght(key) > `1`')", 0, 'argument 2 (predicate) is not a valid expression'],
  ];
  for (const [source, offset, message] of cases) {
    t.throws(() => compileJmespath(source), { name: 'JmespathSyntaxError', offset, message }, source);
  }
  t.end();
});

t.test('argument counts are checked when compiling', (t) => {
  const cases: [string, number, string][] = [
    ['left(name)', 0, 'left() takes 2 arguments (left(text, count)) but got 1 at line 1, column 1'],
    ['mid(name, `1`)', 0, 'mid() takes 3 arguments (mid(text, offset, count)) but got 2'],
    ['uuid(name)', 0, 'uuid() takes 0 arguments but got 1'],
    ['split()', 0, 'split() takes 1 to 3 arguments (split(text, [separator], [count])) but got 0'],
    ['hash(a, `sha1`, b)', 0, 'hash() takes 1 to 2 arguments (hash(value, [algorithm])) but got 3'],
    ['concat(a, b)', 0, 'concat() takes 1 argument (concat(values)) but got 2'],
    ["name | lower(@, 'x')", 7, 'lower() takes 1 argument (lower(text)) but got 2 at line 1, column 8'],
    ['length()', 0, 'length() takes 1 argument but got 0'],
    ['merge()', 0, 'merge() takes at least 1 argument but got 0'],
    ['join(tags)', 0, 'join() takes 2 arguments but got 1'],
  ];
  for (const [source, offset, message] of cases) {
    t.throws(() => compileJmespath(source), { name: 'JmespathSyntaxError', offset, message }, source);
  }
  t.end();
});

t.test('literal arguments that cannot work are refused when compiling', (t) => {
  const cases: [string, string][] = [
    ["hash(a, 'sha7')", 'hash(): argument 2 (algorithm) must be one of sha1, sha224, sha256, sha384, sha512'],
    ["hash(a, 'sha7')", '(got "sha7"); did you mean "sha1"?'],
    ["regex_replace(a, '(', 'x')", 'regex_replace(): argument 2 (pattern) is not a valid regular expression'],
    [
      "regex_replace(a, '(a)', '\\2')",
      'argument 3 (replacement) is not a valid replacement: the replacement refers to group 2',
    ],
    [
      "format_datetime(a, '%Q')",
      'format_datetime(): argument 2 (format) is not a valid format: the format has the unknown directive %Q',
    ],
    [
      "parse_datetime(a, '%Y-%')",
      'parse_datetime(): argument 2 (format) is not a valid format: the format ends with a lone %',
    ],
    [
      "filter_entries(@, 'key ==')",
      'filter_entries(): argument 2 (predicate) is not a valid expression: the expression ends too early',
    ],
  ];
  for (const [source, message] of cases) {
    t.throws(() => compileJmespath(source), { name: 'JmespathSyntaxError', message }, source);
  }
  // The same values given as fields are checked on evaluation instead.
  t.throws(() => evaluate('hash(a, algorithm)', { a: 'x', algorithm: 'sha7' }), {
    name: 'JmespathEvaluationError',
    message: 'hash(): argument 2 (algorithm) must be one of',
  });
  t.end();
});

t.test('evaluation errors from standard functions and operators', (t) => {
  const cases: [string, unknown, string][] = [
    [
      'length(n)',
      { n: 1 },
      'length() expected argument 1 to be type (string | array | object) but received type number',
    ],
    ["join(', ', tags)", { tags: ['a', 1] }, 'join() expected argument 2'],
    ['a + b', { a: 'x', b: 1 }, 'arithmetic needs numbers on both sides'],
    ['a / b', { a: 1, b: 0 }, 'division by zero'],
  ];
  for (const [source, record, message] of cases) {
    t.throws(
      () => evaluate(source, record),
      { name: 'JmespathEvaluationError', code: 'JMESPATH_EVALUATION', message },
      source,
    );
  }
  t.end();
});

t.test('error classes', (t) => {
  const syntax = t.throws(() => compileJmespath('a ~'));
  t.ok(syntax instanceof JmespathSyntaxError);
  t.ok(syntax instanceof Error);
  const evaluation = t.throws(() => evaluate('upper(n)', { n: 1 }));
  t.ok(evaluation instanceof JmespathEvaluationError);
  t.equal((evaluation as JmespathEvaluationError).code, 'JMESPATH_EVALUATION');
  t.end();
});

t.test('the extra functions are listed', (t) => {
  t.same(EXTRA_FUNCTIONS, [
    'base64_decode',
    'base64_encode',
    'capitalize',
    'concat',
    'filter_entries',
    'format_datetime',
    'from_entries',
    'hash',
    'in',
    'json_parse',
    'left',
    'lower',
    'mid',
    'parse_datetime',
    'regex_replace',
    'replace',
    'right',
    'split',
    'time_delta_days',
    'time_delta_seconds',
    'to_entries',
    'upper',
    'uuid',
    'xml_to_dict',
  ]);
  t.ok(Object.isFrozen(EXTRA_FUNCTIONS));
  t.end();
});

t.test("the library's shared interpreter keeps the standard functions", (t) => {
  // RDI's lower() accepts null and its split() has a default separator; the library's own do not, and other
  // users of the library in the same process must keep them.
  t.throws(() => search({ a: null }, 'lower(a)'), /Invalid type/);
  t.throws(() => search({ a: 'x,y' }, 'split(a)'), /Invalid arity/);
  t.throws(() => search({}, 'uuid()'), /Unknown function/);
  t.equal(evaluate('lower(a)', { a: null }), null);
  t.same(evaluate('split(a)', { a: 'x,y' }), ['x', 'y']);
  t.end();
});

t.test('the module can be loaded more than once (one copy per worker thread)', async (t) => {
  // A second copy of the module, as a worker thread loads it: it registers its functions again, in its own
  // interpreter, and both copies keep working.
  const url = new URL('../../common/expressions/jmespath/index.js?second-copy', import.meta.url).href;
  const second = (await import(url)) as typeof JmespathModule;
  t.not(second.compileJmespath, compileJmespath, 'a separate copy');
  t.equal(second.compileJmespath('upper(left(a, `2`))').evaluate({ a: 'abc' }), 'AB');
  t.equal(evaluate('upper(left(a, `2`))', { a: 'abc' }), 'AB');
  t.same(second.EXTRA_FUNCTIONS, EXTRA_FUNCTIONS);
});
