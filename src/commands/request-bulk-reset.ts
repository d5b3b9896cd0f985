// Requests a bulk conference-ID reset: a job whose units are users, each reset by the same
// command as a single reset (jobs/bulk-reset.ts).
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { createJob } from '../store/jobs.js';
import { findTenant } from '../store/tenants.js';
import { reserveQuota } from './quotas.js';

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
    const units = input.all ? { users: 'builtin_of_tenant' as const, tenantId: tenant.id } : input.userIds!;
    const job = await createJob(tx, {
      kind: 'conference_id_reset', tenantId: tenant.id, bridgeId: null, actor,
      params: { ...(input.sendEmail === undefined ? {} : { sendEmail: input.sendEmail }), all: input.all === true }, units,
    });
    await recordAudit(tx, {
      tenantId: tenant.id, actor, action: 'conference_id.bulk_reset_requested', target: { type: 'job', id: job.id },
      details: { users: job.total, all: input.all === true, sendEmail: input.sendEmail ?? null },
    });
    // the whole job's share of the day's ID changes, up front: a job over the quota is refused
    // (429) rather than left to fail part-way (its units' emails are not counted, see quotas.ts)
    await reserveQuota(s, tx, actor, tenant.id, 'id_changes', job.total);
    return { jobId: job.id, total: job.total };
  });
}
