// What the directory reads from PostgreSQL (the truth): single entries for cache misses and
// fallbacks, and whole bridges for rebuilds. Rows become cache values here.
import type { Sql } from '../store/db.js';
import { ownerRef, uuidToRef } from '../lib/refs.js';
import type { CacheKeys } from '../cache/keys.js';
import type { FieldWrite } from '../cache/store.js';
import { encodeActiveId, encodeLeaderPin, encodeNumber, encodeTenantSettings, gone, retired } from './entries.js';

export interface ConferenceIdRow {
  bridge_id: string;
  conference_id: number;
  tenant_id: string;
  owner_kind: 'user' | 'meeting';
  owner_id: string;
  leader_user_id: string;
  state: 'active' | 'retired';
  expires_at: Date | null;
  version: string;
}

export interface TenantSettingsRow {
  id: string;
  bridge_id: string;
  allow_callers_to_start_meeting: boolean;
  entry_exit_announcements: 'tones' | 'off';
  version: string;
}

export interface LeaderPinRow {
  bridge_id: string;
  owner_kind: 'user' | 'meeting';
  owner_id: string;
  leader_pin_hash: string | null;
  version: string;
}

export interface NumberRow {
  number: string;
  bridge_id: string;
  type: 'toll' | 'toll_free';
  primary_language: string;
  secondary_languages: string[];
  version: string;
}

export const CONFERENCE_ID_COLUMNS = 'bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, version';

// ---- rows → cache writes ----------------------------------------------------------------------

export function conferenceIdWrite(keys: CacheKeys, row: ConferenceIdRow): FieldWrite {
  const { key, field } = keys.directoryBucket(row.bridge_id, row.conference_id);
  const version = BigInt(row.version);
  const value = row.state === 'retired'
    ? retired(version)
    : encodeActiveId({
        version,
        ownerKind: row.owner_kind,
        ownerId: row.owner_id,
        tenantId: row.tenant_id,
        expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : null,
      });
  return { key, field, value };
}

export function tenantSettingsWrite(keys: CacheKeys, row: TenantSettingsRow): FieldWrite {
  return {
    key: keys.tenantSettings(row.bridge_id),
    field: uuidToRef(row.id),
    value: encodeTenantSettings({
      version: BigInt(row.version),
      allowCallersToStartMeeting: row.allow_callers_to_start_meeting,
      entryExitAnnouncements: row.entry_exit_announcements,
    }),
  };
}

export function leaderPinWrite(keys: CacheKeys, row: LeaderPinRow): FieldWrite {
  return {
    key: keys.leaderPins(row.bridge_id),
    field: ownerRef(row.owner_kind, row.owner_id),
    value: encodeLeaderPin({ version: BigInt(row.version), hash: row.leader_pin_hash }),
  };
}

export function numberWrite(keys: CacheKeys, row: NumberRow): FieldWrite {
  return {
    key: keys.numbers,
    field: row.number,
    value: encodeNumber({
      version: BigInt(row.version),
      bridgeId: row.bridge_id,
      type: row.type,
      primaryLanguage: row.primary_language,
      secondaryLanguages: row.secondary_languages,
    }),
  };
}

export function numberGoneWrite(keys: CacheKeys, number: string, version: string): FieldWrite {
  return { key: keys.numbers, field: number, value: gone(BigInt(version)) };
}

// ---- single reads -----------------------------------------------------------------------------

export async function readConferenceId(sql: Sql, bridgeId: string, conferenceId: number): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `SELECT ${CONFERENCE_ID_COLUMNS} FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2`,
    [bridgeId, conferenceId],
  );
  return rows[0] ?? null;
}

export async function readTenantSettings(sql: Sql, tenantId: string): Promise<TenantSettingsRow | null> {
  const { rows } = await sql.query<TenantSettingsRow>(
    'SELECT id, bridge_id, allow_callers_to_start_meeting, entry_exit_announcements, version FROM tenants WHERE id = $1',
    [tenantId],
  );
  return rows[0] ?? null;
}

/** The leader PIN of an ID's owner: the user's own, or a meeting organizer's. */
export async function readLeaderPin(sql: Sql, bridgeId: string, ownerKind: 'user' | 'meeting', ownerId: string): Promise<LeaderPinRow | null> {
  const { rows } = await sql.query<LeaderPinRow>(
    `SELECT c.bridge_id, c.owner_kind, c.owner_id, u.leader_pin_hash, u.version
       FROM conference_ids c JOIN users u ON u.id = c.leader_user_id
      WHERE c.bridge_id = $1 AND c.owner_kind = $2 AND c.owner_id = $3 AND c.state = 'active'`,
    [bridgeId, ownerKind, ownerId],
  );
  return rows[0] ?? null;
}

/**
 * The current PIN hash of each owner's leader, for owners whose PIN is cached: the leader is
 * found through the owner's latest conference ID on the bridge, active or not.
 */
export async function readLeaderPins(sql: Sql, bridgeId: string, owners: { kind: 'user' | 'meeting'; id: string }[]): Promise<LeaderPinRow[]> {
  if (owners.length === 0) return [];
  const { rows } = await sql.query<LeaderPinRow>(
    `SELECT DISTINCT ON (o.kind, o.id) c.bridge_id, o.kind AS owner_kind, o.id AS owner_id, u.leader_pin_hash, u.version
       FROM unnest($2::text[], $3::uuid[]) AS o(kind, id)
       JOIN conference_ids c ON c.bridge_id = $1 AND c.owner_kind = o.kind AND c.owner_id = o.id
       JOIN users u ON u.id = c.leader_user_id
      ORDER BY o.kind, o.id, c.assigned_at DESC`,
    [bridgeId, owners.map((o) => o.kind), owners.map((o) => o.id)],
  );
  return rows;
}

export async function readNumber(sql: Sql, number: string): Promise<NumberRow | null> {
  const { rows } = await sql.query<NumberRow>(
    'SELECT number, bridge_id, type, primary_language, secondary_languages, version FROM dial_in_numbers WHERE number = $1',
    [number],
  );
  return rows[0] ?? null;
}
