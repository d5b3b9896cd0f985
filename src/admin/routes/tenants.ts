// /api/v1/tenants: creating one needs a platform key; a tenant key may read and change its own.
import { Router } from 'express';
import { notFound } from '../../errors.js';
import { parse } from '../../http/validate.js';
import { createTenant, patchTenant } from '../../commands/create-tenant.js';
import type { Services } from '../../services.js';
import { findTenant } from '../../store/tenants.js';
import { platformOnly, principalOf, tenantInReach } from '../access.js';
import { presentTenant } from '../present.js';
import { createTenantBody, patchTenantBody } from '../schemas.js';

export function tenantRoutes(s: Services): Router {
  const r = Router();

  r.post('/tenants', platformOnly, async (req, res) => {
    const body = parse(createTenantBody, req.body);
    res.status(201).json(presentTenant(await createTenant(s, principalOf(res), body)));
  });

  r.get('/tenants/:tenantId', async (req, res) => {
    const tenant = await findTenant(s.db, tenantInReach(req, res));
    if (!tenant) throw notFound('tenant');
    res.json(presentTenant(tenant));
  });

  r.patch('/tenants/:tenantId', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const body = parse(patchTenantBody, req.body);
    res.json(presentTenant(await patchTenant(s, principalOf(res), tenantId, body)));
  });
  return r;
}
