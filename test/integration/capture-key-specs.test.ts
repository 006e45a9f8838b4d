// The ground truth for capture's key table: for real commands of every family, the keys keysOf finds in the
// table loaded from the live server are the keys the server itself names for COMMAND GETKEYSANDFLAGS, in the
// same order, with the same write/delete meaning. GETKEYS does not run the command, so no key is written.
import t from 'tap';
import { CommandKeyTable } from '../../worker/capture/key-specs.js';
import { testRedis } from '../helpers/redis.js';

/** Commands as argv, one family per block; strings with spaces or empty ones are written as arrays. */
const COMMANDS: (string | string[])[] = [
  // strings
  'SET k v',
  'SET k v GET EX 10',
  'SET k v NX PX 100 KEEPTTL',
  'SETEX k 10 v',
  'PSETEX k 100 v',
  'SETNX k v',
  'SETRANGE k 0 v',
  'APPEND k v',
  'INCR k',
  'INCRBYFLOAT k 1.5',
  'DECRBY k 2',
  'GETDEL k',
  'GETEX k PERSIST',
  'GETSET k v',
  'MSET a 1 b 2 c 3',
  'MSET a 1 a 2',
  'MSETNX a 1 b 2',
  'GET k',
  'MGET a b c',
  // hashes
  'HSET h f v f2 v2',
  'HSETNX h f v',
  'HMSET h f v',
  'HDEL h f f2',
  'HINCRBY h f 1',
  'HINCRBYFLOAT h f 1.5',
  'HGETALL h',
  // lists
  'LPUSH l a b',
  'RPUSHX l a',
  'LPOP l 2',
  'LSET l 0 v',
  'LTRIM l 0 10',
  'LREM l 0 v',
  'LINSERT l BEFORE a b',
  'LMOVE src dst LEFT RIGHT',
  'RPOPLPUSH src dst',
  'BLMOVE src dst LEFT RIGHT 0',
  'BLPOP a b c 0',
  'LMPOP 2 a b LEFT COUNT 3',
  'BLMPOP 0 2 a b RIGHT',
  // sets
  'SADD s a b',
  'SREM s a',
  'SMOVE src dst m',
  'SPOP s 2',
  'SINTERSTORE dst a b c',
  'SUNIONSTORE dst a b',
  'SDIFFSTORE dst a b',
  'SINTERCARD 2 a b LIMIT 3',
  // sorted sets
  'ZADD z NX 1 a 2 b',
  'ZREM z a',
  'ZINCRBY z 1 a',
  'ZREMRANGEBYSCORE z 0 1',
  'ZUNIONSTORE dst 2 a b WEIGHTS 1 2 AGGREGATE MAX',
  'ZINTERSTORE dst 3 a b c',
  'ZDIFFSTORE dst 2 a b',
  'ZRANGESTORE dst src 0 -1 REV',
  'ZPOPMIN z 2',
  'BZPOPMIN a b c 0',
  'BZPOPMAX a 1.5',
  'ZMPOP 2 a b MIN COUNT 3',
  'BZMPOP 0 1 a MAX',
  'ZUNION 2 a b WITHSCORES',
  // streams
  'XADD s * f v',
  'XADD s NOMKSTREAM MAXLEN ~ 100 * f v',
  'XDEL s 1-0',
  'XTRIM s MAXLEN 10',
  'XACK s g 1-0 2-0',
  'XCLAIM s g c 0 1-0',
  'XAUTOCLAIM s g c 0 0-0',
  'XSETID s 1-0',
  'XREAD COUNT 1 STREAMS a b 0 0',
  'XREAD STREAMS STREAMS a 0 0',
  'XREADGROUP GROUP g c COUNT 1 STREAMS a b > >',
  'XGROUP CREATE s g $ MKSTREAM',
  'XGROUP SETID s g 0',
  'XGROUP DESTROY s g',
  'XGROUP CREATECONSUMER s g c',
  'XGROUP DELCONSUMER s g c',
  // geo, bitmaps, HyperLogLog
  'GEOADD g 13.4 52.5 berlin',
  'GEORADIUS g 0 0 100 km STORE dst',
  'GEORADIUS g 0 0 100 km STOREDIST dst',
  'GEORADIUSBYMEMBER g m 100 km STORE dst',
  'GEOSEARCHSTORE dst src FROMLONLAT 0 0 BYRADIUS 10 km',
  'SETBIT b 7 1',
  'BITOP AND dst a b',
  'BITOP NOT dst a',
  'BITFIELD b SET u8 0 255',
  'BITFIELD b GET u8 0',
  'PFADD p a b',
  'PFMERGE dst a b',
  'PFCOUNT a b',
  // keyspace
  'DEL a b c',
  'UNLINK a b',
  'RENAME src dst',
  'RENAMENX src dst',
  'COPY src dst',
  'COPY src dst DB 2 REPLACE',
  'MOVE k 3',
  'RESTORE k 0 payload REPLACE',
  'EXPIRE k 10 NX',
  'PEXPIRE k 100',
  'EXPIREAT k 1700000000',
  'PEXPIREAT k 1700000000000',
  'PERSIST k',
  'TOUCH a b',
  'SORT k',
  'SORT k BY w_* LIMIT 0 10 GET o_* ALPHA STORE dst',
  'SORT k BY store GET store',
  'SORT_RO k BY w_*',
  'MIGRATE host 6379 k 0 5000',
  ['MIGRATE', 'host', '6379', '', '0', '5000', 'COPY', 'AUTH', 'keys', 'KEYS', 'a', 'b'],
  // subcommands, scripting, pub/sub
  'OBJECT FREQ k',
  'OBJECT ENCODING k',
  'MEMORY USAGE k',
  'EVAL script 2 a b arg',
  'EVALSHA sha 1 a',
  'FCALL fn 2 a b',
  'SPUBLISH channel message',
  // mixed case
  'hset h f v',
  'zUnionStore dst 1 a',
  'object encoding k',
  'xgroup create s g $',
];

const WRITE_FLAGS = ['RW', 'OW', 'RM', 'update', 'insert', 'delete'];

interface ServerKey {
  key: string;
  write: boolean;
  delete: boolean;
}

function argvOf(command: string | string[]): string[] {
  return typeof command === 'string' ? command.split(' ') : command;
}

function label(command: string | string[]): string {
  return argvOf(command)
    .map((part) => (part === '' ? '""' : part))
    .join(' ');
}

t.test('keysOf answers what COMMAND GETKEYSANDFLAGS answers', async (t) => {
  const redis = testRedis(t);
  const table = await CommandKeyTable.load(redis);

  // Commands whose specs carry variable_flags: the server decides their flags per call with code, the spec
  // gives the envelope. keysOf reports the envelope, so it may say write where one call only reads.
  const info = (await redis.call('COMMAND', 'INFO')) as unknown[];
  const variableFlags = new Set(
    info
      .filter((entry): entry is [string, ...unknown[]] => Array.isArray(entry))
      .filter((entry) => JSON.stringify(entry[8]).includes('variable_flags'))
      .map((entry) => entry[0].toLowerCase()),
  );
  t.ok(variableFlags.has('set'), 'SET has variable flags');

  const names = new Set<string>();
  for (const command of COMMANDS) {
    const argv = argvOf(command);
    const name = (argv[0] as string).toLowerCase();
    names.add(name);
    const server = await serverKeys(redis, argv);
    const ours = table.keysOf(argv.map((part) => Buffer.from(part)));
    t.strictSame(
      ours.map(({ key }) => key.toString()),
      server.map(({ key }) => key),
      `${label(command)}: keys`,
    );
    if (variableFlags.has(name)) {
      t.ok(
        server.every((key, index) => !key.write || ours[index]?.write === true),
        `${label(command)}: every key the server writes is a write`,
      );
    } else {
      t.strictSame(
        ours.map((key) => ({ write: key.write, delete: key.delete })),
        server.map((key) => ({ write: key.write, delete: key.delete })),
        `${label(command)}: write/delete`,
      );
    }
  }
  t.ok(names.size >= 40, `${names.size} different commands compared`);
});

t.test('isWrite follows the live server flags', async (t) => {
  const redis = testRedis(t);
  const table = await CommandKeyTable.load(redis);
  const argv = (command: string) => command.split(' ').map((part) => Buffer.from(part));
  t.ok(table.isWrite(argv('HSET h f v')));
  t.ok(table.isWrite(argv('XGROUP CREATE s g $')));
  t.notOk(table.isWrite(argv('OBJECT FREQ k')));
  t.notOk(table.isWrite(argv('CONFIG SET maxmemory 1')));
  t.notOk(table.isWrite(argv('EVAL script 0')), 'scripts reach replicas as their effects');
  t.end();
});

t.test('no write command of the live server is left without a way to find its keys', async (t) => {
  const table = await CommandKeyTable.load(testRedis(t));
  t.strictSame(table.commandsWithIncompleteKeys(), []);
});

/** The server's answer; a command that has no keys is an error for GETKEYS, here an empty list. */
async function serverKeys(redis: ReturnType<typeof testRedis>, argv: string[]): Promise<ServerKey[]> {
  let reply: unknown;
  try {
    reply = await redis.call('COMMAND', 'GETKEYSANDFLAGS', ...argv);
  } catch (error) {
    if (error instanceof Error && /has no key arguments/.test(error.message)) return [];
    throw error;
  }
  return (reply as [string, string[]][]).map(([key, flags]) => ({
    key,
    write: flags.some((flag) => WRITE_FLAGS.includes(flag)),
    delete: flags.includes('RM') || flags.includes('delete'),
  }));
}
