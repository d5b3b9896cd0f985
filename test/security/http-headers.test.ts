// The HTTP surface: helmet's headers on every kind of answer (health, metrics, the OpenAPI
// document, 404s, admin refusals, voice TwiML and webhook 403s served by the lean front),
// Cache-Control: no-store on every answer that carries a PIN or a key, 415 for a write whose
// body is not JSON, and /metrics kept from the public (a bearer token, a port of its own, or
// not served in production).
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/http/metrics.js';
import { sign } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, createHarness, expectStatus, freshEmail, freshNumber, provision, type Harness } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

const auth = { authorization: `Bearer ${BOOTSTRAP_KEY}` };

function expectHelmet(headers: Headers | Record<string, unknown>, what: string) {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined)) ?? null;
  expect(get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(get('x-frame-options'), `${what}: x-frame-options`).toBe('SAMEORIGIN');
  expect(get('content-security-policy'), `${what}: a CSP`).toMatch(/default-src/);
  expect(get('referrer-policy'), `${what}: referrer-policy`).toBe('no-referrer');
  expect(get('cross-origin-opener-policy'), `${what}: COOP`).toBe('same-origin');
  expect(get('x-powered-by'), `${what}: no x-powered-by`).toBeNull();
}

describe('security headers', () => {
  it('are on every kind of answer, through the server as main.ts builds it', async () => {
    const { number } = await provision(h);
    const at = (path: string, init?: RequestInit) => fetch(h.serviceUrl + path, init);
    const answers: [string, Response, number][] = [
      ['/healthz', await at('/healthz'), 200],
      ['/readyz', await at('/readyz'), 200],
      ['/metrics', await at('/metrics'), 200],
      ['/openapi.json', await at('/openapi.json'), 200],
      ['a 404', await at('/no/such/page'), 404],
      ['an admin 401', await at('/api/v1/me'), 401],
      ['an admin 404', await at('/api/v1/nothing-here', { headers: auth }), 404],
    ];
    // voice webhooks go through the lean front, not express: a signed one (TwiML) and a forged one (403)
    const url = `${h.publicBaseUrl}/voice/incoming`;
    const params = { CallSid: 'CA' + 'a'.repeat(32), From: freshNumber(), To: number, CallStatus: 'ringing' };
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
    answers.push(['voice TwiML', await at('/voice/incoming', { ...form, headers: { ...form.headers, 'x-twilio-signature': sign(AUTH_TOKEN, url, params) } }), 200]);
    answers.push(['a webhook 403', await at('/voice/incoming', { ...form, headers: { ...form.headers, 'x-twilio-signature': sign('wrong-token', url, params) } }), 403]);
    for (const [what, res, status] of answers) {
      expect(res.status, what).toBe(status);
      expectHelmet(res.headers, what);
    }
  });
});

describe('Cache-Control: no-store', () => {
  it('is on every answer that carries a PIN or a key, and on admin refusals', async () => {
    const { tenant, users: [u] } = await provision(h);
    const enabled = await request(h.app).post(`/api/v1/tenants/${tenant.id}/users`).set(auth).send({ email: freshEmail(), displayName: 'Pat', sendEmail: false });
    expect(enabled.status).toBe(201);
    expect(enabled.body.leaderPin).toMatch(/^\d+$/);
    const reset = await request(h.app).post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`).set(auth).send({ sendEmail: false });
    expect(reset.status).toBe(200);
    const key = await request(h.app).post('/api/v1/api-keys').set(auth).send({ name: 'ops', tenantId: tenant.id });
    expect(key.status).toBe(201);
    const refused = await request(h.app).get('/api/v1/me').set('authorization', 'Bearer nope');
    expect(refused.status).toBe(401);
    for (const [what, res] of [['user enable', enabled], ['PIN reset', reset], ['API key creation', key], ['a 401', refused]] as const) {
      expect(res.headers['cache-control'], what).toBe('no-store');
      expectHelmet(res.headers, what);
    }
  });
});

describe('admin writes', () => {
  it('refuse a text/plain PIN reset body with 415, before anything happens', async () => {
    const { tenant, users: [u] } = await provision(h);
    const path = `/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`;
    const auditsBefore = (await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/audit-events`), 200)).items.length;
    for (const [type, body] of [['text/plain', '{"sendEmail":true}'], ['application/x-www-form-urlencoded', 'sendEmail=true'], [undefined, 'sendEmail=true']] as const) {
      const req = request(h.app).post(path).set(auth);
      if (type) req.set('content-type', type);
      const res = await req.send(Buffer.from(body));
      expect(res.status, String(type)).toBe(415);
      expect(res.body.code).toBe('unsupported_media_type');
    }
    const audits = (await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/audit-events`), 200)).items;
    expect(audits.length).toBe(auditsBefore); // no reset happened
    // an endpoint without a body schema refuses one too
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'x', tenantId: tenant.id }), 201);
    const del = await request(h.app).delete(`/api/v1/api-keys/${key.id}`).set(auth).set('content-type', 'text/plain').send('please');
    expect(del.status).toBe(415);
    // JSON still works, and so does no body at all
    expect((await request(h.app).post(path).set(auth).send({ sendEmail: false })).status).toBe(200);
    expect((await request(h.app).post(path).set(auth)).status).toBe(200);
  });
});

describe('/metrics', () => {
  let hs: Harness[] = [];
  afterAll(async () => { await Promise.all(hs.map((x) => x.close())); });
  const harness = async (env: Record<string, string>) => {
    const x = await createHarness({ env });
    hs.push(x);
    return x;
  };

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const x = await harness({ METRICS_TOKEN: 'metrics-token-0123456789' });
    expect((await request(x.app).get('/metrics')).status).toBe(401);
    expect((await request(x.app).get('/metrics').set('authorization', 'Bearer metrics-token-012345678')).status).toBe(401);
    expect((await request(x.app).get('/metrics').set('authorization', `Bearer ${BOOTSTRAP_KEY}`)).status).toBe(401);
    const ok = await request(x.app).get('/metrics').set('authorization', 'Bearer metrics-token-0123456789');
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/attendant_/);
  });

  it('is not served on the main port in production without a token or a port of its own', async () => {
    const x = await harness({ NODE_ENV: 'production' });
    const res = await request(x.app).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/attendant_/);
    expectHelmet(res.headers, 'the 404');
  });

  it('with METRICS_PORT, is served only on that port', async () => {
    const x = await harness({ METRICS_PORT: '9464', METRICS_TOKEN: 'metrics-token-0123456789' });
    expect((await request(x.app).get('/metrics').set('authorization', 'Bearer metrics-token-0123456789')).status).toBe(404);
    const server = await startMetricsServer(x.services, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(ok.status).toBe(200);
      expectHelmet(ok.headers, 'the metrics port');
      expect(await ok.text()).toMatch(/attendant_/);
      expect((await fetch(`${base}/healthz`)).status).toBe(404); // nothing else there
      expect((await fetch(`${base}/api/v1/me`, { headers: auth })).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
