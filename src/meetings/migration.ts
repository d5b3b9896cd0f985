// Meeting migration: when a user's ID (or default number) changes, every meeting of theirs
// that has not ended is moved to the new details, its invitation sequence goes up and its
// attendees get the updated invitation. The change enqueues a job in its own transaction;
// the job's units (one per meeting) run in the outbox worker.
import type { Tx } from '../store/db.js';
import { createJob } from '../store/jobs.js';
import { findMeetingById, upcomingMeetingIds, updateInvitation } from '../store/meetings.js';
import { findUser } from '../store/users.js';
import { userConferenceId, userTollFreeNumber, userTollNumber } from '../conferencing/notifications.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { AppError } from '../errors.js';
import type { UnitKind } from '../jobs/runner.js';
import { queueInvitations } from './invitations.js';

/**
 * Brings one meeting in line with its organizer's current ID and numbers; queues the updated
 * invitation when anything attendees see changed. Meetings that have ended are left as sent.
 */
export async function refreshMeeting(tx: Tx, meetingId: string): Promise<boolean> {
  const m = await findMeetingById(tx, meetingId, { lock: true });
  if (!m) throw new AppError('not_found', 'meeting not found');
  if ((m.ends_at ?? m.starts_at).getTime() <= Date.now()) return false;
  const organizer = await findUser(tx, m.tenant_id, m.organizer_id);
  if (!organizer) throw new AppError('not_found', 'the organizer is no longer enabled');
  const conferenceId = m.id_kind === 'own' ? m.conference_id : userConferenceId(organizer);
  if (conferenceId === null) throw new AppError('not_supported', 'the organizer has no conference ID');
  const { changed, sequence } = await updateInvitation(tx, m.id, {
    conferenceId, tollNumber: userTollNumber(organizer), tollFreeNumber: userTollFreeNumber(organizer),
  });
  if (changed) await queueInvitations(tx, m, sequence);
  return changed;
}

export const meetingMigrationUnits: UnitKind<undefined> = {
  async run(_s, tx, _job, meetingId) {
    await refreshMeeting(tx, meetingId);
  },
};

/** Enqueues the migration of the organizer's upcoming meetings; null when there are none. */
export async function enqueueMeetingMigration(tx: Tx, user: { id: string; tenant_id: string }, actor: Actor, reason: string): Promise<string | null> {
  const ids = await upcomingMeetingIds(tx, user.id);
  if (!ids.length) return null;
  const job = await createJob(tx, {
    kind: 'meeting_migration', tenantId: user.tenant_id, bridgeId: null, actor, params: { userId: user.id, reason }, units: ids,
  });
  await recordAudit(tx, {
    tenantId: user.tenant_id, actor, action: 'meeting_migration.queued', target: { type: 'user', id: user.id },
    details: { jobId: job.id, meetings: job.total, reason },
  });
  return job.id;
}
