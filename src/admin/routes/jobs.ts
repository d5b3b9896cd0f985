// Jobs: bulk conference-ID resets (tenant), default-number moves (platform), and their state.
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parse, uuidParam } from '../../http/validate.js';
import type { Services } from '../../services.js';
import { findJob, jobErrors, listJobs, type JobRow } from '../../store/jobs.js';
import { requestBulkReset } from '../../jobs/bulk-reset.js';
import { requestDefaultNumberMove } from '../../jobs/default-number-move.js';
import { platformOnly, principalOf, tenantInReach } from '../access.js';
import { e164, uuid } from '../schemas.js';

export const bulkResetBody = z.strictObject({
  userIds: z.array(uuid).min(1, 'must name at least one user').max(2000, 'at most 2000 users; use all: true for a whole tenant').optional(),
  all: z.literal(true, { error: 'must be true when given' }).optional(),
  sendEmail: z.boolean().optional(),
}).refine((b) => (b.all === true) !== (b.userIds !== undefined), { path: ['all'], message: 'give exactly one of all: true and userIds' });

export const numberMoveBody = z.strictObject({ from: e164, to: e164 });
export const tenantJobsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentJob = (j: JobRow, errors: { unit_id: string; error: string }[]) => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  total: j.total,
  succeeded: j.succeeded,
  failed: j.failed,
  errors: [...(j.error ? [{ unitId: null, message: j.error }] : []), ...errors.map((e) => ({ unitId: e.unit_id, message: e.error }))],
  tenantId: j.tenant_id,
  bridgeId: j.bridge_id,
  createdAt: iso(j.created_at),
  startedAt: iso(j.started_at),
  finishedAt: iso(j.finished_at),
});

export function jobRoutes(s: Services): Router {
  const r = Router();

  r.post('/tenants/:tenantId/conference-id-resets', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const body = parse(bulkResetBody, req.body);
    const { jobId, total } = await requestBulkReset(s, principalOf(res), { tenantId, ...body });
    res.status(202).location(`/api/v1/jobs/${jobId}`).json({ jobId, total });
  });

  r.post('/bridges/:bridgeId/default-number-moves', platformOnly, async (req, res) => {
    const bridgeId = uuidParam(req.params.bridgeId, 'bridge');
    const body = parse(numberMoveBody, req.body);
    const { jobId, total } = await requestDefaultNumberMove(s, principalOf(res), { bridgeId, ...body });
    res.status(202).location(`/api/v1/jobs/${jobId}`).json({ jobId, total });
  });

  r.get('/jobs/:jobId', async (req, res) => {
    const job = await findJob(s.db, uuidParam(req.params.jobId, 'job'));
    const own = principalOf(res).tenantId;
    // a tenant key sees its tenant's jobs only; bridge-wide jobs are the platform's
    if (!job || (own !== null && job.tenant_id !== own)) throw notFound('job');
    res.json(presentJob(job, job.failed ? await jobErrors(s.db, job.id) : []));
  });

  r.get('/tenants/:tenantId/jobs', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const q = parse(tenantJobsQuery, req.query);
    const rows = await listJobs(s.db, tenantId, q.limit);
    res.json({ items: rows.map((j) => presentJob(j, [])) });
  });
  return r;
}
