// One unit of a default-number move (request-default-number-move.ts): the user's own default
// number becomes the new one, and their upcoming meetings are updated and re-sent.
import { AppError } from '../errors.js';
import { recordAudit } from '../store/audit.js';
import type { Tx } from '../store/db.js';
import type { JobRow } from '../store/jobs.js';
import { upcomingMeetingIds } from '../store/meetings.js';
import { setDefaultNumber } from '../store/users.js';
import { refreshMeeting } from './refresh-meeting.js';

export async function moveUserDefaultNumber(tx: Tx, job: JobRow, userId: string): Promise<void> {
  const { to, type } = job.params as { to: string; type: 'toll' | 'toll_free' };
  const tenantId = await setDefaultNumber(tx, userId, type, to);
  if (!tenantId) throw new AppError('not_found', 'user not found or disabled');
  for (const meetingId of await upcomingMeetingIds(tx, userId)) await refreshMeeting(tx, meetingId);
  await recordAudit(tx, {
    tenantId, actor: { apiKeyId: job.actor_key_id, name: job.actor_name }, action: 'user.default_number_moved',
    target: { type: 'user', id: userId }, details: { jobId: job.id, type, from: job.params.from, to },
  });
}
