// Jitsi rooms the mapper has seen, each the owner of at most one active conference ID
// (conference_ids.owner_kind 'room'). A room's name (its conference JID) never changes.
import type { Sql } from './db.js';

/** A room with its active ID, if it has one (expired or not: the caller decides). */
export interface MapperRoomRow {
  id: string;
  integration_id: string;
  tenant_id: string;
  bridge_id: string;
  conference: string;
  created_at: Date;
  last_lookup_at: Date;
  conference_id: number | null;
  expires_at: Date | null;
}

const ROOM = `r.id, r.integration_id, r.tenant_id, r.bridge_id, r.conference, r.created_at, r.last_lookup_at, c.conference_id, c.expires_at`;
const WITH_ID = `jitsi_rooms r LEFT JOIN conference_ids c ON c.owner_kind = 'room' AND c.owner_id = r.id AND c.state = 'active'`;

export async function findRoomByConference(sql: Sql, integrationId: string, conference: string): Promise<MapperRoomRow | null> {
  const { rows } = await sql.query<MapperRoomRow>(`SELECT ${ROOM} FROM ${WITH_ID} WHERE r.integration_id = $1 AND r.conference = $2`, [integrationId, conference]);
  return rows[0] ?? null;
}

export async function findRoom(sql: Sql, integrationId: string, roomId: string): Promise<MapperRoomRow | null> {
  const { rows } = await sql.query<MapperRoomRow>(`SELECT ${ROOM} FROM ${WITH_ID} WHERE r.integration_id = $1 AND r.id = $2`, [integrationId, roomId]);
  return rows[0] ?? null;
}

/** The integration's room holding `conferenceId` on its bridge, while the ID is active and unexpired. */
export async function findRoomByConferenceId(sql: Sql, integrationId: string, bridgeId: string, conferenceId: number): Promise<MapperRoomRow | null> {
  const { rows } = await sql.query<MapperRoomRow>(
    `SELECT ${ROOM} FROM conference_ids c JOIN jitsi_rooms r ON r.id = c.owner_id
      WHERE c.bridge_id = $2 AND c.conference_id = $3 AND c.owner_kind = 'room' AND c.state = 'active'
        AND (c.expires_at IS NULL OR c.expires_at > now()) AND r.integration_id = $1`,
    [integrationId, bridgeId, conferenceId],
  );
  return rows[0] ?? null;
}

/** The room, created if new; its last lookup is now either way. */
export async function upsertRoom(sql: Sql, r: { integrationId: string; tenantId: string; bridgeId: string; conference: string }): Promise<RoomNameRow> {
  const { rows } = await sql.query<RoomNameRow>(
    `INSERT INTO jitsi_rooms (integration_id, tenant_id, bridge_id, conference) VALUES ($1, $2, $3, $4)
     ON CONFLICT (integration_id, conference) DO UPDATE SET last_lookup_at = now()
     RETURNING id, bridge_id, conference, version`,
    [r.integrationId, r.tenantId, r.bridgeId, r.conference],
  );
  return rows[0]!;
}

export async function touchRoom(sql: Sql, roomId: string): Promise<void> {
  await sql.query('UPDATE jitsi_rooms SET last_lookup_at = now() WHERE id = $1', [roomId]);
}

/** A page of the integration's rooms, in id order after `after`. */
export async function listRooms(sql: Sql, integrationId: string, { after, limit }: { after?: string; limit: number }): Promise<MapperRoomRow[]> {
  const { rows } = await sql.query<MapperRoomRow>(
    `SELECT ${ROOM} FROM ${WITH_ID} WHERE r.integration_id = $1 AND ($2::uuid IS NULL OR r.id > $2) ORDER BY r.id LIMIT $3`,
    [integrationId, after ?? null, limit],
  );
  return rows;
}

// ---- what the directory reads -----------------------------------------------------------------

/** A room's name as the directory caches it. */
export interface RoomNameRow {
  id: string;
  bridge_id: string;
  conference: string;
  version: string;
}

export async function findRoomName(sql: Sql, roomId: string): Promise<RoomNameRow | null> {
  const { rows } = await sql.query<RoomNameRow>('SELECT id, bridge_id, conference, version FROM jitsi_rooms WHERE id = $1', [roomId]);
  return rows[0] ?? null;
}

/** The bridge's rooms after `after` (keyset paging, for a rebuild). */
export async function roomNamePage(sql: Sql, bridgeId: string, after: string | null, limit: number): Promise<RoomNameRow[]> {
  const { rows } = await sql.query<RoomNameRow>(
    `SELECT id, bridge_id, conference, version FROM jitsi_rooms WHERE bridge_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT ${Math.trunc(limit)}`,
    [bridgeId, after],
  );
  return rows;
}
