// The two steps of a conference ID's life that every command shares: issuing one (a chosen ID
// or a fresh random one, claimed in PostgreSQL) and retiring some (quarantined on their bridge).
// Both stage the directory's side of the change on the transaction (directory/changes.ts), so a
// retired ID is refused by every instance from the moment the command returns.
import { AppError } from '../errors.js';
import type { OwnerKind } from '../lib/refs.js';
import type { Services } from '../services.js';
import { allocateConferenceId, claimConferenceId, extendExpiry, retireIds, type ConferenceIdRow, type RetireReason, type RetireWhere } from '../store/conference-ids.js';
import type { Tx } from '../store/db.js';
import { conferenceIdChange } from '../directory/changes.js';

export interface IdToIssue {
  bridgeId: string;
  tenantId: string;
  ownerKind: OwnerKind;
  ownerId: string;
  /** Null for a Jitsi room (no leader, no PIN). */
  leaderUserId: string | null;
  /** Dynamic meeting and mapper IDs stop admitting callers then. */
  expiresAt: Date | null;
  /** A chosen ID (7 digits); a fresh random one when absent. */
  chosen?: string;
}

/** Claims the chosen ID (409 conference_id_unavailable when active or quarantined) or allocates one. */
export async function issueConferenceId(s: Services, tx: Tx, id: IdToIssue): Promise<ConferenceIdRow> {
  const claim = { ...id, quarantineDays: s.config.quarantineDays };
  const row = id.chosen === undefined
    ? await allocateConferenceId(tx, claim)
    : await claimConferenceId(tx, { ...claim, conferenceId: Number(id.chosen) });
  if (!row) throw new AppError('conference_id_unavailable', `conference ID ${id.chosen} is active or quarantined on this bridge`);
  s.directory.stage(tx, [conferenceIdChange(s.keys, row, false)]);
  return row;
}

/** Retires the active IDs `where` names; callers who enter them are refused once this commits. */
export async function retireConferenceIds(s: Services, tx: Tx, where: RetireWhere, reason: RetireReason): Promise<ConferenceIdRow[]> {
  const rows = await retireIds(tx, where, reason, s.config.quarantineDays);
  s.directory.stage(tx, rows.map((r) => conferenceIdChange(s.keys, r, true)));
  return rows;
}

/**
 * Moves the end of a dynamic ID (a mapper ID, looked up again) to `expiresAt`. Callers could
 * already join with it, so the cache gets the new end after COMMIT; nothing is taken away.
 */
export async function extendConferenceId(s: Services, tx: Tx, owner: { kind: OwnerKind; id: string }, expiresAt: Date): Promise<ConferenceIdRow | null> {
  const row = await extendExpiry(tx, owner.kind, owner.id, expiresAt, s.config.quarantineDays);
  if (row) s.directory.stage(tx, [conferenceIdChange(s.keys, row, false)]);
  return row;
}
