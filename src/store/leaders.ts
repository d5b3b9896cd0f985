// Who leads the meeting behind a conference ID: the organizer whose PIN starts it. Wrong PINs are
// counted per organizer, so the voice layer asks for a meeting's organizer (a user's own ID is
// led by that user; a Jitsi room's by nobody).
import type { OwnerKind } from '../lib/refs.js';
import type { Sql } from './db.js';

/** The user who leads the owner's conference ID (the latest one on any bridge), or null. */
export async function findLeaderUserId(sql: Sql, ownerKind: OwnerKind, ownerId: string): Promise<string | null> {
  const { rows } = await sql.query<{ leader_user_id: string | null }>(
    `SELECT leader_user_id FROM conference_ids
      WHERE owner_kind = $1 AND owner_id = $2 AND leader_user_id IS NOT NULL
      ORDER BY assigned_at DESC LIMIT 1`,
    [ownerKind, ownerId],
  );
  return rows[0]?.leader_user_id ?? null;
}
