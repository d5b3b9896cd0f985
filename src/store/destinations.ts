// Meeting destinations: where a valid conference ID leads (Twilio rooms, or a SIP endpoint). A
// tenant's own row wins over its bridge's; no row means Twilio rooms. Passwords are stored
// sealed (bytea) and only ever leave here sealed.
import type { Sql } from './db.js';

export type DestinationScope = { tenantId: string } | { bridgeId: string };

export interface DestinationRow {
  id: string;
  tenant_id: string | null;
  bridge_id: string | null;
  kind: 'twilio' | 'sip';
  uri_template: string | null;
  room_header: string | null;
  role_header: string | null;
  sip_username: string | null;
  sip_password: Buffer | null;
  room_password_header: string | null;
  room_password: Buffer | null;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, bridge_id, kind, uri_template, room_header, role_header, sip_username, sip_password,
  room_password_header, room_password, updated_at`;

/** What a PUT stores; the sealed secrets are made by the command (they are bound to the row id). */
export interface DestinationInput {
  id: string;
  kind: 'twilio' | 'sip';
  uriTemplate: string | null;
  roomHeader: string | null;
  roleHeader: string | null;
  sipUsername: string | null;
  sipPassword: Buffer | null;
  roomPasswordHeader: string | null;
  roomPassword: Buffer | null;
}

const scopeWhere = (scope: DestinationScope): [string, string] => ('tenantId' in scope ? ['tenant_id = $1', scope.tenantId] : ['bridge_id = $1', scope.bridgeId]);

/** The scope's own row (not inherited), locked for a change when asked. */
export async function findDestination(sql: Sql, scope: DestinationScope, { lock = false } = {}): Promise<DestinationRow | null> {
  const [where, value] = scopeWhere(scope);
  const { rows } = await sql.query<DestinationRow>(`SELECT ${COLUMNS} FROM meeting_destinations WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, [value]);
  return rows[0] ?? null;
}

/** The destination that applies to a tenant: its own, else its bridge's; null for Twilio rooms by default. */
export async function effectiveDestination(sql: Sql, tenantId: string): Promise<DestinationRow | null> {
  const { rows } = await sql.query<DestinationRow>(
    `SELECT ${COLUMNS.split(', ').map((c) => `d.${c.trim()}`).join(', ')}
       FROM tenants t JOIN meeting_destinations d ON d.tenant_id = t.id OR d.bridge_id = t.bridge_id
      WHERE t.id = $1 ORDER BY d.tenant_id IS NULL LIMIT 1`,
    [tenantId],
  );
  return rows[0] ?? null;
}

export async function upsertDestination(sql: Sql, scope: DestinationScope, d: DestinationInput): Promise<DestinationRow> {
  const tenantId = 'tenantId' in scope ? scope.tenantId : null;
  const bridgeId = 'bridgeId' in scope ? scope.bridgeId : null;
  const { rows } = await sql.query<DestinationRow>(
    `INSERT INTO meeting_destinations AS d (id, tenant_id, bridge_id, kind, uri_template, room_header, role_header, sip_username, sip_password,
        room_password_header, room_password)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (${tenantId ? 'tenant_id' : 'bridge_id'}) DO UPDATE SET kind = EXCLUDED.kind, uri_template = EXCLUDED.uri_template,
        room_header = EXCLUDED.room_header, role_header = EXCLUDED.role_header, sip_username = EXCLUDED.sip_username,
        sip_password = EXCLUDED.sip_password, room_password_header = EXCLUDED.room_password_header,
        room_password = EXCLUDED.room_password, updated_at = now()
     RETURNING ${COLUMNS}`,
    [d.id, tenantId, bridgeId, d.kind, d.uriTemplate, d.roomHeader, d.roleHeader, d.sipUsername, d.sipPassword, d.roomPasswordHeader, d.roomPassword],
  );
  return rows[0]!;
}

export async function deleteDestination(sql: Sql, scope: DestinationScope): Promise<boolean> {
  const [where, value] = scopeWhere(scope);
  const { rowCount } = await sql.query(`DELETE FROM meeting_destinations WHERE ${where}`, [value]);
  return (rowCount ?? 0) > 0;
}

// ---- the destination as tenants' cached call settings carry it (see store/tenants.ts) --------

/** Columns of the destination that applies to tenant `t` (a LATERAL join named `d`). */
export const EFFECTIVE_DESTINATION_JOIN = `LEFT JOIN LATERAL (
    SELECT id, kind, uri_template, room_header, role_header, sip_username, sip_password, room_password_header, room_password
      FROM meeting_destinations m WHERE m.tenant_id = t.id OR m.bridge_id = t.bridge_id
     ORDER BY m.tenant_id IS NULL LIMIT 1) d ON true`;

export const EFFECTIVE_DESTINATION_COLUMNS = `d.id AS destination_id, d.kind AS destination_kind, d.uri_template, d.room_header, d.role_header,
  d.sip_username, d.sip_password, d.room_password_header, d.room_password`;

/** The destination columns of a tenant-settings row (null kind: no destination, Twilio rooms). */
export type EffectiveDestinationColumns = {
  destination_id: string | null;
  destination_kind: DestinationRow['kind'] | null;
} & Pick<DestinationRow, 'uri_template' | 'room_header' | 'role_header' | 'sip_username' | 'sip_password' | 'room_password_header' | 'room_password'>;
