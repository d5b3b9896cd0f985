// What operators see of the outbox (platform keys): counts by status, messages given up on
// (dead) or not deliverable, and a way to send one again. Payloads and secrets are not shown.
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parse } from '../../http/validate.js';
import type { Services } from '../../services.js';
import { countByStatus, listOutbox, requeue, type OutboxProblemRow } from '../../store/outbox-claims.js';
import { recordAudit } from '../../store/audit.js';
import { platformOnly, principalOf } from '../access.js';
import { uuid } from '../schemas.js';

export const outboxListQuery = z.strictObject({
  status: z.enum(['pending', 'dead', 'undeliverable', 'sent']).default('dead'),
  tenantId: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d{1,19}$/, 'not a cursor this API gave').optional(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const present = (m: OutboxProblemRow) => ({
  id: m.id, kind: m.kind, template: m.template, tenantId: m.tenant_id, status: m.status, attempts: m.attempts,
  lastError: m.last_error, createdAt: iso(m.created_at), doneAt: iso(m.done_at),
});

export function outboxRoutes(s: Services): Router {
  const r = Router();
  r.use('/outbox', platformOnly);

  r.get('/outbox/summary', async (_req, res) => {
    res.json({ byStatus: await countByStatus(s.db) });
  });

  r.get('/outbox', async (req, res) => {
    const q = parse(outboxListQuery, req.query);
    const rows = await listOutbox(s.db, { status: q.status, tenantId: q.tenantId, beforeId: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    res.json({ items: page.map(present), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null });
  });

  r.post('/outbox/:id/retry', async (req, res) => {
    const id = /^\d{1,19}$/.test(String(req.params.id)) ? String(req.params.id) : null;
    if (!id || !(await requeue(s.db, id))) throw notFound('dead or undeliverable outbox message');
    await recordAudit(s.db, { tenantId: null, actor: principalOf(res), action: 'outbox.requeued', target: { type: 'outbox', id }, details: {} });
    res.status(202).json({ id, status: 'pending' });
  });
  return r;
}
