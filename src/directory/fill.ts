// The one way a value read from PostgreSQL (or decided by a change) reaches the cache after the
// fact: only while the bridge's trust marker still holds what the writer saw before it read or
// committed. After a loss or a rebuild the value could be older than what the rebuild wrote.
import type { CacheStore, FieldWrite } from '../cache/store.js';
import type { Trust } from './trust.js';

/** A trust marker as a reader or a change saw it. */
export interface SeenMarker {
  key: string;
  value: string;
}

export class GuardedFill {
  constructor(
    private readonly store: CacheStore,
    private readonly trust: Trust,
  ) {}

  /**
   * Writes `writes` while `seen` is still the trusted marker (same server, same marker), as a
   * compare-and-set that keeps newer versions. Returns what the fields hold, or [] when nothing
   * was written; with `rethrow`, a failed write throws instead.
   */
  async write(seen: SeenMarker, writes: FieldWrite[], { rethrow = false } = {}): Promise<(string | null)[]> {
    if (!this.store.isConnected() || !this.trust.trusts(seen.key, seen.value)) return [];
    try {
      return (await this.store.casFieldsIfMarker(seen.key, seen.value, writes)) ?? [];
    } catch (err) {
      if (rethrow) throw err;
      return [];
    }
  }
}
