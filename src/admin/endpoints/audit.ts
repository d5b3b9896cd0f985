// /api/v1/tenants/{t}/audit-events: newest first, cursor paging, filtered by target or action.
import { listAudit } from '../../store/audit.js';
import { endpoint, reply } from '../endpoint.js';
import { AuditEvent, page } from '../openapi/shapes.js';
import { decodeCursor, encodeCursor, presentAudit } from '../present.js';
import { listAuditQuery } from '../schemas.js';

export const auditEndpoints = [
  endpoint({
    method: 'get', path: '/tenants/:tenantId/audit-events', access: 'tenant', tag: 'Audit', summary: 'The tenant\'s audit trail, newest first',
    description: '`targetId` keeps the events about one resource (a user\'s id shows what was done to that user), `action` those of one action. Pass `nextCursor` back as `cursor`, with the same filters, for the next page.',
    query: listAuditQuery, responses: { 200: { description: 'A page of events', schema: page(AuditEvent) } },
    example: () => ({ query: 'limit=20' }),
    handle: async ({ s, params, query: q }) => {
      const beforeSeq = decodeCursor(q.cursor, /^\d{1,19}$/);
      const rows = await listAudit(s.db, params.tenantId!, { beforeSeq, targetId: q.targetId, action: q.action, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return reply(200, { items: items.map(presentAudit), nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1]!.seq) : null });
    },
  }),
];
