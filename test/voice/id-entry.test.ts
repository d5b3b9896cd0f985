// Entering the conference ID: who gets in, who is told what, and how often one may try.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, provision } from '../support/harness.js';
import { createVoiceHarness, joinWith, lastHeard, unusedId, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

const reset = async (tenant: { id: string }, user: { id: string }) =>
  expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${user.id}/conference-id/reset`, { sendEmail: false }), 200);

describe('an active ID', () => {
  it('joins its room: the same ID the same room, another ID another, never named after the ID', async () => {
    const { number, users: [a, b] } = await provision(h, { users: 2 });
    const c1 = await joinWith(h.call(number), a!.conferenceId!);
    const c2 = await joinWith(h.call(number), a!.conferenceId!);
    const c3 = await joinWith(h.call(number), b!.conferenceId!);
    expect([c1.state, c2.state, c3.state]).toEqual(['conference', 'conference', 'conference']);
    expect(c2.conference!.room).toBe(c1.conference!.room);
    expect(c3.conference!.room).not.toBe(c1.conference!.room);
    expect(c1.conference!.room).not.toContain(a!.conferenceId);
    expect(c1.conference!.attrs).toMatchObject({ startConferenceOnEnter: 'false', beep: 'true', maxParticipants: '250' });
    expect(h.conferences.participants(c1.conference!.room)).toEqual([c1.callSid, c2.callSid]);
  });

  it('keeps its room across a reset (the room follows the owner, not the ID)', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const before = await joinWith(h.call(number), u!.conferenceId!);
    const r = await reset(tenant, u!);
    const after = await joinWith(h.call(number), r.conferenceId);
    expect(after.state).toBe('conference');
    expect(after.conference!.room).toBe(before.conference!.room);
  });

  it('works when consecutive webhooks of a call reach different instances', async () => {
    const other = await createVoiceHarness();
    try {
      const { number, users: [u] } = await provision(h);
      const c = await h.call(number).dial();
      c.routeTo(other.serviceUrl);
      await c.press(`${u!.conferenceId}#`);
      c.routeTo(h.serviceUrl);
      await c.press('*');
      c.routeTo(other.serviceUrl);
      await c.press(`${u!.leaderPin}#`);
      expect(c.state).toBe('conference');
      expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');
    } finally {
      await other.close();
    }
  });
});

describe('an ID that does not admit', () => {
  it('retired: the caller is told it changed and asked again', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    await reset(tenant, u!);
    const c = await h.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    expect(c.state).toBe('gathering');
    expect(lastHeard(c)).toMatch(/^That conference ID has changed\. Please ask the organizer for the new one\. Please enter/);
  });

  it('unknown, malformed, from another bridge or of a third-party provider: not recognised', async () => {
    const a = await provision(h, { users: 1 });
    const b = await provision(h);
    const thirdParty = await expectStatus(h.api.post(`/api/v1/tenants/${a.tenant.id}/users`, {
      email: `tp.${randomUUID()}@example.com`, displayName: 'TP', provider: 'third_party', conferenceId: unusedId([a.users[0]!.conferenceId]), tollNumber: '+14155550100', sendEmail: false,
    }), 201);
    for (const entry of [unusedId([a.users[0]!.conferenceId]), '123', '12345678', '0123456', '12*4567', b.users[0]!.conferenceId!, thirdParty.conferenceId]) {
      const c = await h.call(a.number).dial();
      await c.press(`${entry}#`);
      expect(c.state, entry).toBe('gathering');
      expect(lastHeard(c), entry).toMatch(/^That conference ID was not recognized\./);
    }
  });

  it('expired (a dynamic meeting ID past its expiry): not recognised', async () => {
    const { number, tenant, bridge, users: [u] } = await provision(h);
    const id = unusedId([u!.conferenceId]);
    await h.services.db.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, quarantine_until)
       VALUES ($1, $2, $3, 'meeting', $4, $5, 'active', now() - interval '1 day', now() + interval '89 days')`,
      [bridge.id, Number(id), tenant.id, randomUUID(), u!.id],
    );
    const c = await h.call(number).dial();
    await c.press(`${id}#`);
    expect(c.state).toBe('gathering');
    expect(lastHeard(c)).toMatch(/not recognized/);
  });

  it('silence is asked again; three failures in a call end it with a goodbye, whatever they were', async () => {
    const { number, tenant, users: [u, v] } = await provision(h, { users: 2 });
    await reset(tenant, v!);
    const wrong = unusedId([u!.conferenceId]);
    for (const script of [[`${wrong}#`, '123#', `${wrong}#`], [null, null, null], ['12#', null, `${v!.conferenceId}#`], ['#', '*', '99999999']]) {
      const c = await h.call(number).dial();
      for (const [k, keys] of script.entries()) {
        expect(c.state, `${JSON.stringify(script)} step ${k}`).toBe('gathering');
        if (keys === null) await c.silence();
        else await c.press(keys);
      }
      expect(c.state, JSON.stringify(script)).toBe('ended');
      expect(c.conference).toBeNull();
      expect(lastHeard(c)).toMatch(/Sorry, we could not find your conference\. Goodbye\.$/);
      expect(c.documents.at(-1)!.body).toContain('<Hangup/>');
    }
    const silent = await h.call(number).dial();
    await silent.silence();
    expect(lastHeard(silent)).toMatch(/^We did not hear a conference ID\./);
    const recover = await h.call(number).dial();
    await recover.press(`${wrong}#`);
    await recover.silence();
    await recover.press(`${u!.conferenceId}#`);
    await recover.press('#');
    expect(recover.state).toBe('conference');
  });
});

describe('a reset between two steps', () => {
  it('landing between dial and entry: the old ID is refused, the new one joins', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const old = await h.call(number).dial();
    const fresh = await h.call(number).dial();
    const r = await reset(tenant, u!);
    await old.press(`${u!.conferenceId}#`);
    expect(old.state).toBe('gathering');
    expect(lastHeard(old)).toMatch(/has changed/);
    await fresh.press(`${r.conferenceId}#`);
    await fresh.press('#');
    expect(fresh.state).toBe('conference');
  });

  it('landing at the organizer step or the PIN prompt: the reset wins there too', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const atLeader = await h.call(number).dial();
    await atLeader.press(`${u!.conferenceId}#`);
    const atPin = await h.call(number).dial();
    await atPin.press(`${u!.conferenceId}#`);
    await atPin.press('*');
    expect(lastHeard(atPin)).toMatch(/leader PIN/);
    const r = await reset(tenant, u!);

    await atLeader.press('#');
    expect(atLeader.state).toBe('gathering');
    expect(lastHeard(atLeader)).toMatch(/has changed/);
    await atPin.press(`${u!.leaderPin}#`);
    expect(atPin.state).toBe('gathering');
    expect(lastHeard(atPin)).toMatch(/has changed/);
    // the refusal counted as a failed entry of the call; the new ID still joins
    expect(atPin.gathering!.node.attrs.action).toMatch(/[?&]f=1(&|$)/);
    await atPin.press(`${r.conferenceId}#`);
    await atPin.press('#');
    expect(atPin.state).toBe('conference');
  });
});
