// Rebuilds the cache of one bridge (or of the dial-in numbers) from PostgreSQL, in batches of
// pipelined compare-and-set writes, then writes the trust marker. Until the marker is there,
// readers ask PostgreSQL (see trust.ts), so a rebuild never shows callers a half-filled cache.
//
// What the marker promises: every value a committed change wrote to this Redis is still there,
// or was superseded by a newer one. A value can only be lost with the whole server's memory
// (a flush, a restart, a failover; eviction is refused, see cache/redis-store.ts), so a rebuild
// guards the two ways a loss could slip past it:
//   - a loss while it runs: the rebuild's lock is its token, and the marker is written by a
//     script that checks the lock still holds it (a flush takes the lock with everything else);
//   - a loss just before it took the lock, of a change that commits after the rebuild read its
//     row: before reading, the rebuild waits for the transactions writing to the tables it reads
//     (store/open-writers.ts), so every change whose cache value it could have missed has
//     committed and is in what it reads.
// Every other write (reader fill-ins, after-commit writes) is a versioned compare-and-set and
// cannot replace a newer value; an older one it leaves in an untrusted cache is overwritten by
// the rebuild, which reads after every change it could miss.
import { randomBytes } from 'node:crypto';
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore, FieldWrite } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Database } from '../store/db.js';
import { BRIDGE_DIRECTORY_TABLES, NUMBER_DIRECTORY_TABLES, waitForOpenWriters } from '../store/open-writers.js';
import { parseOwnerRef } from '../lib/refs.js';
import { conferenceIdPage } from '../store/conference-ids.js';
import { roomNamePage } from '../store/jitsi-rooms.js';
import { findLeaderPins } from '../store/leader-pins.js';
import { allNumberEntries, nextDirectoryVersion } from '../store/numbers.js';
import { tenantSettingsOfBridge } from '../store/tenants.js';
import { conferenceIdWrite, leaderPinWrite, numberGoneWrite, numberWrite, roomNameWrite, tenantSettingsWrite } from './writes.js';

const BATCH = 5000;
const LOCK_MS = 10 * 60_000;
/** How long a rebuild waits for open writers before giving up (and being retried). */
const WRITERS_WAIT_MS = 3000;

export interface RebuildResult {
  scope: string;
  written: number;
  ms: number;
  /** False when another instance holds the rebuild lock, or the server changed or lost the lock meanwhile. */
  completed: boolean;
}

export type RebuildOutcome = 'completed' | 'skipped' | 'failed';

type Fill = (write: (w: FieldWrite[]) => Promise<void>) => Promise<number>;

export class Rebuilder {
  constructor(
    private readonly sql: Database,
    private readonly store: CacheStore,
    private readonly keys: CacheKeys,
    private readonly log: Logger,
    /** Told of every attempt (metrics). */
    private readonly onResult: (scope: 'bridge' | 'numbers', outcome: RebuildOutcome, ms: number) => void = () => undefined,
  ) {}

  async rebuildBridge(bridgeId: string): Promise<RebuildResult> {
    return this.#locked(`bridge ${bridgeId}`, this.keys.rebuildLock(bridgeId), this.keys.directoryMarker(bridgeId), BRIDGE_DIRECTORY_TABLES, async (write) => {
      let written = 0;
      // keyset pagination keeps each query short however large the bridge
      let after = 0;
      for (;;) {
        const rows = await conferenceIdPage(this.sql, bridgeId, after, BATCH);
        if (rows.length === 0) break;
        await write(rows.map((r) => conferenceIdWrite(this.keys, r)));
        written += rows.length;
        after = rows[rows.length - 1]!.conference_id;
      }
      // Jitsi rooms' names (immutable; a restored cache can only miss some)
      let afterRoom: string | null = null;
      for (;;) {
        const rooms = await roomNamePage(this.sql, bridgeId, afterRoom, BATCH);
        if (rooms.length === 0) break;
        await write(rooms.map((r) => roomNameWrite(this.keys, r)));
        written += rooms.length;
        afterRoom = rooms[rooms.length - 1]!.id;
      }
      const tenants = await tenantSettingsOfBridge(this.sql, bridgeId);
      await write(tenants.map((r) => tenantSettingsWrite(this.keys, r)));
      // PIN hashes are cached lazily (only leaders who dial in), so there is nothing to preload;
      // but a restored cache may hold old ones: refresh every cached field from PostgreSQL.
      for await (const fields of this.store.hashFields(this.keys.leaderPins(bridgeId))) {
        const owners = fields.map(parseOwnerRef).filter((o): o is NonNullable<typeof o> => o !== null && o.kind !== 'room');
        const rows = await findLeaderPins(this.sql, bridgeId, owners);
        await write(rows.map((r) => leaderPinWrite(this.keys, r)));
        written += rows.length;
      }
      return written + tenants.length;
    });
  }

  async rebuildNumbers(): Promise<RebuildResult> {
    return this.#locked('numbers', this.keys.numbersRebuildLock, this.keys.numbersMarker, NUMBER_DIRECTORY_TABLES, async (write) => {
      const rows = await allNumberEntries(this.sql);
      for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH).map((r) => numberWrite(this.keys, r)));
      // Deleted numbers leave no row: a cached value PostgreSQL no longer has (a restored cache)
      // is overwritten with a tombstone newer than anything it could hold.
      const known = new Set(rows.map((r) => r.number));
      let removed = 0;
      for await (const fields of this.store.hashFields(this.keys.numbers)) {
        const stale = fields.filter((f) => !known.has(f));
        if (stale.length === 0) continue;
        const version = await nextDirectoryVersion(this.sql);
        await write(stale.map((n) => numberGoneWrite(this.keys, n, version)));
        removed += stale.length;
      }
      return rows.length + removed;
    });
  }

  async #locked(scope: string, lockKey: string, markerKey: string, tables: readonly string[], fill: Fill): Promise<RebuildResult> {
    const kind = scope === 'numbers' ? 'numbers' : 'bridge';
    try {
      const result = await this.#lockedRun(scope, lockKey, markerKey, tables, fill);
      this.onResult(kind, result.completed ? 'completed' : 'skipped', result.ms);
      return result;
    } catch (err) {
      this.onResult(kind, 'failed', 0);
      throw err;
    }
  }

  async #lockedRun(scope: string, lockKey: string, markerKey: string, tables: readonly string[], fill: Fill): Promise<RebuildResult> {
    const started = Date.now();
    const token = randomBytes(8).toString('hex');
    if (!(await this.store.set(lockKey, token, { ttlMs: LOCK_MS, onlyIfAbsent: true }))) {
      return { scope, written: 0, ms: 0, completed: false };
    }
    try {
      const identity = this.store.serverIdentity(markerKey);
      if (!identity) return { scope, written: 0, ms: 0, completed: false };
      await waitForOpenWriters(this.sql, tables, WRITERS_WAIT_MS);
      const written = await fill(async (writes) => {
        for (let i = 0; i < writes.length; i += 500) await this.store.casFields(writes.slice(i, i + 500));
      });
      const incomplete = { scope, written, ms: Date.now() - started, completed: false };
      // a server that restarted meanwhile may have lost what was written: leave it untrusted
      if (this.store.serverIdentity(markerKey) !== identity) return incomplete;
      // nor one that lost the lock (a flush): the values written before the flush are gone
      if (!(await this.store.setIfHeld(lockKey, token, markerKey, `${identity}:${token}`))) {
        this.log.warn({ scope }, 'directory rebuild lost its lock while it ran (Redis flushed?); not marking the cache trusted');
        return incomplete;
      }
      const ms = Date.now() - started;
      this.log.info({ scope, written, ms }, 'directory cache rebuilt');
      return { scope, written, ms, completed: true };
    } finally {
      await this.store.delIfEquals(lockKey, token).catch(() => undefined);
    }
  }
}
