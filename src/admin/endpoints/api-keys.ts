// /api/v1/api-keys (creating and revoking: platform keys; listing: platform keys and tenant
// admins) and /api/v1/me (any key). A key appears once, in the answer that creates it.
import { z } from 'zod';
import { createApiKey } from '../../commands/create-api-key.js';
import { revokeKey } from '../../commands/revoke-api-key.js';
import { AppError, notFound } from '../../errors.js';
import { listApiKeys } from '../../store/api-keys.js';
import { findTenant } from '../../store/tenants.js';
import { endpoint, reply } from '../endpoint.js';
import { page } from '../openapi/shapes.js';
import { decodeNameCursor, namePage, presentApiKey } from '../present.js';
import { createApiKeyBody, listApiKeysQuery } from '../schemas.js';

const ApiKey = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('the visible part of the key (att_<prefix>_…), to recognise it; never the key'),
  tenantId: z.uuid().nullable().describe('null for a platform key'),
  readOnly: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const apiKeyEndpoints = [
  endpoint({
    method: 'post', path: '/api-keys', access: 'platform', tag: 'API keys', summary: 'Create an API key',
    description: '`tenantId: null` makes a platform key. The key is in this response only; only its hash is stored.',
    body: createApiKeyBody, responses: { 201: { description: 'Created', schema: 'ApiKeyCreated' } },
    example: (x) => ({ body: { name: 'provisioning script', tenantId: x.tenantId, readOnly: false } }),
    handle: async ({ s, principal, body }) => {
      const { row, key } = await createApiKey(s, principal, body);
      return reply(201, { id: row.id, key, name: row.name, tenantId: row.tenant_id, readOnly: row.read_only, createdAt: row.created_at.toISOString() });
    },
  }),
  endpoint({
    method: 'get', path: '/api-keys', access: 'any', tag: 'API keys', summary: 'List API keys',
    description: 'A platform key sees every key (`tenantId` keeps one tenant\'s); a tenant\'s write key sees its tenant\'s keys; '
      + 'a read-only key is refused (403). Revoked keys are listed with `revokedAt`. Never the key itself or its hash. '
      + 'Sorted by name (ignoring case), then id; pass `nextCursor` back as `cursor` for the next page.',
    query: listApiKeysQuery, responses: { 200: { description: 'A page of keys', schema: page(ApiKey) } },
    example: () => ({ query: 'limit=20' }),
    handle: async ({ s, principal, query: q }) => {
      if (principal.readOnly) throw new AppError('forbidden', 'a read-only key may not list API keys');
      const after = decodeNameCursor(q.cursor);
      // a tenant admin sees its own tenant's keys; another tenant is out of its reach, as everywhere
      if (q.tenantId !== undefined && (principal.tenantId ? q.tenantId !== principal.tenantId : !(await findTenant(s.db, q.tenantId)))) throw notFound('tenant');
      const tenantId = principal.tenantId ?? q.tenantId;
      const rows = await listApiKeys(s.db, { tenantId, after, limit: q.limit + 1 });
      return reply(200, namePage(rows, q.limit, presentApiKey));
    },
  }),
  endpoint({
    method: 'delete', path: '/api-keys/:keyId', access: 'platform', tag: 'API keys', summary: 'Revoke an API key',
    description: 'The key stops working at once.', responses: { 204: { description: 'Revoked' } },
    handle: async ({ s, principal, params }) => {
      await revokeKey(s, principal, params.keyId!);
      return reply(204);
    },
  }),
  endpoint({
    method: 'get', path: '/me', access: 'any', tag: 'API keys', summary: 'Who am I',
    description: 'The calling key\'s name, tenant and rights (the admin console uses it to find a tenant key\'s tenant).',
    responses: { 200: { description: 'The calling key', schema: 'Me' } },
    handle: ({ principal: p }) => reply(200, { apiKeyId: p.apiKeyId, name: p.name, tenantId: p.tenantId, readOnly: p.readOnly }),
  }),
];
