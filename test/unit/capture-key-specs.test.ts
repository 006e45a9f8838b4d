// Capture's key table, from a COMMAND INFO reply captured once from a real Redis 7.0 (the fixture is the
// server's raw reply, all commands with subcommands, written as JSON; it is not edited by hand). The same
// answers are checked against the live server's COMMAND GETKEYSANDFLAGS in test/integration.
//
// Keys are written `key(access)`: `r` read only, `w` may change it, `wd` may also delete it.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { InvalidArgumentError } from '../../common/errors.js';
import {
  CommandKeyTable,
  IncompleteKeySpecError,
  UnknownCommandError,
  crossDatabaseKeys,
  databaseEffect,
  type KeyAccess,
} from '../../worker/capture/key-specs.js';

interface CommandInfoFixture {
  redisVersion: string;
  reply: unknown[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/capture/command-info-redis-7.0.json', import.meta.url), 'utf8'),
) as CommandInfoFixture;
const table = CommandKeyTable.fromCommandInfo(fixture.reply);

/** A command line split on spaces; pass an array for arguments with spaces or empty ones. */
function argvOf(command: string | string[]): Buffer[] {
  const parts = typeof command === 'string' ? command.split(' ') : command;
  return parts.map((part) => Buffer.from(part));
}

function notation(access: KeyAccess): string {
  return `${access.key.toString()}(${access.write ? 'w' : 'r'}${access.delete ? 'd' : ''})`;
}

function keysOf(command: string | string[], keyTable = table): string[] {
  return keyTable.keysOf(argvOf(command)).map(notation);
}

interface Asserts {
  strictSame(found: unknown, wanted: unknown, message: string): boolean;
}

/** command -> its keys, checked one by one so that a failure names the command. */
function checkKeys(t: Asserts, cases: Record<string, string[]>, keyTable = table): void {
  for (const [command, expected] of Object.entries(cases)) {
    t.strictSame(keysOf(command, keyTable), expected, command);
  }
}

t.test('the fixture is a Redis 7 reply', (t) => {
  t.match(fixture.redisVersion, /^7\./);
  t.ok(fixture.reply.length > 200, 'every command is in it');
  t.end();
});

t.test('hashes and strings', (t) => {
  checkKeys(t, {
    'HSET h f v f2 v2': ['h(w)'],
    'HDEL h f f2': ['h(wd)'],
    'HINCRBY h f 1': ['h(w)'],
    'SET k v GET EX 10': ['k(w)'],
    'SET k v': ['k(w)'],
    'SETEX k 10 v': ['k(w)'],
    'APPEND k v': ['k(w)'],
    'INCR k': ['k(w)'],
    'GETDEL k': ['k(wd)'],
    'GETEX k PERSIST': ['k(w)'],
  });
  t.end();
});

t.test('several keys: MSET, MSETNX, DEL, UNLINK (duplicates kept, as the server lists them)', (t) => {
  checkKeys(t, {
    'MSET a 1 b 2 c 3': ['a(w)', 'b(w)', 'c(w)'],
    'MSET a 1 a 2': ['a(w)', 'a(w)'],
    'MSETNX a 1 b 2': ['a(w)', 'b(w)'],
    'DEL a b c': ['a(wd)', 'b(wd)', 'c(wd)'],
    'UNLINK a b': ['a(wd)', 'b(wd)'],
  });
  t.end();
});

t.test('keyspace: RENAME, COPY, MOVE, RESTORE, expiry', (t) => {
  checkKeys(t, {
    'RENAME src dst': ['src(wd)', 'dst(w)'],
    'RENAMENX src dst': ['src(wd)', 'dst(w)'],
    'COPY src dst': ['src(r)', 'dst(w)'],
    'COPY src dst DB 2 REPLACE': ['src(r)', 'dst(w)'],
    // The spec says RW update, not delete, although the key leaves this database: see crossDatabaseKeys.
    'MOVE k 3': ['k(w)'],
    'RESTORE k 0 payload REPLACE ABSTTL': ['k(w)'],
    'EXPIRE k 10': ['k(w)'],
    'PEXPIREAT k 1700000000000': ['k(w)'],
    'PERSIST k': ['k(w)'],
  });
  t.end();
});

t.test('sets', (t) => {
  checkKeys(t, {
    'SADD s a b': ['s(w)'],
    'SREM s a': ['s(wd)'],
    'SMOVE src dst m': ['src(wd)', 'dst(w)'],
    'SPOP s 2': ['s(wd)'],
    'SINTERSTORE dst a b c': ['dst(w)', 'a(r)', 'b(r)', 'c(r)'],
    'SDIFFSTORE dst a b': ['dst(w)', 'a(r)', 'b(r)'],
  });
  t.end();
});

t.test('sorted sets, with numkeys (keynum specs) and blocking forms', (t) => {
  checkKeys(t, {
    'ZADD z 1 a 2 b': ['z(w)'],
    'ZREM z a': ['z(wd)'],
    'ZINCRBY z 1 a': ['z(w)'],
    // numkeys = 2: WEIGHTS and its values are not keys.
    'ZUNIONSTORE dst 2 a b WEIGHTS 1 2': ['dst(w)', 'a(r)', 'b(r)'],
    'ZUNIONSTORE dst 1 a WEIGHTS 2 AGGREGATE MAX': ['dst(w)', 'a(r)'],
    'ZRANGESTORE dst src 0 -1': ['dst(w)', 'src(r)'],
    'ZPOPMIN z 2': ['z(wd)'],
    // Several keys and the timeout, which is not a key.
    'BZPOPMIN a b c 0': ['a(wd)', 'b(wd)', 'c(wd)'],
    'ZMPOP 2 a b MIN COUNT 3': ['a(wd)', 'b(wd)'],
    'LMPOP 3 a b c LEFT': ['a(wd)', 'b(wd)', 'c(wd)'],
  });
  t.end();
});

t.test('streams, bitmaps, HyperLogLog', (t) => {
  checkKeys(t, {
    'XADD s * f v': ['s(w)'],
    'XADD s MAXLEN ~ 100 * f v': ['s(w)'],
    // Keyword STREAMS, then half of what follows (limit 2): the ids are not keys.
    'XREAD COUNT 1 STREAMS a b 0 0': ['a(r)', 'b(r)'],
    'BITOP AND dst a b': ['dst(w)', 'a(r)', 'b(r)'],
    'PFMERGE dst a b': ['dst(w)', 'a(r)', 'b(r)'],
  });
  t.end();
});

t.test('SORT: STORE is an unknown spec in COMMAND INFO, found by the server key procedure', (t) => {
  checkKeys(t, {
    'SORT k': ['k(r)'],
    'SORT k BY w_* LIMIT 0 10 GET o_* ALPHA STORE dst': ['k(r)', 'dst(w)'],
    'sort k store a STORE b': ['k(r)', 'b(w)'],
    // A BY or GET pattern spelled "store" is the option's argument, not the keyword.
    'SORT k BY store GET store': ['k(r)'],
    // SORT_RO's unknown specs are the read-only BY/GET patterns: nothing to look for.
    'SORT_RO k BY w_* GET o_*': ['k(r)'],
  });
  t.ok(table.isWrite(argvOf('SORT k STORE dst')));
  t.notOk(table.isWrite(argvOf('SORT_RO k')));
  t.end();
});

t.test('MIGRATE: its KEYS spec is incomplete, the server key procedure skips AUTH passwords', (t) => {
  t.strictSame(keysOf('MIGRATE host 6379 k 0 5000'), ['k(wd)']);
  t.strictSame(
    keysOf(['MIGRATE', 'host', '6379', '', '0', '5000', 'COPY', 'AUTH', 'keys', 'KEYS', 'a', 'b']),
    ['a(wd)', 'b(wd)'],
  );
  t.strictSame(keysOf(['MIGRATE', 'h', '1', '', '0', '10', 'AUTH2', 'keys', 'keys', 'KEYS', 'a']), ['a(wd)']);
  t.end();
});

t.test('subcommands and read commands', (t) => {
  checkKeys(t, {
    'OBJECT FREQ k': ['k(r)'],
    'OBJECT ENCODING k': ['k(r)'],
    'object encoding k': ['k(r)'],
    'XGROUP CREATE s g $ MKSTREAM': ['s(w)'],
    // `delete` is the spec's: the key or part of it (here a consumer group) may be removed.
    'xgroup destroy s g': ['s(wd)'],
    'MEMORY USAGE k SAMPLES 5': ['k(r)'],
    'CONFIG SET maxmemory 1': [],
    'GET k': ['k(r)'],
    PING: [],
  });
  t.notOk(table.isWrite(argvOf('OBJECT FREQ k')), 'OBJECT FREQ does not write');
  t.notOk(table.isWrite(argvOf('CONFIG SET maxmemory 1')), 'CONFIG SET is admin, not a data write');
  t.ok(table.isWrite(argvOf('XGROUP CREATE s g $')));
  t.notOk(table.isWrite(argvOf('GET k')));
  t.notOk(table.isWrite(argvOf('SELECT 1')));
  t.end();
});

t.test('command names in any case', (t) => {
  checkKeys(t, { 'hset h f v': ['h(w)'], 'HsEt h f v': ['h(w)'], 'zUnionStore d 1 a': ['d(w)', 'a(r)'] });
  t.ok(table.isWrite(argvOf('hdel h f')));
  t.end();
});

t.test('not keys: SPUBLISH channel; EVAL names only its declared keys and is not a write', (t) => {
  checkKeys(t, {
    'SPUBLISH channel message': [],
    'EVAL script 0': [],
    'EVAL script 2 a b arg': ['a(w)', 'b(w)'],
    'FCALL fn 1 a arg': ['a(w)'],
  });
  // Scripts and functions are replicated as their effects since Redis 7: never in the stream.
  t.notOk(table.isWrite(argvOf('EVAL script 0')));
  t.notOk(table.isWrite(argvOf('FCALL fn 0')));
  t.end();
});

t.test('unknown commands and subcommands throw UnknownCommandError naming them', (t) => {
  t.throws(() => table.keysOf(argvOf('NOSUCH a b')), {
    name: 'UnknownCommandError',
    code: 'FAILED_PRECONDITION',
    command: 'NOSUCH',
    message: /"NOSUCH"/,
  });
  t.throws(() => table.isWrite(argvOf('nosuch')), UnknownCommandError);
  t.throws(() => table.keysOf(argvOf('OBJECT NOPE k')), {
    name: 'UnknownCommandError',
    command: 'OBJECT NOPE',
  });
  t.throws(() => table.keysOf(argvOf('JSON.SET k $ 1')), {
    name: 'UnknownCommandError',
    command: 'JSON.SET',
  });
  t.end();
});

t.test('arguments that do not fit the command are refused, never guessed', (t) => {
  t.throws(() => table.keysOf(argvOf('GET')), InvalidArgumentError, 'arity');
  t.throws(() => table.keysOf(argvOf('HSET h')), {
    message: /hset takes at least 4 arguments, its name included \(got 2\)/,
  });
  t.throws(() => table.keysOf(argvOf('ZUNIONSTORE d x a')), { message: /number of keys/ });
  t.throws(() => table.keysOf(argvOf('ZUNIONSTORE d 3 a b')), { message: /past the last argument/ });
  t.throws(() => table.keysOf([]), InvalidArgumentError);
  t.end();
});

t.test('no write command of the stock server is left without a way to find its keys', (t) => {
  t.strictSame(table.commandsWithIncompleteKeys(), []);
  t.end();
});

t.test('databaseEffect: FLUSHALL, FLUSHDB, SWAPDB', (t) => {
  t.strictSame(databaseEffect(argvOf('FLUSHALL ASYNC')), { kind: 'flushall' });
  t.strictSame(databaseEffect(argvOf('flushall')), { kind: 'flushall' });
  t.strictSame(databaseEffect(argvOf('FLUSHDB')), { kind: 'flushdb' });
  t.strictSame(databaseEffect(argvOf('FLUSHDB SYNC')), { kind: 'flushdb' });
  t.strictSame(databaseEffect(argvOf('SWAPDB 0 1')), { kind: 'swapdb', a: 0, b: 1 });
  t.equal(databaseEffect(argvOf('HSET h f v')), undefined);
  t.equal(databaseEffect(argvOf('DEL k')), undefined);
  t.throws(() => databaseEffect(argvOf('SWAPDB x 1')), { message: /argument 1 is not a database number/ });
  t.throws(() => databaseEffect(argvOf('SWAPDB 01 1')), InvalidArgumentError, 'not canonical');
  t.end();
});

t.test('crossDatabaseKeys: MOVE and COPY ... DB name the key in the other database', (t) => {
  const simple = (command: string, db: number) =>
    crossDatabaseKeys(argvOf(command), db).map(({ key, db }) => ({ key: key.toString(), db }));
  t.strictSame(simple('MOVE k 3', 0), [{ key: 'k', db: 3 }]);
  t.strictSame(simple('move k 0', 2), [{ key: 'k', db: 0 }]);
  t.strictSame(simple('COPY src dst DB 2 REPLACE', 0), [{ key: 'dst', db: 2 }]);
  t.strictSame(simple('copy src dst replace db 7', 1), [{ key: 'dst', db: 7 }]);
  t.strictSame(simple('COPY src dst', 5), [], 'same database');
  t.strictSame(simple('COPY src dst DB 5', 5), [], 'DB names the current database');
  t.strictSame(simple('HSET h f v', 0), []);
  t.throws(() => simple('MOVE k -1', 0), InvalidArgumentError);
  t.end();
});

// RedisJSON is not loaded on the test server, so its entries are built here as Redis 7 reports them: the
// module registers json.set / json.del with the legacy triple 1,1,1 and json.mset with 1,-1,3 (its
// RedisModule_CreateCommand calls), and Redis 7 turns a legacy triple into one key spec
// {RW access update, index first, range lastkey = last - first (or last if negative), keystep step}.
function moduleEntry(name: string, flags: string[], first: number, last: number, step: number): unknown[] {
  return [
    name,
    -1,
    [...flags, 'module'],
    first,
    last,
    step,
    ['@json'],
    [],
    [
      [
        'flags',
        ['RW', 'access', 'update'],
        'begin_search',
        ['type', 'index', 'spec', ['index', first]],
        'find_keys',
        ['type', 'range', 'spec', ['lastkey', last < 0 ? last : last - first, 'keystep', step, 'limit', 0]],
      ],
    ],
    [],
  ];
}

t.test('module commands: RedisJSON from its documented registration', (t) => {
  const withJson = CommandKeyTable.fromCommandInfo([
    ...fixture.reply,
    moduleEntry('json.set', ['write', 'denyoom'], 1, 1, 1),
    moduleEntry('json.del', ['write'], 1, 1, 1),
    moduleEntry('json.mset', ['write', 'denyoom'], 1, -1, 3),
    moduleEntry('json.get', ['readonly'], 1, 1, 1),
  ]);
  checkKeys(
    t,
    {
      'JSON.SET doc:1 $ {"a":1}': ['doc:1(w)'],
      'json.set doc:1 $.a 2 XX': ['doc:1(w)'],
      // A legacy-triple spec never says delete, even for JSON.DEL $ which removes the key.
      'JSON.DEL doc:1 $.a': ['doc:1(w)'],
      'JSON.MSET a $ 1 b $.x 2': ['a(w)', 'b(w)'],
      // Legacy-triple specs are RW even for a read: isWrite, from the command flags, tells.
      'JSON.GET doc:1 $': ['doc:1(w)'],
    },
    withJson,
  );
  t.ok(withJson.isWrite(argvOf('JSON.SET doc:1 $ 1')));
  t.ok(withJson.isWrite(argvOf('JSON.DEL doc:1')));
  t.notOk(withJson.isWrite(argvOf('JSON.GET doc:1')));
  t.end();
});

t.test('keyword searches: forwards from startfrom, backwards from the end for a negative one', (t) => {
  const spec = (keyword: string, startFrom: number, lastKey: number, keyStep: number, limit = 0) => [
    'flags',
    ['OW', 'update'],
    'begin_search',
    ['type', 'keyword', 'spec', ['keyword', keyword, 'startfrom', startFrom]],
    'find_keys',
    ['type', 'range', 'spec', ['lastkey', lastKey, 'keystep', keyStep, 'limit', limit]],
  ];
  const withKeywords = CommandKeyTable.fromCommandInfo([
    ['mod.forwards', -1, ['write', 'module'], 0, 0, 0, [], [], [spec('INTO', 2, 0, 1)], []],
    ['mod.backwards', -1, ['write', 'module'], 0, 0, 0, [], [], [spec('KEYS', -2, -1, 1)], []],
    ['mod.pairs', -1, ['write', 'module'], 0, 0, 0, [], [], [spec('PAIRS', 1, -1, 2)], []],
  ]);
  checkKeys(
    t,
    {
      // argv[1] is before startfrom 2: not the keyword even when spelled so.
      'mod.forwards into x INTO dst': ['dst(w)'],
      'mod.forwards a b': [],
      // A keyword as the last argument has no key after it.
      'mod.forwards a INTO': [],
      // Backwards from argc - 2: the last KEYS wins, and the keys run to the end.
      'mod.backwards keys KEYS a b KEYS c d': ['c(w)', 'd(w)'],
      // Key, value pairs to the end: every other argument.
      'mod.pairs PAIRS a 1 b 2': ['a(w)', 'b(w)'],
    },
    withKeywords,
  );
  t.end();
});

t.test('module commands the specs cannot describe are reported, not guessed', (t) => {
  const withModules = CommandKeyTable.fromCommandInfo([
    // Only the getkeys API (movablekeys, 0 0 0, no spec): as COMMAND INFO shows such a command.
    ['mod.movable', -1, ['write', 'module', 'movablekeys'], 0, 0, 0, [], [], [], []],
    ['mod.movable_read', -1, ['readonly', 'module', 'movablekeys'], 0, 0, 0, [], [], [], []],
    [
      'mod.partial',
      -2,
      ['write', 'module'],
      1,
      1,
      1,
      [],
      [],
      [
        [
          'flags',
          ['OW', 'update'],
          'begin_search',
          ['type', 'index', 'spec', ['index', 1]],
          'find_keys',
          ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]],
        ],
        [
          'flags',
          ['RW', 'update', 'incomplete'],
          'begin_search',
          ['type', 'keyword', 'spec', ['keyword', 'ALSO', 'startfrom', 2]],
          'find_keys',
          ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]],
        ],
      ],
      [],
    ],
  ]);
  t.strictSame(withModules.commandsWithIncompleteKeys(), ['mod.movable', 'mod.partial']);
  t.throws(() => withModules.keysOf(argvOf('MOD.MOVABLE a b')), {
    name: 'IncompleteKeySpecError',
    code: 'UNIMPLEMENTED',
    command: 'mod.movable',
  });
  t.strictSame(withModules.keysOf(argvOf('MOD.MOVABLE_READ a')), [], 'a read needs no keys to be exact');
  try {
    withModules.keysOf(argvOf('mod.partial k ALSO other'));
    t.fail('should throw');
  } catch (error) {
    t.type(error, IncompleteKeySpecError);
    t.strictSame((error as IncompleteKeySpecError).partialKeys.map(notation), ['k(w)', 'other(w)']);
  }
  t.end();
});

t.test('replies without key specs (before Redis 7) fall back on first/last/step', (t) => {
  const legacy = CommandKeyTable.fromCommandInfo([
    ['hset', -4, ['write', 'denyoom', 'fast'], 1, 1, 1, ['@write']],
    ['mset', -3, ['write', 'denyoom'], 1, -1, 2, ['@write']],
    ['mget', -2, ['readonly', 'fast'], 1, -1, 1, ['@read']],
    ['ping', -1, ['stale', 'fast'], 0, 0, 0, []],
    null,
  ]);
  checkKeys(
    t,
    {
      'HSET h f v': ['h(wd)'],
      'MSET a 1 b 2': ['a(wd)', 'b(wd)'],
      'MGET a b': ['a(r)', 'b(r)'],
      PING: [],
    },
    legacy,
  );
  t.end();
});

t.test('RESP3 maps (Map or object) read like RESP2 flat arrays', (t) => {
  const resp3 = CommandKeyTable.fromCommandInfo([
    [
      'getdel',
      2,
      ['write', 'fast'],
      1,
      1,
      1,
      [],
      [],
      [
        new Map<string, unknown>([
          ['flags', ['RW', 'access', 'delete']],
          ['begin_search', { type: 'index', spec: { index: 1 } }],
          ['find_keys', { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } }],
        ]),
      ],
      [],
    ],
  ]);
  t.strictSame(keysOf('GETDEL k', resp3), ['k(wd)']);
  t.end();
});

t.test('a malformed reply is refused with where it is wrong', (t) => {
  t.throws(() => CommandKeyTable.fromCommandInfo([['get']]), { message: /COMMAND INFO reply\[0\] is not/ });
  t.throws(() => CommandKeyTable.fromCommandInfo([['get', 'two', [], 1, 1, 1, [], [], [], []]]), {
    message: /\(get\) arity is not an integer/,
  });
  t.throws(() => CommandKeyTable.fromCommandInfo([['get', 2, [], 1, 1, 1, [], [], [['flags']], []]]), {
    message: /key spec 0 is not a map/,
  });
  t.end();
});
