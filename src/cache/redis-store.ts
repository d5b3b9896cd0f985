// CacheStore on Redis or a Redis Cluster (ioredis). Commands fail fast while disconnected
// (no offline queue) and time out quickly; after a timeout (a hung server keeps its connection
// open) every command fails at once until a background PING answers again. So a sick Redis
// costs callers microseconds, not a timeout each: the directory then answers from PostgreSQL.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging.js';
import type { CacheStore, ConferenceIdLookup, ConferenceIdLookupKeys, FieldWrite, RoomEvent, RoomEventKeys, RoomEventOutcome } from './store.js';
import { CAS_FIELDS, CAS_FIELDS_IF_MARKER, CLAIM_OR_GET, DEL_IF_EQUALS, HGET_WITH_MARKER, INCR_WITH_EXPIRY, LOOKUP_CONFERENCE_ID, ROOM_EVENT, SET_IF_HELD, SLIDING_WINDOW } from './scripts.js';
import { slotOf } from './slots.js';

type Client = Redis | Cluster;

interface ScriptCommands {
  casFields(numKeys: number, ...args: string[]): Promise<(string | null)[]>;
  casFieldsIfMarker(numKeys: number, ...args: string[]): Promise<(string | null)[] | null>;
  lookupConferenceId(...args: string[]): Promise<[string | null, string | null, string | null, string | null, string | null]>;
  hgetWithMarker(...args: string[]): Promise<[string | null, string | null]>;
  slidingWindow(...args: string[]): Promise<number>;
  incrWithExpiry(...args: string[]): Promise<number>;
  delIfEquals(...args: string[]): Promise<number>;
  setIfHeld(...args: string[]): Promise<number>;
  claimOrGet(numKeys: number, ...args: string[]): Promise<string | null>;
  roomEvent(...args: string[]): Promise<RoomEventOutcome>;
}

export interface RedisStoreOptions {
  url?: string;
  clusterNodes?: readonly { host: string; port: number }[];
  /** Per-command deadline: a hung Redis must not hold a caller. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** How often a stalled store PINGs to find out whether Redis answers again. */
  probeEveryMs?: number;
  /** How often each master's identity and eviction policy are read again (besides on every connection). */
  recheckEveryMs?: number;
}

/** Thrown without touching Redis while it is known not to answer. */
export class CacheStalledError extends Error {
  constructor() {
    super('redis is not answering (commands timed out); failing fast until a PING answers');
    this.name = 'CacheStalledError';
  }
}

const COMMON: RedisOptions = {
  protocol: 2,
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
};

export class RedisStore implements CacheStore {
  readonly kind: 'redis' | 'cluster';
  readonly client: Client;
  readonly #commands: ScriptCommands;
  /** run_id of each server, by "host:port"; cleared when the connection drops. */
  readonly #runIds = new Map<string, string>();
  /** True once every master has been checked (refreshRunIds) since the last connection change. */
  #identitiesKnown = false;
  /** Bumped on every connection change, so a refresh that straddles one is discarded. */
  #epoch = 0;
  /** Set when a command timed out; cleared by a probe PING that answers, or a new connection. */
  #stalled = false;
  /** One instance for every refused command: a stack per refusal would cost more than the call. */
  readonly #stalledError = new CacheStalledError();
  readonly #probeEveryMs: number;
  /** Identities are read again now and then: a policy changed by CONFIG SET is seen without a reconnect. */
  readonly #recheck: NodeJS.Timeout;

  constructor(options: RedisStoreOptions, private readonly log: Logger) {
    const common: RedisOptions = {
      ...COMMON,
      commandTimeout: options.commandTimeoutMs ?? 400,
      connectTimeout: options.connectTimeoutMs ?? 2000,
    };
    this.#probeEveryMs = options.probeEveryMs ?? 200;
    if (options.clusterNodes) {
      this.kind = 'cluster';
      this.client = new Cluster(options.clusterNodes.map((n) => ({ host: n.host, port: n.port })), {
        redisOptions: common,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      });
    } else {
      this.kind = 'redis';
      this.client = new Redis(options.url ?? 'redis://127.0.0.1:6379', common);
    }
    const define = (name: string, lua: string, numberOfKeys?: number) =>
      this.client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
    define('casFields', CAS_FIELDS);
    define('casFieldsIfMarker', CAS_FIELDS_IF_MARKER);
    define('lookupConferenceId', LOOKUP_CONFERENCE_ID, 5);
    define('hgetWithMarker', HGET_WITH_MARKER, 2);
    define('slidingWindow', SLIDING_WINDOW, 1);
    define('incrWithExpiry', INCR_WITH_EXPIRY, 1);
    define('delIfEquals', DEL_IF_EQUALS, 1);
    define('setIfHeld', SET_IF_HELD, 2);
    define('claimOrGet', CLAIM_OR_GET);
    define('roomEvent', ROOM_EVENT, 3);
    this.#commands = this.client as unknown as ScriptCommands;

    this.client.on('error', (err: Error) => this.log.debug({ err: err.message }, 'redis error'));
    this.client.on('close', () => this.#connectionChanged(false));
    this.client.on('ready', () => this.#connectionChanged(true));
    if (this.client instanceof Cluster) {
      this.client.on('+node', () => this.#connectionChanged(true));
      this.client.on('-node', () => this.#connectionChanged(true));
    }
    this.#recheck = setInterval(() => {
      if (this.isConnected() && !this.#stalled) void this.#refreshRunIds();
    }, options.recheckEveryMs ?? 30_000).unref();
  }

  /** Resolves once connected (or rejects after `ms`); the service may also start without. */
  async waitUntilReady(ms: number): Promise<void> {
    if (this.isConnected() && this.#identitiesKnown) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis not ready after ${ms} ms`)), ms);
      const check = () => {
        if (this.isConnected() && this.#identitiesKnown) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 25);
      };
      check();
    });
  }

  isConnected(): boolean {
    return this.client.status === 'ready';
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  #connectionChanged(up: boolean): void {
    if (up) this.#stalled = false;
    // Forget every identity first: until INFO answers again nothing cached is trusted.
    this.#runIds.clear();
    this.#identitiesKnown = false;
    this.#epoch++;
    if (up) void this.#refreshRunIds();
  }

  /**
   * Reads each master's identity (run_id) and checks that it may be trusted: Redis 7.0 or later
   * (the trusted reads are flagged scripts) and a `maxmemory-policy` that never evicts keys
   * without an expiry (the directory's). A master that fails a check gets no identity, so
   * nothing cached there is trusted and callers are answered from PostgreSQL.
   */
  async #refreshRunIds(): Promise<void> {
    const epoch = this.#epoch;
    try {
      const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
      const found = await Promise.all(nodes.map(async (node) => {
        const address = `${node.options.host}:${node.options.port}`;
        const info = await node.info('server', 'memory');
        const tooOld = unsupportedVersion(info);
        if (tooOld) this.log.error({ node: address, version: tooOld }, 'redis is older than 7.0: its cache reads fail and every call is answered from PostgreSQL');
        const evicting = evictingPolicy(info);
        if (evicting) {
          this.log.error({ node: address, maxmemoryPolicy: evicting },
            `redis maxmemory-policy is ${evicting}, which can evict the directory: the cache is not trusted and every call is answered from PostgreSQL; set maxmemory-policy to noeviction (or a volatile-* policy) on every node`);
        }
        return [address, evicting ? null : /run_id:([0-9a-f]+)/.exec(info)?.[1]] as const;
      }));
      if (epoch !== this.#epoch) return; // the connection changed meanwhile: a newer refresh runs
      this.#runIds.clear();
      for (const [address, runId] of found) if (runId) this.#runIds.set(address, runId);
      this.#identitiesKnown = nodes.length > 0;
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'could not read redis run_id');
    }
  }

  /** Runs one command unless Redis is known to be stalled; a timeout marks it stalled. */
  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#stalled) throw this.#stalledError;
    try {
      return await command();
    } catch (err) {
      if ((err as Error).message === 'Command timed out') this.#stall();
      throw err;
    }
  }

  #stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    this.log.warn('redis command timed out; cache commands fail fast until redis answers a PING');
    const probe = () => {
      if (!this.#stalled) return;
      this.client.ping().then(
        () => {
          if (!this.#stalled) return;
          this.#stalled = false;
          this.log.info('redis answers again');
        },
        () => setTimeout(probe, this.#probeEveryMs).unref(),
      );
    };
    setTimeout(probe, this.#probeEveryMs).unref();
  }

  serverIdentity(key: string): string | null {
    if (!this.isConnected()) return null;
    if (this.client instanceof Cluster) {
      const master = (this.client as unknown as { slots: string[][] }).slots[slotOf(key)]?.[0];
      return master ? (this.#runIds.get(master) ?? null) : null;
    }
    return this.#runIds.values().next().value ?? null;
  }

  async casFields(writes: FieldWrite[]): Promise<(string | null)[]> {
    // One script call per hash tag (a Cluster slot); results are put back in input order.
    const groups = new Map<string, number[]>();
    writes.forEach((w, i) => {
      const tag = hashTag(w.key);
      const list = groups.get(tag);
      if (list) list.push(i);
      else groups.set(tag, [i]);
    });
    const out: (string | null)[] = new Array(writes.length).fill(null);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const { keys, args } = casArguments(indexes.map((i) => writes[i]!));
        const result = await this.#run(() => this.#commands.casFields(keys.length, ...keys, ...args));
        indexes.forEach((i, n) => (out[i] = result[n] ?? null));
      }),
    );
    return out;
  }

  async casFieldsIfMarker(marker: string, expected: string, writes: FieldWrite[]): Promise<(string | null)[] | null> {
    const tag = hashTag(marker);
    if (writes.some((w) => hashTag(w.key) !== tag)) throw new Error('casFieldsIfMarker: every field must share the marker\'s hash tag');
    const { keys, args } = casArguments(writes, [marker]);
    const result = await this.#run(() => this.#commands.casFieldsIfMarker(keys.length, ...keys, expected, ...args));
    return result ? result.map((v) => v ?? null) : null;
  }

  async hget(key: string, field: string): Promise<string | null> {
    return this.#run(() => this.client.hget(key, field));
  }

  async lookupConferenceId(k: ConferenceIdLookupKeys): Promise<ConferenceIdLookup> {
    const [entry, marker, tenant, live, roomName] = await this.#run(() => this.#commands.lookupConferenceId(k.bucket, k.marker, k.tenants, k.liveRooms, k.roomNames, k.field));
    return { entry: entry ?? null, marker: marker ?? null, tenant: tenant ?? null, liveSince: live == null ? null : Number(live), roomName: roomName ?? null };
  }

  async hgetWithMarker(key: string, field: string, marker: string): Promise<{ value: string | null; marker: string | null }> {
    const [value, m] = await this.#run(() => this.#commands.hgetWithMarker(key, marker, field));
    return { value: value ?? null, marker: m ?? null };
  }

  async *hashFields(key: string): AsyncIterable<string[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.#run(() => this.client.hscan(key, cursor, 'COUNT', 1000));
      cursor = next;
      const fields = flat.filter((_, i) => i % 2 === 0);
      if (fields.length) yield fields;
    } while (cursor !== '0');
  }

  async get(key: string): Promise<string | null> {
    return this.#run(() => this.client.get(key));
  }

  async set(key: string, value: string, options: { ttlMs?: number; onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const args: (string | number)[] = [];
    if (options.ttlMs) args.push('PX', options.ttlMs);
    if (options.onlyIfAbsent) args.push('NX');
    return (await this.#run(() => this.client.call('SET', key, value, ...args))) === 'OK';
  }

  async del(key: string): Promise<void> {
    await this.#run(() => this.client.del(key));
  }

  async delIfEquals(key: string, value: string): Promise<void> {
    await this.#run(() => this.#commands.delIfEquals(key, value));
  }

  async setIfHeld(lock: string, token: string, key: string, value: string): Promise<boolean> {
    return Number(await this.#run(() => this.#commands.setIfHeld(lock, key, token, value))) === 1;
  }

  async zadd(key: string, score: number, member: string): Promise<void> {
    await this.#run(() => this.client.zadd(key, score, member));
  }

  async zrem(key: string, member: string): Promise<void> {
    await this.#run(() => this.client.zrem(key, member));
  }

  async slidingWindow(key: string, nowMs: number, windowMs: number, add: boolean): Promise<number> {
    const member = `${nowMs}-${randomBytes(4).toString('hex')}`;
    return Number(await this.#run(() => this.#commands.slidingWindow(key, String(nowMs), String(windowMs), add ? '1' : '0', member)));
  }

  async incrWithExpiry(key: string, ttlMs: number): Promise<number> {
    return Number(await this.#run(() => this.#commands.incrWithExpiry(key, String(ttlMs))));
  }

  async claimOrGet(keys: string[], value: string, ttlMs: number): Promise<string | null> {
    const tag = hashTag(keys[0]!);
    if (keys.some((k) => hashTag(k) !== tag)) throw new Error('claimOrGet: every key must share one hash tag');
    return (await this.#run(() => this.#commands.claimOrGet(keys.length, ...keys, value, String(ttlMs)))) ?? null;
  }

  async roomEvent(k: RoomEventKeys, e: RoomEvent): Promise<RoomEventOutcome> {
    return this.#run(() => this.#commands.roomEvent(k.liveRooms, k.roomEvents, k.sequences, e.owner, e.kind, String(e.atMs), e.sequence ?? '', String(e.nowMs), String(e.keepMs)));
  }

  async close(): Promise<void> {
    clearInterval(this.#recheck);
    this.#stalled = false; // ends the probe
    await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}

/** KEYS and ARGV triples (1-based index into KEYS, field, value) of the compare-and-set scripts. */
function casArguments(writes: FieldWrite[], leadingKeys: string[] = []): { keys: string[]; args: string[] } {
  const keys = [...leadingKeys];
  const args: string[] = [];
  for (const w of writes) {
    let k = keys.indexOf(w.key, leadingKeys.length);
    if (k < 0) k = keys.push(w.key) - 1;
    args.push(String(k + 1), w.field, w.value);
  }
  return { keys, args };
}

/** The part of a key Redis Cluster hashes: the first {...} if any, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
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
