--[[
  Marks a worker draining: the leader hands its units over to other workers and grants it no new ones. The
  worker keeps heartbeating and renewing until it has released everything.

  Input:
    KEYS[1] worker      hash: host, pid, version, threads, state, startedAt, leaseCount
    KEYS[2] leases      hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                        handoverDeadline?)

    ARGV[1] workerId

  Output:
    count               the live leases the worker holds now (the ones it will hand over), >= 0
    -7                  WORKER_NOT_FOUND: the worker has no record
]]
local workerKey = KEYS[1]
local leasesKey = KEYS[2]
local workerId = ARGV[1]

if redis.call('EXISTS', workerKey) == 0 then
  return -7
end
redis.call('HSET', workerKey, 'state', 'draining')

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local count = 0
local values = redis.call('HVALS', leasesKey)
for _, raw in ipairs(values) do
  local record = cjson.decode(raw)
  if record.owner == workerId and record.expiresAt > now then
    count = count + 1
  end
end
return count
