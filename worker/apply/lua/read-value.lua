-- Reads one key's type and current value in one call, so that the apply loop can read a whole batch of keys
-- of any type in one pipelined round trip (TYPE then a read would take two, and could race a type change).
-- KEYS[1]: the key. Returns {type} for a missing or unsupported key, else {type, value}.
local key = KEYS[1]
local kind = redis.call('TYPE', key)['ok']
if kind == 'hash' then
  return {kind, redis.call('HGETALL', key)}
elseif kind == 'string' then
  return {kind, redis.call('GET', key)}
elseif kind == 'ReJSON-RL' then
  return {kind, redis.call('JSON.GET', key)}
elseif kind == 'set' then
  return {kind, redis.call('SMEMBERS', key)}
elseif kind == 'zset' then
  return {kind, redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')}
end
return {kind}
