// Authentication, authorization and error shapes across the admin API.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createHarness, expectStatus, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const isProblem = (res: request.Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String), type: expect.stringMatching(/^https?:\/\//) });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
};

describe('API keys', () => {
  it('are required, and unknown, malformed or revoked keys are 401', async () => {
    isProblem(await request(h.app).get('/api/v1/bridges/00000000-0000-0000-0000-000000000000'), 401, 'unauthorized');
    isProblem(await request(h.app).get('/api/v1/bridges/x').set('authorization', 'Basic abc'), 401, 'unauthorized');
    isProblem(await adminClient(h.app, 'att_aaaaaaaaaa_' + 'A'.repeat(43)).get('/api/v1/bridges/x'), 401, 'unauthorized');
    const created = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'temp' }), 201);
    expect(created.key).toMatch(/^att_[a-z2-7]{10}_[A-Za-z0-9_-]{43}$/);
    const k = adminClient(h.app, created.key);
    await expectStatus(k.post('/api/v1/bridges', { name: 'with a stored platform key' }), 201);
    await expectStatus(h.api.del(`/api/v1/api-keys/${created.id}`), 204);
    isProblem(await k.get('/api/v1/dial-in-numbers'), 401, 'unauthorized');
    isProblem(await h.api.del(`/api/v1/api-keys/${crypto.randomUUID()}`), 404, 'not_found');
  });

  it('are stored only as a hash beside a visible prefix', async () => {
    const created = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'hashed' }), 201);
    const { rows } = await h.services.db.query('SELECT prefix, key_hash FROM api_keys WHERE id = $1', [created.id]);
    expect(created.key.startsWith(`att_${rows[0]!.prefix}_`)).toBe(true);
    expect(rows[0]!.key_hash.toString('hex')).not.toContain(Buffer.from(created.key).toString('hex'));
    const { rows: audit } = await h.services.db.query("SELECT details::text AS d FROM audit_events WHERE target_id = $1", [created.id]);
    expect(audit[0]!.d).not.toContain(created.key.split('_')[2]);
  });
});

describe('tenant and read-only keys', () => {
  it('reach only their own tenant (404 elsewhere) and never platform routes (403)', async () => {
    const a = await provision(h), b = await provision(h);
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tenant a', tenantId: a.tenant.id }), 201);
    const ta = adminClient(h.app, key.key);
    await expectStatus(ta.get(`/api/v1/tenants/${a.tenant.id}`), 200);
    await expectStatus(ta.patch(`/api/v1/tenants/${a.tenant.id}`, { sendEmailByDefault: false }), 200);
    const u = b.users[0]!;
    for (const res of [
      await ta.get(`/api/v1/tenants/${b.tenant.id}`),
      await ta.patch(`/api/v1/tenants/${b.tenant.id}`, { name: 'x' }),
      await ta.get(`/api/v1/tenants/${b.tenant.id}/users`),
      await ta.get(`/api/v1/tenants/${b.tenant.id}/users/${u.id}`),
      await ta.get(`/api/v1/tenants/${a.tenant.id}/users/${u.id}`),
      await ta.post(`/api/v1/tenants/${b.tenant.id}/users/${u.id}/conference-id/reset`, {}),
      await ta.put(`/api/v1/tenants/${b.tenant.id}/users/${u.id}/conference-id`, { conferenceId: '2345678' }),
      await ta.post(`/api/v1/tenants/${b.tenant.id}/users/${u.id}/leader-pin/reset`, {}),
      await ta.post(`/api/v1/tenants/${b.tenant.id}/users/${u.id}/conference-info/send`, {}),
      await ta.del(`/api/v1/tenants/${b.tenant.id}/users/${u.id}`),
      await ta.get(`/api/v1/tenants/${b.tenant.id}/audit-events`),
    ]) isProblem(res, 404, 'not_found');
    for (const res of [
      await ta.post('/api/v1/bridges', { name: 'x' }),
      await ta.get(`/api/v1/bridges/${a.bridge.id}`),
      await ta.put(`/api/v1/dial-in-numbers/${encodeURIComponent(a.number)}`, { bridgeId: a.bridge.id, type: 'toll' }),
      await ta.get('/api/v1/dial-in-numbers'),
      await ta.post('/api/v1/tenants', { name: 'x' }),
      await ta.post('/api/v1/api-keys', { name: 'x' }),
    ]) isProblem(res, 403, 'forbidden');
    // b's user is untouched
    expect((await expectStatus(h.api.get(`/api/v1/tenants/${b.tenant.id}/users/${u.id}`), 200)).conferenceId).toBe(u.conferenceId);
  });

  it('read-only keys may read but every write is 403', async () => {
    const a = await provision(h);
    const ro = adminClient(h.app, (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'ro', tenantId: a.tenant.id, readOnly: true }), 201)).key);
    await expectStatus(ro.get(`/api/v1/tenants/${a.tenant.id}/users`), 200);
    await expectStatus(ro.get(`/api/v1/tenants/${a.tenant.id}/audit-events`), 200);
    const u = a.users[0]!;
    for (const res of [
      await ro.post(`/api/v1/tenants/${a.tenant.id}/users`, { email: 'x@example.com', displayName: 'x' }),
      await ro.post(`/api/v1/tenants/${a.tenant.id}/users/${u.id}/conference-id/reset`, {}),
      await ro.patch(`/api/v1/tenants/${a.tenant.id}`, { name: 'x' }),
      await ro.del(`/api/v1/tenants/${a.tenant.id}/users/${u.id}`),
    ]) isProblem(res, 403, 'forbidden');
    const platformRo = adminClient(h.app, (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'platform ro', readOnly: true }), 201)).key);
    await expectStatus(platformRo.get(`/api/v1/bridges/${a.bridge.id}`), 200);
    isProblem(await platformRo.post('/api/v1/bridges', { name: 'x' }), 403, 'forbidden');
  });
});

describe('bad requests', () => {
  it('are problem+json: unreadable JSON 400, too large 413, invalid 422 with each field, unknown routes 404', async () => {
    const { tenant } = await provision(h, { users: 0 });
    const users = `/api/v1/tenants/${tenant.id}/users`;
    isProblem(await h.api.post(users).set('content-type', 'application/json').send('{"email": '), 400, 'bad_request');
    isProblem(await h.api.post(users).set('content-type', 'application/json').send(JSON.stringify({ email: 'a@example.com', displayName: 'x'.repeat(102_400) })), 413, 'payload_too_large');
    const bad = await h.api.post(users, { email: 'nope', displayName: '', provider: 'acme', surprise: 1 });
    isProblem(bad, 422, 'validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['displayName', 'email', 'provider', 'surprise']);
    isProblem(await h.api.get('/api/v1/no-such-thing'), 404, 'not_found');
    isProblem(await h.api.get(`/api/v1/tenants/${tenant.id}/users/not-a-uuid`), 404, 'not_found');
    isProblem(await h.api.get(`/api/v1/tenants/${tenant.id}/users?limit=0`), 422, 'validation_failed');
    isProblem(await h.api.get(`/api/v1/tenants/${tenant.id}/users?cursor=bm9wZQ`), 422, 'validation_failed');
  });
});
