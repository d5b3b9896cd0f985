// What the Redis store reads from a server's INFO reply and from a key's name: the checks that
// decide whether a server may be trusted, and the hash tag that places a key in a Cluster slot.

/** The part of a key Redis Cluster hashes: the first {...} if any, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/** Throws unless every key shares the first key's hash tag (a script's keys must share a slot). */
export function assertOneTag(what: string, keys: readonly string[]): void {
  const tag = hashTag(keys[0]!);
  if (keys.some((k) => hashTag(k) !== tag)) throw new Error(`${what}: every key must share one hash tag`);
}

/**
 * The `maxmemory-policy` of an INFO memory reply when it may evict any key (allkeys-*), which
 * would drop directory entries one by one without touching the trust marker; else null.
 */
export function evictingPolicy(info: string): string | null {
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  return policy?.startsWith('allkeys-') ? policy : null;
}

/**
 * The version in an INFO server reply when it is older than 7.0, else null. The trusted reads
 * are flagged scripts (see scripts.ts), which older servers cannot compile.
 */
export function unsupportedVersion(info: string): string | null {
  const version = /redis_version:(\d+)\.(\d+)\.(\d+)/.exec(info);
  if (!version) return null; // a compatible server that does not say (it would fail loudly anyway)
  return Number(version[1]) < 7 ? `${version[1]}.${version[2]}.${version[3]}` : null;
}
