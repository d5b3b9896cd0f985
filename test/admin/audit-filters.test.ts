// The audit trail filtered by target and by action (what the console's audit page and a user's
// recent changes ask for), paged under the same filter; a settings change records what it replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectStatus, provision, type Harness, type Provisioned } from '../support/harness.js';

let h: Harness;
let p: Provisioned;
const audit = (query: string) => expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/audit-events?${query}`), 200);
type Event = { action: string; target: { id: string }; details: Record<string, unknown> };

beforeAll(async () => {
  h = await createHarness();
  p = await provision(h, { users: 2 });
  const [a, b] = p.users;
  for (const u of [a!, b!, a!, b!, a!]) {
    await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/users/${u.id}/conference-info/send`, {}), 202);
  }
  await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/users/${a!.id}/leader-pin/reset`, { sendEmail: false }), 200);
});
afterAll(async () => { await h.close(); });

describe('audit events filtered', () => {
  it('by target: only what was done to that user, newest first, paged under the filter', async () => {
    const a = p.users[0]!;
    const first = await audit(`targetId=${a.id}&limit=2`);
    expect(first.items.map((e: Event) => e.action)).toEqual(['leader_pin.reset', 'conference_info.sent']);
    const rest = await audit(`targetId=${a.id}&limit=10&cursor=${first.nextCursor}`);
    expect(rest.items.map((e: Event) => e.action)).toEqual(['conference_info.sent', 'conference_info.sent', 'user.enabled']);
    expect(rest.nextCursor).toBeNull();
    for (const e of [...first.items, ...rest.items]) expect(e.target.id).toBe(a.id);
  });

  it('by action, and by both', async () => {
    const sent = await audit('action=conference_info.sent');
    expect(sent.items).toHaveLength(5);
    expect(new Set(sent.items.map((e: Event) => e.action))).toEqual(new Set(['conference_info.sent']));
    expect((await audit(`action=conference_info.sent&targetId=${p.users[1]!.id}`)).items).toHaveLength(2);
    expect((await audit('action=no.such.action')).items).toEqual([]);
  });

  it('refuses an empty or overlong filter in words', async () => {
    for (const q of ['action=', `targetId=${'x'.repeat(201)}`]) {
      const res = await h.api.get(`/api/v1/tenants/${p.tenant.id}/audit-events?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('a settings change records the values it replaced', async () => {
    await expectStatus(h.api.patch(`/api/v1/tenants/${p.tenant.id}`, { pinLength: 7, sendEmailByDefault: false }), 200);
    const [event] = (await audit('action=tenant.updated&limit=1')).items;
    expect(event.details).toEqual({ pinLength: 7, sendEmailByDefault: false, previous: { pinLength: 5, sendEmailByDefault: true } });
  });
});
