// Leader PINs as the directory caches them: per owner of a conference ID (a user, or a meeting
// with an ID of its own), the PIN hash of the user who leads it. The version is the leader's
// (users.version), bumped by every PIN reset.
import type { OwnerKind } from '../lib/refs.js';
import type { Sql } from './db.js';

export interface LeaderPinRow {
  bridge_id: string;
  owner_kind: OwnerKind;
  owner_id: string;
  leader_pin_hash: string | null;
  version: string;
}

/** The leader PIN of an active ID's owner: the user's own, or a meeting organizer's. */
export async function findLeaderPin(sql: Sql, bridgeId: string, ownerKind: OwnerKind, ownerId: string): Promise<LeaderPinRow | null> {
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
export async function findLeaderPins(sql: Sql, bridgeId: string, owners: { kind: OwnerKind; id: string }[]): Promise<LeaderPinRow[]> {
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

/**
 * Replaces the PIN hash of the user who leads an active owner's ID, only while it is still
 * `oldHash` (a reset in between wins). Returns the leader and the user's new version, or null.
 */
export async function replaceLeaderPinHash(
  sql: Sql,
  owner: { bridgeId: string; ownerKind: OwnerKind; ownerId: string },
  oldHash: string,
  newHash: string,
): Promise<{ user_id: string; version: string } | null> {
  const { rows } = await sql.query<{ user_id: string; version: string }>(
    `UPDATE users u SET leader_pin_hash = $5
       FROM conference_ids c
      WHERE c.bridge_id = $1 AND c.owner_kind = $2 AND c.owner_id = $3 AND c.state = 'active'
        AND u.id = c.leader_user_id AND u.leader_pin_hash = $4
      RETURNING u.id AS user_id, u.version`,
    [owner.bridgeId, owner.ownerKind, owner.ownerId, oldHash, newHash],
  );
  return rows[0] ?? null;
}
