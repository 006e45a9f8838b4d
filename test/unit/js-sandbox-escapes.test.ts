// Escape attempts against the js transform sandbox, one test each: every test fails loudly when the attempt
// succeeds (reaches the host, loads a module, leaves state behind, runs past its limits or code on the host
// side). The attacker is a job author: the code under test is exactly what a job file could carry.
import t from 'tap';
import type { Test } from 'tap';
import { JsTransformError, createJsTransform } from '../../worker/transform/js/sandbox.js';
import type { JsRecord, JsTransform, JsTransformMeta } from '../../worker/transform/js/sandbox.js';

const META: JsTransformMeta = { key: 'emp:1', op: 'upsert' };
const TIMEOUT_MS = 100;

/** A sandbox whose transform evaluates `record.attack` (indirectly, at global scope) and returns the value. */
async function attackable(
  t: Test,
  options: { timeoutMs?: number; memoryMb?: number } = {},
): Promise<JsTransform> {
  const transform = await createJsTransform({
    code: 'function transform(record, meta) {\n  return { value: (0, eval)(record.attack) };\n}',
    filename: 'jobs/attack.js',
    timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    memoryMb: options.memoryMb ?? 32,
  });
  t.teardown(() => transform.dispose());
  return transform;
}

async function sandbox(t: Test, code: string): Promise<JsTransform> {
  const transform = await createJsTransform({
    code,
    filename: 'jobs/attack.js',
    timeoutMs: TIMEOUT_MS,
    memoryMb: 32,
  });
  t.teardown(() => transform.dispose());
  return transform;
}

function valueOf(transform: JsTransform, attack: string): unknown {
  const [record] = transform.run({ attack }, META);
  return record?.value;
}

/** Runs an attack that must fail; returns the error (fails the test when it succeeds). */
function mustFail(t: Test, transform: JsTransform, attack: string): JsTransformError | undefined {
  let result: JsRecord[];
  try {
    result = transform.run({ attack }, META);
  } catch (error) {
    if (error instanceof JsTransformError) return error;
    t.fail(`${attack}: the host got ${String(error)} instead of a JsTransformError`);
    return undefined;
  }
  t.fail(`${attack}: the attack succeeded and returned ${JSON.stringify(result)}`);
  return undefined;
}

/** After every attack, an ordinary record still goes through the same sandbox. */
function stillWorks(t: Test, transform: JsTransform, after: string): void {
  t.strictSame(valueOf(transform, '1 + 1'), 2, `the next call works after: ${after}`);
}

t.test('host globals (process, require, module, timers, std/os...) do not exist', async (t) => {
  const transform = await attackable(t);
  const names = [
    'process',
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
    'Buffer',
    'global',
    'setTimeout',
    'setInterval',
    'setImmediate',
    'clearTimeout',
    'queueMicrotask',
    'fetch',
    'XMLHttpRequest',
    'WebSocket',
    'performance',
    'crypto',
    'structuredClone',
    'postMessage',
    'importScripts',
    'Deno',
    'Bun',
    'std',
    'os',
    'scriptArgs',
    'print',
    'SharedArrayBuffer',
    'Atomics',
    'WeakRef',
    'FinalizationRegistry',
    'Proxy',
  ];
  for (const name of names) t.equal(valueOf(transform, `typeof ${name}`), 'undefined', name);
  t.match(mustFail(t, transform, 'process.env'), {
    code: 'JS_EXCEPTION',
    message: /'process' is not defined/,
  });
  t.match(mustFail(t, transform, "require('fs')"), {
    code: 'JS_EXCEPTION',
    message: /'require' is not defined/,
  });
});

t.test('the global object holds the standard built-ins and nothing else', async (t) => {
  const standard = new Set([
    'globalThis',
    'undefined',
    'NaN',
    'Infinity',
    'eval',
    'isFinite',
    'isNaN',
    'parseFloat',
    'parseInt',
    'decodeURI',
    'decodeURIComponent',
    'encodeURI',
    'encodeURIComponent',
    'escape',
    'unescape',
    'Object',
    'Function',
    'Array',
    'Number',
    'Boolean',
    'String',
    'Symbol',
    'BigInt',
    'Date',
    'RegExp',
    'Error',
    'AggregateError',
    'EvalError',
    'RangeError',
    'ReferenceError',
    'SyntaxError',
    'TypeError',
    'URIError',
    'InternalError',
    'Math',
    'JSON',
    'Reflect',
    'Map',
    'Set',
    'WeakMap',
    'WeakSet',
    'Promise',
    'Iterator',
    'ArrayBuffer',
    'DataView',
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float16Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'console',
    'Symbol(Symbol.toStringTag)',
  ]);
  const transform = await attackable(t);
  for (const attack of [
    'Reflect.ownKeys(globalThis).map(String)',
    "Reflect.ownKeys(Function('return this')()).map(String)",
    "Reflect.ownKeys(this.constructor.constructor('return this')()).map(String)",
  ]) {
    const names = valueOf(transform, attack) as string[];
    t.ok(names.length > 40, `${attack}: the built-ins are there`);
    t.strictSame(
      names.filter((name) => !standard.has(name)),
      [],
      `${attack}: no name beyond the standard built-ins`,
    );
  }
  t.strictSame(valueOf(transform, "Function('return this')() === globalThis"), true);
});

t.test('constructor chains lead back into the guest, never to the host', async (t) => {
  const transform = await sandbox(
    t,
    `function transform(record, meta) {
      const attempts = {
        viaThis: () => this.constructor.constructor('return process')(),
        viaGlobal: () => globalThis.constructor.constructor('return process')(),
        viaRecord: () => record.constructor.constructor('return process')(),
        viaMeta: () => meta.constructor.constructor('return process')(),
        viaArrow: () => (() => {}).constructor('return process')(),
        viaError: () => new Error().constructor.constructor('return process')(),
      };
      const results = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try {
          results[name] = 'reached ' + typeof attempt();
        } catch (error) {
          results[name] = String(error);
        }
      }
      results.recordIsGuest = Object.getPrototypeOf(record) === Object.prototype;
      results.metaIsGuest = Object.getPrototypeOf(meta) === Object.prototype;
      // Async and generator bodies report through a callback: an async body runs until its first await,
      // a generator's on next().
      (async () => {}).constructor('report', 'report(typeof process)')((seen) => (results.viaAsync = seen));
      (function* () {}).constructor('report', 'report(typeof process)')((seen) => (results.viaGenerator = seen)).next();
      return results;
    }`,
  );
  const [results] = transform.run({}, META);
  const notDefined = "ReferenceError: 'process' is not defined";
  t.match(results, {
    viaThis: notDefined,
    viaGlobal: notDefined,
    viaRecord: notDefined,
    viaMeta: notDefined,
    viaArrow: notDefined,
    viaError: notDefined,
    recordIsGuest: true,
    metaIsGuest: true,
  });
  t.equal(results?.viaAsync, 'undefined', 'an AsyncFunction body sees no process');
  t.equal(results?.viaGenerator, 'undefined', 'a GeneratorFunction body sees no process');
});

t.test('import() and module syntax never load a module', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['a static import', "import fs from 'fs';\nfunction transform(r) { return r; }", /^SyntaxError/],
    ['the std module', "import * as std from 'std';\nfunction transform(r) { return r; }", /^SyntaxError/],
    ['an export', 'export function transform(r) { return r; }', /^SyntaxError/],
  ];
  for (const [name, code, message] of cases) {
    const error = await createJsTransform({
      code,
      filename: 'jobs/attack.js',
      timeoutMs: 50,
      memoryMb: 8,
    }).then(
      (transform) => {
        transform.dispose();
        return undefined;
      },
      (error: unknown) => error,
    );
    t.match(error, { code: 'JS_COMPILE', message }, name);
  }
  const transform = await attackable(t);
  for (const attack of [
    "import('fs')",
    "import('std')",
    "import('os')",
    'eval("import(\'child_process\')")',
  ]) {
    t.match(
      mustFail(t, transform, attack),
      {
        code: 'JS_BAD_RESULT',
        message: /^the field 'value' of a returned record is a Promise, which JSON cannot hold/,
      },
      `${attack}: a promise that never settles is not a record field`,
    );
  }
  t.match(mustFail(t, transform, 'eval(\'import fs from "fs"\')'), {
    code: 'JS_EXCEPTION',
    message: /^SyntaxError/,
  });
  const awaiting = await sandbox(
    t,
    "async function transform() { const fs = await import('fs'); return { fs }; }",
  );
  t.match(mustFail(t, awaiting, ''), { code: 'JS_BAD_RESULT', message: /returned a Promise/ });
  const chained = await sandbox(
    t,
    "function transform() { import('fs').then((fs) => { for (;;) {} }); return { done: true }; }",
  );
  t.strictSame(chained.run({}, META), [{ done: true }], 'the import continuation never runs');
  stillWorks(t, transform, 'import()');
});

t.test('SharedArrayBuffer and Atomics waits are not available', async (t) => {
  const transform = await attackable(t);
  for (const attack of [
    'Atomics.wait(new Int32Array(new SharedArrayBuffer(16)), 0, 0, 60000)',
    'new SharedArrayBuffer(16)',
    'Atomics.wait(new Int32Array(new ArrayBuffer(16)), 0, 0, 60000)',
  ]) {
    const started = performance.now();
    t.match(mustFail(t, transform, attack), { code: 'JS_EXCEPTION', message: /^ReferenceError/ }, attack);
    t.ok(performance.now() - started < 1000, `${attack}: no wait`);
  }
  stillWorks(t, transform, 'Atomics');
});

t.test('prototype pollution stays in the guest and does not reach the host', async (t) => {
  const transform = await sandbox(
    t,
    `function transform(record) {
      try { Object.prototype.polluted = 'guest'; } catch (e) {}
      try { Object.defineProperty(Object.prototype, 'polluted2', { value: 'guest' }); } catch (e) {}
      try { Array.prototype.polluted = 'guest'; } catch (e) {}
      try { ({}).__proto__.polluted3 = 'guest'; } catch (e) {}
      try { Object.setPrototypeOf(Object.prototype, { polluted4: 'guest' }); } catch (e) {}
      return [
        JSON.parse('{"__proto__": {"polluted": "via JSON"}, "id": 1}'),
        { ['__proto__']: { polluted: 'via computed key' }, id: 2 },
        { constructor: { prototype: { polluted: 'via constructor' } }, id: 3 },
        { seen: typeof ({}).polluted + typeof ({}).polluted2 + typeof [].polluted + typeof ({}).polluted3 },
      ];
    }`,
  );
  for (let round = 1; round <= 2; round++) {
    const records = transform.run({}, META);
    t.equal(records.length, 4);
    t.equal(
      records[3]?.seen,
      'undefinedundefinedundefinedundefined',
      `round ${round}: not even the guest sees it`,
    );
    for (const record of records.slice(0, 3)) {
      t.equal(
        Object.getPrototypeOf(record),
        Object.prototype,
        'a returned record has the ordinary prototype',
      );
      t.equal(record.polluted, undefined, 'no inherited polluted property');
    }
    t.ok(
      Object.hasOwn(records[0] ?? {}, '__proto__'),
      '__proto__ stays an own field, as JSON.parse makes it',
    );
    t.equal(({} as JsRecord).polluted, undefined, 'the host Object.prototype is untouched');
    t.equal(([] as unknown as JsRecord).polluted, undefined, 'the host Array.prototype is untouched');
    for (const name of ['polluted2', 'polluted3', 'polluted4']) t.notOk(name in {}, `host: no ${name}`);
  }
});

t.test(
  'getters, toJSON and functions in a result run in the guest or are refused, never on the host',
  async (t) => {
    const transform = await attackable(t);
    const [record] = transform.run(
      {
        attack: `({
        get computed() { return 'from a getter'; },
        toJSON() { return { replaced: true, computed: this.computed }; },
      })`,
      },
      META,
    );
    const value = record?.value as JsRecord;
    t.strictSame(value, { replaced: true, computed: 'from a getter' });
    t.ok(
      'value' in (Object.getOwnPropertyDescriptor(value, 'computed') ?? {}),
      'the host gets a data property',
    );
    t.equal(Object.getPrototypeOf(value), Object.prototype);
    const refused: [string, string][] = [
      ['({ then(resolve) { resolve(1); } })', 'JS_BAD_RESULT'],
      ['({ valueOf() { return 1; }, toString() { return "x"; } })', 'JS_BAD_RESULT'],
      ['({ get slow() { for (;;) {} } })', 'JS_TIMEOUT'],
      ['({ toJSON() { for (;;) {} } })', 'JS_TIMEOUT'],
      ['({ toJSON() { throw new Error("from toJSON"); } })', 'JS_BAD_RESULT'],
    ];
    for (const [attack, code] of refused) {
      t.match(mustFail(t, transform, attack), { code }, attack);
      stillWorks(t, transform, attack);
    }
    const symbolKeyed = valueOf(
      transform,
      '({ [Symbol.toPrimitive]() { return 1; }, plain: 1 })',
    ) as JsRecord;
    t.strictSame(symbolKeyed, { plain: 1 }, 'symbol keys do not cross');
    t.equal(Object.getOwnPropertySymbols(symbolKeyed).length, 0, 'no symbol-keyed method reaches the host');
  },
);

t.test('endless loops of every kind end at the time limit', async (t) => {
  const transform = await attackable(t, { timeoutMs: TIMEOUT_MS });
  const loops = [
    'for (;;) {}',
    'while (true) {}',
    '(function spin() { for (;;) {} })()',
    'try { for (;;) {} } catch (e) { "caught" }',
    'try { for (;;) {} } finally { for (;;) {} }',
    '/(a+)+$/.test("a".repeat(40) + "b")',
    '/(x+x+)+y/.test("x".repeat(5000))',
    '[3, 2, 1].sort(() => { for (;;) {} })',
    'JSON.parse("[1]", () => { for (;;) {} })',
    '"abc".replace(/b/, () => { for (;;) {} })',
    '(function* () { for (;;) yield 1; })().toArray()',
    'Array.from({ length: 10 }, () => { for (;;) {} })',
    'new Array(1e6).fill(0).map((x, i) => { for (let j = 0; j < 1e6; j++) x += j; return x; })',
    'eval("for (;;) {}")',
    'new Function("for (;;) {}")()',
  ];
  for (const attack of loops) {
    const started = performance.now();
    t.match(mustFail(t, transform, attack), { code: 'JS_TIMEOUT' }, attack);
    const elapsed = performance.now() - started;
    t.ok(elapsed < TIMEOUT_MS * 10, `${attack}: stopped after ${Math.round(elapsed)} ms`);
    stillWorks(t, transform, attack);
  }
  const queued = valueOf(transform, 'Promise.resolve().then(() => { for (;;) {} }), "returned"');
  t.equal(queued, 'returned', 'a loop in a promise callback never runs');
});

t.test('built-in loops the interrupt cannot reach are refused before they start', async (t) => {
  const transform = await attackable(t, { timeoutMs: TIMEOUT_MS });
  const sparse = 'Object.assign([], { length: 2 ** 32 - 1 })';
  const attacks = [
    `${sparse}.lastIndexOf(1)`,
    `${sparse}.includes(1)`,
    `${sparse}.join("")`,
    `${sparse}.toString()`,
    `${sparse}.reverse()`,
    `${sparse}.sort()`,
    `${sparse}.slice(0)`,
    `${sparse}.copyWithin(0, 1)`,
    `${sparse}.shift()`,
    `${sparse}.unshift(1)`,
    `${sparse}.splice(1, 1)`,
    `${sparse}.forEach(() => {})`,
    `${sparse}.reduce((a) => a, 0)`,
    `[].concat(${sparse})`,
    `[${sparse}].flat()`,
    `[1].flatMap(() => ${sparse})`,
    `Array.from(${sparse})`,
    'Array.prototype.join.call({ length: 2 ** 53 - 1 }, "")',
    'Array.prototype.lastIndexOf.call({ length: 2 ** 53 - 1 }, 1)',
    'Array.prototype.includes.call({ get length() { return 2 ** 53 - 1; } }, 1)',
    'Array.prototype.includes.call({ length: { valueOf() { return 2 ** 53 - 1; } } }, 1)',
    '"a".repeat(2 ** 23).indexOf("a".repeat(2 ** 20) + "b")',
    '"a".repeat(2 ** 23).includes("a".repeat(2 ** 20) + "b")',
    '"a".repeat(2 ** 23).split("a".repeat(2 ** 20) + "b")',
    '"a".repeat(2 ** 23).replace("a".repeat(2 ** 20) + "b", "")',
    '"a".repeat(2 ** 23).replaceAll("a".repeat(2 ** 20) + "b", "")',
    '"a".repeat(2 ** 23).indexOf({ toString() { return "a".repeat(2 ** 20) + "b"; } })',
  ];
  for (const attack of attacks) {
    const started = performance.now();
    const error = mustFail(t, transform, attack);
    t.match(error, { code: /^JS_(EXCEPTION|MEMORY|TIMEOUT)$/ }, attack);
    const elapsed = performance.now() - started;
    t.ok(
      elapsed < TIMEOUT_MS * 10,
      `${attack}: ended after ${Math.round(elapsed)} ms (${error?.message ?? ''})`,
    );
    stillWorks(t, transform, attack);
  }
});

t.test('memory bombs end at the memory limit', async (t) => {
  const transform = await attackable(t, { timeoutMs: 10_000, memoryMb: 16 });
  const bombs = [
    'const kept = []; for (;;) kept.push("x".repeat(1 << 20) + kept.length);',
    'let s = "x"; for (;;) s = (s + s).toUpperCase();',
    'const kept = []; for (;;) kept.push(new Float64Array(1 << 17));',
    'const kept = []; for (;;) kept.push([1, 2, 3, 4, 5, 6, 7, 8]);',
    'const kept = new Map(); for (let i = 0; ; i++) kept.set(i, { i });',
    'new Array(4e6).fill(0.5)',
    'new ArrayBuffer(1 << 30)',
    '"x".repeat(2 ** 29)',
    'JSON.parse("[" + "1,".repeat(1 << 24) + "1]")',
    'Array.from({ length: 4e6 }, (_, i) => "item" + i)',
  ];
  for (const attack of bombs) {
    const error = mustFail(t, transform, attack);
    // The engine may refuse a single huge allocation with a RangeError before running out of memory.
    t.match(error, { code: /^JS_(MEMORY|EXCEPTION)$/ }, attack);
    if (error?.code === 'JS_EXCEPTION') t.match(error.message, /RangeError|InternalError|memory/, attack);
    stillWorks(t, transform, attack);
  }
  const bigButFine = valueOf(transform, '"x".repeat(1 << 20).length');
  t.equal(bigButFine, 1 << 20, 'a megabyte string within the limit is fine');
});

t.test('deeply nested values cannot crash the host', async (t) => {
  const transform = await attackable(t, { timeoutMs: 5000 });
  const attacks = [
    'let v = {}; for (let i = 0; i < 1e5; i++) v = { v }; v',
    'let v = []; for (let i = 0; i < 1e5; i++) v = [v]; v',
    'JSON.parse("[".repeat(1e5) + "]".repeat(1e5))',
  ];
  for (const attack of attacks) {
    t.match(mustFail(t, transform, attack), { code: /^JS_(MEMORY|BAD_RESULT)$/ }, attack);
    stillWorks(t, transform, attack);
  }
  const deepInput = (depth: number): JsRecord => {
    let value: JsRecord = {};
    for (let i = 0; i < depth; i++) value = { value };
    return value;
  };
  const echo = await sandbox(t, 'function transform(record) { return record; }');
  t.strictSame(echo.run(deepInput(500), META), [deepInput(500)], 'a record nested 500 levels deep is fine');
  t.match(
    failure(() => echo.run(deepInput(3_000), META)),
    { code: 'JS_MEMORY', message: 'the transform ran out of stack (recursion too deep for the sandbox)' },
    'a record nested too deeply for the sandbox',
  );
  t.match(
    failure(() => echo.run(deepInput(100_000), META)),
    { code: 'JS_MEMORY', message: /^the record is nested too deeply to enter the sandbox/ },
    'a record nested too deeply for the host to write it as JSON',
  );
  t.strictSame(echo.run({ ok: 1 }, META), [{ ok: 1 }], 'the next call works');
});

t.test('built-ins cannot be replaced to tamper with the driver or the next record', async (t) => {
  const transform = await attackable(t);
  const tampering = [
    'JSON.stringify = () => "\\"forged\\""',
    'JSON.parse = () => ({ forged: true })',
    'Array.isArray = () => false',
    'Object.getPrototypeOf = () => null',
    'Array.prototype.push = function () {}',
    'delete Array.prototype.map',
    'Object.defineProperty(Array.prototype, "0", { get() { return "forged"; } })',
    'Object.setPrototypeOf(Array.prototype, null)',
    'Function.prototype.call = () => "forged"',
    'Symbol.prototype.description = "x"',
    'String.prototype.indexOf = () => 0',
  ];
  for (const attack of tampering) {
    let value: unknown;
    try {
      value = valueOf(transform, `(() => { 'use strict'; ${attack}; return "tampered"; })()`);
    } catch (error) {
      value = error instanceof JsTransformError ? error.code : error;
    }
    t.equal(value, 'JS_EXCEPTION', `${attack}: refused, the realm is frozen`);
    t.strictSame(
      valueOf(
        transform,
        '[JSON.stringify({ a: [1] }), Array.isArray([]), [1, 2].map((x) => x * 2), "ab".indexOf("b")]',
      ),
      ['{"a":[1]}', true, [2, 4], 1],
      `${attack}: the built-ins are intact`,
    );
  }
});

t.test('the driver and the host stay out of reach', async (t) => {
  const transform = await sandbox(
    t,
    `function transform(record, meta) {
      const found = {};
      found.caller = typeof transform.caller;
      try { found.callee = typeof arguments.callee.caller; } catch (e) { found.callee = String(e); }
      found.stack = String(new Error('probe').stack).split('\\n').filter((line) => !line.includes('jobs/attack.js') && line.trim() !== '');
      return found;
    }`,
  );
  const [found] = transform.run({}, META);
  t.equal(found?.caller, 'undefined', 'no caller');
  t.equal(found?.callee, 'undefined', 'no caller through arguments.callee');
  for (const line of found?.stack as string[]) {
    t.match(line, /ferry:sandbox|native/, `a stack frame names only the sandbox: ${line}`);
    t.notMatch(line, /node_modules|\/work|file:/, 'no host path in a stack frame');
  }
});

t.test('an error carries only text to the host', async (t) => {
  const transform = await attackable(t);
  const error = mustFail(
    t,
    transform,
    '(() => { const e = new Error("x"); e.payload = { toString() { return "p"; } }; throw e; })()',
  );
  t.equal(error?.message, 'Error: x');
  t.strictSame(
    Object.keys(error ?? {}).filter((key) => !['name', 'code', 'line', 'column'].includes(key)),
    [],
    'nothing beyond name, code, line and column',
  );
  const slow = mustFail(t, transform, '(() => { throw { get message() { for (;;) {} } }; })()');
  t.match(slow, { code: /^JS_(EXCEPTION|TIMEOUT)$/ }, 'an error whose message loops is still bounded');
  const getters = mustFail(
    t,
    transform,
    '(() => { const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw 1; } }); throw e; })()',
  );
  t.match(getters, { code: 'JS_EXCEPTION', message: 'threw a value that cannot be described' });
  stillWorks(t, transform, 'errors with getters');
});

function failure(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}
