// /api/v1/api-keys (platform keys only). The key itself appears once, in the creation answer.
import { Router } from 'express';
import { parse, uuidParam } from '../../http/validate.js';
import type { Services } from '../../services.js';
import { createApiKey, revokeKey } from '../api-keys.js';
import { platformOnly, principalOf } from '../access.js';
import { createApiKeyBody } from '../schemas.js';

export function apiKeyRoutes(s: Services): Router {
  const r = Router();
  r.use('/api-keys', platformOnly);

  r.post('/api-keys', async (req, res) => {
    const body = parse(createApiKeyBody, req.body);
    const { row, key } = await createApiKey(s, principalOf(res), body);
    res.status(201).json({ id: row.id, key, name: row.name, tenantId: row.tenant_id, readOnly: row.read_only, createdAt: row.created_at.toISOString() });
  });

  r.delete('/api-keys/:keyId', async (req, res) => {
    await revokeKey(s, principalOf(res), uuidParam(req.params.keyId, 'API key'));
    res.status(204).end();
  });
  return r;
}
