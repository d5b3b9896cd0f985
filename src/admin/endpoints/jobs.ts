// Jobs: bulk conference-ID resets (tenant), default-number moves (platform), and their progress.
import { z } from 'zod';
import { requestBulkReset } from '../../commands/request-bulk-reset.js';
import { requestDefaultNumberMove } from '../../commands/request-default-number-move.js';
import { notFound } from '../../errors.js';
import { findJob, jobErrors, listJobs, type JobRow } from '../../store/jobs.js';
import { endpoint, reply } from '../endpoint.js';
import { Job, list } from '../openapi/shapes.js';
import { e164, uuid } from '../schemas.js';

const bulkResetBody = z.strictObject({
  userIds: z.array(uuid).min(1, 'must name at least one user').max(2000, 'at most 2000 users; use all: true for a whole tenant').optional(),
  all: z.literal(true, { error: 'must be true when given' }).optional(),
  sendEmail: z.boolean().optional(),
}).refine((b) => (b.all === true) !== (b.userIds !== undefined), { path: ['all'], message: 'give exactly one of all: true and userIds' });

const numberMoveBody = z.strictObject({ from: e164, to: e164 });
const tenantJobsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const presentJob = (j: JobRow, errors: { unit_id: string; error: string }[]) => ({
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

const accepted = ({ jobId, total }: { jobId: string; total: number }) => reply(202, { jobId, total }, { Location: `/api/v1/jobs/${jobId}` });

export const jobEndpoints = [
  endpoint({
    method: 'post', path: '/tenants/:tenantId/conference-id-resets', access: 'tenant', tag: 'Jobs', summary: 'Reset the conference IDs of many users',
    description: 'Either `userIds` or `all: true`. Runs in the background, each user once, surviving restarts; follow it with GET /jobs/{jobId}.',
    body: bulkResetBody, errors: ['not_supported', 'quota_exceeded'], responses: { 202: { description: 'Accepted', schema: 'JobAccepted' } },
    example: (x) => ({ body: { userIds: [x.userId], sendEmail: false } }),
    handle: async ({ s, principal, params, body }) => accepted(await requestBulkReset(s, principal, { tenantId: params.tenantId!, ...body })),
  }),
  endpoint({
    method: 'post', path: '/bridges/:bridgeId/default-number-moves', access: 'platform', tag: 'Jobs', summary: 'Move users from one default number to another',
    description: 'Every user of the bridge whose default number is `from` gets `to` (both on the bridge, of one type); their meetings are updated.',
    body: numberMoveBody, responses: { 202: { description: 'Accepted', schema: 'JobAccepted' } },
    example: (x) => ({ body: { from: x.number, to: x.spareNumber } }),
    handle: async ({ s, principal, params, body }) => accepted(await requestDefaultNumberMove(s, principal, { bridgeId: params.bridgeId!, ...body })),
  }),
  endpoint({
    method: 'get', path: '/jobs/:jobId', access: 'any', tag: 'Jobs', summary: 'A background job\'s progress',
    description: 'A tenant key sees its tenant\'s jobs; bridge-wide jobs are the platform\'s (others answer 404).',
    responses: { 200: { description: 'The job', schema: 'Job' } },
    handle: async ({ s, principal, params }) => {
      const job = await findJob(s.db, params.jobId!);
      if (!job || (principal.tenantId !== null && job.tenant_id !== principal.tenantId)) throw notFound('job');
      return reply(200, presentJob(job, job.failed ? await jobErrors(s.db, job.id) : []));
    },
  }),
  endpoint({
    method: 'get', path: '/tenants/:tenantId/jobs', access: 'tenant', tag: 'Jobs', summary: 'A tenant\'s recent jobs',
    query: tenantJobsQuery, responses: { 200: { description: 'Newest first', schema: list(Job) } },
    example: () => ({ query: 'limit=20' }),
    handle: async ({ s, params, query }) => reply(200, { items: (await listJobs(s.db, params.tenantId!, query.limit)).map((j) => presentJob(j, [])) }),
  }),
];
