// What operators see of the outbox (platform keys): counts by status, messages given up on
// (dead) or not deliverable, and a way to send one again. Payloads and secrets are not shown.
import { z } from 'zod';
import { requeueOutboxMessage } from '../../commands/requeue-outbox-message.js';
import { countByStatus, listOutbox, type OutboxProblemRow } from '../../store/outbox-claims.js';
import { endpoint, reply } from '../endpoint.js';
import { OutboxMessage, page } from '../openapi/shapes.js';
import { uuid } from '../schemas.js';

const outboxListQuery = z.strictObject({
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

export const outboxEndpoints = [
  endpoint({
    method: 'get', path: '/outbox/summary', access: 'platform', tag: 'Operations', summary: 'Outbox messages by status',
    responses: { 200: { description: 'Counts', schema: 'OutboxSummary' } },
    handle: async ({ s }) => reply(200, { byStatus: await countByStatus(s.db) }),
  }),
  endpoint({
    method: 'get', path: '/outbox', access: 'platform', tag: 'Operations', summary: 'Outbox messages of one status (dead by default)',
    description: 'Payloads and secrets are never shown.', query: outboxListQuery, responses: { 200: { description: 'A page, newest first', schema: page(OutboxMessage) } },
    example: () => ({ query: 'status=dead' }),
    handle: async ({ s, query: q }) => {
      const rows = await listOutbox(s.db, { status: q.status, tenantId: q.tenantId, beforeId: q.cursor, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return reply(200, { items: items.map(present), nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null });
    },
  }),
  endpoint({
    method: 'post', path: '/outbox/:messageId/retry', access: 'platform', tag: 'Operations', summary: 'Send a dead or undeliverable message again',
    responses: { 202: { description: 'Queued again', schema: z.strictObject({ id: z.string(), status: z.literal('pending') }) } },
    handle: async ({ s, principal, params }) => {
      await requeueOutboxMessage(s, principal, params.messageId!);
      return reply(202, { id: params.messageId, status: 'pending' });
    },
  }),
];
