// /api/v1/tenants: listing and creating need a platform key; a tenant key may read and change its own.
import { createTenant } from '../../commands/create-tenant.js';
import { updateTenantSettings } from '../../commands/update-tenant.js';
import { notFound } from '../../errors.js';
import { findTenant, listTenants } from '../../store/tenants.js';
import { endpoint, reply } from '../endpoint.js';
import { page, Tenant } from '../openapi/shapes.js';
import { decodeNameCursor, namePage, presentTenant } from '../present.js';
import { createTenantBody, listTenantsQuery, patchTenantBody } from '../schemas.js';

export const tenantEndpoints = [
  endpoint({
    method: 'post', path: '/tenants', access: 'platform', tag: 'Tenants', summary: 'Create a tenant',
    description: 'Without `bridgeId` the tenant gets a bridge of its own.',
    body: createTenantBody, responses: { 201: { description: 'Created', schema: 'Tenant' } },
    example: (x) => ({ body: { name: 'Example Ltd', bridgeId: x.bridgeId, pinLength: 6 } }),
    handle: async ({ s, principal, body }) => reply(201, presentTenant(await createTenant(s, principal, body))),
  }),
  endpoint({
    method: 'get', path: '/tenants', access: 'platform', tag: 'Tenants', summary: 'List and search tenants',
    description: 'Sorted by name (ignoring case), then id. `q` keeps the tenants whose name contains it, ignoring case. '
      + 'Pass `nextCursor` back as `cursor`, with the same `q`, for the next page.',
    query: listTenantsQuery, responses: { 200: { description: 'A page of tenants', schema: page(Tenant) } },
    example: () => ({ query: 'q=example&limit=20' }),
    handle: async ({ s, query: q }) => {
      const rows = await listTenants(s.db, { q: q.q, after: decodeNameCursor(q.cursor), limit: q.limit + 1 });
      return reply(200, namePage(rows, q.limit, presentTenant));
    },
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
