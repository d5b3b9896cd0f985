// Tenants (organisations) and their conferencing settings.
import type { Sql } from './db.js';
import { pageByName, type NamePageQuery } from './name-pages.js';
import { EFFECTIVE_DESTINATION_COLUMNS, EFFECTIVE_DESTINATION_JOIN, type EffectiveDestinationColumns } from './destinations.js';

export interface TenantRow {
  id: string;
  name: string;
  bridge_id: string;
  conference_id_mode: 'static' | 'dynamic';
  send_email_by_default: boolean;
  pin_length: number;
  allow_callers_to_start_meeting: boolean;
  entry_exit_announcements: 'tones' | 'off';
  version: string;
  created_at: Date;
}

export interface TenantSettings {
  name: string;
  conferenceIdMode: 'static' | 'dynamic';
  sendEmailByDefault: boolean;
  pinLength: number;
  allowCallersToStartMeeting: boolean;
  entryExitAnnouncements: 'tones' | 'off';
}

const COLUMNS = `id, name, bridge_id, conference_id_mode, send_email_by_default, pin_length,
  allow_callers_to_start_meeting, entry_exit_announcements, version, created_at`;

export async function insertTenant(sql: Sql, bridgeId: string, s: TenantSettings): Promise<TenantRow> {
  const { rows } = await sql.query<TenantRow>(
    `INSERT INTO tenants (name, bridge_id, conference_id_mode, send_email_by_default, pin_length, allow_callers_to_start_meeting, entry_exit_announcements)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [s.name, bridgeId, s.conferenceIdMode, s.sendEmailByDefault, s.pinLength, s.allowCallersToStartMeeting, s.entryExitAnnouncements],
  );
  return rows[0]!;
}

export async function findTenant(sql: Sql, id: string, { lock = false } = {}): Promise<TenantRow | null> {
  const { rows } = await sql.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function updateTenant(sql: Sql, id: string, s: TenantSettings): Promise<TenantRow> {
  const { rows } = await sql.query<TenantRow>(
    `UPDATE tenants SET name = $2, conference_id_mode = $3, send_email_by_default = $4, pin_length = $5,
       allow_callers_to_start_meeting = $6, entry_exit_announcements = $7
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, s.name, s.conferenceIdMode, s.sendEmailByDefault, s.pinLength, s.allowCallersToStartMeeting, s.entryExitAnnouncements],
  );
  return rows[0]!;
}

/**
 * The settings callers' answers depend on, as the directory caches them: the tenant's flags and
 * the destination that applies to it. The version is the tenant row's; a destination change
 * touches the tenants it applies to (touchTenants), so the version moves with it.
 */
export interface TenantSettingsRow extends EffectiveDestinationColumns {
  id: string;
  bridge_id: string;
  allow_callers_to_start_meeting: boolean;
  entry_exit_announcements: 'tones' | 'off';
  version: string;
}

const SETTINGS = `SELECT t.id, t.bridge_id, t.allow_callers_to_start_meeting, t.entry_exit_announcements, t.version, ${EFFECTIVE_DESTINATION_COLUMNS}
  FROM tenants t ${EFFECTIVE_DESTINATION_JOIN}`;

export async function findTenantSettings(sql: Sql, tenantId: string): Promise<TenantSettingsRow | null> {
  const { rows } = await sql.query<TenantSettingsRow>(`${SETTINGS} WHERE t.id = $1`, [tenantId]);
  return rows[0] ?? null;
}

export async function tenantSettingsOfBridge(sql: Sql, bridgeId: string): Promise<TenantSettingsRow[]> {
  const { rows } = await sql.query<TenantSettingsRow>(`${SETTINGS} WHERE t.bridge_id = $1`, [bridgeId]);
  return rows;
}

/**
 * Gives the tenants a new version (the trigger bumps it) and returns their settings as they are
 * now: a tenant, or every tenant of a bridge. Locks their rows until the change commits.
 */
export async function touchTenants(sql: Sql, where: { tenantId: string } | { bridgeId: string }): Promise<TenantSettingsRow[]> {
  const [column, value] = 'tenantId' in where ? ['id', where.tenantId] : ['bridge_id', where.bridgeId];
  await sql.query(`UPDATE tenants SET updated_at = now() WHERE ${column} = $1`, [value]);
  const { rows } = await sql.query<TenantSettingsRow>(`${SETTINGS} WHERE t.${column} = $1`, [value]);
  return rows;
}

export async function countEnabledUsers(sql: Sql, tenantId: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND disabled_at IS NULL', [tenantId]);
  return rows[0]!.n;
}

/** A listed tenant with the key it sorts by (the next page's cursor). */
export type ListedTenantRow = TenantRow & { sort_name: string };

/** A page of tenants sorted by lower(name), then id, after `after`; `q` keeps those whose name contains it. */
export function listTenants(sql: Sql, query: NamePageQuery): Promise<ListedTenantRow[]> {
  return pageByName<TenantRow>(sql, 'tenants', COLUMNS, query);
}
