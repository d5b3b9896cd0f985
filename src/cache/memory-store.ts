// An in-process CacheStore for development without Redis: one instance only, nothing shared.
// It follows the same rules as the Lua scripts in scripts.ts (compare-and-set of versioned
// values, see directory/entries.ts; sliding windows; expiries in real time); the same
// behaviour tests run against both (test/cache/).
import { randomBytes } from 'node:crypto';
import type {
  AttemptOutcome, AttemptReservation, AttemptSettlement, CacheStore, ConferenceIdLookup, ConferenceIdLookupKeys, FieldWrite,
  RoomEvent, RoomEventKeys, RoomEventOutcome, WindowCheck, WindowState,
} from './store.js';

// Lua: tonumber(string.match(v, '^%a([0-9a-z]+)'), 36)
const versionOf = (v: string) => parseInt(/^[A-Za-z]([0-9a-z]+)/.exec(v)?.[1] ?? '0', 36);

const SWEEP_EVERY = 1000;

/** The longest window among the checks of one counting set (as the Redis script keeps it). */
const windowOf = (checks: WindowCheck[], key: string) => Math.max(...checks.filter((c) => c.key === key).map((c) => c.windowMs));

interface Expiring<T> {
  value: T;
  expiresAt: number | null;
}

export class MemoryStore implements CacheStore {
  readonly kind = 'memory' as const;
  readonly #strings = new Map<string, Expiring<string>>();
  readonly #hashes = new Map<string, Map<string, string>>();
  readonly #sorted = new Map<string, Expiring<Map<string, number>>>();
  readonly #sets = new Map<string, Expiring<Set<string>>>();
  /** Writes with an expiry since the last sweep: keys read never again (webhook answers) are swept. */
  #expiringWrites = 0;
  // Markers are written by rebuilds on "this server"; a fresh process is a fresh server.
  readonly #identity = randomBytes(8).toString('hex');

  isConnected(): boolean {
    return true;
  }

  async ping(): Promise<void> {}

  async casFields(writes: FieldWrite[]): Promise<(string | null)[]> {
    return writes.map(({ key, field, value }) => {
      let hash = this.#hashes.get(key);
      if (!hash) this.#hashes.set(key, (hash = new Map()));
      const cur = hash.get(field);
      if (cur !== undefined) {
        const cv = versionOf(cur);
        const nv = versionOf(value);
        if (!(nv > cv || (nv === cv && cur[0] === 'P' && value[0] !== 'P'))) return cur;
      }
      hash.set(field, value);
      return value;
    });
  }

  async casFieldsIfMarker(marker: string, expected: string, writes: FieldWrite[]): Promise<(string | null)[] | null> {
    if (this.#get(marker) !== expected) return null;
    return this.casFields(writes);
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.#hashes.get(key)?.get(field) ?? null;
  }

  async lookupConferenceId(k: ConferenceIdLookupKeys): Promise<ConferenceIdLookup> {
    const entry = this.#hashes.get(k.bucket)?.get(k.field) ?? null;
    let tenant: string | null = null;
    let liveSince: number | null = null;
    let roomName: string | null = null;
    const m = entry?.startsWith('A') ? /^A[0-9a-z]+\|([^|]+)\|([^|]+)\|/.exec(entry) : null;
    if (m) {
      tenant = this.#hashes.get(k.tenants)?.get(m[2]!) ?? null;
      liveSince = this.#zset(k.liveRooms)?.get(m[1]!) ?? null;
      if (m[1]!.startsWith('r')) roomName = this.#hashes.get(k.roomNames)?.get(m[1]!) ?? null;
    }
    return { entry, marker: this.#get(k.marker), tenant, liveSince, roomName };
  }

  async hgetWithMarker(key: string, field: string, marker: string): Promise<{ value: string | null; marker: string | null }> {
    return { value: this.#hashes.get(key)?.get(field) ?? null, marker: this.#get(marker) };
  }

  async *hashFields(key: string): AsyncIterable<string[]> {
    const fields = [...(this.#hashes.get(key)?.keys() ?? [])];
    for (let i = 0; i < fields.length; i += 1000) yield fields.slice(i, i + 1000);
  }

  async get(key: string): Promise<string | null> {
    return this.#get(key);
  }

  async set(key: string, value: string, options: { ttlMs?: number; onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    // SET NX looks at a key of any type; SET replaces a key of any type
    if (options.onlyIfAbsent && (this.#get(key) !== null || this.#hashes.has(key) || this.#zset(key))) return false;
    this.#hashes.delete(key);
    this.#sorted.delete(key);
    this.#strings.set(key, { value, expiresAt: options.ttlMs ? Date.now() + options.ttlMs : null });
    if (options.ttlMs && ++this.#expiringWrites >= SWEEP_EVERY) this.#sweep();
    return true;
  }

  async del(key: string): Promise<void> {
    this.#sets.delete(key);
    this.#strings.delete(key);
    this.#hashes.delete(key);
    this.#sorted.delete(key);
  }

  async delIfEquals(key: string, value: string): Promise<void> {
    if (this.#get(key) === value) this.#strings.delete(key);
  }

  async setIfHeld(lock: string, token: string, key: string, value: string): Promise<boolean> {
    if (this.#get(lock) !== token) return false;
    await this.set(key, value);
    return true;
  }

  async zadd(key: string, score: number, member: string): Promise<void> {
    let z = this.#zset(key);
    if (!z) this.#sorted.set(key, { value: (z = new Map()), expiresAt: null });
    z.set(member, score);
  }

  async zrem(key: string, member: string): Promise<void> {
    this.#zset(key)?.delete(member);
  }

  async slidingWindow(key: string, nowMs: number, windowMs: number, add: boolean): Promise<number> {
    const z = this.#zset(key) ?? new Map<string, number>();
    for (const [member, score] of z) if (score <= nowMs - windowMs) z.delete(member);
    if (add) z.set(`${nowMs}-${randomBytes(4).toString('hex')}`, nowMs);
    // Redis drops an empty set, and PEXPIRE counts from the server's clock, not from nowMs
    if (z.size === 0) this.#sorted.delete(key);
    else this.#sorted.set(key, { value: z, expiresAt: Date.now() + windowMs });
    return z.size;
  }

  async reserveAttempt(r: AttemptReservation): Promise<AttemptOutcome> {
    const claimed = this.#get(r.claim);
    if (claimed !== null) return { kind: 'dup', value: claimed };
    const counts: number[] = [];
    for (const [i, c] of r.checks.entries()) {
      const n = this.#window(c.key, r.nowMs, windowOf(r.checks, c.key)).filter(([m]) => m.startsWith(c.prefix ?? '')).length;
      if (n >= c.limit) return { kind: 'refused', check: i, count: n };
      counts.push(n + 1);
    }
    for (const key of new Set(r.checks.map((c) => c.key))) {
      await this.zadd(key, r.nowMs, r.member);
      this.#sorted.get(key)!.expiresAt = Date.now() + windowOf(r.checks, key);
    }
    await this.set(r.claim, r.claimValue, { ttlMs: r.claimTtlMs });
    return { kind: 'ok', counts };
  }

  async settleAttempt(a: AttemptSettlement): Promise<void> {
    if (a.refund) for (const key of a.keys) this.#zset(key)?.delete(a.member);
    if (a.answer === null) await this.del(a.claim);
    else await this.set(a.claim, a.answer, { ttlMs: a.ttlMs });
  }

  async readWindows(checks: WindowCheck[], nowMs: number): Promise<WindowState[]> {
    return checks.map((c) => {
      const scores = this.#window(c.key, nowMs, c.windowMs).filter(([m]) => m.startsWith(c.prefix ?? '')).map(([, s]) => s).sort((a, b) => a - b);
      const n = scores.length;
      return { count: n, untilMs: n >= c.limit ? scores[n - c.limit]! + c.windowMs : 0 };
    });
  }

  /** The members of a sorted set still inside the window (older ones dropped). */
  #window(key: string, nowMs: number, windowMs: number): [string, number][] {
    const z = this.#zset(key);
    if (!z) return [];
    for (const [member, score] of z) if (score <= nowMs - windowMs) z.delete(member);
    return [...z];
  }

  async incrWithExpiry(key: string, ttlMs: number): Promise<number> {
    const n = Number(this.#get(key) ?? '0') + 1;
    const expiresAt = this.#strings.get(key)?.expiresAt ?? Date.now() + ttlMs;
    this.#strings.set(key, { value: String(n), expiresAt });
    return n;
  }

  async claimOrGet(keys: string[], value: string, ttlMs: number): Promise<string | null> {
    for (const k of keys) {
      const v = this.#get(k);
      if (v !== null) return v;
    }
    for (const k of keys) await this.set(k, value, { ttlMs });
    return null;
  }

  async roomEvent(k: RoomEventKeys, e: RoomEvent): Promise<RoomEventOutcome> {
    if (e.sequence !== null) {
      const seen = this.#sets.get(k.sequences);
      const live = seen && (seen.expiresAt === null || seen.expiresAt > Date.now()) ? seen.value : new Set<string>();
      if (live.has(e.sequence)) return 'replayed';
      live.add(e.sequence);
      this.#sets.set(k.sequences, { value: live, expiresAt: Date.now() + e.keepMs });
    }
    const last = this.#zset(k.roomEvents) ?? new Map<string, number>();
    for (const [owner, at] of last) if (at <= e.nowMs - e.keepMs) last.delete(owner);
    const before = last.get(e.owner);
    if (e.kind === 'start') {
      if (before !== undefined && e.atMs < before) return 'stale';
      await this.zadd(k.liveRooms, e.atMs, e.owner);
    } else {
      await this.zrem(k.liveRooms, e.owner);
    }
    if (before === undefined || e.atMs > before) last.set(e.owner, e.atMs);
    this.#sorted.set(k.roomEvents, { value: last, expiresAt: Date.now() + e.keepMs });
    return 'applied';
  }

  serverIdentity(): string {
    return this.#identity;
  }

  async close(): Promise<void> {}

  /** Drops expired keys, as Redis does by itself. */
  #sweep(): void {
    this.#expiringWrites = 0;
    const now = Date.now();
    for (const map of [this.#strings, this.#sorted, this.#sets] as Map<string, Expiring<unknown>>[]) {
      for (const [key, e] of map) if (e.expiresAt !== null && e.expiresAt <= now) map.delete(key);
    }
  }

  /** Keys held, expired ones included until swept (tests). */
  get size(): number {
    return this.#strings.size + this.#hashes.size + this.#sorted.size + this.#sets.size;
  }

  #get(key: string): string | null {
    const e = this.#strings.get(key);
    if (!e) return null;
    if (e.expiresAt !== null && e.expiresAt <= Date.now()) {
      this.#strings.delete(key);
      return null;
    }
    return e.value;
  }

  #zset(key: string): Map<string, number> | undefined {
    const e = this.#sorted.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= Date.now()) {
      this.#sorted.delete(key);
      return undefined;
    }
    return e?.value;
  }
}
