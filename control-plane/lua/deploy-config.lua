--[[
  Stores a new configuration version, atomically, with an optional compare-and-set on the newest version.

  Input:
    KEYS[1] latest      string: the newest version number (absent when nothing is deployed)
    KEYS[2] versions    hash: version number -> stored version (JSON)

    ARGV[1] expected    the version the caller expects to be the newest ("0" = nothing deployed yet),
                        or "-1" for no check
    ARGV[2] record      the version's JSON record (stored as is; the version number is its hash field)

  Output:
    {1, newVersion}     stored
    {-1, current}       conflict: the newest version is `current`, not the expected one
]]
local latestKey = KEYS[1]
local versionsKey = KEYS[2]
local expected = tonumber(ARGV[1])
local record = ARGV[2]

local current = tonumber(redis.call('GET', latestKey) or '0')
if expected >= 0 and expected ~= current then
  return {-1, current}
end

local version = current + 1
redis.call('HSET', versionsKey, tostring(version), record)
redis.call('SET', latestKey, tostring(version))
return {1, version}
