--[[
  Acknowledges applied entries of one change-log partition for one pipeline (consumer group), then trims
  the entries that no group needs any more, atomically.

  No loss: an entry is trimmed only when every group on the stream is past it, i.e. it lies before each
  group's first unacknowledged entry (its oldest pending entry, or else the entry after its last delivered
  one). So acknowledging out of order, or a second pipeline that is behind, never trims an entry that is
  still pending or not yet delivered.

  Input:
    KEYS[1] stream        the partition's stream
    ARGV[1] group         the pipeline's consumer group
    ARGV[2..]             entry ids to acknowledge

  Output:
    {acked, trimmed}      entries acknowledged now, entries trimmed
    -1                    the stream or the group does not exist
]]
local stream = KEYS[1]
local group = ARGV[1]

if redis.call('EXISTS', stream) == 0 then
  return -1
end

-- Is id a < id b? Ids are '<ms>-<seq>' with decimal parts without leading zeros; compared as strings
-- (length first) so that 64-bit parts never go through Lua's doubles.
local function decimalLess(a, b)
  if #a ~= #b then
    return #a < #b
  end
  return a < b
end

local function idLess(a, b)
  local aMs, aSeq = string.match(a, '^(%d+)-(%d+)$')
  local bMs, bSeq = string.match(b, '^(%d+)-(%d+)$')
  if aMs ~= bMs then
    return decimalLess(aMs, bMs)
  end
  return decimalLess(aSeq, bSeq)
end

-- The smallest id after `id`. Sequence numbers of auto-generated ids stay far below 2^53.
local function nextId(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return ms .. '-' .. string.format('%d', tonumber(seq) + 1)
end

-- XACK in slices: Lua's unpack has a small stack limit. An unknown group acknowledges nothing; it is
-- reported below.
local acked = 0
local slice = 1000
for first = 2, #ARGV, slice do
  local last = math.min(first + slice - 1, #ARGV)
  acked = acked + redis.call('XACK', stream, group, unpack(ARGV, first, last))
end

local groupFound = false
local trimBefore = nil
for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local fields = {}
  for i = 1, #info, 2 do
    fields[info[i]] = info[i + 1]
  end
  if fields['name'] == group then
    groupFound = true
  end
  local firstNeeded
  if fields['pending'] > 0 then
    firstNeeded = redis.call('XPENDING', stream, fields['name'])[2]
  else
    firstNeeded = nextId(fields['last-delivered-id'])
  end
  if trimBefore == nil or idLess(firstNeeded, trimBefore) then
    trimBefore = firstNeeded
  end
end
if not groupFound then
  return -1
end

-- MINID with '=' (exact): every entry below trimBefore goes, so a drained partition ends empty.
local trimmed = redis.call('XTRIM', stream, 'MINID', '=', trimBefore)
return {acked, trimmed}
