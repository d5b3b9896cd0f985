// /api/v1/tenants/{t}/audit-events: newest first, cursor paging.
import { Router } from 'express';
import { parse } from '../../http/validate.js';
import type { Services } from '../../services.js';
import { listAudit } from '../../store/audit.js';
import { tenantInReach } from '../access.js';
import { decodeCursor, encodeCursor, presentAudit } from '../present.js';
import { listAuditQuery } from '../schemas.js';

export function auditRoutes(s: Services): Router {
  const r = Router();
  r.get('/tenants/:tenantId/audit-events', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const q = parse(listAuditQuery, req.query);
    const rows = await listAudit(s.db, tenantId, { beforeSeq: decodeCursor(q.cursor, /^\d{1,19}$/), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    res.json({ items: page.map(presentAudit), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.seq) : null });
  });
  return r;
}
