// What the service needs from its cache, whatever holds it: Redis (redis-store.ts), a Redis
// Cluster (the same class), or an in-process map for development (memory-store.ts).
// Versioned values and their compare-and-set rule are described in directory/entries.ts.

export interface FieldWrite {
  key: string;
  field: string;
  value: string;
}

export interface ConferenceIdLookupKeys {
  bucket: string;
  field: string;
  marker: string;
  tenants: string;
  liveRooms: string;
  /** Names of the bridge's Jitsi rooms (read for a room's ID only). */
  roomNames: string;
}

export interface ConferenceIdLookup {
  /** The ID's cached value, if any. */
  entry: string | null;
  /** The bridge's trust marker (see directory/trust.ts). */
  marker: string | null;
  /** The owning tenant's cached call settings, when the entry is active. */
  tenant: string | null;
  /** When the owner's room started (ms since epoch), if the conference runs. */
  liveSince: number | null;
  /** The cached name of a Jitsi room, when the entry is a room's active ID. */
  roomName: string | null;
}

export interface RoomEventKeys {
  liveRooms: string;
  roomEvents: string;
  sequences: string;
}

export interface RoomEvent {
  owner: string;
  kind: 'start' | 'end';
  atMs: number;
  /** Twilio's SequenceNumber; null when the callback has none. */
  sequence: string | null;
  nowMs: number;
  /** How long last events and seen sequences are kept. */
  keepMs: number;
}

export type RoomEventOutcome = 'applied' | 'replayed' | 'stale';

/** One limit of a reservation: `key` (a sorted set) may hold fewer than `limit` members starting with `prefix`. */
export interface WindowCheck {
  key: string;
  windowMs: number;
  limit: number;
  /** Counts only members that start with it (several callers' attempts in one set); '' or absent: all. */
  prefix?: string;
}

/** One attempt to reserve against limits (attempts.ts scripts; every key of one hash tag). */
export interface AttemptReservation {
  /** The attempt's claim: a retry of the same webhook finds it. */
  claim: string;
  claimValue: string;
  claimTtlMs: number;
  /** The attempt's member in every counting set (unique per attempt). */
  member: string;
  checks: WindowCheck[];
  nowMs: number;
}

export type AttemptOutcome =
  | { kind: 'ok'; /** each check's count, this attempt included */ counts: number[] }
  /** `check` (index into checks) is at its limit: nothing was counted. */
  | { kind: 'refused'; check: number; count: number }
  /** The claim was there: a retry; its value (pending, or the first answer). */
  | { kind: 'dup'; value: string };

export interface AttemptSettlement {
  claim: string;
  member: string;
  /** The counting sets of the reservation. */
  keys: string[];
  /** Refunded attempts leave every counting set (a right answer, or the service's own trouble). */
  refund: boolean;
  /** Kept under the claim for retries; null drops the claim. */
  answer: string | null;
  ttlMs: number;
}

export interface WindowState {
  count: number;
  /** When the count falls below the check's limit (ms since epoch); 0 while below it. */
  untilMs: number;
}

export interface CacheStore {
  readonly kind: 'redis' | 'cluster' | 'memory';

  /** True while connected; commands fail fast otherwise. */
  isConnected(): boolean;
  ping(): Promise<void>;

  /**
   * Compare-and-set of versioned hash fields: each value replaces the current one only when
   * its version is newer (or equal while the current one is pending). Returns what each field
   * holds afterwards, in order.
   */
  casFields(writes: FieldWrite[]): Promise<(string | null)[]>;
  /**
   * The same, done only while `marker` (a trust marker of the fields' hash tag) still holds
   * `expected`, atomically; null, writing nothing, when it does not.
   */
  casFieldsIfMarker(marker: string, expected: string, writes: FieldWrite[]): Promise<(string | null)[] | null>;
  hget(key: string, field: string): Promise<string | null>;
  /** One round trip for the ID-entry step. */
  lookupConferenceId(keys: ConferenceIdLookupKeys): Promise<ConferenceIdLookup>;
  /** A field and a marker key in one round trip. */
  hgetWithMarker(key: string, field: string, marker: string): Promise<{ value: string | null; marker: string | null }>;

  /** The field names of a hash, in batches (HSCAN: no long block on a big hash). */
  hashFields(key: string): AsyncIterable<string[]>;

  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Deletes `key` only while it still holds `value` (releasing a lock one owns). */
  delIfEquals(key: string, value: string): Promise<void>;
  /**
   * Sets `key` to `value` only while `lock` still holds `token`, atomically; true when set. Both
   * keys must share a hash tag.
   */
  setIfHeld(lock: string, token: string, key: string, value: string): Promise<boolean>;

  zadd(key: string, score: number, member: string): Promise<void>;
  zrem(key: string, member: string): Promise<void>;

  /**
   * Sliding-window counter: records one event at `nowMs` (when `add`), drops events older than
   * the window, refreshes the key's expiry, and returns how many events the window holds.
   */
  slidingWindow(key: string, nowMs: number, windowMs: number, add: boolean): Promise<number>;
  /** Checks every limit, counts the attempt and claims it, atomically (see limit-scripts.ts). */
  reserveAttempt(r: AttemptReservation): Promise<AttemptOutcome>;
  settleAttempt(s: AttemptSettlement): Promise<void>;
  /** Reads sliding windows (dropping what has left them), one hash tag per call. */
  readWindows(checks: WindowCheck[], nowMs: number): Promise<WindowState[]>;
  /** Fixed-window counter: increments and returns the count, setting the expiry on first use. */
  incrWithExpiry(key: string, ttlMs: number): Promise<number>;

  /**
   * Atomically: when one of `keys` (one hash tag) holds a value, that value, writing nothing;
   * otherwise sets each to `value` for `ttlMs` and returns null.
   */
  claimOrGet(keys: string[], value: string, ttlMs: number): Promise<string | null>;

  /** A conference start or end callback, unless replayed or stale (scripts.ts ROOM_EVENT). */
  roomEvent(keys: RoomEventKeys, event: RoomEvent): Promise<RoomEventOutcome>;

  /**
   * Who holds `key` now: changes whenever that server restarts or is replaced, so that a
   * marker written on another server (old data restored, failover) is not trusted. Null while
   * unknown (disconnected).
   */
  serverIdentity(key: string): string | null;

  close(): Promise<void>;
}
