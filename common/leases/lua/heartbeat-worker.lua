--[[
  A worker's heartbeat: moves its score to the server's now and records how many leases it holds. Answers the
  worker's state, so that a worker learns it is being drained. The record is not recreated here: a worker
  whose record is gone (deregistered, or cleaned up while it was unreachable) must register again.

  Input:
    KEYS[1] workers     sorted set: worker id -> last heartbeat (ms since the epoch, server time)
    KEYS[2] worker      hash: host, pid, version, threads, state, startedAt, leaseCount

    ARGV[1] workerId
    ARGV[2] leaseCount  leases it holds now

  Output:
    {now, state}        the server time of the heartbeat (ms) and the worker's state ("active", "draining")
    -7                  WORKER_NOT_FOUND: the worker has no record
]]
local workersKey = KEYS[1]
local workerKey = KEYS[2]
local workerId = ARGV[1]
local leaseCount = ARGV[2]

if redis.call('EXISTS', workerKey) == 0 then
  return -7
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

redis.call('HSET', workerKey, 'leaseCount', leaseCount)
redis.call('ZADD', workersKey, now, workerId)
return {now, redis.call('HGET', workerKey, 'state') or 'active'}
