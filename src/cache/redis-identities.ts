// Who each Redis master is (its run_id), and whether it may be trusted at all: the directory's
// trust markers name the server they were written on (see directory/trust.ts), so a restarted,
// restored or replaced server is never trusted with what it holds.
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from '../logging.js';
import { evictingPolicy, unsupportedVersion } from './redis-info.js';
import { slotOf } from './slots.js';

export class RedisIdentities {
  /** run_id of each server, by "host:port"; cleared when the connection drops. */
  readonly #runIds = new Map<string, string>();
  /** True once every master has been checked since the last connection change. */
  #known = false;
  /** Bumped on every connection change, so a refresh that straddles one is discarded. */
  #epoch = 0;

  constructor(private readonly client: Redis | Cluster, private readonly log: Logger) {}

  get known(): boolean {
    return this.#known;
  }

  /** Forgets every identity (until INFO answers again nothing cached is trusted); reads them again when up. */
  connectionChanged(up: boolean): void {
    this.#runIds.clear();
    this.#known = false;
    this.#epoch++;
    if (up) void this.refresh();
  }

  /**
   * Reads each master's identity (run_id) and checks that it may be trusted: Redis 7.0 or later
   * (the trusted reads are flagged scripts) and a `maxmemory-policy` that never evicts keys
   * without an expiry (the directory's). A master that fails a check gets no identity, so
   * nothing cached there is trusted and callers are answered from PostgreSQL.
   */
  async refresh(): Promise<void> {
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
      this.#known = nodes.length > 0;
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'could not read redis run_id');
    }
  }

  /** The identity of the master holding `key`, or null while unknown. */
  of(key: string): string | null {
    if (this.client instanceof Cluster) {
      const master = (this.client as unknown as { slots: string[][] }).slots[slotOf(key)]?.[0];
      return master ? (this.#runIds.get(master) ?? null) : null;
    }
    return this.#runIds.values().next().value ?? null;
  }
}
