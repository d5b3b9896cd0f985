import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectStatus, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

describe('tenants', () => {
  it('are created with the contract defaults and a bridge of their own when none is given', async () => {
    const t = await expectStatus(h.api.post('/api/v1/tenants', { name: 'Contoso' }), 201);
    expect(t).toMatchObject({ name: 'Contoso', conferenceIdMode: 'static', sendEmailByDefault: true, pinLength: 5, allowCallersToStartMeeting: false, entryExitAnnouncements: 'tones' });
    const bridge = await expectStatus(h.api.get(`/api/v1/bridges/${t.bridgeId}`), 200);
    expect(bridge).toMatchObject({ id: t.bridgeId, defaultTollNumber: null, defaultTollFreeNumber: null });
    expect(await expectStatus(h.api.get(`/api/v1/tenants/${t.id}`), 200)).toEqual(t);
  });

  it('validate every setting, naming the field', async () => {
    for (const [body, path] of [
      [{ name: 'x', pinLength: 13 }, 'pinLength'], [{ name: 'x', pinLength: 3 }, 'pinLength'], [{ name: '' }, 'name'],
      [{ name: 'x', conferenceIdMode: 'weekly' }, 'conferenceIdMode'], [{ name: 'x', entryExitAnnouncements: 'names' }, 'entryExitAnnouncements'],
      [{ name: 'x', bridgeId: 'not-a-uuid' }, 'bridgeId'], [{ name: 'x', bridgeId: crypto.randomUUID() }, 'bridgeId'],
    ] as const) {
      const r = await h.api.post('/api/v1/tenants', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors[0].path).toBe(path);
    }
    const t = await expectStatus(h.api.post('/api/v1/tenants', { name: 'x' }), 201);
    const r = await h.api.patch(`/api/v1/tenants/${t.id}`, { bridgeId: crypto.randomUUID() });
    expect([r.status, r.body.errors?.[0]?.path]).toEqual([422, 'bridgeId']); // a tenant's bridge never changes
  });

  it('changes to call settings reach callers at once', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const d = h.services.directory;
    await d.lookupConferenceId(bridge.id, Number(u!.conferenceId));
    await d.trust.settle();
    expect(await d.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ allowCallersToStartMeeting: false, entryExitAnnouncements: 'tones', source: 'cache' });
    const patched = await expectStatus(h.api.patch(`/api/v1/tenants/${tenant.id}`, { allowCallersToStartMeeting: true, entryExitAnnouncements: 'off', pinLength: 6 }), 200);
    expect(patched).toMatchObject({ allowCallersToStartMeeting: true, entryExitAnnouncements: 'off', pinLength: 6 });
    expect(await d.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ allowCallersToStartMeeting: true, entryExitAnnouncements: 'off' });
    const pin = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    expect(pin.leaderPin).toMatch(/^\d{6}$/);
  });
});
