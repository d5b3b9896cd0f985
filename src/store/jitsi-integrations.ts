// Jitsi integrations: a tenant's Jitsi deployment as the public mapper knows it (MUC domains,
// allowed browser origins, the cap on live mapper IDs). Deleted ones stay for the audit trail.
import type { Sql } from './db.js';

export interface JitsiIntegrationRow {
  id: string;
  tenant_id: string;
  /** The tenant's bridge: where the integration's IDs are issued. */
  bridge_id: string;
  name: string;
  muc_domains: string[];
  allowed_origins: string[];
  max_live_ids: number;
  live_ids: number;
  created_at: Date;
  updated_at: Date;
}

export interface JitsiIntegrationInput {
  name: string;
  mucDomains: string[];
  allowedOrigins: string[];
  maxLiveIds: number;
}

const COLUMNS = `i.id, i.tenant_id, t.bridge_id, i.name, i.muc_domains, i.allowed_origins, i.max_live_ids, i.live_ids, i.created_at, i.updated_at`;
const FROM = 'jitsi_integrations i JOIN tenants t ON t.id = i.tenant_id';

export async function insertIntegration(sql: Sql, tenantId: string, x: JitsiIntegrationInput): Promise<JitsiIntegrationRow> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO jitsi_integrations (tenant_id, name, muc_domains, allowed_origins, max_live_ids) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [tenantId, x.name, x.mucDomains, x.allowedOrigins, x.maxLiveIds],
  );
  return (await findIntegration(sql, rows[0]!.id))!;
}

/** A live (not deleted) integration; within `tenantId` when given. */
export async function findIntegration(sql: Sql, id: string, { tenantId }: { tenantId?: string } = {}): Promise<JitsiIntegrationRow | null> {
  const { rows } = await sql.query<JitsiIntegrationRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE i.id = $1 AND i.deleted_at IS NULL AND ($2::uuid IS NULL OR i.tenant_id = $2)`,
    [id, tenantId ?? null],
  );
  return rows[0] ?? null;
}

export async function listIntegrations(sql: Sql, tenantId: string): Promise<JitsiIntegrationRow[]> {
  const { rows } = await sql.query<JitsiIntegrationRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE i.tenant_id = $1 AND i.deleted_at IS NULL ORDER BY i.created_at, i.id`,
    [tenantId],
  );
  return rows;
}

export async function updateIntegration(sql: Sql, id: string, x: JitsiIntegrationInput): Promise<JitsiIntegrationRow> {
  await sql.query(
    'UPDATE jitsi_integrations SET name = $2, muc_domains = $3, allowed_origins = $4, max_live_ids = $5, updated_at = now() WHERE id = $1',
    [id, x.name, x.mucDomains, x.allowedOrigins, x.maxLiveIds],
  );
  return (await findIntegration(sql, id))!;
}

export async function markIntegrationDeleted(sql: Sql, id: string): Promise<void> {
  await sql.query('UPDATE jitsi_integrations SET deleted_at = now(), updated_at = now() WHERE id = $1', [id]);
}

/**
 * Serialises the issuing of mapper IDs for one integration until the transaction ends (and its
 * deletion and changes with it): the live-ID cap is read and raised by one issuer at a time. An
 * advisory lock rather than the row's, because the live count's trigger writes the row from
 * retiring transactions too (the sweeper), which must not wait on an issuer that waits on them.
 */
export async function lockIssuing(sql: Sql, integrationId: string): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock(7164, hashtext($1::text))', [integrationId]);
}
