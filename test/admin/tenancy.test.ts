// Every admin route, called with no key, a revoked key, a read-only key of the tenant, another
// tenant's key, the tenant's own key and a platform key: each answer is the contract's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createHarness, expectStatus, provision, type Harness, type Provisioned } from '../support/harness.js';
import { adminRoutes, type Route } from '../support/admin-routes.js';

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

async function call(route: Route, key: string | undefined) {
  const { path, body } = await route.target();
  const c = adminClient(h.app, key);
  return route.method === 'get' || route.method === 'del' ? c[route.method](path) : c[route.method](path, body);
}

/** What the contract answers `route` for each kind of key. */
function expected(route: Route) {
  const write = route.method !== 'get';
  const forTenantKey = route.scope === 'platform' ? 403 : route.ok;
  return {
    readOnly: route.readOnly ?? (write || route.scope === 'platform' ? 403 : route.ok),
    other: route.otherTenant ?? (route.scope === 'platform' ? 403 : route.scope === 'any' ? route.ok : 404),
    own: forTenantKey,
    platform: route.ok,
  };
}

describe.each(adminRoutes(() => ({ h, fixture: mine })))('$method $name', (route) => {
  const want = expected(route);

  it('without a key or with a revoked key: 401', async () => {
    expect((await call(route, undefined)).status).toBe(401);
    expect((await call(route, keys.revoked)).status).toBe(401);
  });

  it(`with a read-only key of the tenant: ${want.readOnly}`, async () => {
    expect((await call(route, keys.readOnly)).status).toBe(want.readOnly);
  });

  it(`with another tenant's key: ${want.other}`, async () => {
    expect((await call(route, keys.other)).status).toBe(want.other);
  });

  it(`with the tenant's own key: ${want.own}`, async () => {
    const r = await call(route, keys.own);
    expect(r.status, r.text).toBe(want.own);
  });

  it(`with a platform key: ${want.platform}`, async () => {
    const r = await call(route, keys.platform);
    expect(r.status, r.text).toBe(want.platform);
  });
});
