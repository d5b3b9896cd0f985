// Waiting out the transactions that are writing to some tables right now. A directory rebuild
// does this before it reads (see directory/rebuild.ts): a change writes its cache value before
// COMMIT, so a change that wrote to Redis before the rebuild took its lock, and lost that value
// to a flush, has committed by the time the rebuild reads PostgreSQL.
import type { Database } from './db.js';

/** The tables whose rows a bridge's cached entries are made from (IDs, PIN hashes, settings and destinations, room names). */
export const BRIDGE_DIRECTORY_TABLES = ['conference_ids', 'users', 'tenants', 'meeting_destinations', 'jitsi_rooms'] as const;
export const NUMBER_DIRECTORY_TABLES = ['dial_in_numbers'] as const;

/**
 * Resolves once every transaction that had written to `tables` when this was called has ended.
 * A SHARE lock conflicts with the ROW EXCLUSIVE lock each writer holds until it ends, so taking
 * one (and releasing it at once) waits for exactly those writers; new writers queue behind it
 * meanwhile, hence the short `lock_timeout` (a rebuild that gives up is retried).
 */
export async function waitForOpenWriters(db: Database, tables: readonly string[], timeoutMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
    await tx.query(`LOCK TABLE ${tables.join(', ')} IN SHARE MODE`);
  }, { prepared: false });
}
