// Whole calls into video meetings: the mapper issues an ID for a Jitsi room, a caller (signed
// webhooks, played by the simulator) enters it and is dialed to Jigasi with the room in the
// header (Twilio's <Dial action><Sip>, custom X- headers on the SIP URI), the SIP leg's end is
// handled (DialCallStatus), and a reset or expired ID is refused as a user's ID is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '../support/harness.js';
import { showsSecret } from '../support/secrets.js';
import { createVoiceHarness, joinWith, lastHeard, type VoiceHarness } from '../voice/support.js';
import { freshAddress, JIGASI, JITSI_ENV, local, MUC, ORIGIN, setupJitsi, type JitsiSetup } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness({ env: JITSI_ENV }); });
afterAll(async () => { await h.close(); });

/** The conference mapper, asked as Jitsi Meet asks it. */
async function mapper(s: JitsiSetup, room: string): Promise<{ conference: string; id: number }> {
  const res = await fetch(`${local(h, s.integration.dialInConfCodeUrl)}?conference=${room}@${MUC}&url=${ORIGIN}/${room}`, { headers: { origin: ORIGIN, 'x-forwarded-for': freshAddress() } });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<{ conference: string; id: number }>;
}

async function dialWith(s: JitsiSetup, id: string | number) {
  const call = await h.call(s.number).dial();
  await call.press(`${id}#`);
  return call;
}

/** Until the bridge's cache is rebuilt and trusted, and answers `id` from it. */
async function warm(s: JitsiSetup, id: number) {
  await h.services.directory.lookupConferenceId(s.bridge.id, id);
  await h.services.directory.trust.settle();
  expect(await h.services.directory.lookupConferenceId(s.bridge.id, id)).toMatchObject({ status: 'active', source: 'cache' });
}

const roomsOf = async (s: JitsiSetup) =>
  (await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200)).items as { id: string; conference: string; conferenceId: string | null }[];

describe('a caller with a mapper ID', () => {
  it('is dialed to Jigasi with the room\'s JID in the header; after a reset the ID is refused and the room gets a new one', async () => {
    const s = await setupJitsi(h, { destination: { sipAuth: { username: 'attendant', password: 'sip-secret-4711' } } });
    const { id, conference } = await mapper(s, 'weeklyplanning');
    expect(conference).toBe(`weeklyplanning@${MUC}`);

    const call = await dialWith(s, id);
    expect(call.state).toBe('sip');
    expect(call.sip!.uri.split('?')[0]).toBe(JIGASI);
    expect(call.sip!.headers).toEqual({ 'X-Jitsi-Conference-Room': `weeklyplanning@${MUC}` });
    expect(call.sip!.sipAttrs).toEqual({ username: 'attendant', password: 'sip-secret-4711' });
    expect(call.sip!.dialAttrs).toMatchObject({ method: 'POST', timeout: '30' });
    expect(call.sip!.dialAttrs.action).toMatch(/^https:\/\/attendant\.example\.com\/voice\/dial-ended\?b=/);
    expect(lastHeard(call)).toBe('Joining your conference.');
    // no organizer step for a room (it has no leader), even though the tenant has one for users
    expect(call.documents.some((d) => d.body.includes('/voice/leader'))).toBe(false);
    await call.sipLegEnded('completed', { DialSipResponseCode: '200' });
    expect(call.state).toBe('ended');

    const [room] = await roomsOf(s);
    expect(room).toMatchObject({ conference: `weeklyplanning@${MUC}`, conferenceId: String(id) });
    await warm(s, id); // callers are answered from the cache: the reset must reach it before it returns
    const reset = await expectStatus(h.api.post(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms/${room!.id}/conference-id/reset`), 200);
    expect(reset).toEqual({ previousConferenceId: String(id) });

    // refused at once, exactly as a user's reset ID is
    const refused = await dialWith(s, id);
    expect(refused.state).toBe('gathering');
    expect(lastHeard(refused)).toMatch(/^That conference ID has changed\./);
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, id)).toMatchObject({ status: 'retired' });
    expect((await roomsOf(s))[0]!.conferenceId).toBeNull();

    // the room's next lookup issues a new ID, which leads to the same room
    const next = await mapper(s, 'weeklyplanning');
    expect(next.id).not.toBe(id);
    const again = await dialWith(s, next.id);
    expect(again.state).toBe('sip');
    expect(again.sip!.headers['X-Jitsi-Conference-Room']).toBe(`weeklyplanning@${MUC}`);
    expect(showsSecret(h.logText(), 'sip-secret-4711')).toBe(false);
  });

  it('whose ID expired is refused as an expired meeting ID is, and the room\'s next lookup issues a new one', async () => {
    const s = await setupJitsi(h);
    const { id } = await mapper(s, 'expiring');
    expect((await dialWith(s, id)).state).toBe('sip');
    // 60 days without a lookup, as PostgreSQL and a rebuilt cache would have it
    await h.services.db.query(
      "UPDATE conference_ids SET expires_at = now() - interval '1 minute' WHERE bridge_id = $1 AND conference_id = $2", [s.bridge.id, id]);
    await h.services.directory.trust.settle(); // a rebuild the first lookup started holds the lock
    expect((await h.services.directory.rebuilder.rebuildBridge(s.bridge.id)).completed).toBe(true);
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, id)).toMatchObject({ status: 'expired' });
    const refused = await dialWith(s, id);
    expect(refused.state).toBe('gathering');
    expect(lastHeard(refused)).toMatch(/^That conference ID was not recognized\./);
    const next = await mapper(s, 'expiring');
    expect(next.id).not.toBe(id);
    expect((await dialWith(s, next.id)).state).toBe('sip');
    const { rows } = await h.services.db.query("SELECT state, retired_reason FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2", [s.bridge.id, id]);
    expect(rows).toEqual([{ state: 'retired', retired_reason: 'expired' }]);
  });

  it('lives 60 days after its room\'s last lookup: each lookup moves its end, in PostgreSQL and in the cache callers read', async () => {
    const s = await setupJitsi(h);
    const { id } = await mapper(s, 'longlived');
    const DAY = 86_400_000;
    const endOf = async () => (await h.services.db.query<{ expires_at: Date; quarantine_until: Date }>(
      'SELECT expires_at, quarantine_until FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2', [s.bridge.id, id])).rows[0]!;
    expect(Math.abs((await endOf()).expires_at.getTime() - (Date.now() + 60 * DAY))).toBeLessThan(60_000);
    // looked up last 50 days ago
    await h.services.db.query("UPDATE conference_ids SET expires_at = now() + interval '10 days' WHERE bridge_id = $1 AND conference_id = $2", [s.bridge.id, id]);
    await h.services.directory.trust.settle();
    expect((await h.services.directory.rebuilder.rebuildBridge(s.bridge.id)).completed).toBe(true);
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, id, Date.now() + 30 * DAY)).toMatchObject({ status: 'expired', source: 'cache' });
    expect((await mapper(s, 'longlived')).id).toBe(id);
    const now = await endOf();
    expect(Math.abs(now.expires_at.getTime() - (Date.now() + 60 * DAY))).toBeLessThan(60_000);
    expect(now.quarantine_until.getTime()).toBeGreaterThan(now.expires_at.getTime());
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, id, Date.now() + 30 * DAY)).toMatchObject({ status: 'active', source: 'cache', ownerKind: 'room' });
    const [room] = await roomsOf(s);
    expect(Date.parse((room as unknown as { lastLookupAt: string }).lastLookupAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('hears a clear message when the SIP leg fails, and is hung up', async () => {
    const s = await setupJitsi(h);
    const { id } = await mapper(s, 'unreachable');
    for (const status of ['busy', 'no-answer', 'failed', 'something-new']) {
      const call = await dialWith(s, id);
      await call.sipLegEnded(status, { DialSipResponseCode: '503' });
      expect(call.state, status).toBe('ended');
      expect(lastHeard(call), status).toBe('We could not connect you to the meeting. Please try again later. Goodbye.');
      expect(call.documents.at(-1)!.body).toContain('<Hangup/>');
    }
    expect(h.logs.filter((l) => /could not be reached over SIP/.test(String(l.msg))).map((l) => l.sipResponseCode)).toEqual([503, 503, 503, 503]);
    // a caller who hung up while it rang: nothing to say
    const gone = await dialWith(s, id);
    await gone.sipLegEnded('canceled');
    expect(gone.documents.at(-1)!.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });

  it('hears the message in the language of the call', async () => {
    const s = await setupJitsi(h, { users: 1 });
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(s.number)}`, { bridgeId: s.bridge.id, type: 'toll', primaryLanguage: 'es-US', country: 'US' }), 200);
    const { id } = await mapper(s, 'sala');
    const call = await dialWith(s, id);
    await call.sipLegEnded('busy');
    expect(call.heard.at(-1)).toMatchObject({ language: 'es-US', text: 'No pudimos conectarle a la reunión. Por favor, inténtelo de nuevo más tarde. Adiós.' });
  });
});

describe('a SIP destination', () => {
  it('keeps the organizer step for users where the tenant asks for it; the leader and participants reach the same SIP room, the role in its header', async () => {
    const s = await setupJitsi(h, { destination: { roleHeader: 'X-Attendant-Role' } });
    const u = s.users[0]!;
    const guest = await joinWith(h.call(s.number), u.conferenceId!);
    expect(guest.state).toBe('sip');
    const room = guest.sip!.headers['X-Jitsi-Conference-Room']!;
    expect(room).toBe(`room-user-${u.id.replace(/-/g, '')}`);
    expect(room).not.toContain(u.conferenceId!);
    expect(guest.sip!.headers['X-Attendant-Role']).toBe('participant');

    const leader = await dialWith(s, u.conferenceId!);
    expect(lastHeard(leader)).toMatch(/If you are the organizer, press star/);
    await leader.press('*#');
    await leader.press(`${u.leaderPin}#`);
    expect(leader.state).toBe('sip');
    expect(lastHeard(leader)).toBe('Thank you. Starting your meeting.');
    expect(leader.sip!.headers).toEqual({ 'X-Jitsi-Conference-Room': room, 'X-Attendant-Role': 'leader' });

    // a tenant that lets callers start meetings has no organizer step
    await expectStatus(h.api.patch(`/api/v1/tenants/${s.tenant.id}`, { allowCallersToStartMeeting: true }), 200);
    const direct = await dialWith(s, u.conferenceId!);
    expect(direct.state).toBe('sip');
  });

  it('changes reach callers at once: a new URI, Twilio rooms again, the bridge\'s destination, a room password and {room} in the URI', async () => {
    const s = await setupJitsi(h, { tenant: { allowCallersToStartMeeting: true } });
    const id = s.users[0]!.conferenceId!;
    // callers are answered from a trusted cache, which holds the tenant's destination
    await h.services.directory.lookupConferenceId(s.bridge.id, Number(id));
    await h.services.directory.trust.settle();
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, Number(id))).toMatchObject({ source: 'cache', destination: { uriTemplate: JIGASI } });
    await expectStatus(h.api.put(`/api/v1/tenants/${s.tenant.id}/destination`, { kind: 'sip', uriTemplate: 'sips:jigasi2@pbx.example.com' }), 200);
    expect((await dialWith(s, id)).sip!.uri).toMatch(/^sips:jigasi2@pbx\.example\.com\?X-Jitsi-Conference-Room=/);

    await expectStatus(h.api.put(`/api/v1/tenants/${s.tenant.id}/destination`, { kind: 'twilio' }), 200);
    const twilio = await dialWith(s, id);
    expect(twilio.state).toBe('conference');

    // the bridge's destination applies to a tenant without one of its own
    await expectStatus(h.api.put(`/api/v1/bridges/${s.bridge.id}/destination`, {
      kind: 'sip', uriTemplate: 'sip:{room}@bbb.example.com', roomHeader: 'X-Room', roomPassword: { header: 'X-Room-Pass', password: 'p@ss word' },
    }), 200);
    expect((await dialWith(s, id)).state).toBe('conference'); // the tenant's own 'twilio' still wins
    await expectStatus(h.api.del(`/api/v1/tenants/${s.tenant.id}/destination`), 204);
    const bbb = await dialWith(s, id);
    expect(bbb.state).toBe('sip');
    expect(await h.services.directory.lookupConferenceId(s.bridge.id, Number(id))).toMatchObject({ source: 'cache', destination: { uriTemplate: 'sip:{room}@bbb.example.com' } });
    const room = `room-user-${s.users[0]!.id.replace(/-/g, '')}`;
    expect(bbb.sip!.uri.split('?')[0]).toBe(`sip:${room}@bbb.example.com`);
    expect(bbb.sip!.headers).toEqual({ 'X-Room': room, 'X-Room-Pass': 'p@ss word' });
    expect(bbb.sip!.sipAttrs).toEqual({});
    await expectStatus(h.api.del(`/api/v1/bridges/${s.bridge.id}/destination`), 204);
    expect((await dialWith(s, id)).state).toBe('conference');
  });

  it('whose passwords cannot be opened (SECRETS_KEY changed) tells the caller and logs why, never dialing without them', async () => {
    const s = await setupJitsi(h, { destination: { sipAuth: { username: 'attendant', password: 'sip-secret-99' } } });
    const { id } = await mapper(s, 'otherkey');
    const other = await createVoiceHarness({ env: { ...JITSI_ENV, SECRETS_KEY: 'b'.repeat(64) } });
    try {
      const call = other.call(s.number);
      await call.dial();
      await call.press(`${id}#`);
      expect(call.state).toBe('ended');
      expect(lastHeard(call)).toBe('We could not connect you to the meeting. Please try again later. Goodbye.');
      expect(other.logs.some((l) => /passwords cannot be opened/.test(String(l.msg)))).toBe(true);
    } finally {
      await other.close();
    }
  });
});
