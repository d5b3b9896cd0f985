// Per-tenant quota counters (migrations/0011): how much of a limited action a tenant used in the
// current fixed window. Counting takes the row's lock (INSERT ... ON CONFLICT DO UPDATE), so
// concurrent requests take turns and a quota holds under any parallelism; in the caller's
// transaction, a request that rolls back gives its share back.
import type { Sql } from './db.js';

export type QuotaKind = 'id_conflicts' | 'emails' | 'id_changes';

export interface QuotaWindow {
  tenantId: string;
  kind: QuotaKind;
  windowS: number;
}

export type QuotaOutcome = { ok: true; used: number } | { ok: false; used: number; retryAfterS: number };

// the window containing now(): a multiple of its length since the epoch (database time, so every
// instance agrees)
const WINDOW_START = 'to_timestamp(floor(extract(epoch FROM now()) / $3::int) * $3::int)';

/** Adds `amount` to the window's count unless that would pass `limit`; then nothing is counted. */
export async function consumeQuota(sql: Sql, w: QuotaWindow, amount: number, limit: number): Promise<QuotaOutcome> {
  const { rows } = await sql.query<{ used: number }>(
    `INSERT INTO tenant_quota_usage AS q (tenant_id, kind, window_start, used)
     SELECT $1, $2, ${WINDOW_START}, $4 WHERE $4::int <= $5::int
     ON CONFLICT (tenant_id, kind, window_start) DO UPDATE SET used = q.used + EXCLUDED.used
      WHERE q.used + EXCLUDED.used <= $5::int
     RETURNING used`,
    [w.tenantId, w.kind, w.windowS, amount, limit],
  );
  if (rows[0]) return { ok: true, used: rows[0].used };
  const used = await quotaUsed(sql, w);
  return { ok: false, used, retryAfterS: await secondsLeft(sql, w.windowS) };
}

/** The window's count so far (0 when nothing was counted). */
export async function quotaUsed(sql: Sql, w: QuotaWindow): Promise<number> {
  const { rows } = await sql.query<{ used: number }>(
    `SELECT used FROM tenant_quota_usage WHERE tenant_id = $1 AND kind = $2 AND window_start = ${WINDOW_START}`,
    [w.tenantId, w.kind, w.windowS],
  );
  return rows[0]?.used ?? 0;
}

/** Seconds until the current window of `windowS` ends (at least 1): the Retry-After. */
export async function secondsLeft(sql: Sql, windowS: number): Promise<number> {
  const { rows } = await sql.query<{ s: number }>(
    'SELECT greatest(1, ceil($1::int - extract(epoch FROM now())::numeric % $1::int))::int AS s',
    [windowS],
  );
  return rows[0]!.s;
}

/** Deletes windows that ended more than a day ago, at most `limit`. */
export async function pruneQuotaWindows(sql: Sql, limit: number): Promise<number> {
  const { rowCount } = await sql.query(
    `DELETE FROM tenant_quota_usage WHERE ctid IN (
       SELECT ctid FROM tenant_quota_usage WHERE window_start < now() - interval '2 days' LIMIT $1)`,
    [limit],
  );
  return rowCount ?? 0;
}
