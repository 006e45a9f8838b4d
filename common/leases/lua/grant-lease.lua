--[[
  The leader grants a unit of work to a worker. Allowed only while the caller holds the leader lease under
  the given epoch (so a deposed leader that has not noticed yet cannot grant), and only when the unit's lease
  is free: absent, released (empty owner) or expired. A live lease is never taken away here: a unit moves
  from a live owner only by hand-over (the owner releases) or by expiry, so two owners never overlap.
  Every grant takes a new epoch from the per-unit counter, so epochs are never reused.

  Input:
    KEYS[1] leases        hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                          handoverDeadline?)
    KEYS[2] epochs        hash: unit -> the last epoch handed out for it

    ARGV[1] leaderUnit    the leader lease's unit ("leader")
    ARGV[2] leaderId      the caller's id
    ARGV[3] leaderEpoch   the caller's leader epoch
    ARGV[4] unit          the unit to grant, e.g. "apply/7"
    ARGV[5] owner         the worker that gets it
    ARGV[6] kind          "apply" or "capture"
    ARGV[7] ttlMs         how long the lease lasts before its owner must renew it, in ms

  Output:
    epoch                 the new epoch (>= 1): owner holds the lease until now + ttlMs
    -1                    NOT_LEADER: the caller does not hold a live leader lease under leaderEpoch
    -2                    LEASE_HELD: the unit's lease is live (owned, not expired)
]]
local leasesKey = KEYS[1]
local epochsKey = KEYS[2]
local leaderUnit = ARGV[1]
local leaderId = ARGV[2]
local leaderEpoch = tonumber(ARGV[3])
local unit = ARGV[4]
local owner = ARGV[5]
local kind = ARGV[6]
local ttlMs = tonumber(ARGV[7])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local leaderRaw = redis.call('HGET', leasesKey, leaderUnit)
if not leaderRaw then
  return -1
end
local leader = cjson.decode(leaderRaw)
if leader.owner ~= leaderId or leader.epoch ~= leaderEpoch or leader.expiresAt <= now then
  return -1
end

local raw = redis.call('HGET', leasesKey, unit)
if raw then
  local current = cjson.decode(raw)
  if current.owner ~= '' and current.expiresAt > now then
    return -2
  end
end

local epoch = redis.call('HINCRBY', epochsKey, unit, 1)
local record = {owner = owner, epoch = epoch, expiresAt = now + ttlMs, kind = kind}
redis.call('HSET', leasesKey, unit, cjson.encode(record))
return epoch
