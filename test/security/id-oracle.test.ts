// Finding 6: on a bridge shared by tenants, a tenant key must not learn the other tenants' active
// IDs from 409s of chosen IDs. A tenant gets TENANT_ID_CONFLICTS_PER_HOUR (20) conflicts an hour,
// each audited; past it, 429 quota_exceeded with Retry-After, and a chosen ID is not even tried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, createHarness, expectStatus, freshEmail, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const LIMIT = 20;
const PARALLEL = 48;

async function tenantKey(tenantId: string) {
  const { key } = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tenant key', tenantId }), 201);
  return adminClient(h.app, key);
}

/** A victim tenant and an attacker tenant on one bridge; the attacker has a key and a user. */
async function sharedBridge() {
  const victim = await provision(h, { users: 3 });
  const attacker = await expectStatus(h.api.post('/api/v1/tenants', { name: 'attacker', bridgeId: victim.bridge.id }), 201);
  const api = await tenantKey(attacker.id);
  const user = await expectStatus(api.post(`/api/v1/tenants/${attacker.id}/users`, { email: freshEmail(), displayName: 'Mallory', sendEmail: false }), 201);
  return { victim, attacker, api, user, taken: victim.users.map((u) => u.conferenceId!) };
}

async function conflictAudits(tenantId: string) {
  const { rows } = await h.services.db.query<{ answered: number; n: number }>(
    "SELECT (details->>'answered')::int AS answered, count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'conference_id.conflict' GROUP BY 1 ORDER BY 1",
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.answered, r.n]));
}

describe('chosen-ID conflicts on a shared bridge', () => {
  it(`answers at most ${LIMIT} conflicts 409 under ${PARALLEL} parallel requests, then 429 with Retry-After, and audits each`, async () => {
    const { attacker, api, user, taken } = await sharedBridge();
    const requests = Array.from({ length: PARALLEL }, (_, k) => k % 2
      ? api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[k % taken.length], sendEmail: false })
      : api.post(`/api/v1/tenants/${attacker.id}/users`, { email: freshEmail(), displayName: 'Probe', conferenceId: taken[k % taken.length], sendEmail: false }));
    const answers = await Promise.all(requests);
    const statuses = answers.map((r) => r.status);
    const conflicts = statuses.filter((s) => s === 409).length;
    const limited = answers.filter((r) => r.status === 429);
    console.log(`id oracle: ${PARALLEL} parallel chosen-ID conflicts answered ${conflicts} x 409, ${limited.length} x 429`);
    expect(conflicts).toBe(LIMIT);
    expect(limited).toHaveLength(PARALLEL - LIMIT);
    for (const r of limited) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 429, code: 'quota_exceeded' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(3600);
    }
    // every conflict is audited, though its change rolled back; the 409s exactly
    const audits = await conflictAudits(attacker.id);
    expect(audits[409]).toBe(LIMIT);
    expect(LIMIT + (audits[429] ?? 0)).toBeLessThanOrEqual(PARALLEL);
    // nothing of the refused changes remains: the attacker's user keeps its ID, no probe user exists
    expect((await expectStatus(api.get(`/api/v1/tenants/${attacker.id}/users/${user.id}`), 200)).conferenceId).toBe(user.conferenceId);
    const { rows } = await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE tenant_id = $1", [attacker.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('past the budget a chosen ID is not tried at all, so a free ID and a taken one look the same', async () => {
    const { attacker, api, user, taken } = await sharedBridge();
    await Promise.all(Array.from({ length: LIMIT }, () => api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[0], sendEmail: false })));
    const takenAnswer = await api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[1], sendEmail: false });
    const freeAnswer = await api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: '9999901', sendEmail: false });
    const enableAnswer = await api.post(`/api/v1/tenants/${attacker.id}/users`, { email: freshEmail(), displayName: 'Probe', conferenceId: '9999902', sendEmail: false });
    expect([takenAnswer.status, freeAnswer.status, enableAnswer.status]).toEqual([429, 429, 429]);
    expect(takenAnswer.body.detail).toBe(freeAnswer.body.detail);
    // a reset (no chosen ID) and a user without one still work
    await expectStatus(api.post(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id/reset`, { sendEmail: false }), 200);
    await expectStatus(api.post(`/api/v1/tenants/${attacker.id}/users`, { email: freshEmail(), displayName: 'Plain', sendEmail: false }), 201);
  });

  it('keeps one budget per tenant, and does not hold platform keys to it', async () => {
    const { victim, attacker, api, user, taken } = await sharedBridge();
    await Promise.all(Array.from({ length: LIMIT + 5 }, () => api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[0], sendEmail: false })));
    expect((await api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[0], sendEmail: false })).status).toBe(429);
    // the victim tenant, on the same bridge, still hears 409 for a taken ID
    const victimApi = await tenantKey(victim.tenant.id);
    const own = await victimApi.put(`/api/v1/tenants/${victim.tenant.id}/users/${victim.users[0]!.id}/conference-id`, { conferenceId: taken[1], sendEmail: false });
    expect([own.status, own.body.code]).toEqual([409, 'conference_id_unavailable']);
    // the operator (platform key) is not limited, and its conflicts are audited too
    const platform = await h.api.put(`/api/v1/tenants/${attacker.id}/users/${user.id}/conference-id`, { conferenceId: taken[0], sendEmail: false });
    expect([platform.status, platform.body.code]).toEqual([409, 'conference_id_unavailable']);
    const audits = await h.services.db.query<{ actor_name: string }>(
      "SELECT actor_name FROM audit_events WHERE tenant_id = $1 AND action = 'conference_id.conflict' ORDER BY seq DESC LIMIT 1", [attacker.id]);
    expect(audits.rows[0]!.actor_name).toBe('bootstrap');
  });
});
