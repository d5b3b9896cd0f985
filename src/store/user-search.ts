// `?q=` over a tenant's users: the page of users whose display name or email contains a term,
// ignoring case, in name order (lower(display_name), then id), after a cursor.
//
// No one plan is fast for every term at 1,000,000 users:
// - walking the name-sorted index and filtering finds a page of a common term ("an", "son") at
//   once, but for a term whose matches all sort late ("zoe", a first name) it reads nearly the
//   whole tenant before the first match (PostgreSQL's planner assumes matches spread evenly in
//   name order, so it would pick this walk for such a term too);
// - the trigram indexes find a rare term's few matches at once, then sort them, but a common
//   term has hundreds of thousands to fetch and sort (and a term under 3 characters has no
//   trigram at all).
// So we decide, in up to three statements: (1) count the matches after the cursor up to
// RARE_BELOW (the trigram indexes, or a scan that stops early for a common term); a rare term's
// matches are fetched and sorted at once (3). Otherwise (2) walk a bounded stretch of the name
// order from the cursor (an index-only scan: the index includes name and email); a stretch that
// holds a full page is the page, and a stretch that reached the end holds all there is. Only a
// common term whose matches sort late gets past that to (3), which then fetches and sorts all of
// its matches after the cursor: the slow case. At 1,000,000 users that is most prefixes of a
// first name (each fills ~16,000 consecutive entries of the name order), and p95 < 50 ms is not
// met for common terms: see bench/RESULTS.md for the figures and what would meet it.
import type { Sql } from './db.js';
import { containsPattern, listUsersByIds, type ListedUserRow, type NameKey } from './users.js';

/** Fewer matches than this after the cursor: fetch and sort them all (statement 3). */
export const RARE_BELOW = 500;
/** Users the walk (statement 2) reads in name order before handing over to statement 3. */
export const WALK_ROWS = 10_000;

export async function searchUsers(
  sql: Sql,
  tenantId: string,
  { q, after, limit }: { q: string; after?: NameKey; limit: number },
): Promise<ListedUserRow[]> {
  const values: unknown[] = after ? [tenantId, containsPattern(q), limit, after.name, after.id] : [tenantId, containsPattern(q), limit];
  const matches = (u: string) => `(lower(${u}.display_name) LIKE lower($2) OR lower(${u}.email) LIKE lower($2))`;
  // `|| ''` keeps the planner off the name-sorted index where a walk from the cursor could read
  // most of the tenant before finding a late-sorting match
  const afterOpaque = after ? "AND (lower(u.display_name) || '', u.id) > ($4, $5::uuid)" : '';
  const probe = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM users u
       WHERE u.tenant_id = $1 AND u.disabled_at IS NULL AND ${matches('u')} ${afterOpaque} LIMIT ${RARE_BELOW}) m
      WHERE $3::int > 0`, // ($3, the page size, is unused here but shares the parameter list)
    values,
  );
  if (probe.rows[0]!.n < RARE_BELOW) return sortedMatches(sql, tenantId, values, matches('u'), afterOpaque);
  const walked = await sql.query<{ scanned: number; ids: string[] | null }>(
    `WITH stretch AS MATERIALIZED (
       SELECT u.id, u.display_name, u.email FROM users u
        WHERE u.tenant_id = $1 AND u.disabled_at IS NULL ${after ? 'AND (lower(u.display_name), u.id) > ($4, $5::uuid)' : ''}
        ORDER BY lower(u.display_name), u.id LIMIT ${WALK_ROWS})
     SELECT count(*)::int AS scanned,
            (array_agg(s.id ORDER BY lower(s.display_name), s.id) FILTER (WHERE ${matches('s')}))[1:$3] AS ids
       FROM stretch s`,
    values,
  );
  const { scanned, ids } = walked.rows[0]!;
  if ((ids?.length ?? 0) >= limit || scanned < WALK_ROWS) return listUsersByIds(sql, tenantId, ids ?? []);
  return sortedMatches(sql, tenantId, values, matches('u'), afterOpaque);
}

/** Statement 3: every match after the cursor (the trigram indexes, a bitmap of both), sorted; the first page of them. */
async function sortedMatches(sql: Sql, tenantId: string, values: unknown[], matches: string, afterOpaque: string): Promise<ListedUserRow[]> {
  const found = await sql.query<{ id: string }>(
    `SELECT u.id FROM users u WHERE u.tenant_id = $1 AND u.disabled_at IS NULL AND ${matches} ${afterOpaque}
      ORDER BY lower(u.display_name) || '', u.id LIMIT $3`,
    values,
  );
  return listUsersByIds(sql, tenantId, found.rows.map((r) => r.id));
}
