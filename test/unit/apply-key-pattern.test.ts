// A job's key_pattern: Redis' glob rules compiled to a regular expression, with one capture per `*`. The
// same (pattern, key) answers are checked against a real Redis in test/integration/apply-key-pattern-redis.
import t from 'tap';
import { InvalidArgumentError } from '../../common/errors.js';
import { compileKeyPattern } from '../../worker/apply/key-pattern.js';

interface Asserts {
  strictSame(found: unknown, wanted: unknown, message: string): boolean;
}

/** Asserts, for each key, whether `pattern` matches it. */
function assertMatches(t: Asserts, pattern: string, expected: Record<string, boolean>): void {
  const compiled = compileKeyPattern(pattern);
  const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, compiled.matches(key)]));
  t.strictSame(actual, expected, `pattern ${JSON.stringify(pattern)}`);
}

t.test('* matches any run of characters, the empty run and separators included', (t) => {
  assertMatches(t, 'emp:*', {
    'emp:1': true,
    'emp:': true,
    'emp:1:2': true,
    'emp:\n': true,
    emp: false,
    'xemp:1': false,
    'EMP:1': false,
  });
  assertMatches(t, '*:1', { 'emp:1': true, ':1': true, 'emp:12': false });
  assertMatches(t, '*', { '': true, anything: true, 'a\nb': true });
  t.end();
});

t.test('? matches exactly one character', (t) => {
  assertMatches(t, 'emp:?', { 'emp:1': true, 'emp:\n': true, 'emp:': false, 'emp:12': false });
  assertMatches(t, '??', { ab: true, a: false, abc: false });
  t.end();
});

t.test('classes: sets, negation, ranges, reversed ranges, escapes', (t) => {
  assertMatches(t, 'k[abc]', { ka: true, kb: true, kc: true, kd: false, k: false, kab: false });
  assertMatches(t, 'k[^a]', { kb: true, 'k-': true, ka: false, k: false, kbb: false });
  assertMatches(t, 'k[a-c]', { ka: true, kb: true, kc: true, kd: false, 'k-': false });
  assertMatches(t, 'k[c-a]', { ka: true, kb: true, kc: true, kd: false });
  assertMatches(t, 'k[^a-c]', { ka: false, kc: false, kd: true });
  assertMatches(t, 'k[0-9a-f]', { k0: true, k9: true, kf: true, kg: false });
  // An escaped dash is a dash, not a range operator.
  assertMatches(t, 'k[a\\-z]', { ka: true, 'k-': true, kz: true, kb: false });
  assertMatches(t, 'k[\\]]', { 'k]': true, 'k\\': false });
  // Only `^` negates; `!` is a member like any other.
  assertMatches(t, 'k[!a]', { 'k!': true, ka: true, kb: false });
  // Regular-expression syntax inside a class is plain characters.
  assertMatches(t, 'k[.$^]', { 'k.': true, k$: true, 'k^': true, kx: false });
  assertMatches(t, 'k[\\^]', { 'k^': true, kx: false });
  t.end();
});

t.test('empty classes: [] matches nothing, [^] any one character', (t) => {
  assertMatches(t, 'k[]', { k: false, ka: false, 'k]': false });
  assertMatches(t, 'k[]]', { 'k]': false, k: false });
  assertMatches(t, 'k[^]', { ka: true, 'k]': true, k: false, kab: false });
  t.end();
});

t.test('a backslash escapes the next character; a trailing one is itself', (t) => {
  assertMatches(t, 'a\\*c', { 'a*c': true, abc: false, ac: false });
  assertMatches(t, 'a\\?c', { 'a?c': true, abc: false });
  assertMatches(t, 'a\\[c', { 'a[c': true, ac: false });
  assertMatches(t, 'a\\bc', { abc: true, 'a\\bc': false });
  assertMatches(t, 'a\\\\', { 'a\\': true, a: false });
  assertMatches(t, 'a\\', { 'a\\': true, a: false });
  t.end();
});

t.test('regular-expression metacharacters in keys are literal', (t) => {
  assertMatches(t, 'a.c', { 'a.c': true, abc: false });
  assertMatches(t, 'a+c', { 'a+c': true, aac: false, ac: false });
  assertMatches(t, '(x)', { '(x)': true, x: false });
  assertMatches(t, '$x^', { '$x^': true, x: false });
  assertMatches(t, 'a|b', { 'a|b': true, a: false, b: false });
  assertMatches(t, 'a{2}', { 'a{2}': true, aa: false });
  assertMatches(t, 'a/b-c', { 'a/b-c': true, 'a/bc': false });
  assertMatches(t, 'user:*.json', { 'user:1.json': true, 'user:1xjson': false });
  t.end();
});

t.test('captures: one part per *, in order, undefined when the key does not match', (t) => {
  const orderLine = compileKeyPattern('order:*:line:*');
  t.equal(orderLine.pattern, 'order:*:line:*');
  t.equal(orderLine.wildcards, 2);
  t.strictSame(orderLine.captures('order:7:line:3'), ['7', '3']);
  t.strictSame(orderLine.captures('order::line:'), ['', '']);
  t.equal(orderLine.captures('order:7'), undefined);

  // Earlier stars take as little as they can: the last one takes the rest.
  t.strictSame(compileKeyPattern('a:*:*').captures('a:b:c:d'), ['b', 'c:d']);
  // ? and classes match but do not capture.
  t.strictSame(compileKeyPattern('?:*:[0-9]').captures('x:ab:7'), ['ab']);
  t.strictSame(compileKeyPattern('emp:1').captures('emp:1'), []);
  t.equal(compileKeyPattern('emp:1').wildcards, 0);
  t.strictSame(compileKeyPattern('emp:*').captures('emp:a\nb'), ['a\nb']);
  t.end();
});

t.test('consecutive stars match like one and capture once', (t) => {
  const pattern = compileKeyPattern('a**b');
  t.equal(pattern.wildcards, 1);
  t.strictSame(pattern.captures('axyzb'), ['xyz']);
  t.strictSame(pattern.captures('ab'), ['']);
  t.equal(pattern.matches('a'), false);

  const twoRuns = compileKeyPattern('***:***');
  t.equal(twoRuns.wildcards, 2);
  t.strictSame(twoRuns.captures('x:y'), ['x', 'y']);

  // An escaped star is a literal, so the star after it starts a run of its own.
  const escaped = compileKeyPattern('a\\**');
  t.equal(escaped.wildcards, 1);
  t.strictSame(escaped.captures('a*bc'), ['bc']);
  t.equal(escaped.matches('abc'), false);
  t.end();
});

t.test('an unclosed [ is an InvalidArgumentError naming the pattern', (t) => {
  for (const pattern of ['emp:[12', 'emp:[', 'emp:[^', 'emp:[a\\]', 'x[a-z']) {
    t.throws(
      () => compileKeyPattern(pattern),
      {
        name: 'InvalidArgumentError',
        code: 'INVALID_ARGUMENT',
        message: `key_pattern ${JSON.stringify(pattern)} has an unclosed "["`,
      },
      pattern,
    );
  }
  t.throws(() => compileKeyPattern('['), InvalidArgumentError, 'an instance of InvalidArgumentError');
  // A [ escaped outside a class is no class at all.
  t.equal(compileKeyPattern('emp:\\[12').matches('emp:[12'), true);
  t.end();
});
