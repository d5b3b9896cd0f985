// Every admin route, called with no key, a revoked key, a read-only key of the tenant, another
// tenant's key, the tenant's own key and a platform key: each answer is the contract's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createHarness, expectStatus, freshEmail, freshNumber, provision, type Harness, type Provisioned } from '../support/harness.js';

let h: Harness;
let mine: Provisioned, theirs: Provisioned;
const keys: Record<'revoked' | 'readOnly' | 'other' | 'own' | 'platform', string> = { revoked: '', readOnly: '', other: '', own: '', platform: '' };

beforeAll(async () => {
  h = await createHarness();
  mine = await provision(h, { users: 2 });
  theirs = await provision(h, { users: 1 });
  const key = async (body: object) => (await expectStatus(h.api.post('/api/v1/api-keys', body), 201));
  const revoked = await key({ name: 'revoked', tenantId: mine.tenant.id });
  await expectStatus(h.api.del(`/api/v1/api-keys/${revoked.id}`), 204);
  keys.revoked = revoked.key;
  keys.readOnly = (await key({ name: 'ro', tenantId: mine.tenant.id, readOnly: true })).key;
  keys.other = (await key({ name: 'other', tenantId: theirs.tenant.id })).key;
  keys.own = (await key({ name: 'own', tenantId: mine.tenant.id })).key;
  keys.platform = (await key({ name: 'platform' })).key;
});
afterAll(async () => { await h.close(); });

type Scope = 'platform' | 'tenant';
interface Route {
  name: string;
  scope: Scope;
  method: 'get' | 'post' | 'put' | 'patch' | 'del';
  /** Builds a fresh request target (and body) each time: some calls change state. */
  target: () => Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  ok: number;
}

const t = () => mine.tenant.id;
const user = () => mine.users[1]!.id;
const newUser = async () => (await expectStatus(h.api.post(`/api/v1/tenants/${t()}/users`, { email: freshEmail(), displayName: 'x', sendEmail: false }), 201)).id as string;

export const ROUTES: Route[] = [
  { name: 'create bridge', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/bridges', body: { name: 'b' } }), ok: 201 },
  { name: 'get bridge', scope: 'platform', method: 'get', target: () => ({ path: `/api/v1/bridges/${mine.bridge.id}` }), ok: 200 },
  { name: 'patch bridge', scope: 'platform', method: 'patch', target: () => ({ path: `/api/v1/bridges/${mine.bridge.id}`, body: { name: 'renamed' } }), ok: 200 },
  { name: 'put number', scope: 'platform', method: 'put', target: () => ({ path: `/api/v1/dial-in-numbers/${encodeURIComponent(freshNumber())}`, body: { bridgeId: mine.bridge.id, type: 'toll' } }), ok: 201 },
  { name: 'list numbers', scope: 'platform', method: 'get', target: () => ({ path: `/api/v1/dial-in-numbers?bridgeId=${mine.bridge.id}` }), ok: 200 },
  {
    name: 'delete number', scope: 'platform', method: 'del', ok: 204,
    target: async () => {
      const n = freshNumber();
      await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: mine.bridge.id, type: 'toll' }), 201);
      return { path: `/api/v1/dial-in-numbers/${encodeURIComponent(n)}` };
    },
  },
  { name: 'create tenant', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/tenants', body: { name: 'x' } }), ok: 201 },
  { name: 'get tenant', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}` }), ok: 200 },
  { name: 'patch tenant', scope: 'tenant', method: 'patch', target: () => ({ path: `/api/v1/tenants/${t()}`, body: { name: 'renamed' } }), ok: 200 },
  { name: 'create API key', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/api-keys', body: { name: 'k' } }), ok: 201 },
  {
    name: 'revoke API key', scope: 'platform', method: 'del', ok: 204,
    target: async () => ({ path: `/api/v1/api-keys/${(await expectStatus(h.api.post('/api/v1/api-keys', { name: 'k' }), 201)).id}` }),
  },
  { name: 'enable user', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users`, body: { email: freshEmail(), displayName: 'x', sendEmail: false } }), ok: 201 },
  { name: 'list users', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/users?limit=5` }), ok: 200 },
  { name: 'get user', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}` }), ok: 200 },
  { name: 'disable user', scope: 'tenant', method: 'del', target: async () => ({ path: `/api/v1/tenants/${t()}/users/${await newUser()}` }), ok: 204 },
  { name: 'reset conference ID', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-id/reset`, body: { sendEmail: false } }), ok: 200 },
  {
    name: 'set conference ID', scope: 'tenant', method: 'put', ok: 200,
    target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-id`, body: { conferenceId: String(2_000_000 + Math.floor(Math.random() * 7_000_000)), sendEmail: false } }),
  },
  { name: 'send conference info', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-info/send`, body: {} }), ok: 202 },
  { name: 'reset leader PIN', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/leader-pin/reset`, body: { sendEmail: false } }), ok: 200 },
  { name: 'audit events', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/audit-events?limit=5` }), ok: 200 },
];

async function call(route: Route, key: string | undefined) {
  const { path, body } = await route.target();
  const c = adminClient(h.app, key);
  return route.method === 'get' || route.method === 'del' ? c[route.method](path) : c[route.method](path, body);
}

describe.each(ROUTES)('$method $name', (route) => {
  const write = route.method !== 'get';

  it('without a key or with a revoked key: 401', async () => {
    expect((await call(route, undefined)).status).toBe(401);
    expect((await call(route, keys.revoked)).status).toBe(401);
  });

  it(`with a read-only key of the tenant: ${write ? '403' : route.scope === 'platform' ? '403' : route.ok}`, async () => {
    expect((await call(route, keys.readOnly)).status).toBe(write || route.scope === 'platform' ? 403 : route.ok);
  });

  it(`with another tenant's key: ${route.scope === 'platform' ? '403' : '404'}`, async () => {
    expect((await call(route, keys.other)).status).toBe(route.scope === 'platform' ? 403 : 404);
  });

  it(`with the tenant's own key: ${route.scope === 'platform' ? '403' : route.ok}`, async () => {
    const r = await call(route, keys.own);
    expect(r.status, r.text).toBe(route.scope === 'platform' ? 403 : route.ok);
  });

  it(`with a platform key: ${route.ok}`, async () => {
    const r = await call(route, keys.platform);
    expect(r.status, r.text).toBe(route.ok);
  });
});
