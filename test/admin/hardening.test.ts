// Rate limits (per key across instances, per address without a valid key), security headers,
// and the request deadline.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createHarness, expectStatus, type Harness } from '../support/harness.js';

const prefix = `test-rl-${randomBytes(3).toString('hex')}:`;
let a: Harness, b: Harness;
beforeAll(async () => {
  // two instances sharing one Redis, with a small limit and a prefix of their own
  a = await createHarness({ env: { ADMIN_RATE_LIMIT_PER_MIN: '6', REDIS_KEY_PREFIX: prefix } });
  b = await createHarness({ env: { ADMIN_RATE_LIMIT_PER_MIN: '6', REDIS_KEY_PREFIX: prefix } });
});
afterAll(async () => { await a.close(); await b.close(); });

// Stay inside one calendar minute, so the test does not straddle two windows.
async function atStartOfWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
}

describe('the admin rate limit', () => {
  it('counts a key\'s requests on every instance and answers 429 with Retry-After', async () => {
    await atStartOfWindow();
    const key = (await expectStatus(a.api.post('/api/v1/api-keys', { name: 'limited' }), 201)).key;
    const ka = adminClient(a.app, key), kb = adminClient(b.app, key);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ka.get('/api/v1/dial-in-numbers')).status, (await kb.get('/api/v1/dial-in-numbers')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await kb.get('/api/v1/dial-in-numbers');
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // another key is not affected
    const other = (await expectStatus(b.api.post('/api/v1/api-keys', { name: 'other' }), 201)).key;
    await expectStatus(adminClient(a.app, other).get('/api/v1/dial-in-numbers'), 200);
  });

  it('counts requests without a valid key per client address', async () => {
    await atStartOfWindow();
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await adminClient(a.app, `att_zzzzzzzzzz_${'x'.repeat(43)}`).get('/api/v1/dial-in-numbers')).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });
});

describe('HTTP hardening', () => {
  it('sets security headers and hides the framework', async () => {
    const r = await request(a.app).get('/api/v1/dial-in-numbers');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['strict-transport-security']).toBeDefined();
    expect(r.headers['content-security-policy']).toBeDefined();
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 503 when a request outlives its deadline', async () => {
    const slow = await createHarness({ env: { ADMIN_REQUEST_TIMEOUT_MS: '200', REDIS_KEY_PREFIX: `${prefix}slow:` } });
    try {
      // hold the tenant row so the PATCH waits behind the lock
      const t = await expectStatus(slow.api.post('/api/v1/tenants', { name: 'locked' }), 201);
      const client = await slow.services.db.pool.connect();
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [t.id]);
      const r = await slow.api.patch(`/api/v1/tenants/${t.id}`, { name: 'renamed' });
      await client.query('ROLLBACK');
      client.release();
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('timeout');
    } finally {
      await slow.close();
    }
  });
});
