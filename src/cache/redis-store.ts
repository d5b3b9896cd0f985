// CacheStore on Redis or a Redis Cluster (ioredis). Commands fail fast while disconnected
// (no offline queue) and time out quickly; after a timeout (a hung server keeps its connection
// open) every command fails at once until a background PING answers again. So a sick Redis
// costs callers microseconds, not a timeout each: the directory then answers from PostgreSQL.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging.js';
import type {
  AttemptOutcome, AttemptReservation, AttemptSettlement, CacheStore, ConferenceIdLookup, ConferenceIdLookupKeys, FieldWrite,
  RoomEvent, RoomEventKeys, RoomEventOutcome, WindowCheck, WindowState,
} from './store.js';
import { casArguments, defineCommands, type ScriptCommands } from './redis-commands.js';
import { assertOneTag, evictingPolicy, hashTag, unsupportedVersion } from './redis-info.js';
import { RedisIdentities } from './redis-identities.js';

export { evictingPolicy, hashTag, unsupportedVersion };

type Client = Redis | Cluster;

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
  readonly #identities: RedisIdentities;
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
    this.#commands = defineCommands(this.client);
    this.#identities = new RedisIdentities(this.client, log);

    this.client.on('error', (err: Error) => this.log.debug({ err: err.message }, 'redis error'));
    this.client.on('close', () => this.#connectionChanged(false));
    this.client.on('ready', () => this.#connectionChanged(true));
    if (this.client instanceof Cluster) {
      this.client.on('+node', () => this.#connectionChanged(true));
      this.client.on('-node', () => this.#connectionChanged(true));
    }
    this.#recheck = setInterval(() => {
      if (this.isConnected() && !this.#stalled) void this.#identities.refresh();
    }, options.recheckEveryMs ?? 30_000).unref();
  }

  /** Resolves once connected (or rejects after `ms`); the service may also start without. */
  async waitUntilReady(ms: number): Promise<void> {
    if (this.isConnected() && this.#identities.known) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis not ready after ${ms} ms`)), ms);
      const check = () => {
        if (this.isConnected() && this.#identities.known) {
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
    this.#identities.connectionChanged(up);
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
    return this.isConnected() ? this.#identities.of(key) : null;
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
    assertOneTag('claimOrGet', keys);
    return (await this.#run(() => this.#commands.claimOrGet(keys.length, ...keys, value, String(ttlMs)))) ?? null;
  }

  async reserveAttempt(r: AttemptReservation): Promise<AttemptOutcome> {
    const sets = [...new Set(r.checks.map((c) => c.key))];
    const keys = [r.claim, ...sets];
    assertOneTag('reserveAttempt', keys);
    const windows = sets.map((k) => String(Math.max(...r.checks.filter((c) => c.key === k).map((c) => c.windowMs))));
    const checks = r.checks.flatMap((c) => [String(sets.indexOf(c.key) + 2), String(c.limit), c.prefix ?? '']);
    const out = await this.#run(() => this.#commands.reserveAttempt(keys.length, ...keys, String(r.nowMs), String(r.claimTtlMs), r.member, r.claimValue, ...windows, ...checks));
    if (out[0] === 'dup') return { kind: 'dup', value: String(out[1]) };
    if (out[0] === 'refused') return { kind: 'refused', check: Number(out[1]) - 1, count: Number(out[2]) };
    return { kind: 'ok', counts: out.slice(1).map(Number) };
  }

  async settleAttempt(a: AttemptSettlement): Promise<void> {
    const keys = [a.claim, ...a.keys];
    assertOneTag('settleAttempt', keys);
    await this.#run(() => this.#commands.settleAttempt(keys.length, ...keys, a.refund ? 'refund' : 'keep', a.member, a.answer ?? '', String(a.ttlMs)));
  }

  async readWindows(checks: WindowCheck[], nowMs: number): Promise<WindowState[]> {
    if (checks.length === 0) return [];
    assertOneTag('readWindows', checks.map((c) => c.key));
    const out = await this.#run(() => this.#commands.readWindows(checks.length, ...checks.map((c) => c.key), String(nowMs),
      ...checks.flatMap((c) => [String(c.windowMs), String(c.limit), c.prefix ?? ''])));
    return out.map(([count, untilMs]) => ({ count: Number(count), untilMs: Number(untilMs) }));
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

