// RDI's extra JMESPath functions (and Ferry's few additions): results, nulls, wrong argument types and counts.
// Date and time functions are in expressions-jmespath-dates.test.ts.
import t from 'tap';
import type { Test } from 'tap';
import { compileJmespath } from '../../common/expressions/jmespath/index.js';

const evaluate = (source: string, record: unknown): unknown => compileJmespath(source).evaluate(record);

/** [expression, record, expected result] */
type Case = [string, unknown, unknown];
/** [expression, record, expected message (a part of it)] */
type Failure = [string, unknown, string];

function results(t: Test, cases: readonly Case[]): void {
  for (const [source, record, expected] of cases) t.same(evaluate(source, record), expected, source);
}

function evaluationErrors(t: Test, cases: readonly Failure[]): void {
  for (const [source, record, message] of cases) {
    t.throws(
      () => evaluate(source, record),
      { name: 'JmespathEvaluationError', code: 'JMESPATH_EVALUATION', message },
      source,
    );
  }
}

function compileErrors(t: Test, cases: readonly [string, string][]): void {
  for (const [source, message] of cases) {
    t.throws(
      () => compileJmespath(source),
      { name: 'JmespathSyntaxError', code: 'JMESPATH_SYNTAX', message },
      source,
    );
  }
}

t.test("RDI's documented examples give RDI's documented results", (t) => {
  results(t, [
    ['base64_decode(encoded)', { encoded: 'SGVsbG8gV29ybGQh' }, 'Hello World!'],
    ['capitalize(name)', { name: 'john doe' }, 'John Doe'],
    ["concat([fname, ' ' ,lname])", { fname: 'john', lname: 'doe' }, 'john doe'],
    [
      "filter_entries(@, `key == 'name' || key == 'age'`)",
      { name: 'John', age: 30, country: 'US', score: 15 },
      { name: 'John', age: 30 },
    ],
    [
      'from_entries(@)',
      [
        { key: 'name', value: 'John' },
        { key: 'age', value: 30 },
        { key: 'city', value: null },
      ],
      { name: 'John', age: 30, city: null },
    ],
    ['hash(some_str, `sha1`)', { some_str: 'some_value' }, '8c818171573b03feeae08b0b4ffeb6999e3afc05'],
    ['in(el, `["a", "b", "c"]`)', { el: 'b' }, true],
    ['left(greeting, `5`)', { greeting: 'hello world!' }, 'hello'],
    ['lower(fname)', { fname: 'John' }, 'john'],
    ['mid(greeting, `4`, `3`)', { greeting: 'hello world!' }, 'o w'],
    ['json_parse(data)', { data: '{"greeting": "hello world!"}' }, { greeting: 'hello world!' }],
    ["regex_replace(text, 'Ban\\w+', 'Apple')", { text: 'Banana Bannnana' }, 'Apple Apple'],
    ["replace(sentence, 'four', 'two')", { sentence: 'one four three four!' }, 'one two three two!'],
    ['right(greeting, `6`)', { greeting: 'hello world!' }, 'world!'],
    ['split(departments)', { departments: 'finance,hr,r&d' }, ['finance', 'hr', 'r&d']],
    ["split(departments, ';')", { departments: 'finance;hr' }, ['finance', 'hr']],
    [
      'to_entries(@)',
      { name: 'John', age: 30, city: null },
      [
        { key: 'name', value: 'John' },
        { key: 'age', value: 30 },
        { key: 'city', value: null },
      ],
    ],
    ['upper(fname)', { fname: 'john' }, 'JOHN'],
    [
      'xml_to_dict(xml)',
      { xml: '<root><name>John</name><age>30</age></root>' },
      { root: { name: 'John', age: '30' } },
    ],
  ]);
  t.end();
});

t.test('string functions', (t) => {
  results(t, [
    // capitalize: words split on whitespace, capital then lower case, one space apart (Python's capwords)
    ['capitalize(s)', { s: '  hELLO   wORLD  x' }, 'Hello World X'],
    ['capitalize(s)', { s: 'élan vital' }, 'Élan Vital'],
    ['capitalize(s)', { s: '' }, ''],
    ['capitalize(s)', { s: null }, null],
    ['capitalize(missing)', {}, null],
    // concat: strings as they are, null as nothing, other values as JSON
    ["concat(['emp:', id])", { id: 7 }, 'emp:7'],
    ["concat(['a', n, 'b', t, x])", { n: 1.5, t: true, x: null }, 'a1.5btrue'],
    ['concat([o, l])', { o: { k: 'v' }, l: [1, 'x'] }, '{"k":"v"}[1,"x"]'],
    ['concat(`[]`)', {}, ''],
    ['concat(missing)', {}, null],
    // lower / upper
    ['lower(s)', { s: 'ÀB' }, 'àb'],
    ['upper(s)', { s: 'straße' }, 'STRASSE'],
    ['lower(s)', { s: null }, null],
    ['upper(missing)', {}, null],
    // left / right / mid count characters, not UTF-16 units; negative counts follow Python's slices
    ['left(s, `2`)', { s: '😀x😀' }, '😀x'],
    ['left(s, `10`)', { s: 'abc' }, 'abc'],
    ['left(s, `0`)', { s: 'abc' }, ''],
    ['left(s, `-1`)', { s: 'abcd' }, 'abc'],
    ['left(s, `2`)', { s: null }, null],
    ['right(s, `2`)', { s: 'x😀😀' }, '😀😀'],
    ['right(s, `10`)', { s: 'abc' }, 'abc'],
    ['right(s, `0`)', { s: 'abc' }, ''],
    ['right(s, `-1`)', { s: 'abcd' }, 'bcd'],
    ['right(s, `2`)', { s: null }, null],
    ['mid(s, `0`, `2`)', { s: 'abcdef' }, 'ab'],
    ['mid(s, `4`, `10`)', { s: 'abcdef' }, 'ef'],
    ['mid(s, `10`, `2`)', { s: 'abcdef' }, ''],
    ['mid(s, `-3`, `2`)', { s: 'abcdef' }, 'de'],
    ['mid(s, `1`, `2`)', { s: null }, null],
    // replace: every occurrence; an empty `old` changes nothing; an optional count limits replacements
    ["replace(s, 'a', 'o')", { s: 'banana' }, 'bonono'],
    ["replace(s, '', 'x')", { s: 'abc' }, 'abc'],
    ["replace(s, 'a', 'o', `2`)", { s: 'banana' }, 'bonona'],
    ["replace(s, 'a', 'o', `0`)", { s: 'banana' }, 'banana'],
    ["replace(s, '$', '$$')", { s: 'a$b' }, 'a$$b'],
    ["replace(s, 'a', 'o')", { s: null }, null],
    // split: comma by default; an optional count limits splits
    ['split(s)', { s: 'a,,b' }, ['a', '', 'b']],
    ['split(s)', { s: '' }, ['']],
    ["split(s, ', ')", { s: 'a, b, c' }, ['a', 'b', 'c']],
    ["split(s, ',', `1`)", { s: 'a,b,c' }, ['a', 'b,c']],
    ["split(s, '')", { s: 'abc' }, ['a', 'b', 'c']],
    ['split(s)', { s: null }, null],
    // base64
    ['base64_decode(s)', { s: 'aMOpbGxv' }, 'héllo'],
    ['base64_decode(s)', { s: 'SGVs\nbG8=' }, 'Hello'],
    ['base64_decode(s)', { s: '' }, ''],
    ['base64_decode(s)', { s: null }, null],
    ['base64_encode(s)', { s: 'héllo' }, 'aMOpbGxv'],
    ['base64_encode(s)', { s: null }, null],
    ['base64_decode(base64_encode(s))', { s: 'round trip ✓' }, 'round trip ✓'],
  ]);
  evaluationErrors(t, [
    ['capitalize(n)', { n: 1 }, 'capitalize(): argument 1 (text) must be a string or null (got number 1)'],
    ['lower(n)', { n: true }, 'lower(): argument 1 (text) must be a string or null (got boolean true)'],
    ['upper(n)', { n: [1] }, 'upper(): argument 1 (text) must be a string or null (got an array)'],
    ['concat(s)', { s: 'abc' }, 'concat(): argument 1 (values) must be an array or null (got string "abc")'],
    ['left(s, n)', { s: 'abc', n: '2' }, 'left(): argument 2 (count) must be an integer (got string "2")'],
    ['left(s, `1.5`)', { s: 'abc' }, 'left(): argument 2 (count) must be an integer (got number 1.5)'],
    ['left(s, n)', { s: 'abc', n: null }, 'left(): argument 2 (count) must be an integer (got null)'],
    ['left(n, `1`)', { n: 12 }, 'left(): argument 1 (text) must be a string or null (got number 12)'],
    ['right(s, n)', { s: 'abc', n: {} }, 'right(): argument 2 (count) must be an integer (got an object)'],
    [
      'mid(s, o, `1`)',
      { s: 'abc', o: 'x' },
      'mid(): argument 2 (offset) must be an integer (got string "x")',
    ],
    [
      'mid(s, `1`, c)',
      { s: 'abc', c: false },
      'mid(): argument 3 (count) must be an integer (got boolean false)',
    ],
    ["replace(s, o, 'x')", { s: 'abc', o: null }, 'replace(): argument 2 (old) must be a string (got null)'],
    ["replace(s, 'a', n)", { s: 'abc', n: 1 }, 'replace(): argument 3 (new) must be a string (got number 1)'],
    [
      "replace(s, 'a', 'b', `-1`)",
      { s: 'abc' },
      'replace(): argument 4 (count) must be a non-negative integer',
    ],
    ['split(s, n)', { s: 'a,b', n: 1 }, 'split(): argument 2 (separator) must be a string (got number 1)'],
    ['split(n)', { n: 5 }, 'split(): argument 1 (text) must be a string or null (got number 5)'],
    ['base64_decode(s)', { s: 'abc' }, 'base64_decode(): argument 1 (text) is not valid base64'],
    ['base64_decode(s)', { s: 'ab$=' }, 'base64_decode(): argument 1 (text) is not valid base64'],
    [
      'base64_decode(s)',
      { s: '/w==' },
      'base64_decode(): argument 1 (text) decodes to bytes that are not UTF-8 text',
    ],
    [
      'base64_decode(n)',
      { n: 1 },
      'base64_decode(): argument 1 (text) must be a string or null (got number 1)',
    ],
    [
      'base64_encode(n)',
      { n: {} },
      'base64_encode(): argument 1 (text) must be a string or null (got an object)',
    ],
  ]);
  compileErrors(t, [
    ['capitalize()', 'capitalize() takes 1 argument (capitalize(text)) but got 0'],
    ['concat(a, b)', 'concat() takes 1 argument (concat(values)) but got 2'],
    ['lower()', 'lower() takes 1 argument (lower(text)) but got 0'],
    ["upper(a, 'b')", 'upper() takes 1 argument (upper(text)) but got 2'],
    ['left(a)', 'left() takes 2 arguments (left(text, count)) but got 1'],
    ['right(a, `1`, `2`)', 'right() takes 2 arguments (right(text, count)) but got 3'],
    ['mid(a, `1`)', 'mid() takes 3 arguments (mid(text, offset, count)) but got 2'],
    ["replace(a, 'b')", 'replace() takes 3 to 4 arguments (replace(text, old, new, [count])) but got 2'],
    [
      "split(a, ',', `1`, `2`)",
      'split() takes 1 to 3 arguments (split(text, [separator], [count])) but got 4',
    ],
    ['base64_decode()', 'base64_decode() takes 1 argument (base64_decode(text)) but got 0'],
    ['base64_encode(a, b)', 'base64_encode() takes 1 argument (base64_encode(text)) but got 2'],
  ]);
  t.end();
});

t.test('regex_replace uses Python re.sub spellings', (t) => {
  results(t, [
    ["regex_replace(s, 'Ban\\w+', 'Apple Apple')", { s: 'Banana Bannnana' }, 'Apple Apple Apple Apple'],
    ["regex_replace(s, '\\d', '#')", { s: 'a1b22' }, 'a#b##'],
    ["regex_replace(s, '(\\w+)@(\\w+)', '\\2 at \\1')", { s: 'ann@example' }, 'example at ann'],
    [
      "regex_replace(s, '(?P<y>\\d{4})-(\\d\\d)', '\\2/\\g<y>')",
      { s: 'on 2024-05 and 1999-12' },
      'on 05/2024 and 12/1999',
    ],
    ["regex_replace(s, '(?P<w>a)(?P=w)', '<\\g<0>>')", { s: 'aab' }, '<aa>b'],
    ["regex_replace(s, '(?i)abc', 'x')", { s: 'ABC abc' }, 'x x'],
    ["regex_replace(s, '\\Aab', 'X')", { s: 'abab' }, 'Xab'],
    ["regex_replace(s, 'ab\\Z', 'X')", { s: 'abab' }, 'abX'],
    // `$` is an ordinary character; `\\` is a backslash and `\t` a tab
    ['regex_replace(s, `"a"`, r)', { s: 'a', r: '$1 \\\\ \\t' }, '$1 \\ \t'],
    ["regex_replace(s, '(a)|(b)', '[\\2]')", { s: 'ab' }, '[][b]'],
    ["regex_replace(s, 'x*', '-')", { s: 'abxd' }, '-a-b--d-'],
    ["regex_replace(s, '[]a]', '-')", { s: 'a]b' }, '--b'],
    ["regex_replace(s, 'a', 'b')", { s: null }, null],
  ]);
  evaluationErrors(t, [
    [
      "regex_replace(n, 'a', 'b')",
      { n: 1 },
      'regex_replace(): argument 1 (text) must be a string or null (got number 1)',
    ],
    [
      "regex_replace(s, p, 'b')",
      { s: 'a', p: null },
      'regex_replace(): argument 2 (pattern) must be a string (got null)',
    ],
    [
      "regex_replace(s, p, 'b')",
      { s: 'a', p: '[' },
      'regex_replace(): argument 2 (pattern) is not a valid regular expression',
    ],
    [
      "regex_replace(s, 'a', r)",
      { s: 'a', r: '\\q' },
      'argument 3 (replacement) is not a valid replacement: the replacement has the unknown escape "\\q"',
    ],
  ]);
  compileErrors(t, [
    [
      "regex_replace(s, 'a')",
      'regex_replace() takes 3 arguments (regex_replace(text, pattern, replacement)) but got 2',
    ],
    ["regex_replace(s, '(?x)a', 'b')", 'the inline flag "x" is not supported (use i, m or s)'],
    [
      "regex_replace(s, '(a)', '\\g<name>')",
      'the replacement refers to group name, which the pattern does not have',
    ],
    ["regex_replace(s, 'a', 'b\\\\')", 'the replacement ends with a lone backslash'],
  ]);
  t.end();
});

t.test('object functions', (t) => {
  results(t, [
    ['to_entries(@)', {}, []],
    ['to_entries(o)', { o: null }, null],
    ['to_entries(missing)', {}, null],
    // from_entries skips what is not an object or has no key; a later key wins; other keys become text
    [
      'from_entries(e)',
      {
        e: [
          { key: 'a', value: 1 },
          'x',
          { value: 2 },
          { key: null, value: 3 },
          { key: 'a', value: 4 },
          { key: 5 },
        ],
      },
      { a: 4, '5': null },
    ],
    ['from_entries(to_entries(@))', { x: [1], y: { z: true } }, { x: [1], y: { z: true } }],
    ['from_entries(e)', { e: [{ key: '__proto__', value: 1 }] }, JSON.parse('{"__proto__": 1}')],
    ['from_entries(e)', { e: null }, null],
    // filter_entries: the predicate sees {key, value}; a string or an &expression
    ["filter_entries(@, 'value > `10`')", { a: 5, b: 15, c: 'x' }, { b: 15 }],
    ['filter_entries(@, \'starts_with(key, `"s_"`)\')', { s_a: 1, b: 2, s_c: 3 }, { s_a: 1, s_c: 3 }],
    ['filter_entries(@, &(value != null))', { a: null, b: 0, c: '' }, { b: 0, c: '' }],
    ["filter_entries(@, &upper(key) == 'A')", { a: 1, b: 2 }, { a: 1 }],
    ['filter_entries(@, p)', { p: 'key == `"p"`', q: 1 }, { p: 'key == `"p"`' }],
    // an entry the predicate fails on is left out, as in RDI
    ['filter_entries(@, &(value > `1`))', { a: 'x', b: 2 }, { b: 2 }],
    ["filter_entries(o, 'value')", { o: null }, null],
    [
      "filter_entries(o, 'filter_entries(value, &(key == \\'k\\'))')",
      { o: { a: { k: 1 }, b: { j: 1 } } },
      { a: { k: 1 } },
    ],
    // in: JMESPath equality (type and value), arrays and objects compared deeply
    ['in(v, `[1, "2", [3], {"a": 4}]`)', { v: 1 }, true],
    ['in(v, `[1, "2", [3], {"a": 4}]`)', { v: '1' }, false],
    ['in(v, `[1, "2", [3], {"a": 4}]`)', { v: [3] }, true],
    ['in(v, `[1, "2", [3], {"a": 4}]`)', { v: { a: 4 } }, true],
    ['in(v, `[true]`)', { v: 1 }, false],
    ['in(v, `[null]`)', { v: null }, true],
    ['in(missing, `["a"]`)', {}, false],
    ["in('a', l)", { l: null }, false],
    ["in('a', `[]`)", {}, false],
    // json_parse
    ['json_parse(s)', { s: '[1, {"a": null}]' }, [1, { a: null }]],
    ['json_parse(s)', { s: '"text"' }, 'text'],
    ['json_parse(s)', { s: '12.5' }, 12.5],
    ['json_parse(s)', { s: null }, null],
  ]);
  evaluationErrors(t, [
    [
      'to_entries(s)',
      { s: 'x' },
      'to_entries(): argument 1 (object) must be an object or null (got string "x")',
    ],
    [
      'to_entries(a)',
      { a: [1] },
      'to_entries(): argument 1 (object) must be an object or null (got an array)',
    ],
    [
      'from_entries(o)',
      { o: {} },
      'from_entries(): argument 1 (entries) must be an array or null (got an object)',
    ],
    [
      'from_entries(e)',
      { e: [{ key: ['a'], value: 1 }] },
      'from_entries(): argument 1 (entries) has entry 0 whose key is not a string',
    ],
    [
      "filter_entries(a, 'value')",
      { a: [1] },
      'filter_entries(): argument 1 (object) must be an object or null (got an array)',
    ],
    [
      'filter_entries(@, `1`)',
      {},
      'filter_entries(): argument 2 (predicate) must be a string holding an expression, or an &expression (got number 1)',
    ],
    [
      'filter_entries(@, p)',
      { p: 'key ==' },
      'filter_entries(): argument 2 (predicate) is not a valid expression: the expression ends too early',
    ],
    ['in(v, l)', { v: 1, l: 'abc' }, 'in(): argument 2 (values) must be an array or null (got string "abc")'],
    ['in(&a, `[]`)', {}, 'in(): argument 1 (value) must be a value (got an expression)'],
    ['json_parse(s)', { s: '{bad' }, 'json_parse(): argument 1 (text) is not valid JSON'],
    ['json_parse(s)', { s: '' }, 'json_parse(): argument 1 (text) is not valid JSON'],
    ['json_parse(n)', { n: 1 }, 'json_parse(): argument 1 (text) must be a string or null (got number 1)'],
  ]);
  compileErrors(t, [
    ['to_entries()', 'to_entries() takes 1 argument (to_entries(object)) but got 0'],
    ['from_entries(a, b)', 'from_entries() takes 1 argument (from_entries(entries)) but got 2'],
    ['filter_entries(@)', 'filter_entries() takes 2 arguments (filter_entries(object, predicate)) but got 1'],
    ['in(a)', 'in() takes 2 arguments (in(value, values)) but got 1'],
    ['json_parse()', 'json_parse() takes 1 argument (json_parse(text)) but got 0'],
  ]);
  t.end();
});

t.test('hash: known digests for every algorithm', (t) => {
  const digests: [string, string][] = [
    ['sha1', '8c818171573b03feeae08b0b4ffeb6999e3afc05'],
    ['sha224', 'b12e50514274704795ed9dede2b06e4804a441b6b884d423f4d050ea'],
    ['sha256', 'bf8260204a85f123e8c486c01057463ae681906de652202e82c7aa25d9e06bfe'],
    [
      'sha384',
      'ba72079ff696e33ed9d5df2b511d00064102294fc07026d5e8f32e3db93e40f7ee94d4fb28bc548f4e62869c1a311850',
    ],
    [
      'sha512',
      '720cdbebb3c31da1408c822e2729c1fb29ba53c15086f0c50ddcf04109d62a6c' +
        'c16a9bf9be4672f63d01782917f44ecdff384c61942771d80e38eb5e0852b0c6',
    ],
    ['md5', '9619030c750b430095b12d365196de91'],
    ['sha3_224', 'f315d4c06f92800494ef0db7899b46ec3234709470e2b58817969b14'],
    ['sha3_256', '7c7739749ce3479554acff0a2521b283b2a9982dca8a006b760b247519f76eb8'],
    [
      'sha3_384',
      'c85b3b677bfb287e3a72bd246dba184d701c9c0abfc42bd60ec48b1b93a7fc2d9b84ac4154d9166eab0c760589d3e839',
    ],
    [
      'sha3_512',
      '1b97f736a97c6fdeda3a8fdc6f61ce1b09d5b504fe144cf6d542f1746841a6fd' +
        '53070183190b55ed93b21528c02dfdc462c62a45239c4d8e5af99132df2dcc03',
    ],
    [
      'blake2b',
      '701373d459993d7508fa7bbf21e7fdaa0f01f25cc5cc9dab5b1ecff8b0076193' +
        'e0f17d881e1a8039b8796cea8e9f35a8feaf7da4053537285c1dc7b845907e69',
    ],
    ['blake2s', 'f4bbf57a48b2fbc9facd4321003bcc8e1d23d7cf8994211c36dca500ca1042b5'],
  ];
  for (const [algorithm, digest] of digests) {
    t.equal(evaluate(`hash(s, '${algorithm}')`, { s: 'some_value' }), digest, algorithm);
  }
  results(t, [
    // sha1 by default; algorithm names in any case
    ['hash(s)', { s: 'some_value' }, '8c818171573b03feeae08b0b4ffeb6999e3afc05'],
    ["hash(s, 'SHA1')", { s: 'some_value' }, '8c818171573b03feeae08b0b4ffeb6999e3afc05'],
    // text is hashed as UTF-8; null as empty input
    ["hash(s, 'md5')", { s: 'héllo' }, 'be50e8478cf24ff3595bc7307fb91b50'],
    ['hash(s)', { s: null }, 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    // other values as JSON with sorted keys and no spaces: {"a":1,"b":[true,null]}
    ['hash(o)', { o: { b: [true, null], a: 1 } }, 'df11b3b927ce2474af1f5956c37c2f7415488ea8'],
    ["hash(n, 'sha256')", { n: 42 }, '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049'],
  ]);
  evaluationErrors(t, [
    ['hash(s, a)', { s: 'x', a: 'sha7' }, 'hash(): argument 2 (algorithm) must be one of sha1, sha224'],
    ['hash(s, a)', { s: 'x', a: null }, 'hash(): argument 2 (algorithm) must be a string (got null)'],
    ["hash(&s, 'sha1')", {}, 'hash(): argument 1 (value) must be a value (got an expression)'],
  ]);
  compileErrors(t, [
    ['hash()', 'hash() takes 1 to 2 arguments (hash(value, [algorithm])) but got 0'],
    ["hash(s, 'sha-1')", 'hash(): argument 2 (algorithm) must be one of'],
  ]);
  t.end();
});

t.test('uuid: random version 4 UUIDs in standard format', (t) => {
  const expression = compileJmespath('uuid()');
  const seen = new Set<unknown>();
  for (let i = 0; i < 1000; i++) {
    const value = expression.evaluate({});
    t.match(value, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(value);
  }
  t.equal(seen.size, 1000, 'every value is new');
  compileErrors(t, [['uuid(a)', 'uuid() takes 0 arguments but got 1']]);
  t.end();
});

t.test('xml_to_dict: shaped as xmltodict shapes it', (t) => {
  results(t, [
    ['xml_to_dict(x)', { x: '<a/>' }, { a: null }],
    ['xml_to_dict(x)', { x: '<a>  text  </a>' }, { a: 'text' }],
    ['xml_to_dict(x)', { x: '<a id="1" b=\'2\'>t</a>' }, { a: { '@id': '1', '@b': '2', '#text': 't' } }],
    ['xml_to_dict(x)', { x: '<a><b>1</b><b>2</b><c/></a>' }, { a: { b: ['1', '2'], c: null } }],
    ['xml_to_dict(x)', { x: '<a>x<b>1</b>y</a>' }, { a: { b: '1', '#text': 'xy' } }],
    [
      'xml_to_dict(x)',
      {
        x: '<?xml version="1.0"?>\n<!DOCTYPE a [<!ELEMENT a ANY>]>\n<!-- note --><a><![CDATA[<raw> & ]]></a>',
      },
      { a: '<raw> &' },
    ],
    [
      'xml_to_dict(x)',
      { x: '<a t="&lt;&amp;&#65;&#x42;">&quot;q&apos;</a>' },
      { a: { '@t': '<&AB', '#text': '"q\'' } },
    ],
    [
      'xml_to_dict(x)',
      { x: '<ns:a xmlns:ns="u"><ns:b>1</ns:b></ns:a>' },
      { 'ns:a': { '@xmlns:ns': 'u', 'ns:b': '1' } },
    ],
    [
      'xml_to_dict(x).root.item[1].name',
      { x: '<root><item><name>a</name></item><item><name>b</name></item></root>' },
      'b',
    ],
    ['xml_to_dict(x)', { x: '' }, ''],
    ['xml_to_dict(x)', { x: null }, null],
  ]);
  evaluationErrors(t, [
    [
      'xml_to_dict(x)',
      { x: '<a><b></a>' },
      'xml_to_dict(): argument 1 (xml) is not well-formed XML: the end tag </a> does not match <b>',
    ],
    ['xml_to_dict(x)', { x: '<a>' }, 'is not well-formed XML: the element <a> is not closed'],
    ['xml_to_dict(x)', { x: '<a/><b/>' }, 'is not well-formed XML: there is a second root element <b>'],
    ['xml_to_dict(x)', { x: 'text' }, 'is not well-formed XML: there is text outside the root element'],
    ['xml_to_dict(x)', { x: '   ' }, 'is not well-formed XML: there is no root element'],
    ['xml_to_dict(x)', { x: '<a>&unknown;</a>' }, 'the entity "&unknown;" is not defined'],
    ['xml_to_dict(x)', { x: '<a b=1/>' }, 'the attribute b of <a> is not quoted'],
    ['xml_to_dict(x)', { x: 1 }, 'xml_to_dict(): argument 1 (xml) must be a string or null (got number 1)'],
  ]);
  compileErrors(t, [['xml_to_dict()', 'xml_to_dict() takes 1 argument (xml_to_dict(xml)) but got 0']]);
  t.end();
});

t.test('xml_to_dict handles deep documents without running out of stack', (t) => {
  const depth = 20_000;
  const xml = '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
  let value = evaluate('xml_to_dict(x)', { x: xml });
  let levels = 0;
  while (typeof value === 'object' && value !== null && 'a' in value) {
    value = value.a;
    levels++;
  }
  t.equal(levels, depth);
  t.equal(value, 'x');
  t.end();
});
