// Resetting a user's conference ID (a fresh random one) and setting a chosen one share this
// command: retire the old ID, take the new one, record it, tell the user, move their meetings.
// The old ID is refused by every instance from the moment this returns (see directory.ts).
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { activeConferenceIdOf } from '../store/conference-ids.js';
import type { Tx } from '../store/db.js';
import { findTenant } from '../store/tenants.js';
import { findUser, lockUserForIdChange, touchConferenceIdUpdatedAt } from '../store/users.js';
import { queueEmail } from '../email/messages.js';
import { issueConferenceId, retireConferenceIds } from './conference-id-lifecycle.js';
import { enqueueMeetingMigration } from './enqueue-meeting-migration.js';
import { guardChosenId, reserveQuota } from './quotas.js';

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


/**
 * A single reset or change: held to the tenant's quotas (commands/quotas.ts) of ID changes a day
 * and emails an hour, and to its budget of chosen IDs found taken. A bulk job's units run
 * changeConferenceIdIn; the job took its share of ID changes when it was requested.
 */
export async function changeConferenceId(s: Services, actor: Actor, input: ChangeConferenceIdInput): Promise<ConferenceIdChangeResult> {
  const chosen = { tenantId: input.tenantId, conferenceId: input.conferenceId, target: { type: 'user', id: input.userId } };
  return guardChosenId(s, actor, chosen, () => s.db.transaction(async (tx) => {
    const result = await changeConferenceIdIn(s, tx, actor, input);
    if (result.conferenceId !== result.previousConferenceId) {
      await reserveQuota(s, tx, actor, input.tenantId, 'id_changes', 1);
      if (result.emailQueued) await reserveQuota(s, tx, actor, input.tenantId, 'emails', 1);
    }
    return result;
  }));
}

/**
 * The change inside the caller's transaction (a bulk job runs one per unit, see jobs/). Round
 * trips are most of a reset's cost, so it makes few: lock (and stamp) the user with the tenant's
 * settings, retire (which returns the previous ID), allocate (one statement a round), audit, look
 * for meetings; then the directory's before-commit write and COMMIT (see bench/admin.ts).
 */
export async function changeConferenceIdIn(
  s: Services, tx: Tx, actor: Actor, input: ChangeConferenceIdInput,
): Promise<ConferenceIdChangeResult> {
  const { tenantId, conferenceId: chosen } = input;
  const user = await lockUserForIdChange(tx, tenantId, input.userId, { touch: chosen === undefined });
  if (!user) throw (await findTenant(tx, tenantId)) ? notFound('user') : notFound('tenant');
  if (user.provider !== 'builtin') throw new AppError('not_supported', 'a third-party user\'s conference ID is managed by their provider');
  if (user.conference_id_mode !== 'static') throw new AppError('not_supported', 'in a dynamic-ID tenant each meeting has its own ID; there is no user ID to change');
  const sendEmail = input.sendEmail ?? user.send_email_by_default;
  if (chosen !== undefined) {
    const active = await activeConferenceIdOf(tx, 'user', user.id);
    if (chosen === String(active)) return { conferenceId: chosen, previousConferenceId: chosen, emailQueued: false };
  }

  // The user's one active ID (the unique index allows no other) is the previous one.
  const retiredRows = await retireConferenceIds(s, tx, { ownerKind: 'user', ownerId: user.id }, chosen === undefined ? 'reset' : 'replaced');
  const previous = retiredRows.length ? String(retiredRows[0]!.conference_id) : null;
  const row = await issueConferenceId(s, tx, {
    bridgeId: user.bridge_id, tenantId: user.tenant_id, ownerKind: 'user', ownerId: user.id, leaderUserId: user.id, expiresAt: null, chosen,
  });
  if (chosen !== undefined) await touchConferenceIdUpdatedAt(tx, user.id);

  const conferenceId = String(row.conference_id);
  await recordAudit(tx, {
    tenantId: user.tenant_id, actor, action: chosen === undefined ? 'conference_id.reset' : 'conference_id.set',
    target: { type: 'user', id: user.id }, details: { previousConferenceId: previous, conferenceId, emailQueued: sendEmail },
  });
  if (sendEmail) await queueEmail(s, tx, (await findUser(tx, user.tenant_id, user.id))!, 'conference_id_changed', { previousConferenceId: previous });
  // The user's upcoming meetings move to the new ID (a job, in this same transaction).
  await enqueueMeetingMigration(tx, user, actor, 'conference_id_changed');
  tx.afterCommit(() => s.metrics.conferenceIdChanges.inc({ action: chosen === undefined ? 'reset' : 'set' }));
  return { conferenceId, previousConferenceId: previous, emailQueued: sendEmail };
}
