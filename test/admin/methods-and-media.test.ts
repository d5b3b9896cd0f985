// What the router built from the endpoint declarations answers beyond the handlers: 405 with
// Allow for a known path and another method, 415 for a write whose body is not JSON, and 422
// naming the fields of a required body that was not sent.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_KEY, createHarness, expectStatus, provision, type Harness, type Provisioned } from '../support/harness.js';

let h: Harness;
let p: Provisioned;
beforeAll(async () => {
  h = await createHarness();
  p = await provision(h);
});
afterAll(async () => { await h.close(); });

const auth = { authorization: `Bearer ${BOOTSTRAP_KEY}` };

describe('the admin router', () => {
  it('answers 405 with Allow for a path it serves and a method it does not', async () => {
    const res = await request(h.app).delete(`/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}/conference-id/reset`).set(auth);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.code).toBe('method_not_allowed');
    const bridge = await request(h.app).post(`/api/v1/bridges/${p.bridge.id}`).set(auth).send({});
    expect(bridge.status).toBe(405);
    expect(bridge.headers.allow).toBe('GET, PATCH, HEAD');
  });

  it('answers 415 to a write whose body is not JSON, and changes nothing', async () => {
    const reset = `/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}/conference-id/reset`;
    const res = await request(h.app).post(reset).set(auth).set('content-type', 'text/plain').send('sendEmail=false');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
    const user = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}`), 200);
    expect(user.conferenceId).toBe(p.users[0]!.conferenceId);
    // a write with no body at all is fine where every field is optional
    expect((await request(h.app).post(reset).set(auth)).status).toBe(200);
  });

  it('answers 422 naming each missing field of a required body', async () => {
    const res = await request(h.app).post('/api/v1/bridges').set(auth);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);
  });
});
