// /api/v1/tenants: creating one needs a platform key; a tenant key may read and change its own.
import { createTenant } from '../../commands/create-tenant.js';
import { updateTenantSettings } from '../../commands/update-tenant.js';
import { notFound } from '../../errors.js';
import { findTenant } from '../../store/tenants.js';
import { endpoint, reply } from '../endpoint.js';
import { presentTenant } from '../present.js';
import { createTenantBody, patchTenantBody } from '../schemas.js';

export const tenantEndpoints = [
  endpoint({
    method: 'post', path: '/tenants', access: 'platform', tag: 'Tenants', summary: 'Create a tenant',
    description: 'Without `bridgeId` the tenant gets a bridge of its own.',
    body: createTenantBody, responses: { 201: { description: 'Created', schema: 'Tenant' } },
    example: (x) => ({ body: { name: 'Example Ltd', bridgeId: x.bridgeId, pinLength: 6 } }),
    handle: async ({ s, principal, body }) => reply(201, presentTenant(await createTenant(s, principal, body))),
  }),
  endpoint({
    method: 'get', path: '/tenants/:tenantId', access: 'tenant', tag: 'Tenants', summary: 'Read a tenant',
    responses: { 200: { description: 'The tenant', schema: 'Tenant' } },
    handle: async ({ s, params }) => {
      const tenant = await findTenant(s.db, params.tenantId!);
      if (!tenant) throw notFound('tenant');
      return reply(200, presentTenant(tenant));
    },
  }),
  endpoint({
    method: 'patch', path: '/tenants/:tenantId', access: 'tenant', tag: 'Tenants', summary: 'Change tenant settings',
    description: '`conferenceIdMode` can only change while the tenant has no enabled users (409 `not_supported`).',
    body: patchTenantBody, errors: ['not_supported'], responses: { 200: { description: 'The tenant', schema: 'Tenant' } },
    example: () => ({ body: { sendEmailByDefault: false } }),
    handle: async ({ s, principal, params, body }) => reply(200, presentTenant(await updateTenantSettings(s, principal, params.tenantId!, body))),
  }),
];
