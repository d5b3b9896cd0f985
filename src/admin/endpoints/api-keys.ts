// /api/v1/api-keys (platform keys) and /api/v1/me (any key). A key appears once, in the answer
// that creates it.
import { createApiKey } from '../../commands/create-api-key.js';
import { revokeKey } from '../../commands/revoke-api-key.js';
import { endpoint, reply } from '../endpoint.js';
import { createApiKeyBody } from '../schemas.js';

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
