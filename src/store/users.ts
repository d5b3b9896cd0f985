// Users enabled for audio conferencing. The view joins what the API shows with each user:
// the active conference ID and the bridge's default numbers.
import type { Sql } from './db.js';
import { matchSql, searchTerm } from './search-term.js';

export interface UserRow {
  id: string;
  tenant_id: string;
  bridge_id: string;
  email: string;
  display_name: string;
  provider: 'builtin' | 'third_party';
  conference_id: number | null;
  third_party_conference_id: string | null;
  third_party_toll_number: string | null;
  default_toll_number: string | null;
  default_toll_free_number: string | null;
  conference_id_updated_at: Date | null;
  created_at: Date;
}

const VIEW = `
  SELECT u.id, u.tenant_id, t.bridge_id, u.email, u.display_name, u.provider, c.conference_id,
         u.third_party_conference_id, u.third_party_toll_number,
         coalesce(ut.number, b.default_toll_number) AS default_toll_number,
         coalesce(uf.number, b.default_toll_free_number) AS default_toll_free_number,
         u.conference_id_updated_at, u.created_at
    FROM users u
    JOIN tenants t ON t.id = u.tenant_id
    JOIN bridges b ON b.id = t.bridge_id
    LEFT JOIN conference_ids c ON c.owner_kind = 'user' AND c.owner_id = u.id AND c.state = 'active'
    -- a per-user default number counts only while it is on the user's bridge, of its type
    LEFT JOIN dial_in_numbers ut ON ut.number = u.default_toll_number AND ut.bridge_id = t.bridge_id AND ut.type = 'toll'
    LEFT JOIN dial_in_numbers uf ON uf.number = u.default_toll_free_number AND uf.bridge_id = t.bridge_id AND uf.type = 'toll_free'`;

/** The ID printed on the user's invitations: the provider's for a third-party user. */
export function userConferenceId(u: UserRow): string | null {
  if (u.provider === 'third_party') return u.third_party_conference_id;
  return u.conference_id === null ? null : String(u.conference_id);
}

/** The numbers printed on the user's invitations: the user's (or bridge's) defaults, or the provider's. */
export function userTollNumber(u: UserRow): string | null {
  return u.provider === 'third_party' ? u.third_party_toll_number : u.default_toll_number;
}

export function userTollFreeNumber(u: UserRow): string | null {
  return u.provider === 'third_party' ? null : u.default_toll_free_number;
}

export interface NewUser {
  tenantId: string;
  email: string;
  displayName: string;
  provider: 'builtin' | 'third_party';
  thirdPartyConferenceId: string | null;
  thirdPartyTollNumber: string | null;
  leaderPinHash: string | null;
}

export async function insertUser(sql: Sql, u: NewUser): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO users (tenant_id, email, display_name, provider, third_party_conference_id, third_party_toll_number, leader_pin_hash, conference_id_updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END) RETURNING id`,
    [u.tenantId, u.email, u.displayName, u.provider, u.thirdPartyConferenceId, u.thirdPartyTollNumber, u.leaderPinHash],
  );
  return rows[0]!.id;
}

/**
 * An enabled user of the tenant. `lock` holds the user's row until the transaction ends; the
 * view is read in a second statement so that, after waiting for the lock, it sees what the
 * previous holder committed (a locking join would keep the joined rows of the old snapshot).
 */
export async function findUser(sql: Sql, tenantId: string, userId: string, { lock = false } = {}): Promise<UserRow | null> {
  if (lock) {
    const locked = await sql.query('SELECT 1 FROM users WHERE id = $1 AND tenant_id = $2 AND disabled_at IS NULL FOR UPDATE', [userId, tenantId]);
    if (locked.rowCount === 0) return null;
  }
  const { rows } = await sql.query<UserRow>(`${VIEW} WHERE u.id = $1 AND u.tenant_id = $2 AND u.disabled_at IS NULL`, [userId, tenantId]);
  return rows[0] ?? null;
}

/** What a change of a user's conference ID needs to know, read as the user's row is locked. */
export interface UserForIdChange {
  id: string;
  tenant_id: string;
  provider: 'builtin' | 'third_party';
  bridge_id: string;
  conference_id_mode: 'static' | 'dynamic';
  send_email_by_default: boolean;
}

/**
 * Locks an enabled user of the tenant for a change of their conference ID, with their tenant's
 * settings, in one statement; `touch` also stamps conference_id_updated_at (a reset always
 * changes the ID; the transaction rolls back if it fails). Null when there is no such user.
 * The user's current ID must be read afterwards, in a statement of its own (see findUser).
 */
export async function lockUserForIdChange(sql: Sql, tenantId: string, userId: string, { touch }: { touch: boolean }): Promise<UserForIdChange | null> {
  const columns = 'u.id, u.tenant_id, u.provider, t.bridge_id, t.conference_id_mode, t.send_email_by_default';
  const { rows } = await sql.query<UserForIdChange>(
    touch
      ? `UPDATE users u SET conference_id_updated_at = now() FROM tenants t
          WHERE u.id = $1 AND u.tenant_id = $2 AND u.disabled_at IS NULL AND t.id = u.tenant_id RETURNING ${columns}`
      : `SELECT ${columns} FROM users u JOIN tenants t ON t.id = u.tenant_id
          WHERE u.id = $1 AND u.tenant_id = $2 AND u.disabled_at IS NULL FOR UPDATE OF u`,
    [userId, tenantId],
  );
  return rows[0] ?? null;
}

/**
 * Where a name-sorted page starts: after the row with this sort key and id. Users sort by
 * lower(display_name) in code-point order (COLLATE "C": the same on every database locale),
 * then id.
 */
export interface NameKey {
  name: string;
  id: string;
}

/** A listed user with the key it sorts by (the next page's cursor). */
export type ListedUserRow = UserRow & { sort_name: string };

/** The name order of users `u` (what the index of migrations/0015 holds). */
export const NAME_ORDER = 'lower(u.display_name) COLLATE "C", u.id';
/**
 * Users of `alias` after the cursor (name, id) whose placeholders are given; `sortName` is the
 * expression of the name order (user-search.ts hides it from the planner).
 */
export const afterName = (alias: string, name: string, id: string, sortName = `lower(${alias}.display_name) COLLATE "C"`) =>
  `(${sortName}, ${alias}.id) > (${name} COLLATE "C", ${id}::uuid)`;

const LISTED = VIEW.replace('SELECT ', 'SELECT lower(u.display_name) AS sort_name, ');

/**
 * A page of a tenant's enabled users in name order (see NameKey; the index of migrations/0015
 * walks it). `email` finds the user with that address, ignoring case; `q` keeps those it matches
 * (search-term.ts; user-search.ts finds them faster on a large tenant).
 */
export async function listUsers(
  sql: Sql,
  tenantId: string,
  { email, q, after, limit }: { email?: string; q?: string; after?: NameKey; limit: number },
): Promise<ListedUserRow[]> {
  // only the conditions that apply, so that even a generic (prepared) plan can use the indexes
  const values: unknown[] = [tenantId];
  const where = ['u.tenant_id = $1', 'u.disabled_at IS NULL'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (email !== undefined) where.push(`lower(u.email) = lower(${param(email)})`);
  if (q !== undefined) where.push(matchSql(searchTerm(q), 'u', param).exact());
  if (after) where.push(afterName('u', param(after.name), param(after.id)));
  const { rows } = await sql.query<ListedUserRow>(
    `${LISTED}
      WHERE ${where.join(' AND ')}
      ORDER BY ${NAME_ORDER} LIMIT ${param(limit)}`,
    values,
  );
  return rows;
}

/** The tenant's enabled users among `ids`, in name order. */
export async function listUsersByIds(sql: Sql, tenantId: string, ids: string[]): Promise<ListedUserRow[]> {
  if (!ids.length) return [];
  const { rows } = await sql.query<ListedUserRow>(
    `${LISTED} WHERE u.id = ANY($2::uuid[]) AND u.tenant_id = $1 AND u.disabled_at IS NULL ORDER BY ${NAME_ORDER}`,
    [tenantId, ids],
  );
  return rows;
}

export async function touchConferenceIdUpdatedAt(sql: Sql, userId: string): Promise<void> {
  await sql.query('UPDATE users SET conference_id_updated_at = now() WHERE id = $1', [userId]);
}

/** Sets the PIN hash; returns the user's new version (what the cached PIN carries). */
export async function setLeaderPinHash(sql: Sql, userId: string, hash: string): Promise<string> {
  const { rows } = await sql.query<{ version: string }>('UPDATE users SET leader_pin_hash = $2 WHERE id = $1 RETURNING version', [userId, hash]);
  return rows[0]!.version;
}

export async function userVersion(sql: Sql, userId: string): Promise<{ version: string; leader_pin_hash: string | null }> {
  const { rows } = await sql.query<{ version: string; leader_pin_hash: string | null }>('SELECT version, leader_pin_hash FROM users WHERE id = $1', [userId]);
  return rows[0]!;
}

/** A user's name and address (a meeting's organizer), disabled or not. */
export async function findContact(sql: Sql, userId: string): Promise<{ name: string; email: string } | null> {
  const { rows } = await sql.query<{ name: string; email: string }>('SELECT display_name AS name, email FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}

/** Sets an enabled user's own default number of `type`; their tenant, or null when not enabled. */
export async function setDefaultNumber(sql: Sql, userId: string, type: 'toll' | 'toll_free', number: string): Promise<string | null> {
  const column = type === 'toll' ? 'default_toll_number' : 'default_toll_free_number';
  const { rows } = await sql.query<{ tenant_id: string }>(
    `UPDATE users SET ${column} = $2 WHERE id = $1 AND disabled_at IS NULL RETURNING tenant_id`,
    [userId, number],
  );
  return rows[0]?.tenant_id ?? null;
}

/** The enabled user with this email in any tenant (the development demo's organizer). */
export async function findEnabledUserByEmail(sql: Sql, email: string): Promise<UserRow | null> {
  const { rows } = await sql.query<UserRow>(`${VIEW} WHERE lower(u.email) = lower($1) AND u.disabled_at IS NULL ORDER BY u.created_at LIMIT 1`, [email]);
  return rows[0] ?? null;
}

export async function markUserDisabled(sql: Sql, userId: string): Promise<void> {
  await sql.query('UPDATE users SET disabled_at = now() WHERE id = $1', [userId]);
}
