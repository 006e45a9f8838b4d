// The js transform sandbox as a job author sees it: results, meta, errors with their line and column, bad
// results, the time, memory and stack limits (and that the next record works after each), no state between
// records, values that must survive the trip, the guarded built-ins, the options and the deploy-time check.
import t from 'tap';
import type { Test } from 'tap';
import { JsTransformError, checkJsTransform, createJsTransform } from '../../worker/transform/js/sandbox.js';
import type {
  JsRecord,
  JsTransform,
  JsTransformMeta,
  JsTransformOptions,
} from '../../worker/transform/js/sandbox.js';
import { hostStackBytes, newEngineModule } from '../../worker/transform/js/engine.js';
import { locationOf } from '../../worker/transform/js/errors.js';
import { compileLimits, stackBytesFor } from '../../worker/transform/js/limits.js';
import { Sandbox } from '../../worker/transform/js/sandbox-state.js';

const META: JsTransformMeta = { key: 'emp:7', op: 'upsert' };

async function sandbox(
  t: Test,
  code: string,
  options: Partial<JsTransformOptions> = {},
): Promise<JsTransform> {
  const transform = await createJsTransform({
    code,
    filename: 'jobs/emp.js',
    timeoutMs: 100,
    memoryMb: 32,
    ...options,
  });
  t.teardown(() => transform.dispose());
  return transform;
}

/** The JsTransformError a call throws (fails the test when it does not throw one). */
function failure(t: Test, call: () => unknown): JsTransformError {
  try {
    call();
  } catch (error) {
    if (error instanceof JsTransformError) return error;
    t.fail(`expected a JsTransformError, got ${String(error)}`);
    throw error;
  }
  t.fail('expected the call to fail');
  throw new Error('expected the call to fail');
}

async function createFailure(code: string, options: Partial<JsTransformOptions> = {}): Promise<unknown> {
  try {
    const transform = await createJsTransform({
      code,
      filename: 'jobs/emp.js',
      timeoutMs: 100,
      memoryMb: 32,
      ...options,
    });
    transform.dispose();
    return undefined;
  } catch (error) {
    return error;
  }
}

function shape(error: JsTransformError): { code: string; message: string; line?: number; column?: number } {
  return { code: error.code, message: error.message, line: error.line, column: error.column };
}

const RECORD = { first: 'Ada', last: 'Lovelace', status: 'active' };
const WORKS = 'function transform(record) { record.ok = true; return record; }';

t.test('results: one record, several, or none', async (t) => {
  const cases: [string, string, JsRecord[]][] = [
    [
      'one record',
      "function transform(record) { record.full_name = record.first + ' ' + record.last; return record; }",
      [{ ...RECORD, full_name: 'Ada Lovelace' }],
    ],
    [
      'several records',
      'function transform(record) { return [{ part: 1, ...record }, { part: 2 }]; }',
      [{ part: 1, ...RECORD }, { part: 2 }],
    ],
    ['null drops the record', 'function transform() { return null; }', []],
    ['undefined drops the record', 'function transform() {}', []],
    ['an empty array drops the record', 'function transform() { return []; }', []],
    [
      'an arrow function in a const',
      'const transform = (record) => ({ n: record.first.length });',
      [{ n: 3 }],
    ],
    [
      'a function expression in a var',
      'var transform = function (r) { return { s: r.status } };',
      [{ s: 'active' }],
    ],
    [
      'a null-prototype object',
      'function transform() { return Object.assign(Object.create(null), { a: 1 }); }',
      [{ a: 1 }],
    ],
    [
      'helpers and top-level constants',
      "const UPPER = (s) => s.toUpperCase();\nconst SUFFIX = '!';\nfunction transform(r) { return { name: UPPER(r.first) + SUFFIX }; }",
      [{ name: 'ADA!' }],
    ],
    [
      'nested values keep JSON semantics',
      'function transform() { return { when: new Date(0), nested: { list: [1, undefined, "x"] }, gone: undefined }; }',
      [{ when: '1970-01-01T00:00:00.000Z', nested: { list: [1, null, 'x'] } }],
    ],
  ];
  for (const [name, code, expected] of cases) {
    const transform = await sandbox(t, code);
    t.strictSame(transform.run({ ...RECORD }, META), expected, name);
  }
});

t.test('the host record is never changed: the guest works on a copy', async (t) => {
  const transform = await sandbox(
    t,
    'function transform(record) { record.first = "Grace"; delete record.last; return record; }',
  );
  const record = { ...RECORD };
  t.strictSame(transform.run(record, META), [{ first: 'Grace', status: 'active' }]);
  t.strictSame(record, RECORD);
  t.match(
    failure(t, () => transform.run({ id: 10n }, META)),
    {
      code: 'JS_EXCEPTION',
      message: /^the record cannot be converted to JSON for the sandbox: /,
    },
  );
});

t.test('meta: the key and the operation, frozen', async (t) => {
  const transform = await sandbox(
    t,
    `function transform(record, meta) {
      const frozen = Object.isFrozen(meta);
      meta.key = 'changed';
      return { key: meta.key, op: meta.op, frozen, fields: Object.keys(meta) };
    }`,
  );
  t.strictSame(transform.run({}, { key: 'emp:7', op: 'upsert' }), [
    { key: 'emp:7', op: 'upsert', frozen: true, fields: ['key', 'op'] },
  ]);
  t.strictSame(transform.run({}, { key: 'emp:8', op: 'delete' }), [
    { key: 'emp:8', op: 'delete', frozen: true, fields: ['key', 'op'] },
  ]);
  const strict = await sandbox(t, "'use strict';\nfunction transform(record, meta) {\n  meta.op = 'x';\n}");
  t.match(shape(failure(t, () => strict.run({}, META))), {
    code: 'JS_EXCEPTION',
    message: /^TypeError: /,
    line: 3,
  });
  t.throws(() => strict.run({}, { key: 'k', op: 'insert' as 'upsert' }), {
    name: 'TypeError',
    message: "meta.op must be 'upsert' or 'delete' (got \"insert\")",
  });
});

t.test('compile errors: the code, with line and column', async (t) => {
  const cases: [string, string, ReturnType<typeof shape>][] = [
    [
      'a syntax error',
      'function transform(record) {\n  return record +;\n}',
      {
        code: 'JS_COMPILE',
        message: "SyntaxError: unexpected token in expression: ';'",
        line: 2,
        column: 18,
      },
    ],
    [
      'a syntax error on the first line',
      'function transform(record) { return record +; }',
      {
        code: 'JS_COMPILE',
        message: "SyntaxError: unexpected token in expression: ';'",
        line: 1,
        column: 45,
      },
    ],
    [
      'no transform at all',
      'function transfrom(record) { return record; }',
      {
        code: 'JS_COMPILE',
        message: 'the code must define a top-level function named transform (found undefined)',
        line: undefined,
        column: undefined,
      },
    ],
    [
      'transform is not a function',
      'var transform = { record: true };',
      {
        code: 'JS_COMPILE',
        message: 'the code must define a top-level function named transform (found an object)',
        line: undefined,
        column: undefined,
      },
    ],
    [
      'a module is not a classic script',
      "import fs from 'fs';\nfunction transform(r) { return r; }",
      { code: 'JS_COMPILE', message: /^SyntaxError: / as unknown as string, line: 1, column: 8 },
    ],
    [
      'top-level code that throws',
      'const table = {};\ntable.missing.value = 1;\nfunction transform(r) { return r; }',
      {
        code: 'JS_EXCEPTION',
        message: "TypeError: cannot set property 'value' of undefined",
        line: 2,
        column: 14,
      },
    ],
  ];
  for (const [name, code, expected] of cases) {
    const error = await createFailure(code);
    t.type(error, JsTransformError, name);
    if (error instanceof JsTransformError) t.match(shape(error), expected, name);
  }
  t.match(
    await createFailure('function transform() { while (true) {} }\nwhile (true) {}'),
    {
      code: 'JS_TIMEOUT',
    },
    'an endless top-level loop',
  );
});

t.test('exceptions thrown by the transform, with line and column when the value has a stack', async (t) => {
  const cases: [string, string, ReturnType<typeof shape>][] = [
    [
      'a TypeError',
      'function transform(record) {\n  return record.missing.field;\n}',
      {
        code: 'JS_EXCEPTION',
        message: "TypeError: cannot read property 'field' of undefined",
        line: 2,
        column: 24,
      },
    ],
    [
      'an Error the code throws',
      "function transform(record) {\n  if (record.status !== 'deleted') {\n    throw new Error('not deleted: ' + record.first);\n  }\n}",
      { code: 'JS_EXCEPTION', message: 'Error: not deleted: Ada', line: 3, column: 20 },
    ],
    [
      'the frame in the code, not in the built-in that threw',
      'function transform(record) {\n  return [1].map(() => JSON.parse("{"));\n}',
      { code: 'JS_EXCEPTION', message: /^SyntaxError: / as unknown as string, line: 2, column: 34 },
    ],
    [
      'a helper function',
      'function check(value) {\n  throw new RangeError(`bad ${value}`);\n}\nfunction transform(record) { check(record.first); }',
      { code: 'JS_EXCEPTION', message: 'RangeError: bad Ada', line: 2, column: 23 },
    ],
    [
      'a string',
      "function transform() { throw 'plain text'; }",
      { code: 'JS_EXCEPTION', message: 'threw a string: plain text', line: undefined, column: undefined },
    ],
    [
      'an object',
      'function transform() { throw { code: 42 }; }',
      { code: 'JS_EXCEPTION', message: 'threw an object: {"code":42}', line: undefined, column: undefined },
    ],
    [
      // The stack is the one of the error's construction: its first frame is the constructor's super().
      'a custom error class that sets its name',
      "class BadRecord extends Error {\n  constructor(m) { super(m); this.name = 'BadRecord'; }\n}\nfunction transform() { throw new BadRecord('no id'); }",
      { code: 'JS_EXCEPTION', message: 'BadRecord: no id', line: 2, column: 25 },
    ],
  ];
  for (const [name, code, expected] of cases) {
    const transform = await sandbox(t, code);
    t.match(shape(failure(t, () => transform.run({ ...RECORD }, META))), expected, name);
  }
});

t.test('bad results of every kind', async (t) => {
  const records = 'return a record (a plain object), an array of records, or null to drop the record';
  const cases: [string, string][] = [
    ['return 42', `the transform returned a number; ${records}`],
    ["return 'text'", `the transform returned a string; ${records}`],
    ['return true', `the transform returned a boolean; ${records}`],
    ['return 10n', `the transform returned a bigint; ${records}`],
    ['return Symbol("s")', `the transform returned a symbol; ${records}`],
    ['return () => ({})', `the transform returned a function; ${records}`],
    ['return new Date(0)', `the transform returned an instance of Date; ${records}`],
    ['return new Map()', `the transform returned an instance of Map; ${records}`],
    ['class Row {}; return new Row()', `the transform returned an instance of Row; ${records}`],
    [
      'return { __proto__: { a: 1 } }',
      `the transform returned an object with a prototype of its own; ${records}`,
    ],
    [
      'return Promise.resolve({})',
      'the transform returned a Promise; transforms must be synchronous (no async function, no await)',
    ],
    [
      'return [{}, 1]',
      'item 1 of the returned array is a number; every item must be a record (a plain object)',
    ],
    ['return [null]', 'item 0 of the returned array is null; every item must be a record (a plain object)'],
    [
      'return [[{}]]',
      'item 0 of the returned array is an array; every item must be a record (a plain object)',
    ],
    [
      'return { f() {} }',
      "the field 'f' of a returned record is a function; records hold JSON values only (strings, numbers, booleans, null, objects and arrays)",
    ],
    [
      'return { nested: { s: Symbol("x") } }',
      "the field 's' of a returned record is a symbol; records hold JSON values only (strings, numbers, booleans, null, objects and arrays)",
    ],
    [
      'return { list: [1, () => 2] }',
      'the array item 1 of a returned record is a function; records hold JSON values only (strings, numbers, booleans, null, objects and arrays)',
    ],
    [
      'return { cache: new Map([[1, 2]]) }',
      "the field 'cache' of a returned record is a Map, which JSON cannot hold; convert it to an object or an array first",
    ],
    [
      'return { n: 10n }',
      "the field 'n' of a returned record is a BigInt; convert it with String() or Number()",
    ],
    ['return { n: 0 / 0 }', "the field 'n' of a returned record is NaN; JSON has no such number"],
    ['return { n: -1 / 0 }', "the field 'n' of a returned record is -Infinity; JSON has no such number"],
    [
      'const r = {}; r.self = r; return r',
      'a returned record cannot be converted to JSON: TypeError: circular reference',
    ],
    [
      "return { get broken() { throw new Error('getter'); } }",
      'a returned record cannot be converted to JSON: Error: getter',
    ],
    [
      'return { toJSON() { return 5; } }',
      "item 0 of the transform's result is not a record once converted to JSON (a toJSON method?)",
    ],
  ];
  for (const [body, message] of cases) {
    const transform = await sandbox(t, `function transform(record) { ${body}; }`);
    t.match(shape(failure(t, () => transform.run({}, META))), { code: 'JS_BAD_RESULT', message }, body);
  }
  const asyncTransform = await sandbox(t, 'async function transform(record) { await null; return record; }');
  for (let round = 1; round <= 2; round++) {
    t.match(
      failure(t, () => asyncTransform.run({}, META)),
      {
        code: 'JS_BAD_RESULT',
        message:
          'the transform returned a Promise; transforms must be synchronous (no async function, no await)',
      },
      `round ${round}: an async transform`,
    );
  }
  const queued = await sandbox(
    t,
    'function transform(record) { Promise.resolve().then(() => { for (;;) {} }); return { n: record.n }; }',
  );
  t.strictSame(
    queued.run({ n: 1 }, META),
    [{ n: 1 }],
    'promise callbacks never run, not even after the call',
  );
  t.strictSame(queued.run({ n: 2 }, META), [{ n: 2 }], 'and the next call works');
});

t.test('the time limit stops an endless loop within a bound, and the next call works', async (t) => {
  const transform = await sandbox(
    t,
    'function transform(record) {\n  if (record.loop) { for (;;) {} }\n  return { fine: true };\n}',
    { timeoutMs: 100 },
  );
  for (let round = 1; round <= 2; round++) {
    const started = performance.now();
    t.match(shape(failure(t, () => transform.run({ loop: true }, META))), {
      code: 'JS_TIMEOUT',
      message: 'the transform ran longer than timeout_ms (100 ms) and was stopped',
    });
    const elapsed = performance.now() - started;
    t.ok(elapsed < 1000, `round ${round}: stopped after ${Math.round(elapsed)} ms (limit 100 ms)`);
    t.strictSame(
      transform.run({ loop: false }, META),
      [{ fine: true }],
      `round ${round}: the next call works`,
    );
  }
  const swallowing = await sandbox(
    t,
    'function transform() {\n  try { for (;;) {} } catch (e) { return { caught: String(e) }; } finally { return { finally: true }; }\n}',
  );
  t.match(
    failure(t, () => swallowing.run({}, META)),
    { code: 'JS_TIMEOUT' },
    'the interrupt cannot be caught',
  );
});

t.test('the memory limit stops a memory bomb, and the next call works', async (t) => {
  const bombs: [string, string][] = [
    ['strings of 1 MiB', "const kept = []; for (;;) kept.push('x'.repeat(1 << 20) + kept.length);"],
    ['a doubling string', "let s = 'x'; for (;;) s = (s + s).toUpperCase();"],
    ['small objects', 'const kept = []; for (let i = 0; ; i++) kept.push({ i, s: "v" + i });'],
    ['typed arrays', 'const kept = []; for (;;) kept.push(new Uint8Array(1 << 20));'],
    ['one big array', 'return { a: new Array(4e6).fill(0.5) };'],
    ['null thrown by the engine', 'const kept = []; try { for (;;) kept.push({}); } catch (e) { throw e; }'],
  ];
  for (const [name, bomb] of bombs) {
    const transform = await sandbox(
      t,
      `function transform(record) {\n  if (record.bomb) { ${bomb} }\n  return { fine: true };\n}`,
      { timeoutMs: 5000, memoryMb: 16 },
    );
    t.match(
      shape(failure(t, () => transform.run({ bomb: true }, META))),
      { code: 'JS_MEMORY', message: 'the transform ran out of memory (memory_mb: 16)' },
      name,
    );
    t.strictSame(transform.run({ bomb: false }, META), [{ fine: true }], `${name}: the next call works`);
  }
});

t.test('deep recursion overflows the sandbox stack, and the next call works', async (t) => {
  const transform = await sandbox(
    t,
    'function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }\nfunction transform(record) { return { depth: depth(record.n) }; }',
  );
  t.strictSame(transform.run({ n: 100 }, META), [{ depth: 100 }], 'ordinary recursion works');
  t.match(shape(failure(t, () => transform.run({ n: 1e6 }, META))), {
    code: 'JS_MEMORY',
    message: 'the transform ran out of stack (recursion too deep for the sandbox)',
  });
  t.strictSame(transform.run({ n: 10 }, META), [{ depth: 10 }], 'the next call works');
  const caught = await sandbox(
    t,
    'function down() { return down(); }\nfunction transform() { try { down(); } catch (e) { return { caught: String(e) }; } }',
  );
  t.strictSame(caught.run({}, META), [{ caught: 'InternalError: stack overflow' }], 'the guest may catch it');
});

t.test('no state leaks from one call to the next', async (t) => {
  const transform = await sandbox(
    t,
    `let calls = 0;
    var seen = [];
    const cache = new Map();
    function transform(record) {
      calls++;
      seen.push(record.n);
      cache.set(record.n, true);
      try { globalThis.leak = record.n; } catch (e) {}
      try { Object.prototype.polluted = record.n; } catch (e) {}
      try { Array.prototype.push = null; } catch (e) {}
      try { JSON.parse = () => ({ hijacked: true }); } catch (e) {}
      try { (0, eval)('var viaEval = 1'); } catch (e) {}
      try { transform.counter = (transform.counter || 0) + 1; } catch (e) {}
      return {
        calls,
        seen,
        cached: cache.size,
        leak: typeof globalThis.leak,
        polluted: typeof ({}).polluted,
        viaEval: typeof viaEval,
        counter: transform.counter,
      };
    }`,
  );
  const expected = (n: number): JsRecord[] => [
    {
      calls: 1,
      seen: [n],
      cached: 1,
      leak: 'undefined',
      polluted: 'undefined',
      viaEval: 'undefined',
      counter: 1,
    },
  ];
  t.strictSame(transform.run({ n: 1 }, META), expected(1));
  t.strictSame(transform.run({ n: 2 }, META), expected(2));
  t.strictSame(transform.run({ n: 3 }, META), expected(3));
});

t.test('values that must survive the trip: unicode and large numbers', async (t) => {
  const transform = await sandbox(t, 'function transform(record) { return record; }');
  const record: JsRecord = {
    emoji: 'smile 😀 and family 👨‍👩‍👧',
    scripts: 'Ελληνικά 中文 日本語 العربية עברית',
    controls: 'tab\tnewline\nnul\u0000quote"backslash\\',
    loneSurrogates: 'a\ud800b\udc00c',
    'key with 😀': 'v',
    maxSafe: Number.MAX_SAFE_INTEGER,
    minSafe: Number.MIN_SAFE_INTEGER,
    huge: 1.7976931348623157e308,
    tiny: 5e-324,
    fraction: 0.1 + 0.2,
    bigAsText: '123456789012345678901234567890',
    nested: { list: [1, 'two', null, true, { deep: ['😀'] }] },
  };
  t.strictSame(transform.run(record, { key: 'emp:😀', op: 'upsert' }), [record]);
  const lengths = await sandbox(
    t,
    'function transform(record, meta) { return { chars: [...record.s].length, units: record.s.length, key: meta.key }; }',
  );
  t.strictSame(lengths.run({ s: 'a😀b' }, { key: 'k:\ud83d', op: 'upsert' }), [
    { chars: 3, units: 4, key: 'k:\ud83d' },
  ]);
});

t.test('guarded built-ins behave like the standard ones', async (t) => {
  const transform = await sandbox(
    t,
    'function transform(record) { return { value: (0, eval)(record.expression) }; }',
    {
      timeoutMs: 1000,
    },
  );
  const expressions = [
    '[1, [2, [3, [4]]]].flat()',
    '[1, [2, [3, [4]]]].flat(2)',
    '[1, [2, [3, [4]]]].flat(Infinity)',
    '[1, , 3, [4, , 6]].flat()',
    '[1, 2].flatMap((x) => [x, x * 2])',
    '[1, 2].flatMap((x) => [[x]])',
    '[1].concat(2, [3, [4]], "s")',
    '[1, , 3].concat([4, , 6]).length',
    '[].concat.apply([], [[1], [2]])',
    '"a,b,c".split(",")',
    '"a-b-c".split("-", 2)',
    '"abc".split("")',
    '"abc".split()',
    '"a1b2".split(/\\d/)',
    '"aaa".replaceAll("a", "b")',
    '"abcb".replaceAll(/b/g, "x")',
    '"abc".replace(/b/, "x")',
    '"abc".replace("b", (m) => m.toUpperCase())',
    '"abcabc".lastIndexOf("c")',
    '"abcabc".indexOf("c", 3)',
    '"abc".includes("b")',
    'Array.from({ length: 3 }, (_, i) => i)',
    'Array.from("abc")',
    '[3, 1, 10, 2].sort()',
    '[1, 2, 3].join("-")',
    'String([1, [2, 3]])',
    'Array.prototype.slice.call({ length: 2, 0: "a", 1: "b" })',
    '(function () { return Array.prototype.slice.call(arguments); })(1, 2)',
    'Array.prototype.map.call("abc", (c) => c + c)',
    '[1, 2, 3].toSorted((a, b) => b - a)',
    '(() => { const r = {}; r.toString = () => "mine"; return String(r); })()',
    '(() => { const o = { constructor: 1 }; o.constructor = 2; o.valueOf = 3; return o; })()',
    '(() => { class E extends Error { constructor(m) { super(m); this.name = "E"; } } return String(new E("m")); })()',
    '(() => { function F() {} F.prototype.toString = function () { return "F!"; }; return String(new F()); })()',
  ];
  for (const expression of expressions) {
    const expected = JSON.parse(JSON.stringify({ value: (0, eval)(expression) as unknown })) as JsRecord;
    t.strictSame(transform.run({ expression }, META), [expected], expression);
  }
  const refused: [string, RegExp][] = [
    [
      '(() => { const a = []; a.length = 2 ** 32 - 1; return a.lastIndexOf(1); })()',
      /more than the sandbox allows/,
    ],
    ['Array.prototype.join.call({ length: 2 ** 40 }, "")', /more than the sandbox allows/],
    ['Array.prototype.includes.call({ get length() { return 3; } }, 1)', /length is a getter/],
    ['"a".repeat(2 ** 23).indexOf("a".repeat(2 ** 20) + "b")', /more work than the sandbox allows/],
    ['"a".repeat(2 ** 23).replaceAll("a".repeat(2 ** 20) + "b", "")', /more work than the sandbox allows/],
    ['"abc".includes(/b/)', /does not take a regular expression/],
    ['"abc".replaceAll(/b/, "x")', /needs a regular expression with the g flag/],
  ];
  for (const [expression, message] of refused) {
    const started = performance.now();
    t.match(
      failure(t, () => transform.run({ expression }, META)),
      { code: 'JS_EXCEPTION', message },
      expression,
    );
    t.ok(performance.now() - started < 1000, `${expression}: refused at once`);
  }
});

t.test('options: each bad limit has its own message', async (t) => {
  const cases: [Partial<JsTransformOptions>, string][] = [
    [{ timeoutMs: 0 }, 'js transform timeout_ms must be an integer from 1 to 60000 (got 0)'],
    [{ timeoutMs: 2.5 }, 'js transform timeout_ms must be an integer from 1 to 60000 (got 2.5)'],
    [{ timeoutMs: 60_001 }, 'js transform timeout_ms must be an integer from 1 to 60000 (got 60001)'],
    [{ memoryMb: 0 }, 'js transform memory_mb must be an integer from 1 to 2032 (got 0)'],
    [{ memoryMb: 4096 }, 'js transform memory_mb must be an integer from 1 to 2032 (got 4096)'],
    [
      { memoryMb: '32' as unknown as number },
      'js transform memory_mb must be an integer from 1 to 2032 (got "32")',
    ],
  ];
  for (const [options, message] of cases) {
    t.match(await createFailure(WORKS, options), { name: 'InvalidArgumentError', message }, message);
  }
  const small = await sandbox(t, WORKS, { timeoutMs: 1, memoryMb: 1 });
  t.strictSame(small.run({}, META), [{ ok: true }], 'the smallest limits still run a small transform');
});

t.test('checkJsTransform: deploy-time validation without a sandbox', async (t) => {
  t.equal(await checkJsTransform(WORKS, 'jobs/emp.js'), undefined);
  t.match(await checkJsTransform('function transform(r) {\n  return r +;\n}', 'jobs/emp.js'), {
    code: 'JS_COMPILE',
    line: 2,
    column: 13,
  });
  t.match(await checkJsTransform('const x = 1;', 'jobs/emp.yaml'), {
    code: 'JS_COMPILE',
    message: 'the code must define a top-level function named transform (found undefined)',
  });
  t.match(await checkJsTransform('while (true) {}\nfunction transform() {}', 'jobs/emp.js'), {
    code: 'JS_TIMEOUT',
  });
});

t.test('a disposed transform refuses to run', async (t) => {
  const transform = await createJsTransform({
    code: WORKS,
    filename: 'jobs/emp.js',
    timeoutMs: 50,
    memoryMb: 8,
  });
  transform.dispose();
  t.throws(() => transform.run({}, META), { message: 'this js transform was disposed' });
});

t.test('locationOf: the first frame in the user file, with the first line shifted back', (t) => {
  const origin = { filename: 'jobs/emp.js', firstLineShift: 14 };
  const cases: [string | undefined, { line?: number; column?: number }][] = [
    ['    at transform (jobs/emp.js:3:9)\n    at run (ferry:sandbox:10:2)\n', { line: 3, column: 9 }],
    ['    at check (ferry:sandbox:5:1)\n    at jobs/emp.js:2:10\n', { line: 2, column: 10 }],
    ['    at transform (jobs/emp.js:1:30)\n', { line: 1, column: 16 }],
    ['    at transform (jobs/other.js:1:30)\n', {}],
    ['    at <anonymous> (jobs/emp.js:4:2)\n', { line: 4, column: 2 }],
    [undefined, {}],
  ];
  for (const [stack, expected] of cases) t.strictSame(locationOf(stack, origin), expected, String(stack));
  t.end();
});

t.test('limits: what timeout_ms and memory_mb become, and the stack share of the host thread', (t) => {
  t.strictSame(compileLimits(50, 32, 4 * 1_048_576), {
    timeoutMs: 50,
    memoryBytes: 33_554_432,
    wasmMaximumPages: 256 + 512,
    stackBytes: 131_072,
    maxArrayLength: 4_194_304,
    maxSearchWork: 268_435_456,
  });
  const stacks: [number, number][] = [
    [4 * 1_048_576, 131_072],
    [984 * 1024, 30_720],
    [64 * 1_048_576, 262_144],
    [100 * 1024, 16_384],
  ];
  for (const [host, expected] of stacks)
    t.equal(stackBytesFor(host), expected, `a host stack of ${host} bytes`);
  t.ok(hostStackBytes() >= 900 * 1024, 'the stack of the thread the tests run on is known');
  t.end();
});

t.test(
  'an engine fault drops the instance: the spare takes over at once, a second fault waits for the next spare',
  async (t) => {
    // A QuickJS stack limit above the host thread's share lets deeply nested JSON exhaust the host's own stack
    // inside the engine: the fault the sandbox must survive without touching the instance again.
    const limits = { ...compileLimits(5000, 32, hostStackBytes()), stackBytes: 1_048_576 };
    const sandbox = new Sandbox(
      'function transform(record) {\n  let v = {};\n  for (let i = 0; i < record.depth; i++) v = { v };\n  return { v };\n}',
      'jobs/deep.js',
      limits,
    );
    t.teardown(() => sandbox.dispose());
    const [module, spare] = await Promise.all([newEngineModule(limits), newEngineModule(limits)]);
    sandbox.start(module);
    sandbox.addSpare(spare);
    const shallow = [{ v: { v: {} } }];
    t.strictSame(sandbox.run({ depth: 1 }, META), shallow);

    const fault = failure(t, () => sandbox.run({ depth: 100_000 }, META));
    t.match(fault, {
      code: 'JS_MEMORY',
      message: 'the transform ran out of stack (recursion too deep for the sandbox)',
    });
    t.type(fault.cause, RangeError, 'the host stack ran out inside the engine');
    t.strictSame(sandbox.run({ depth: 1 }, META), shallow, 'the spare serves the next record at once');

    failure(t, () => sandbox.run({ depth: 100_000 }, META));
    t.match(
      failure(t, () => sandbox.run({ depth: 1 }, META)),
      {
        code: 'JS_MEMORY',
        message:
          'the transform ran out of stack (recursion too deep for the sandbox); the sandbox is being rebuilt and was not ready for this record',
      },
    );
    await sandbox.spareSettled();
    t.strictSame(sandbox.run({ depth: 1 }, META), shallow, 'the next spare serves once it has loaded');
  },
);
