// The cache side of an admin change, tied to its transaction. Before COMMIT: the non-positive
// values (a retired ID's 'R', a pending value), so that once the change answers no cache holds
// the old positive value with a version that could win; when they cannot be written, the
// change fails (503) and rolls back. After COMMIT: the final values, guarded by the trust
// markers read before COMMIT, so a value decided before a loss is never written after it.
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore, FieldWrite } from '../cache/store.js';
import { DependencyError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Tx } from '../store/db.js';
import type { CacheChange } from './changes.js';
import type { GuardedFill } from './fill.js';

export interface StagingEvents {
  cacheWriteFailed?(stage: 'before_commit' | 'after_commit'): void;
}

export class Staging {
  /** The changes staged on each open transaction: several stages share one write each way. */
  readonly #staged = new WeakMap<Tx, CacheChange[]>();

  constructor(
    private readonly store: CacheStore,
    private readonly keys: CacheKeys,
    private readonly log: Logger,
    private readonly fill: GuardedFill,
    private readonly events: StagingEvents = {},
  ) {}

  stage(tx: Tx, changes: CacheChange[]): void {
    if (changes.length === 0) return;
    const staged = this.#staged.get(tx);
    if (staged) {
      staged.push(...changes);
      return;
    }
    const all = [...changes];
    this.#staged.set(tx, all);
    const seen = new Map<string, string | null>();
    tx.beforeCommit(async () => {
      const before = all.filter((c) => c.before !== null).map((c) => ({ key: c.key, field: c.field, value: c.before! }));
      const markers = [...new Set(all.map((c) => this.keys.markerOf(c.key)))];
      // Sent together with the write below (one round trip); read before COMMIT, so a loss
      // between here and the after-commit write shows as a changed marker.
      const reading = Promise.all(markers.map((m) => this.store.get(m)));
      reading.catch(() => undefined);
      if (before.length) {
        try {
          if (!this.store.isConnected()) throw new Error('not connected');
          await this.store.casFields(before);
        } catch (err) {
          this.events.cacheWriteFailed?.('before_commit');
          throw new DependencyError('cache', 'the directory cache cannot be updated, so the change could not be made safely; nothing was changed', err);
        }
      }
      try {
        const values = await reading;
        markers.forEach((m, i) => seen.set(m, values[i] ?? null));
      } catch {
        // unknown markers: the after-commit writes are skipped, readers fill the cache
      }
    });
    tx.afterCommit(async () => {
      // What the before-commit write already holds (a retired ID's final value) is not sent again.
      const after = groupByMarker(this.keys, all.filter((c) => c.before !== c.after).map((c) => ({ key: c.key, field: c.field, value: c.after })));
      try {
        await Promise.all([...after].map(([marker, writes]) => {
          const value = seen.get(marker);
          return value ? this.fill.write({ key: marker, value }, writes, { rethrow: true }) : undefined;
        }));
      } catch (err) {
        // Safe: the before-commit values (or nothing) send readers to PostgreSQL, which fills the cache.
        this.events.cacheWriteFailed?.('after_commit');
        this.log.warn({ err: (err as Error).message, fields: all.length }, 'directory cache not updated after commit; readers will fill it');
      }
    });
  }
}

function groupByMarker(keys: CacheKeys, writes: FieldWrite[]): Map<string, FieldWrite[]> {
  const groups = new Map<string, FieldWrite[]>();
  for (const w of writes) {
    const marker = keys.markerOf(w.key);
    const list = groups.get(marker);
    if (list) list.push(w);
    else groups.set(marker, [w]);
  }
  return groups;
}
