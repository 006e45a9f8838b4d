/**
 * Redis commands that change keys, for checking a write-behind job's `exclude_commands`. Capture itself finds
 * keys through the server's COMMAND INFO; this list only catches typos in a job before it is deployed, so it
 * errs on the side of listing (core commands plus RedisJSON, which write-behind users exclude most often).
 */
const WRITE_COMMANDS_BY_GROUP = {
  generic:
    'copy del expire expireat move persist pexpire pexpireat rename renamenx restore sort touch unlink ' +
    'flushall flushdb swapdb migrate',
  string:
    'append decr decrby getdel getex getset incr incrby incrbyfloat mset msetnx psetex set setex setnx ' +
    'setrange setbit bitfield bitop',
  hash:
    'hdel hexpire hexpireat hgetdel hgetex hincrby hincrbyfloat hmset hpersist hpexpire hpexpireat hset ' +
    'hsetex hsetnx',
  list:
    'blmove blmpop blpop brpop brpoplpush linsert lmove lmpop lpop lpush lpushx lrem lset ltrim rpop ' +
    'rpoplpush rpush rpushx',
  set: 'sadd sdiffstore sinterstore smove spop srem sunionstore',
  sortedSet:
    'bzmpop bzpopmax bzpopmin zadd zdiffstore zincrby zinterstore zmpop zpopmax zpopmin zrangestore zrem ' +
    'zremrangebylex zremrangebyrank zremrangebyscore zunionstore',
  other:
    'xadd xautoclaim xclaim xdel xgroup xtrim geoadd georadius georadiusbymember geosearchstore pfadd pfmerge',
  json:
    'json.arrappend json.arrinsert json.arrpop json.arrtrim json.clear json.del json.forget json.merge ' +
    'json.mset json.numincrby json.nummultby json.set json.strappend json.toggle',
};

/** Every command a job may exclude, in lower case. */
export const REDIS_WRITE_COMMANDS: ReadonlySet<string> = new Set(
  Object.values(WRITE_COMMANDS_BY_GROUP).flatMap((group) => group.split(' ')),
);
