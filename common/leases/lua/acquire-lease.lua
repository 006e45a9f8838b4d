--[[
  Takes a lease for the caller itself when nobody holds it: the control plane's leader election (unit
  "leader"). The same lease mechanics as a granted lease, without the leader fence, since there is no leader
  to ask. Expiry is in Redis server time, so the candidates' clocks do not matter.

  Input:
    KEYS[1] leases      hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                        handoverDeadline?)
    KEYS[2] epochs      hash: unit -> the last epoch handed out for it (never decreases, never reused)

    ARGV[1] unit        the unit to take, e.g. "leader"
    ARGV[2] candidate   the caller's id
    ARGV[3] ttlMs       how long the lease lasts, in ms
    ARGV[4] kind        the lease kind stored in the record ("leader")

  Output:
    epoch               the new epoch (>= 1): the caller holds the lease until now + ttlMs
    -2                  LEASE_HELD: someone (possibly the caller, under an older epoch) holds a live lease
]]
local leasesKey = KEYS[1]
local epochsKey = KEYS[2]
local unit = ARGV[1]
local candidate = ARGV[2]
local ttlMs = tonumber(ARGV[3])
local kind = ARGV[4]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local raw = redis.call('HGET', leasesKey, unit)
if raw then
  local current = cjson.decode(raw)
  if current.owner ~= '' and current.expiresAt > now then
    return -2
  end
end

local epoch = redis.call('HINCRBY', epochsKey, unit, 1)
local record = {owner = candidate, epoch = epoch, expiresAt = now + ttlMs, kind = kind}
redis.call('HSET', leasesKey, unit, cjson.encode(record))
return epoch
