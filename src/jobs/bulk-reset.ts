// The units of a bulk conference-ID reset (commands/request-bulk-reset.ts): one user each, reset
// with the same command (and so the same directory staging, audit, email and meeting migration)
// as a single reset.
import { AppError } from '../errors.js';
import type { Actor } from '../store/audit.js';
import type { JobRow } from '../store/jobs.js';
import { findTenant, type TenantRow } from '../store/tenants.js';
import { changeConferenceIdIn } from '../commands/change-conference-id.js';
import type { UnitKind } from './runner.js';

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
