--[[
  Appends change events to one change-log partition, as many as fit under the partition's cap, in order.
  Checking the length and adding in one script makes the cap exact even with several appenders, and never
  drops or trims anything: events that do not fit are left to the caller, who waits and sends them again
  (back-pressure). Because the events that fit are always a prefix, the stream keeps the caller's order.

  Input:
    KEYS[1] stream        the partition's stream
    ARGV[1] cap           entries the stream may hold
    ARGV[2..]             5 values per event, in append order: key, command, db, offset ('' when none),
                          captured-at ms; stored as fields k, c, d, o, t

  Output:
    n >= 0                events appended (the first n); fewer than sent when the stream reached its cap
    -1                    the argument count is not 1 + a multiple of 5
]]
local stream = KEYS[1]
local cap = tonumber(ARGV[1])

local valueCount = #ARGV - 1
if valueCount % 5 ~= 0 then
  return -1
end

local room = cap - redis.call('XLEN', stream)
local count = math.min(room, valueCount / 5)
if count <= 0 then
  return 0
end

for i = 0, count - 1 do
  local base = 1 + i * 5
  redis.call('XADD', stream, '*',
    'k', ARGV[base + 1], 'c', ARGV[base + 2], 'd', ARGV[base + 3], 'o', ARGV[base + 4], 't', ARGV[base + 5])
end
return count
