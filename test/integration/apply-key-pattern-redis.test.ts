// key_pattern against the real thing: for every (pattern, key) pair of a table, compileKeyPattern answers
// what Redis answers for SCAN MATCH, so a job tracks exactly the keys a user sees with redis-cli --scan.
//
// Keys are ASCII: Redis matches bytes, the compiled pattern UTF-16 code units, so `?` and classes differ on
// multi-byte characters (Redis' `?` does not match `é`, two bytes). Left out on purpose too: an unclosed `[`
// (Redis closes the class at the end of the pattern, Ferry refuses the pattern) and a range whose end is the
// class's `]` (`[a-]`: Redis reads a range from a to `]`, Ferry a and `-`).
import t from 'tap';
import { compileKeyPattern } from '../../worker/apply/key-pattern.js';
import { deleteKeys, testRedis, uniquePrefix } from '../helpers/redis.js';

/** Key suffixes written under the test's prefix. */
const KEYS = [
  'a',
  'b',
  'z',
  '-',
  ']',
  '^',
  '!',
  '_',
  'x',
  'ab',
  'abc',
  'ac',
  'a.c',
  'a+c',
  'aac',
  'a*c',
  'a?c',
  'a[c',
  'a\\c',
  'a\\',
  '(x)',
  '$x',
  'x$',
  'a|b',
  'a{2}',
  'aa',
  'emp:',
  'emp:1',
  'emp:12',
  'emp:1:2',
  'order:7:line:3',
  'line\nbreak',
  'a-z',
];

/** Patterns (after the prefix), each a rule of Redis' glob. */
const PATTERNS = [
  '*',
  'a*',
  '*c',
  'a*c',
  'a**c',
  '?',
  '??',
  'a?c',
  'a.c',
  'a+c',
  'a\\*c',
  'a\\?c',
  'a\\[c',
  'a\\\\c',
  'a\\bc',
  'a\\',
  '[abc]',
  '[^a]',
  '[a-c]',
  '[c-a]',
  '[^a-c]',
  '[a-c]*',
  '[a\\-z]',
  '[\\]]',
  '[!a]',
  '[.$^]',
  '[]',
  '[]]',
  '[^]',
  '(x)',
  '\\(x\\)',
  '$x',
  'x$',
  'a|b',
  'a{2}',
  'emp:?',
  'emp:*',
  'emp:**',
  'emp:*:*',
  'order:*:line:*',
  '*:*:*:*',
  'line?break',
  'line*',
  'a-*',
];

t.test('compileKeyPattern(p).matches(k) equals SCAN MATCH p over k, for every pair', async (t) => {
  const redis = testRedis(t);
  const prefix = uniquePrefix('apply-key-pattern');
  t.teardown(() => deleteKeys(redis, prefix));
  const keys = KEYS.map((suffix) => `${prefix}:${suffix}`);
  await redis.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
  t.equal(await redis.exists(...keys), KEYS.length, 'every key is written');

  for (const suffix of PATTERNS) {
    const pattern = `${prefix}:${suffix}`;
    const redisMatches = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of found) redisMatches.add(key);
    } while (cursor !== '0');
    const compiled = compileKeyPattern(pattern);
    const ferryMatches = keys.filter((key) => compiled.matches(key));
    t.strictSame(
      ferryMatches.map((key) => key.slice(prefix.length + 1)),
      keys.filter((key) => redisMatches.has(key)).map((key) => key.slice(prefix.length + 1)),
      `pattern ${JSON.stringify(suffix)}`,
    );
    // Every key Redis found is one of ours: the prefix keeps other tests' keys out.
    t.equal(redisMatches.size, keys.filter((key) => redisMatches.has(key)).length);
  }
});

t.test('the table is not trivial: each pattern matches some key and misses another', (t) => {
  const never = new Set(['[]', '[]]']);
  for (const suffix of PATTERNS) {
    const compiled = compileKeyPattern(`p:${suffix}`);
    const hits = KEYS.filter((key) => compiled.matches(`p:${key}`)).length;
    if (never.has(suffix)) t.equal(hits, 0, `${suffix} matches nothing`);
    else if (suffix === '*') t.equal(hits, KEYS.length, '* matches every key');
    else t.ok(hits > 0 && hits < KEYS.length, `${suffix} matches ${hits} of ${KEYS.length}`);
  }
  t.end();
});
