// Conference IDs of a bridge. The primary key (bridge, ID) and the guard trigger in
// migrations/0001 make a collision among active and quarantined IDs impossible; the code here
// only picks candidates well.
import { AppError } from '../errors.js';
import { CONFERENCE_ID_COLUMNS, type ConferenceIdRow } from '../directory/source.js';
import { randomConferenceIds } from '../conferencing/ids.js';
import type { Sql } from './db.js';

export type { ConferenceIdRow };

export interface Claim {
  bridgeId: string;
  conferenceId: number;
  tenantId: string;
  ownerKind: 'user' | 'meeting';
  ownerId: string;
  leaderUserId: string;
  /** Dynamic meeting IDs: when the ID stops admitting callers. */
  expiresAt: Date | null;
  quarantineDays: number;
}

// A row may be handed out again once retired (or expired) and out of quarantine.
const REUSABLE = `((x.state = 'retired' OR (x.expires_at IS NOT NULL AND x.expires_at <= now()))
                   AND x.quarantine_until IS NOT NULL AND x.quarantine_until <= now())`;

/** Takes `conferenceId` for the owner if it is free; null when active or quarantined. */
export async function claimConferenceId(sql: Sql, c: Claim): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `INSERT INTO conference_ids AS x (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, quarantine_until)
     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7::timestamptz, $7::timestamptz + make_interval(days => $8))
     ON CONFLICT (bridge_id, conference_id) DO UPDATE SET
       tenant_id = EXCLUDED.tenant_id, owner_kind = EXCLUDED.owner_kind, owner_id = EXCLUDED.owner_id,
       leader_user_id = EXCLUDED.leader_user_id, state = 'active', assigned_at = now(), expires_at = EXCLUDED.expires_at,
       retired_at = NULL, retired_reason = NULL, quarantine_until = EXCLUDED.quarantine_until
     WHERE ${REUSABLE}
     RETURNING ${CONFERENCE_ID_COLUMNS}`,
    [c.bridgeId, c.conferenceId, c.tenantId, c.ownerKind, c.ownerId, c.leaderUserId, c.expiresAt, c.quarantineDays],
  );
  return rows[0] ?? null;
}

/** Which of `candidates` are neither active nor quarantined on the bridge. */
async function freeAmong(sql: Sql, bridgeId: string, candidates: number[]): Promise<number[]> {
  const { rows } = await sql.query<{ id: number }>(
    `SELECT c.id FROM unnest($2::int[]) WITH ORDINALITY AS c(id, n)
      WHERE NOT EXISTS (SELECT 1 FROM conference_ids x WHERE x.bridge_id = $1 AND x.conference_id = c.id AND NOT ${REUSABLE})
      ORDER BY c.n`,
    [bridgeId, candidates],
  );
  return rows.map((r) => r.id);
}

const CANDIDATES_PER_ROUND = 32;
const MAX_ROUNDS = 20;

/**
 * A fresh ID, uniform over the free IDs of the bridge: candidates are drawn uniformly from
 * crypto.randomInt and the first free one is claimed (rejection sampling). A concurrent claim
 * of the same candidate simply loses the primary-key race and tries the next one.
 */
export async function allocateConferenceId(sql: Sql, c: Omit<Claim, 'conferenceId'>): Promise<ConferenceIdRow> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const free = await freeAmong(sql, c.bridgeId, randomConferenceIds(CANDIDATES_PER_ROUND));
    for (const conferenceId of free) {
      const row = await claimConferenceId(sql, { ...c, conferenceId });
      if (row) return row;
    }
  }
  throw new AppError('conference_id_unavailable', 'the bridge has no free conference IDs left');
}

export type RetireReason = 'reset' | 'replaced' | 'user_disabled' | 'meeting_cancelled' | 'expired';

/** Retires the active IDs matching `where` (owner or leader); returns them as they are now. */
export async function retireConferenceIds(
  sql: Sql,
  where: { ownerKind: 'user' | 'meeting'; ownerId: string } | { leaderUserId: string },
  reason: RetireReason,
  quarantineDays: number,
): Promise<ConferenceIdRow[]> {
  const [condition, params] = 'leaderUserId' in where
    ? ['leader_user_id = $3', [where.leaderUserId]]
    : ['owner_kind = $3 AND owner_id = $4', [where.ownerKind, where.ownerId]];
  const { rows } = await sql.query<ConferenceIdRow>(
    `UPDATE conference_ids SET state = 'retired', retired_at = now(), retired_reason = $1,
            quarantine_until = greatest(now() + make_interval(days => $2), coalesce(quarantine_until, now()))
      WHERE state = 'active' AND ${condition}
      RETURNING ${CONFERENCE_ID_COLUMNS}`,
    [reason, quarantineDays, ...params],
  );
  return rows;
}

/** Owners (user or meetings) whose room the user leads, with their bridge. */
export async function ownersLedBy(sql: Sql, userId: string): Promise<{ bridge_id: string; owner_kind: 'user' | 'meeting'; owner_id: string }[]> {
  const { rows } = await sql.query<{ bridge_id: string; owner_kind: 'user' | 'meeting'; owner_id: string }>(
    "SELECT bridge_id, owner_kind, owner_id FROM conference_ids WHERE leader_user_id = $1 AND state = 'active'",
    [userId],
  );
  return rows;
}
