// A few thousand of a tenant's users, kept in memory for a few minutes, from which user-search.ts
// estimates how many users a term matches before it picks a plan. PostgreSQL's own estimate is
// no help here: pg_trgm gives every LIKE pattern about the same selectivity.
//
// Users' ids are random (gen_random_uuid), so the first SAMPLE_SIZE by id are a random sample.
// A sample older than FRESH_MS is still used while a new one is taken in the background: a
// stale estimate can only make a search slower, never wrong.
import type { Sql } from './db.js';

export const SAMPLE_SIZE = 4000;
const FRESH_MS = 5 * 60_000;
const TENANTS_KEPT = 500;

export interface TenantSample {
  /** The tenant's enabled users when the sample was taken. */
  users: number;
  rows: { name: string; email: string }[];
}

interface Entry {
  sample?: TenantSample;
  takenAt: number;
  taking?: Promise<TenantSample>;
}

const entries = new Map<string, Entry>();

export async function tenantSample(sql: Sql, tenantId: string): Promise<TenantSample> {
  const entry = entries.get(tenantId);
  if (entry?.sample) {
    if (Date.now() - entry.takenAt > FRESH_MS && !entry.taking) void refresh(sql, tenantId).catch(() => undefined);
    return entry.sample;
  }
  return entry?.taking ?? refresh(sql, tenantId);
}

function refresh(sql: Sql, tenantId: string): Promise<TenantSample> {
  const entry: Entry = entries.get(tenantId) ?? { takenAt: 0 };
  entry.taking = take(sql, tenantId).then(
    (sample) => {
      Object.assign(entry, { sample, takenAt: Date.now(), taking: undefined });
      return sample;
    },
    (err: unknown) => {
      entry.taking = undefined;
      if (!entry.sample) entries.delete(tenantId);
      throw err;
    },
  );
  entries.delete(tenantId); // re-inserted last: the map's order is the order of use
  entries.set(tenantId, entry);
  if (entries.size > TENANTS_KEPT) entries.delete(entries.keys().next().value!);
  return entry.taking;
}

async function take(sql: Sql, tenantId: string): Promise<TenantSample> {
  const { rows } = await sql.query<{ name: string; email: string }>(
    `SELECT display_name AS name, email FROM users WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY id LIMIT ${SAMPLE_SIZE}`,
    [tenantId],
  );
  if (rows.length < SAMPLE_SIZE) return { users: rows.length, rows };
  const count = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND disabled_at IS NULL', [tenantId]);
  return { users: count.rows[0]!.n, rows };
}
