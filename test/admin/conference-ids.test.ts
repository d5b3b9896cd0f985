import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectStatus, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const userPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}`;

describe('conference-ID reset', () => {
  it('issues a new 7-digit ID, retires the old one and records it', async () => {
    const { tenant, users: [u] } = await provision(h);
    const r = await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, { sendEmail: false }), 200);
    expect(r.conferenceId).toMatch(/^[1-9]\d{6}$/);
    expect(r.previousConferenceId).toBe(u!.conferenceId);
    expect(r.conferenceId).not.toBe(u!.conferenceId);
    const { rows } = await h.services.db.query(
      'SELECT conference_id, state, retired_reason, quarantine_until > now() + interval \'89 days\' AS quarantined FROM conference_ids WHERE owner_id = $1 ORDER BY state',
      [u!.id],
    );
    expect(rows).toEqual([
      { conference_id: Number(r.conferenceId), state: 'active', retired_reason: null, quarantined: null },
      { conference_id: Number(u!.conferenceId), state: 'retired', retired_reason: 'reset', quarantined: true },
    ]);
  });

  it('many parallel resets of one user leave exactly one active ID', async () => {
    const { tenant, users: [u] } = await provision(h);
    const results = await Promise.all(Array.from({ length: 12 }, () => h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, { sendEmail: false })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const { rows } = await h.services.db.query("SELECT count(*)::int AS n FROM conference_ids WHERE owner_id = $1 AND state = 'active'", [u!.id]);
    expect(rows[0]!.n).toBe(1);
    const final = await expectStatus(h.api.get(userPath(tenant, u!)), 200);
    const retiredChain = results.map((r) => r.body.previousConferenceId);
    expect(new Set(retiredChain).size).toBe(12);
    expect(retiredChain).not.toContain(final.conferenceId);
  });

  it('answers 404 naming what is missing, and a refused or empty change leaves the user as it was', async () => {
    const { tenant, users: [u, other] } = await provision(h, { users: 2 });
    const missingTenant = await h.api.post(`/api/v1/tenants/${crypto.randomUUID()}/users/${u!.id}/conference-id/reset`, {});
    expect([missingTenant.status, missingTenant.body.detail]).toEqual([404, 'tenant not found']);
    const missingUser = await h.api.post(`/api/v1/tenants/${tenant.id}/users/${crypto.randomUUID()}/conference-id/reset`, {});
    expect([missingUser.status, missingUser.body.detail]).toEqual([404, 'user not found']);

    const before = await expectStatus(h.api.get(userPath(tenant, u!)), 200);
    // the other user's ID: refused, and the user's ID and its timestamp are untouched
    const taken = await h.api.put(`${userPath(tenant, u!)}/conference-id`, { conferenceId: other!.conferenceId, sendEmail: false });
    expect([taken.status, taken.body.code]).toEqual([409, 'conference_id_unavailable']);
    const same = await expectStatus(h.api.put(`${userPath(tenant, u!)}/conference-id`, { conferenceId: u!.conferenceId, sendEmail: false }), 200);
    expect(same).toEqual({ conferenceId: u!.conferenceId, previousConferenceId: u!.conferenceId, emailQueued: false });
    expect(await expectStatus(h.api.get(userPath(tenant, u!)), 200)).toEqual(before);

    const reset = await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, { sendEmail: false }), 200);
    const after = await expectStatus(h.api.get(userPath(tenant, u!)), 200);
    expect(after.conferenceId).toBe(reset.conferenceId);
    expect(Date.parse(after.conferenceIdUpdatedAt)).toBeGreaterThan(Date.parse(before.conferenceIdUpdatedAt));
    await expectStatus(h.api.del(userPath(tenant, u!)), 204);
    const disabled = await h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, {});
    expect([disabled.status, disabled.body.detail]).toEqual([404, 'user not found']);
  });
});
