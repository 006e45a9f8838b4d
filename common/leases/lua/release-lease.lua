--[[
  The owner gives its lease up (clean stop, or hand-over after finishing its batch). Fenced by owner and
  epoch, so a stale owner cannot release a lease that moved on. A released lease with a pending hand-over
  stays as an ownerless record that keeps handoverTo, so that the leader (this one or the next) grants it to
  the intended worker; otherwise the record is deleted. The epoch counter is untouched: the next grant
  takes epoch + 1.

  Input:
    KEYS[1] leases      hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                        handoverDeadline?)

    ARGV[1] unit        the unit
    ARGV[2] owner       the caller's id
    ARGV[3] epoch       the epoch the caller holds

  Output:
    1                   released
    -3                  LEASE_NOT_FOUND: no lease for the unit, or it was already released
    -4                  NOT_OWNER: the lease belongs to another owner or another epoch
]]
local leasesKey = KEYS[1]
local unit = ARGV[1]
local owner = ARGV[2]
local epoch = tonumber(ARGV[3])

local raw = redis.call('HGET', leasesKey, unit)
if not raw then
  return -3
end
local record = cjson.decode(raw)
if record.owner == '' then
  return -3
end
if record.owner ~= owner or record.epoch ~= epoch then
  return -4
end

if record.handoverTo then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local released = {owner = '', epoch = record.epoch, expiresAt = now, kind = record.kind,
    handoverTo = record.handoverTo}
  redis.call('HSET', leasesKey, unit, cjson.encode(released))
else
  redis.call('HDEL', leasesKey, unit)
end
return 1
