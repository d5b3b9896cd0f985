// Conference IDs of a bridge. The primary key (bridge, ID) and the guard trigger in
// migrations/0001 make a collision among active and quarantined IDs impossible; the code here
// only picks candidates well.
import { randomInt } from 'node:crypto';
import { MAX_CONFERENCE_ID, MIN_CONFERENCE_ID, randomConferenceIds } from '../domain/conference-ids.js';
import { AppError } from '../errors.js';
import type { OwnerKind } from '../lib/refs.js';
import type { Sql } from './db.js';

/** A (bridge, ID) row as the directory caches it. */
export interface ConferenceIdRow {
  bridge_id: string;
  conference_id: number;
  tenant_id: string;
  owner_kind: OwnerKind;
  owner_id: string;
  /** Null for a Jitsi room's ID: it has no leader. */
  leader_user_id: string | null;
  state: 'active' | 'retired';
  expires_at: Date | null;
  version: string;
}

const COLUMNS = 'bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, version';
const COLUMNS_OF_X = COLUMNS.split(', ').map((c) => `x.${c}`).join(', ');

export interface Claim {
  bridgeId: string;
  conferenceId: number;
  tenantId: string;
  ownerKind: OwnerKind;
  ownerId: string;
  leaderUserId: string | null;
  /** Dynamic meeting and mapper IDs: when the ID stops admitting callers. */
  expiresAt: Date | null;
  quarantineDays: number;
}

// A row may be handed out again once retired (or expired) and out of quarantine.
const REUSABLE = `((x.state = 'retired' OR (x.expires_at IS NOT NULL AND x.expires_at <= now()))
                   AND x.quarantine_until IS NOT NULL AND x.quarantine_until <= now())`;

const INSERT_CLAIM = `INSERT INTO conference_ids AS x (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, quarantine_until)`;

// A taken row is handed to the new owner only while it is reusable (the guard trigger agrees).
const REUSE_ON_CONFLICT = `ON CONFLICT (bridge_id, conference_id) DO UPDATE SET
       tenant_id = EXCLUDED.tenant_id, owner_kind = EXCLUDED.owner_kind, owner_id = EXCLUDED.owner_id,
       leader_user_id = EXCLUDED.leader_user_id, state = 'active', assigned_at = now(), expires_at = EXCLUDED.expires_at,
       retired_at = NULL, retired_reason = NULL, quarantine_until = EXCLUDED.quarantine_until
     WHERE ${REUSABLE}
     RETURNING ${COLUMNS_OF_X}`;

/** Takes `conferenceId` for the owner if it is free; null when active or quarantined. */
export async function claimConferenceId(sql: Sql, c: Claim): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `${INSERT_CLAIM}
     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7::timestamptz, $7::timestamptz + make_interval(days => $8))
     ${REUSE_ON_CONFLICT}`,
    [c.bridgeId, c.conferenceId, c.tenantId, c.ownerKind, c.ownerId, c.leaderUserId, c.expiresAt, c.quarantineDays],
  );
  return rows[0] ?? null;
}

/**
 * One round of allocation in one statement: the first of `candidates` that is neither active nor
 * quarantined (in this statement's snapshot) is claimed. Null when none was free, or when the
 * chosen one was taken by a concurrent claim meanwhile (the INSERT waits for that transaction,
 * then the conflict's WHERE refuses the row): the caller draws again.
 */
async function claimFirstFree(sql: Sql, c: Omit<Claim, 'conferenceId'>, candidates: number[]): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `${INSERT_CLAIM}
     SELECT $1::uuid, c.id, $3::uuid, $4::text, $5::uuid, $6::uuid, 'active', $7::timestamptz, $7::timestamptz + make_interval(days => $8::int)
       FROM unnest($2::int[]) WITH ORDINALITY AS c(id, n)
      WHERE NOT EXISTS (SELECT 1 FROM conference_ids x WHERE x.bridge_id = $1 AND x.conference_id = c.id AND NOT ${REUSABLE})
      ORDER BY c.n LIMIT 1
     ${REUSE_ON_CONFLICT}`,
    [c.bridgeId, candidates, c.tenantId, c.ownerKind, c.ownerId, c.leaderUserId, c.expiresAt, c.quarantineDays],
  );
  return rows[0] ?? null;
}

/**
 * How many IDs of the range are free, and the `k`-th of them (0-based, ascending) when `k` is
 * given: one pass over the bridge's taken IDs (their gaps are the free IDs). For a bridge so full
 * that random draws keep missing.
 */
async function freeIds(sql: Sql, bridgeId: string, range: IdRange, k: number | null): Promise<{ free: number; id: number | null }> {
  const { rows } = await sql.query<{ free: number; id: number | null }>(
    `WITH taken AS (
       SELECT x.conference_id AS id FROM conference_ids x
        WHERE x.bridge_id = $1 AND x.conference_id BETWEEN $2::int AND $3::int AND NOT ${REUSABLE}
     ), gaps AS (
       SELECT id + 1 AS first, lead(id, 1, $3::int + 1) OVER (ORDER BY id) - id - 1 AS size
         FROM (SELECT $2::int - 1 AS id UNION ALL SELECT id FROM taken) t
     ), counted AS (
       SELECT first, size, sum(size) OVER (ORDER BY first) - size AS before FROM gaps WHERE size > 0
     )
     SELECT (SELECT coalesce(sum(size), 0) FROM counted)::int AS free,
            (SELECT first + ($4::bigint - before) FROM counted WHERE $4::bigint >= before AND $4::bigint < before + size)::int AS id`,
    [bridgeId, range.min, range.max, k],
  );
  return rows[0]!;
}

const CANDIDATES_PER_ROUND = 32;
const MAX_ROUNDS = 20;

export interface IdRange { min: number; max: number }
const FULL_RANGE: IdRange = { min: MIN_CONFERENCE_ID, max: MAX_CONFERENCE_ID };

/**
 * A fresh ID, uniform over the free IDs of the bridge: candidates are drawn uniformly from
 * crypto.randomInt and the first free one is claimed (rejection sampling), one statement per
 * round. A candidate lost to a concurrent claim costs one more round. When MAX_ROUNDS of draws
 * all miss (the bridge is nearly full), the free IDs are counted and one is chosen by its rank
 * (crypto.randomInt again, so still uniform). `range` narrows the IDs (tests fill a small one).
 */
export async function allocateConferenceId(sql: Sql, c: Omit<Claim, 'conferenceId'>, range: IdRange = FULL_RANGE): Promise<ConferenceIdRow> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const row = await claimFirstFree(sql, c, randomConferenceIds(CANDIDATES_PER_ROUND, range.min, range.max));
    if (row) return row;
  }
  // Each lost race means another allocation committed (a free ID fewer), so this ends; the cap
  // only guards against a mistake.
  for (let attempt = 0; attempt < 1000; attempt++) {
    const { free } = await freeIds(sql, c.bridgeId, range, null);
    if (free === 0) break;
    const { id } = await freeIds(sql, c.bridgeId, range, randomInt(free));
    if (id === null) continue; // taken meanwhile: count again
    const row = await claimConferenceId(sql, { ...c, conferenceId: id });
    if (row) return row;
  }
  throw new AppError('conference_id_unavailable', 'the bridge has no free conference IDs left');
}

export type RetireReason = 'reset' | 'replaced' | 'user_disabled' | 'meeting_cancelled' | 'expired' | 'integration_removed';

/**
 * Which active IDs to retire: an owner's, every ID a user leads, every ID of a Jitsi
 * integration's rooms, or (the sweeper) up to `limit` expired ones, skipping rows another
 * sweeper holds.
 */
export type RetireWhere =
  | { ownerKind: OwnerKind; ownerId: string }
  | { leaderUserId: string }
  | { jitsiIntegrationId: string }
  | { expired: true; limit: number };

/**
 * Retires the active IDs matching `where`; returns them as they are now. Quarantine runs
 * `quarantineDays` from now, or longer if the row already had a later end (a dynamic ID's).
 */
export async function retireIds(sql: Sql, where: RetireWhere, reason: RetireReason, quarantineDays: number): Promise<ConferenceIdRow[]> {
  const [target, params] = retireTarget(where);
  const { rows } = await sql.query<ConferenceIdRow>(
    `UPDATE conference_ids x SET state = 'retired', retired_at = now(), retired_reason = $1,
            quarantine_until = greatest(now() + make_interval(days => $2), x.quarantine_until)
       FROM ${target} AS due
      WHERE x.bridge_id = due.bridge_id AND x.conference_id = due.conference_id
      RETURNING ${COLUMNS_OF_X}`,
    [reason, quarantineDays, ...params],
  );
  return rows;
}

/**
 * Moves the end of the owner's active, unexpired ID to `expiresAt` (its quarantine with it); a
 * mapper ID lives on while its room is looked up. Null when the owner has no such ID.
 */
export async function extendExpiry(sql: Sql, ownerKind: OwnerKind, ownerId: string, expiresAt: Date, quarantineDays: number): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `UPDATE conference_ids x SET expires_at = $3::timestamptz,
            quarantine_until = greatest(x.quarantine_until, $3::timestamptz + make_interval(days => $4::int))
      WHERE x.owner_kind = $1 AND x.owner_id = $2 AND x.state = 'active' AND x.expires_at > now()
      RETURNING ${COLUMNS_OF_X}`,
    [ownerKind, ownerId, expiresAt, quarantineDays],
  );
  return rows[0] ?? null;
}

/** The (bridge, ID) pairs `where` names, as a subquery over $3 (and $4). */
function retireTarget(where: RetireWhere): [string, unknown[]] {
  if ('expired' in where) {
    return [`(SELECT bridge_id, conference_id FROM conference_ids
               WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= now()
               ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)`, [where.limit]];
  }
  if ('jitsiIntegrationId' in where) {
    return [`(SELECT c.bridge_id, c.conference_id FROM conference_ids c JOIN jitsi_rooms r ON r.id = c.owner_id
               WHERE c.state = 'active' AND c.owner_kind = 'room' AND r.integration_id = $3)`, [where.jitsiIntegrationId]];
  }
  if ('leaderUserId' in where) {
    return ["(SELECT bridge_id, conference_id FROM conference_ids WHERE state = 'active' AND leader_user_id = $3)", [where.leaderUserId]];
  }
  return ["(SELECT bridge_id, conference_id FROM conference_ids WHERE state = 'active' AND owner_kind = $3 AND owner_id = $4)", [where.ownerKind, where.ownerId]];
}

// ---- what the directory reads -----------------------------------------------------------------

export async function findConferenceIdRow(sql: Sql, bridgeId: string, conferenceId: number): Promise<ConferenceIdRow | null> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `SELECT ${COLUMNS} FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2`,
    [bridgeId, conferenceId],
  );
  return rows[0] ?? null;
}

/** The bridge's IDs above `after`, in order (keyset paging keeps each query short on any bridge). */
export async function conferenceIdPage(sql: Sql, bridgeId: string, after: number, limit: number): Promise<ConferenceIdRow[]> {
  const { rows } = await sql.query<ConferenceIdRow>(
    `SELECT ${COLUMNS} FROM conference_ids WHERE bridge_id = $1 AND conference_id > $2 ORDER BY conference_id LIMIT ${Math.trunc(limit)}`,
    [bridgeId, after],
  );
  return rows;
}

/** The owner's active ID, if any. */
export async function activeConferenceIdOf(sql: Sql, ownerKind: OwnerKind, ownerId: string): Promise<number | null> {
  const { rows } = await sql.query<{ conference_id: number }>(
    "SELECT conference_id FROM conference_ids WHERE owner_kind = $1 AND owner_id = $2 AND state = 'active'",
    [ownerKind, ownerId],
  );
  return rows[0]?.conference_id ?? null;
}

/** Owners (user or meetings) whose room the user leads, with their bridge. */
export async function ownersLedBy(sql: Sql, userId: string): Promise<{ bridge_id: string; owner_kind: 'user' | 'meeting'; owner_id: string }[]> {
  const { rows } = await sql.query<{ bridge_id: string; owner_kind: 'user' | 'meeting'; owner_id: string }>(
    "SELECT bridge_id, owner_kind, owner_id FROM conference_ids WHERE leader_user_id = $1 AND state = 'active'",
    [userId],
  );
  return rows;
}
