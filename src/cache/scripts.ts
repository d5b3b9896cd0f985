// Lua scripts run atomically by Redis. Every script touches keys of one hash tag only.

/**
 * The first line of the reads whose answers are trusted by the marker. A flagged script (Redis 7
 * shebang) without `no-writes` is refused by a read-only replica, so a connection left on a
 * master that was demoted (a failover behind one address) fails over to PostgreSQL instead of
 * reading a resynced copy that may have lost writes, under a marker naming that same server.
 * `allow-oom` keeps them running when Redis is at its memory limit, as plain reads would.
 */
const READ_ON_MASTER_ONLY = '#!lua flags=allow-oom\n';

/**
 * The compare-and-set loop over ARGV triples (index into KEYS, field, value) from ARGV[first]:
 * a value replaces the current one when its version is higher, or equal while the current value
 * is pending ('P'); see directory/entries.ts. Leaves in `out` what each field holds afterwards.
 */
const casLoop = (first: number) => `
local function version(v)
  return tonumber(string.match(v, '^%a([0-9a-z]+)'), 36)
end
local out = {}
for i = ${first}, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  local field, value = ARGV[i + 1], ARGV[i + 2]
  local cur = redis.call('HGET', key, field)
  local replace = not cur
  if cur then
    local cv, nv = version(cur), version(value)
    replace = nv > cv or (nv == cv and string.sub(cur, 1, 1) == 'P' and string.sub(value, 1, 1) ~= 'P')
  end
  if replace then
    redis.call('HSET', key, field, value)
    cur = value
  end
  out[#out + 1] = cur
end
`;

/** KEYS: hash keys. ARGV: triples (see casLoop). Returns what each field holds afterwards. */
export const CAS_FIELDS = `${casLoop(1)}
return out
`;

/**
 * The same, made only while KEYS[1] (a trust marker) still holds ARGV[1]: how readers and
 * committed changes write, so that nothing read or decided before a flush (or a rebuild) is
 * written after it. Returns false, writing nothing, when the marker differs.
 */
export const CAS_FIELDS_IF_MARKER = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
${casLoop(2)}
return out
`;

/**
 * The ID-entry lookup. KEYS: bucket, marker, tenant settings, live rooms, room names. ARGV:
 * field. Returns { entry, marker, tenant settings, room start score, room name } (false for
 * missing); the room name only for a Jitsi room's ID (owner 'r...').
 */
export const LOOKUP_CONFERENCE_ID = `${READ_ON_MASTER_ONLY}local e = redis.call('HGET', KEYS[1], ARGV[1])
local m = redis.call('GET', KEYS[2])
local t, l, n = false, false, false
if e and string.sub(e, 1, 1) == 'A' then
  local owner, tenant = string.match(e, '^A[0-9a-z]+|([^|]+)|([^|]+)|')
  if tenant then t = redis.call('HGET', KEYS[3], tenant) end
  if owner then
    l = redis.call('ZSCORE', KEYS[4], owner)
    if string.sub(owner, 1, 1) == 'r' then n = redis.call('HGET', KEYS[5], owner) end
  end
end
return {e, m, t, l, n}
`;

/** KEYS: hash, marker. ARGV: field. */
export const HGET_WITH_MARKER = `${READ_ON_MASTER_ONLY}return {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('GET', KEYS[2])}
`;

/**
 * KEYS: lock, key. ARGV: token, value. Sets `key` only while `lock` still holds `token`, in one
 * step: a rebuild marks its bridge trusted only if nothing (a flush, an expiry) took its lock
 * away while it ran. Returns 1 when set.
 */
export const SET_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/** KEYS: key. ARGV: value. */
export const DEL_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: one or more keys of one hash tag. ARGV: value, ttl (ms). When any key holds a value,
 * returns the first one found and writes nothing; otherwise sets every key to the value with
 * the expiry and returns false. (A retried webhook finds the first request's claim or answer.)
 */
export const CLAIM_OR_GET = `
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then return v end
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
end
return false
`;

/**
 * A conference's start or end callback, applied unless it is a replay or stale. KEYS: live rooms
 * (owner → start ms), the rooms' last events (owner → event ms), the conference's seen
 * SequenceNumbers. ARGV: owner, 'start' or 'end', event ms, sequence ('' when none), now ms,
 * how long (ms) last events and sequences are kept. Returns 'applied', 'replayed' (the sequence
 * was seen) or 'stale' (a start older than the room's last event). An end is never stale: taking
 * a room's start away only brings back the organizer step.
 */
export const ROOM_EVENT = `
local owner, kind, at, seq, now, keep = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
if seq ~= '' then
  if redis.call('SADD', KEYS[3], seq) == 0 then return 'replayed' end
  redis.call('PEXPIRE', KEYS[3], keep)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
local last = redis.call('ZSCORE', KEYS[2], owner)
if last then last = tonumber(last) end
if kind == 'start' then
  if last and at < last then return 'stale' end
  redis.call('ZADD', KEYS[1], at, owner)
else
  redis.call('ZREM', KEYS[1], owner)
end
if not last or at > last then redis.call('ZADD', KEYS[2], at, owner) end
redis.call('PEXPIRE', KEYS[2], keep)
return 'applied'
`;
