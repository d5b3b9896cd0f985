// /api/v1/me: the calling key's own description, so that a client (the admin console) can tell
// a platform key from a tenant key and find the tenant's id.
import { Router } from 'express';
import type { Services } from '../../services.js';
import { principalOf } from '../access.js';

export function meRoutes(_s: Services): Router {
  const r = Router();
  r.get('/me', (_req, res) => {
    const p = principalOf(res);
    res.json({ apiKeyId: p.apiKeyId, name: p.name, tenantId: p.tenantId, readOnly: p.readOnly });
  });
  return r;
}
