--[[
  A worker registers itself: its record and a first heartbeat, scored in Redis server time so that the
  leader's liveness check does not depend on the workers' clocks.

  Input:
    KEYS[1] workers     sorted set: worker id -> last heartbeat (ms since the epoch, server time)
    KEYS[2] worker      hash: host, pid, version, threads, state, startedAt, leaseCount

    ARGV[1] workerId
    ARGV[2] host
    ARGV[3] pid
    ARGV[4] version     Ferry's version on the worker
    ARGV[5] threads     threads in its pool
    ARGV[6] state       "active" or "draining"
    ARGV[7] startedAt   when the process started (ms since the epoch)
    ARGV[8] leaseCount  leases it holds now

  Output:
    now                 the server time of the heartbeat (ms)
]]
local workersKey = KEYS[1]
local workerKey = KEYS[2]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

redis.call('HSET', workerKey, 'host', ARGV[2], 'pid', ARGV[3], 'version', ARGV[4], 'threads', ARGV[5],
  'state', ARGV[6], 'startedAt', ARGV[7], 'leaseCount', ARGV[8])
redis.call('ZADD', workersKey, now, ARGV[1])
return now
