// Brings one meeting in line with its organizer's current ID and numbers (a unit of meeting
// migration, see enqueue-meeting-migration.ts, and of a default-number move): its invitation
// sequence goes up and its attendees get the updated invitation. Meetings that have ended are
// left as they were sent.
import { AppError } from '../errors.js';
import type { Tx } from '../store/db.js';
import { findMeetingById, updateInvitation } from '../store/meetings.js';
import { findUser, userConferenceId, userTollFreeNumber, userTollNumber } from '../store/users.js';
import { queueInvitations } from '../meetings/invitations.js';

/** True when anything attendees see changed (and the updated invitation was queued). */
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
