--[[
  The owner extends its lease. Fenced by owner and epoch: after the unit moved (new epoch) or was released,
  the old owner's renew fails and it must stop touching the unit at once. An expired lease is not revived,
  even if nobody took it yet: its owner already considers it lost (its local deadline is earlier).
  While a hand-over is pending the expiry never goes past the hand-over deadline, so an owner that never
  releases loses the unit by expiry.

  Input:
    KEYS[1] leases      hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                        handoverDeadline?)

    ARGV[1] unit        the unit, e.g. "apply/7" or "leader"
    ARGV[2] owner       the caller's id
    ARGV[3] epoch       the epoch the caller holds
    ARGV[4] ttlMs       the new expiry is now + ttlMs (capped by a pending hand-over's deadline)

  Output:
    {remainingMs, handoverTo}
                        renewed: the lease lasts remainingMs (>= 1) from now, in server time;
                        handoverTo is the worker the leader asked to hand the unit to, or ""
    -3                  LEASE_NOT_FOUND: no lease for the unit, or it was released
    -4                  NOT_OWNER: the lease belongs to another owner or another epoch
    -5                  LEASE_EXPIRED: the lease expired before this renew
]]
local leasesKey = KEYS[1]
local unit = ARGV[1]
local owner = ARGV[2]
local epoch = tonumber(ARGV[3])
local ttlMs = tonumber(ARGV[4])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

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
if record.expiresAt <= now then
  return -5
end

local expiresAt = now + ttlMs
if record.handoverDeadline and record.handoverDeadline < expiresAt then
  expiresAt = record.handoverDeadline
end
-- Never shorten a lease here: a renew only extends (the hand-over request already capped it).
if expiresAt > record.expiresAt then
  record.expiresAt = expiresAt
  redis.call('HSET', leasesKey, unit, cjson.encode(record))
end
return {record.expiresAt - now, record.handoverTo or ''}
