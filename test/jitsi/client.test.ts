// Jitsi Meet's client (test/jitsi/jitsi-client.ts, transcribed from jitsi-meet's
// react/features/invite) against the service: what it requests, what it reads, and whether it
// gets what it needs to render the dial-in section, in the current and the legacy numbers form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPhoneNumber } from '../../src/email/phone.js';
import { expectStatus, freshNumber } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';
import {
  dialInSection, formatConferenceIDPin, getDefaultPhoneNumber, hasMultipleNumbers, numbersTable, shouldDisplayDialIn, updateDialInNumbers,
  getDialInConferenceID, getDialInNumbers, type JitsiConfig, type Log,
} from './jitsi-client.js';
import { freshAddress, JITSI_ENV, local, MUC, ORIGIN, setupJitsi, type JitsiSetup } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness({ env: JITSI_ENV }); });
afterAll(async () => { await h.close(); });

const configOf = (s: JitsiSetup, muc = MUC): JitsiConfig => ({
  dialInConfCodeUrl: local(h, s.integration.dialInConfCodeUrl), dialInNumbersUrl: local(h, s.integration.dialInNumbersUrl), hosts: { muc },
});
const browser = () => ({ origin: ORIGIN, clientAddress: freshAddress() });

/** The bridge gets a toll-free number too, its default toll-free one. */
async function addTollFree(s: JitsiSetup): Promise<string> {
  const n = freshNumber();
  await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: s.bridge.id, type: 'toll_free', country: 'US' }), 201);
  await expectStatus(h.api.patch(`/api/v1/bridges/${s.bridge.id}`, { defaultTollFreeNumber: n }), 200);
  return n;
}

describe('Jitsi Meet\'s dial-in section', () => {
  it('gets a 7-digit conference ID and the numbers, and can render them; the same room keeps its ID', async () => {
    const s = await setupJitsi(h);
    const tollFree = await addTollFree(s);
    const log: Log = [];
    const page = new URL(`${ORIGIN}/WeeklyPlanning?jwt=secret#config.startSilent=true`);
    const state = await updateDialInNumbers(configOf(s), 'weeklyplanning', page, browser(), log);

    expect(state.error).toBeUndefined();
    expect(String(state.conferenceID)).toMatch(/^[1-9][0-9]{6}$/);
    expect(typeof state.conferenceID).toBe('number'); // the swagger's "id: number"
    expect(state.numbersFetched).toBe(true);
    expect(shouldDisplayDialIn(state)).toBe(true);
    expect(hasMultipleNumbers(state.numbers)).toBe(true);
    // the bridge's default toll number is the one shown first
    expect(getDefaultPhoneNumber(state.numbers)).toBe(formatPhoneNumber(s.number));
    expect(dialInSection(state)).toBe(`To join by phone instead, tap this: ${formatPhoneNumber(s.number)},,${state.conferenceID}# — PIN ${formatConferenceIDPin(state.conferenceID!)}#`);
    expect(numbersTable(state.numbers!)).toEqual({
      numbersEnabled: true,
      rows: { US: [{ number: formatPhoneNumber(s.number), tollFree: false }, { number: formatPhoneNumber(tollFree), tollFree: true }] },
    });

    // what it asked: both URLs with conference=<room>@<muc>, the mapper with the page's address too
    expect(log.map((r) => [new URL(r.url).pathname.split('/').pop(), new URL(r.url).searchParams.get('conference'), r.status]).sort()).toEqual([
      ['conferenceMapper', `weeklyplanning@${MUC}`, 200],
      ['phoneNumberList', `weeklyplanning@${MUC}`, 200],
    ]);
    expect(new URL(log.find((r) => r.url.includes('conferenceMapper'))!.url).searchParams.get('url')).toBe(`${ORIGIN}/WeeklyPlanning`);
    expect(log.find((r) => r.url.includes('conferenceMapper'))!.body).toEqual({ conference: `weeklyplanning@${MUC}`, id: state.conferenceID });

    // another participant, a reload, the invite dialog: the same room, the same ID; another room, another
    const again = await updateDialInNumbers(configOf(s), 'weeklyplanning', new URL(`${ORIGIN}/weeklyplanning`), browser());
    expect(again.conferenceID).toBe(state.conferenceID);
    const other = await updateDialInNumbers(configOf(s), 'standup', new URL(`${ORIGIN}/standup`), browser());
    expect(other.conferenceID).not.toBe(state.conferenceID);
    expect(shouldDisplayDialIn(other)).toBe(true);
  });

  it('reads the legacy { numbersEnabled, numbers } form when dialInNumbersUrl asks for it', async () => {
    const s = await setupJitsi(h);
    const tollFree = await addTollFree(s);
    const config = { ...configOf(s), dialInNumbersUrl: `${configOf(s).dialInNumbersUrl}?format=legacy` };
    const log: Log = [];
    const state = await updateDialInNumbers(config, 'legacyroom', new URL(`${ORIGIN}/legacyroom`), browser(), log);
    expect(state.error).toBeUndefined();
    // the client appended its conference with '&', since the URL already had a query
    expect(log.find((r) => r.url.includes('phoneNumberList'))!.url).toMatch(/\?format=legacy&conference=legacyroom@/);
    expect(state.numbers).toEqual({ numbersEnabled: true, numbers: { US: [formatPhoneNumber(s.number), formatPhoneNumber(tollFree)] } });
    expect(state.numbersEnabled).toBe(true);
    expect(shouldDisplayDialIn(state)).toBe(true);
    expect(getDefaultPhoneNumber(state.numbers)).toBe(formatPhoneNumber(s.number));
    // and the dial-in info page (DialInSummary) asks for the numbers alone, without a room
    const summary = (await getDialInNumbers(config.dialInNumbersUrl, '', '', browser(), [])) as Parameters<typeof numbersTable>[0];
    expect(numbersTable(summary).numbersEnabled).toBe(true);
  });

  it('one room, one ID, whatever the room\'s characters: the JID is Jitsi Meet\'s backend-safe name', async () => {
    const s = await setupJitsi(h);
    // Jitsi Meet names "Café Ünïcode" to its XMPP server as below, and sends it unencoded
    const room = encodeURIComponent('café ünïcode'.normalize('NFKC')).toLowerCase();
    const log: Log = [];
    const a = await updateDialInNumbers(configOf(s), room, new URL(`${ORIGIN}/${room}`), browser(), log);
    expect(a.error).toBeUndefined();
    expect((log.find((r) => r.url.includes('conferenceMapper'))!.body as { conference: string }).conference).toBe(`${room}@${MUC}`);
    // a client that encodes the parameter the standard way reaches the same room
    const res = await fetch(`${configOf(s).dialInConfCodeUrl}?conference=${encodeURIComponent(`${room}@${MUC}`)}`, { headers: { origin: ORIGIN, 'x-forwarded-for': freshAddress() } });
    expect(await res.json()).toEqual({ conference: `${room}@${MUC}`, id: a.conferenceID });
  });

  it('is refused with a readable message for a MUC domain the integration does not serve, without a retry, and nothing is stored', async () => {
    const s = await setupJitsi(h);
    const log: Log = [];
    const state = await updateDialInNumbers(configOf(s, 'conference.other.example.org'), 'weeklyplanning', new URL(`${ORIGIN}/weeklyplanning`), browser(), log);
    expect(shouldDisplayDialIn(state)).toBe(false);
    expect(state.error).toMatchObject({ status: 400, code: 'bad_request', message: 'conference.other.example.org is not a MUC domain of this integration' });
    // problem+json carries `status`: doGetJSON treats a 4xx as final and does not ask again
    const alone: Log = [];
    await expect(getDialInConferenceID(configOf(s).dialInConfCodeUrl, 'x', 'conference.other.example.org', new URL(ORIGIN), browser(), alone)).rejects.toMatchObject({ status: 400 });
    expect(alone.map((r) => r.status)).toEqual([400]);
    const rooms = await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200);
    expect(rooms.items).toEqual([]);
  });
});
