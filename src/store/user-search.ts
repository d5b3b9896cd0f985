// `?q=` over a tenant's users: the page of users a term matches (search-term.ts) in name order
// (lower(display_name) COLLATE "C", then id: see NameKey), after a cursor.
//
// Two plans, both exact; which one is fast depends on how many users match:
// - few (a full name, an email): the trigram indexes find them all at once and they are sorted
//   (sortedMatches);
// - many (a first name, a surname, a domain): sorting them all means fetching every match
//   (16,000 Zoes are 16,000 rows scattered over the table), and walking the name order until a
//   page is found reads most of the tenant when they all sort late. The GiST index of
//   migrations/0015 returns matches in name order from the cursor on, skipping every part of the
//   tree that lacks the term's trigrams (orderedMatches). It is slow only when matches are rare,
//   as it then looks through much of the tree for each.
// So the plan follows from the number of matches, estimated before the query from a sample of
// the tenant (search-sample.ts). An estimate far off costs time, never a wrong page.
import type { Database, Sql, Tx } from './db.js';
import { tenantSample, type TenantSample } from './search-sample.js';
import { inMemoryMatcher, matchSql, searchTerm, type SearchTerm } from './search-term.js';
import { afterName, listUsersByIds, type ListedUserRow, type NameKey } from './users.js';

/** Estimated matches below which fetching and sorting them all is the faster plan. */
export const FEW_MATCHES = 1000;

export type SearchPlan = 'sorted' | 'ordered';

interface Page {
  after?: NameKey;
  limit: number;
}

export async function searchUsers(db: Database, tenantId: string, { q, after, limit }: Page & { q: string }): Promise<ListedUserRow[]> {
  const term = searchTerm(q);
  const plan = (await hasOrderedIndex(db)) ? planFor(term, await tenantSample(db, tenantId)) : 'sorted';
  // unnamed statements: each is planned for its term (a generic plan of a prepared statement
  // knows no pattern, so no trigram either); the settings last as long as the transaction
  return db.transaction(async (tx) => {
    // no parallel workers: pg_trgm's estimate of tens of thousands of matches for any term makes
    // PostgreSQL start two, which costs more (about 35 ms) than reading the few rows a search reads
    await tx.query("SELECT set_config('max_parallel_workers_per_gather', '0', true)");
    const ids = plan === 'ordered' ? await orderedMatches(tx, tenantId, term, { after, limit }) : await sortedMatches(tx, tenantId, term, { after, limit });
    return listUsersByIds(tx, tenantId, ids);
  }, { prepared: false });
}

/** The plan for a term, from a sample of the tenant. */
export function planFor(term: SearchTerm, sample: TenantSample): SearchPlan {
  if (sample.users <= sample.rows.length) return 'sorted'; // the whole tenant: a few thousand to sort at most
  const hits = sample.rows.filter(inMemoryMatcher(term)).length;
  return (hits / sample.rows.length) * sample.users < FEW_MATCHES ? 'sorted' : 'ordered';
}

/** Statement parts for one query: the users the term matches after the cursor. */
function matching(tenantId: string, term: SearchTerm, after: NameKey | undefined) {
  const values: unknown[] = [tenantId];
  const param = (value: unknown) => `$${values.push(value)}`;
  const cursor = after ? { name: param(after.name), id: param(after.id) } : undefined;
  return { values, param, cursor, ...matchSql(term, 'u', param) };
}

/**
 * The name order, hidden from the planner (`|| ''`): it keeps off the name index, whose walk from
 * the cursor could read most of the tenant before it meets a match that sorts late.
 */
const OPAQUE_NAME = `lower(u.display_name) COLLATE "C" || ''`;

/** The first `limit` matches after the cursor: all of them fetched (the trigram indexes) and sorted. */
export async function sortedMatches(sql: Sql, tenantId: string, term: SearchTerm, { after, limit }: Page): Promise<string[]> {
  const { values, param, exact, cursor } = matching(tenantId, term, after);
  const { rows } = await sql.query<{ id: string }>(
    `SELECT u.id FROM users u WHERE u.tenant_id = $1 AND u.disabled_at IS NULL AND ${exact()}
        ${cursor ? `AND ${afterName('u', cursor.name, cursor.id, OPAQUE_NAME)}` : ''}
      ORDER BY ${OPAQUE_NAME}, u.id LIMIT ${param(limit)}`,
    values,
  );
  return rows.map((r) => r.id);
}

const KEY0 = 'user_name_key(u.display_name, 0)';
const KEY1 = 'user_name_key(u.display_name, 1)';
type Keyed = { id: string; name: string; k0: string; k1: string };

/**
 * The first `limit` matches after the cursor, read in the order of the name keys (the GiST index's
 * nearest-first scan). Keys order names by their first 12 bytes, so the users that share the
 * last row's key are then read in full and put in order. In a transaction of its own: it turns
 * off bitmap scans, which PostgreSQL prefers when it underestimates a common term's matches
 * (they read and sort all 200,000 users of a common domain: 2 s instead of 2 ms).
 */
export async function orderedMatches(sql: Tx, tenantId: string, term: SearchTerm, { after, limit }: Page): Promise<string[]> {
  /** Matches after the cursor whose keys meet `keys(...).where`, in the order `keys(...).order`. */
  type Keys = (param: (value: unknown) => string, cursorName?: string) => { where: string; order: string };
  const scan = async (keys: Keys, max: number): Promise<Keyed[]> => {
    const { values, param, exact, narrow, cursor } = matching(tenantId, term, after);
    const { where, order } = keys(param, cursor?.name);
    const { rows } = await sql.query<Keyed>(
      `SELECT u.id, lower(u.display_name) AS name, ${KEY0} AS k0, ${KEY1} AS k1 FROM users u
        WHERE u.tenant_id = $1 AND u.disabled_at IS NULL AND ${narrow()} AND ${exact()} AND ${where}
          ${cursor ? `AND ${afterName('u', cursor.name, cursor.id)}` : ''}
        ORDER BY ${order} LIMIT ${param(max)}`,
      values,
    );
    return rows;
  };
  await sql.query("SELECT set_config('enable_bitmapscan', 'off', true)");
  const rows: Keyed[] = [];
  // with a cursor: first the rest of its name's first key (the first 6 bytes), then later keys
  if (after) {
    rows.push(...(await scan((_, name) => ({
      where: `${KEY0} = user_name_key(${name}, 0) AND ${KEY1} >= user_name_key(${name}, 1)`,
      order: `${KEY1} <-> user_name_key(${name}, 1)`,
    }), limit)));
  }
  if (rows.length < limit) {
    rows.push(...(await scan((_, name) => ({
      where: name ? `${KEY0} > user_name_key(${name}, 0)` : 'true',
      order: `${KEY0} <-> ${name ? `user_name_key(${name}, 0)` : '0::bigint'}, ${KEY1} <-> 0::bigint`,
    }), limit - rows.length)));
  }
  if (rows.length < limit) return inNameOrder(rows);
  // users whose key equals the last row's may sort before it and not be read yet: read them all
  const last = rows[rows.length - 1]!;
  const ahead = rows.filter((r) => r.k0 !== last.k0 || r.k1 !== last.k1);
  const tied = await scan((param) => ({
    where: `${KEY0} = ${param(last.k0)}::bigint AND ${KEY1} = ${param(last.k1)}::bigint`,
    order: `${OPAQUE_NAME}, u.id`,
  }), limit - ahead.length);
  return inNameOrder([...ahead, ...tied]);
}

/** Rows read in key order put in name order: code points of the name (UTF-8 bytes), then id. */
const inNameOrder = (rows: Keyed[]) =>
  rows.map((r) => ({ id: r.id, name: Buffer.from(r.name) }))
    .sort((a, b) => Buffer.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.id);

const orderedIndex = new WeakMap<Sql, Promise<boolean>>();

/** Whether migrations/0015 could make the ordered index here (it needs pg_trgm and btree_gist). */
function hasOrderedIndex(sql: Sql): Promise<boolean> {
  let known = orderedIndex.get(sql);
  if (!known) {
    known = sql.query<{ ok: boolean }>("SELECT to_regclass('users_search_ordered') IS NOT NULL AS ok").then((r) => r.rows[0]!.ok);
    known.catch(() => orderedIndex.delete(sql));
    orderedIndex.set(sql, known);
  }
  return known;
}
