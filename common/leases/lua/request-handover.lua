--[[
  The leader asks a lease's owner to hand the unit over to another worker. The owner sees handoverTo at its
  next renew, finishes its batch and releases; the leader then grants the unit to handoverTo with a new
  epoch. Fenced by the leader lease (like grant) and by the lease's owner and epoch, so a request made from a
  stale view does nothing. The lease's expiry is capped at now + handoverTimeoutMs, and renewals never go
  past that deadline: an owner that never releases loses the unit by expiry.

  Input:
    KEYS[1] leases              hash: unit -> lease record (JSON: owner, epoch, expiresAt, kind, handoverTo?,
                                handoverDeadline?)

    ARGV[1] leaderUnit          the leader lease's unit ("leader")
    ARGV[2] leaderId            the caller's id
    ARGV[3] leaderEpoch         the caller's leader epoch
    ARGV[4] unit                the unit to move
    ARGV[5] owner               its current owner, as the leader saw it
    ARGV[6] epoch               its current epoch, as the leader saw it
    ARGV[7] to                  the worker that should get it
    ARGV[8] handoverTimeoutMs   how long the owner has to release, in ms

  Output:
    1                           requested
    -1                          NOT_LEADER: the caller does not hold a live leader lease under leaderEpoch
    -3                          LEASE_NOT_FOUND: no lease for the unit, or it was released
    -4                          NOT_OWNER: the lease belongs to another owner or another epoch
    -5                          LEASE_EXPIRED: the lease has expired
    -6                          HANDOVER_PENDING: a hand-over is already requested for this lease
]]
local leasesKey = KEYS[1]
local leaderUnit = ARGV[1]
local leaderId = ARGV[2]
local leaderEpoch = tonumber(ARGV[3])
local unit = ARGV[4]
local owner = ARGV[5]
local epoch = tonumber(ARGV[6])
local to = ARGV[7]
local handoverTimeoutMs = tonumber(ARGV[8])

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
if record.handoverTo then
  return -6
end

record.handoverTo = to
record.handoverDeadline = now + handoverTimeoutMs
if record.expiresAt > record.handoverDeadline then
  record.expiresAt = record.handoverDeadline
end
redis.call('HSET', leasesKey, unit, cjson.encode(record))
return 1
