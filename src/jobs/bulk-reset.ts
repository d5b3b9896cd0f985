// Bulk conference-ID reset: every unit is one user, reset with the same command (and so the
// same directory staging, audit, email and meeting migration) as a single reset.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { createJob, type JobRow } from '../store/jobs.js';
import { findTenant, type TenantRow } from '../store/tenants.js';
import { changeConferenceIdIn } from '../commands/change-conference-id.js';
import type { UnitKind } from './runner.js';

export interface BulkResetInput {
  tenantId: string;
  userIds?: string[];
  all?: true;
  sendEmail?: boolean;
}

export async function requestBulkReset(s: Services, actor: Actor, input: BulkResetInput): Promise<{ jobId: string; total: number }> {
  return s.db.transaction(async (tx) => {
    const tenant = await findTenant(tx, input.tenantId);
    if (!tenant) throw notFound('tenant');
    if (tenant.conference_id_mode !== 'static') throw new AppError('not_supported', 'in a dynamic-ID tenant each meeting has its own ID; there are no user IDs to reset');
    const units = input.all
      // every enabled builtin user: third-party IDs belong to their provider
      ? { select: "SELECT id FROM users WHERE tenant_id = $1 AND disabled_at IS NULL AND provider = 'builtin'", params: [tenant.id] }
      : input.userIds!;
    const job = await createJob(tx, {
      kind: 'conference_id_reset', tenantId: tenant.id, bridgeId: null, actor,
      params: { ...(input.sendEmail === undefined ? {} : { sendEmail: input.sendEmail }), all: input.all === true }, units,
    });
    await recordAudit(tx, {
      tenantId: tenant.id, actor, action: 'conference_id.bulk_reset_requested', target: { type: 'job', id: job.id },
      details: { users: job.total, all: input.all === true, sendEmail: input.sendEmail ?? null },
    });
    return { jobId: job.id, total: job.total };
  });
}

const actorOf = (job: JobRow): Actor => ({ apiKeyId: job.actor_key_id, name: job.actor_name });

export const bulkResetUnits: UnitKind<TenantRow> = {
  async prepare(s, job) {
    const tenant = await findTenant(s.db, job.tenant_id!);
    if (!tenant) throw new AppError('not_found', 'the job\'s tenant no longer exists');
    return tenant;
  },
  async run(s, tx, job, userId, tenant) {
    const sendEmail = typeof job.params.sendEmail === 'boolean' ? job.params.sendEmail : undefined;
    await changeConferenceIdIn(s, tx, actorOf(job), { tenantId: tenant.id, userId, sendEmail });
  },
};
