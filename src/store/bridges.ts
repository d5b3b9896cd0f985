// Bridges: a set of dial-in numbers whose conference IDs are unique among themselves.
import type { Sql } from './db.js';
import { pageByName, type NamePageQuery } from './name-pages.js';

export interface BridgeRow {
  id: string;
  name: string;
  default_toll_number: string | null;
  default_toll_free_number: string | null;
  created_at: Date;
}

const COLUMNS = 'id, name, default_toll_number, default_toll_free_number, created_at';

export async function insertBridge(sql: Sql, name: string): Promise<BridgeRow> {
  const { rows } = await sql.query<BridgeRow>(`INSERT INTO bridges (name) VALUES ($1) RETURNING ${COLUMNS}`, [name]);
  return rows[0]!;
}

export async function findBridge(sql: Sql, id: string, { lock = false } = {}): Promise<BridgeRow | null> {
  const { rows } = await sql.query<BridgeRow>(`SELECT ${COLUMNS} FROM bridges WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** The bridge whose default (toll or toll-free) number `number` is, if any. */
export async function bridgeDefaultingTo(sql: Sql, number: string): Promise<{ id: string; toll: boolean } | null> {
  const { rows } = await sql.query<{ id: string; toll: boolean }>(
    'SELECT id, default_toll_number = $1 AS toll FROM bridges WHERE default_toll_number = $1 OR default_toll_free_number = $1',
    [number],
  );
  return rows[0] ?? null;
}

export async function allBridgeIds(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>('SELECT id FROM bridges ORDER BY id');
  return rows.map((r) => r.id);
}

/** True once anything has been provisioned (a bridge or a tenant). */
export async function anythingProvisioned(sql: Sql): Promise<boolean> {
  const { rows } = await sql.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM bridges) OR EXISTS (SELECT 1 FROM tenants) AS any');
  return rows[0]!.any;
}

export async function updateBridge(
  sql: Sql,
  id: string,
  patch: { name?: string; defaultTollNumber?: string | null; defaultTollFreeNumber?: string | null },
): Promise<BridgeRow> {
  const { rows } = await sql.query<BridgeRow>(
    `UPDATE bridges SET
       name = CASE WHEN $2::boolean THEN $3 ELSE name END,
       default_toll_number = CASE WHEN $4::boolean THEN $5 ELSE default_toll_number END,
       default_toll_free_number = CASE WHEN $6::boolean THEN $7 ELSE default_toll_free_number END,
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      patch.name !== undefined, patch.name ?? null,
      patch.defaultTollNumber !== undefined, patch.defaultTollNumber ?? null,
      patch.defaultTollFreeNumber !== undefined, patch.defaultTollFreeNumber ?? null,
    ],
  );
  return rows[0]!;
}

export type ListedBridgeRow = BridgeRow & { sort_name: string };

/** A page of bridges sorted by lower(name), then id, after `after`; `q` keeps those whose name contains it. */
export function listBridges(sql: Sql, query: NamePageQuery): Promise<ListedBridgeRow[]> {
  return pageByName<BridgeRow>(sql, 'bridges', COLUMNS, query);
}
