// Whether cached answers of a bridge may be acted on. A bridge's marker is written by a
// completed rebuild and names the Redis server (its run_id) it was written on. No marker
// (Redis restarted empty or was flushed) or another server's marker (restored from a snapshot,
// a failover to a replica) means the cache may be missing changes or hold old ones: readers ask
// PostgreSQL, and one rebuild is started.
import type { CacheStore } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Rebuilder } from './rebuild.js';

export class Trust {
  readonly #running = new Map<string, Promise<unknown>>();
  /** After a rebuild that did not complete, wait a little before the next attempt. */
  readonly #retryAfter = new Map<string, number>();

  constructor(
    private readonly store: CacheStore,
    private readonly rebuilder: Rebuilder,
    private readonly log: Logger,
    private readonly retryMs = 2000,
  ) {}

  /** True when `marker` (read from `markerKey`) was written on the server holding it now. */
  trusts(markerKey: string, marker: string | null): marker is string {
    const identity = this.store.serverIdentity(markerKey);
    return marker !== null && identity !== null && marker.startsWith(identity + ':');
  }

  /** `trusts`, and when not, starts a rebuild (unless the server is unknown or refused). */
  check(markerKey: string, marker: string | null, scope: { bridgeId: string } | 'numbers'): marker is string {
    if (this.trusts(markerKey, marker)) return true;
    if (this.store.serverIdentity(markerKey) !== null) this.#scheduleRebuild(scope);
    return false;
  }

  #scheduleRebuild(scope: { bridgeId: string } | 'numbers'): void {
    const id = scope === 'numbers' ? 'numbers' : scope.bridgeId;
    if (this.#running.has(id) || Date.now() < (this.#retryAfter.get(id) ?? 0)) return;
    const run = (scope === 'numbers' ? this.rebuilder.rebuildNumbers() : this.rebuilder.rebuildBridge(scope.bridgeId))
      .then((result) => {
        if (result.completed) this.#retryAfter.delete(id);
        else this.#retryAfter.set(id, Date.now() + this.retryMs);
      })
      .catch((err) => {
        this.#retryAfter.set(id, Date.now() + this.retryMs);
        this.log.warn({ err: (err as Error).message, scope: id }, 'directory rebuild failed');
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, run);
  }

  /** Resolves when the rebuilds started so far have finished (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }
}
