// Meeting migration: when a user's ID (or default number) changes, every meeting of theirs
// that has not ended is moved to the new details (refresh-meeting.ts). The change enqueues a job
// in its own transaction; the job's units (one per meeting) run in the outbox worker.
import { recordAudit, type Actor } from '../store/audit.js';
import type { Tx } from '../store/db.js';
import { createJob } from '../store/jobs.js';
import { upcomingMeetingIds } from '../store/meetings.js';

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
