// Resetting a user's conference ID (a fresh random one) and setting a chosen one share this
// command: retire the old ID, take the new one, record it, tell the user, move their meetings.
// The old ID is refused by every instance from the moment this returns (see directory.ts).
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { allocateConferenceId, claimConferenceId, retireConferenceIds } from '../store/conference-ids.js';
import type { Tx } from '../store/db.js';
import { findTenant, type TenantRow } from '../store/tenants.js';
import { findUser, touchConferenceIdUpdatedAt, type UserRow } from '../store/users.js';
import { conferenceIdChange } from '../directory/changes.js';
import { enqueueMeetingMigration } from '../meetings/migration.js';
import { queueEmail } from './notifications.js';

export interface ConferenceIdChangeResult {
  conferenceId: string;
  previousConferenceId: string | null;
  emailQueued: boolean;
}

export interface ChangeConferenceIdInput {
  tenantId: string;
  userId: string;
  /** A chosen ID; absent for a reset. */
  conferenceId?: string;
  sendEmail?: boolean;
}


export async function changeConferenceId(s: Services, actor: Actor, input: ChangeConferenceIdInput): Promise<ConferenceIdChangeResult> {
  const tenant = await findTenant(s.db, input.tenantId);
  if (!tenant) throw notFound('tenant');
  return s.db.transaction((tx) => changeConferenceIdIn(s, tx, tenant, actor, input));
}

/** The change inside the caller's transaction (a bulk job runs one per unit, see jobs/). */
export async function changeConferenceIdIn(
  s: Services, tx: Tx, tenant: TenantRow, actor: Actor, input: ChangeConferenceIdInput,
): Promise<ConferenceIdChangeResult> {
  const chosen = input.conferenceId;
  const user = await findUser(tx, tenant.id, input.userId, { lock: true });
  if (!user) throw notFound('user');
  if (user.provider !== 'builtin') throw new AppError('not_supported', 'a third-party user\'s conference ID is managed by their provider');
  if (tenant.conference_id_mode !== 'static') throw new AppError('not_supported', 'in a dynamic-ID tenant each meeting has its own ID; there is no user ID to change');
  const previous = user.conference_id === null ? null : String(user.conference_id);
  const sendEmail = input.sendEmail ?? tenant.send_email_by_default;
  if (chosen !== undefined && chosen === previous) return { conferenceId: chosen, previousConferenceId: previous, emailQueued: false };

  const retiredRows = await retireConferenceIds(tx, { ownerKind: 'user', ownerId: user.id }, chosen === undefined ? 'reset' : 'replaced', s.config.quarantineDays);
  const claim = {
    bridgeId: tenant.bridge_id, tenantId: tenant.id, ownerKind: 'user' as const, ownerId: user.id,
    leaderUserId: user.id, expiresAt: null, quarantineDays: s.config.quarantineDays,
  };
  const row = chosen === undefined ? await allocateConferenceId(tx, claim) : await claimConferenceId(tx, { ...claim, conferenceId: Number(chosen) });
  if (!row) throw new AppError('conference_id_unavailable', `conference ID ${chosen} is active or quarantined on this bridge`);
  await touchConferenceIdUpdatedAt(tx, user.id);
  s.directory.stage(tx, [...retiredRows.map((r) => conferenceIdChange(s.keys, r, true)), conferenceIdChange(s.keys, row, false)]);

  const conferenceId = String(row.conference_id);
  const updated = (await findUser(tx, tenant.id, user.id))!;
  await recordAudit(tx, {
    tenantId: tenant.id, actor, action: chosen === undefined ? 'conference_id.reset' : 'conference_id.set',
    target: { type: 'user', id: user.id }, details: { previousConferenceId: previous, conferenceId, emailQueued: sendEmail },
  });
  if (sendEmail) await queueEmail(s, tx, updated, 'conference_id_changed', { previousConferenceId: previous });
  // The user's upcoming meetings move to the new ID (a job, in this same transaction).
  await enqueueMeetingMigration(tx, updated, actor, 'conference_id_changed');
  tx.afterCommit(() => s.metrics.conferenceIdChanges.inc({ action: chosen === undefined ? 'reset' : 'set' }));
  return { conferenceId, previousConferenceId: previous, emailQueued: sendEmail };
}
