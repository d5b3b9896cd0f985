// Lua scripts of the abuse limits: sliding-window counters (sorted sets of timestamped members),
// and the reservation of one attempt (a failed-entry or wrong-PIN budget) that checks every
// limit, counts the attempt and claims the webhook against retries in one atomic step.

/** KEYS: sorted set. ARGV: now (ms), window (ms), add (1/0), member. Returns the count. */
export const SLIDING_WINDOW = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
end
local n = redis.call('ZCARD', KEYS[1])
if n > 0 then redis.call('PEXPIRE', KEYS[1], window) end
return n
`;

/** KEYS: key. ARGV: ttl (ms). */
export const INCR_WITH_EXPIRY = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * Counts the members of sorted set `key` that start with `prefix` ('' : all), and the score of
 * the `k`-th oldest of them (k ≥ 1; false when there are fewer).
 */
const countMatching = `
local function matching(key, prefix, k)
  if prefix == '' then
    local n = redis.call('ZCARD', key)
    local at = false
    if k >= 1 and k <= n then at = redis.call('ZRANGE', key, k - 1, k - 1, 'WITHSCORES')[2] end
    return n, at
  end
  local n, at = 0, false
  local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, #prefix) == prefix then
      n = n + 1
      if n == k then at = all[i + 1] end
    end
  end
  return n, at
end
`;

/**
 * Reserves one attempt. KEYS[1]: the attempt's claim (CallSid and step); KEYS[2..]: the sorted
 * sets that count attempts. ARGV: now (ms), claim ttl (ms), member, claim value, then the window
 * (ms) of each counting set in KEYS order, then checks as triples (index into KEYS, limit,
 * member prefix: '' counts every member).
 * - the claim exists (a retry): {'dup', its value}, nothing counted;
 * - a check is at its limit: {'refused', check number (1-based), count}, nothing counted;
 * - else the member is added to every counting set, the claim set, and {'ok', count of each
 *   check after adding} returned.
 */
export const RESERVE_ATTEMPT = `${countMatching}
local v = redis.call('GET', KEYS[1])
if v then return {'dup', v} end
local now = tonumber(ARGV[1])
local sets = #KEYS - 1
for i = 2, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[3 + i]))
end
local counts = {'ok'}
local c = 0
for j = 5 + sets, #ARGV, 3 do
  c = c + 1
  local n = matching(KEYS[tonumber(ARGV[j])], ARGV[j + 2], 0)
  if n >= tonumber(ARGV[j + 1]) then return {'refused', c, n} end
  counts[#counts + 1] = n + 1
end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3 + i]))
end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[2])
return counts
`;

/**
 * Settles a reserved attempt. KEYS[1]: its claim; KEYS[2..]: its counting sets. ARGV: 'refund'
 * (the attempt succeeded or was not the caller's fault: its member leaves every set) or 'keep',
 * member, the answer to keep for retries ('' drops the claim), ttl (ms).
 */
export const SETTLE_ATTEMPT = `
if ARGV[1] == 'refund' then
  for i = 2, #KEYS do redis.call('ZREM', KEYS[i], ARGV[2]) end
end
if ARGV[3] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
return 1
`;

/**
 * Reads sliding windows. KEYS: sorted sets. ARGV: now (ms), then per key a triple (window ms,
 * limit, member prefix). Returns per key {count, when the count falls below the limit (ms; 0
 * while under it)}.
 */
export const READ_WINDOWS = `${countMatching}
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local window, limit, prefix = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), ARGV[3 * i + 1]
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local n, at = matching(KEYS[i], prefix, 0)
  local untilMs = 0
  if n >= limit then
    local _, oldest = matching(KEYS[i], prefix, n - limit + 1)
    if oldest then untilMs = tonumber(oldest) + window end
  end
  out[#out + 1] = {n, untilMs}
end
return out
`;
