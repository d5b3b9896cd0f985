// Admin API keys: only a SHA-256 hash of each key is stored, beside its visible prefix.
import type { Sql } from './db.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  tenant_id: string | null;
  read_only: boolean;
  prefix: string;
  key_hash: Buffer;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, tenant_id, read_only, prefix, key_hash, created_at, revoked_at';

export async function insertApiKey(
  sql: Sql,
  k: { name: string; tenantId: string | null; readOnly: boolean; prefix: string; hash: Buffer },
): Promise<ApiKeyRow> {
  const { rows } = await sql.query<ApiKeyRow>(
    `INSERT INTO api_keys (name, tenant_id, read_only, prefix, key_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [k.name, k.tenantId, k.readOnly, k.prefix, k.hash],
  );
  return rows[0]!;
}

export async function findApiKeyByPrefix(sql: Sql, prefix: string): Promise<ApiKeyRow | null> {
  const { rows } = await sql.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix]);
  return rows[0] ?? null;
}

export async function findApiKey(sql: Sql, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await sql.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function revokeApiKey(sql: Sql, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await sql.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/** What a listing shows of a key: never its hash. */
export type ListedApiKeyRow = Omit<ApiKeyRow, 'key_hash'> & { sort_name: string };

/**
 * A page of keys sorted by lower(name), then id, after `after`: every key, or one tenant's
 * (`tenantId`), or the platform keys (`tenantId: null`). Revoked keys are listed too.
 */
export async function listApiKeys(
  sql: Sql,
  { tenantId, after, limit }: { tenantId?: string | null; after?: { name: string; id: string }; limit: number },
): Promise<ListedApiKeyRow[]> {
  const values: unknown[] = [];
  const where = ['true'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (tenantId === null) where.push('tenant_id IS NULL');
  else if (tenantId !== undefined) where.push(`tenant_id = ${param(tenantId)}`);
  if (after) where.push(`(lower(name), id) > (${param(after.name)}, ${param(after.id)}::uuid)`);
  const { rows } = await sql.query<ListedApiKeyRow>(
    `SELECT id, name, tenant_id, read_only, prefix, created_at, revoked_at, lower(name) AS sort_name
       FROM api_keys WHERE ${where.join(' AND ')} ORDER BY lower(name), id LIMIT ${param(limit)}`,
    values,
  );
  return rows;
}
