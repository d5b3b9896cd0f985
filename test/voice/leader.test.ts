// The organizer step, the leader PIN, waiting for the leader and the room's live state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { expectStatus, freshNumber, provision } from '../support/harness.js';
import { showsSecret } from '../support/secrets.js';
import { createVoiceHarness, joinWith, lastHeard, type VoiceHarness } from './support.js';

const HOLD_MUSIC = 'https://music.example.com/hold.mp3';
let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness({ env: { HOLD_MUSIC_URL: HOLD_MUSIC } }); });
afterAll(async () => { await h.close(); });

const wrongPin = (pin: string) => (pin === '97531' ? '13579' : '97531');

const PIN_FAILURE_LIMIT = 10; // PIN_FAILURE_LIMIT_PER_CALLER's default

async function atLeaderStep(number: string, id: string, from?: string): Promise<SimulatedCall> {
  const c = await h.call(number, { from }).dial();
  await c.press(`${id}#`);
  expect(c.state).toBe('gathering');
  expect(lastHeard(c)).toMatch(/If you are the organizer, press star/);
  return c;
}

describe('the organizer step', () => {
  it('the right PIN starts the meeting in the same room; participants wait with hold music', async () => {
    const { number, users: [u] } = await provision(h);
    const guest = await joinWith(h.call(number), u!.conferenceId!);
    expect(guest.conference!.attrs).toMatchObject({ startConferenceOnEnter: 'false', waitUrl: HOLD_MUSIC, waitMethod: 'GET' });
    expect(lastHeard(guest)).toMatch(/will start when the organizer joins/);

    const leader = await atLeaderStep(number, u!.conferenceId!);
    expect(leader.gathering!.node.attrs).toMatchObject({ finishOnKey: '#', actionOnEmptyResult: 'true' });
    await leader.press('*#');
    expect(lastHeard(leader)).toMatch(/enter your leader PIN/);
    await leader.press(`${u!.leaderPin}#`);
    expect(leader.state).toBe('conference');
    expect(leader.conference!.room).toBe(guest.conference!.room);
    expect(leader.conference!.attrs).toMatchObject({ startConferenceOnEnter: 'true', endConferenceOnExit: 'false', maxParticipants: '250', statusCallbackEvent: 'start end join leave' });
    // a leader alone in the room waits too: the hold music is everyone's
    expect(leader.conference!.attrs).toMatchObject({ waitUrl: HOLD_MUSIC, waitMethod: 'GET' });
    expect(lastHeard(leader)).toMatch(/Starting your meeting/);
  });

  it('"#" alone, silence or other keys skip it and join as a participant', async () => {
    const { number, users: [u] } = await provision(h);
    for (const act of [(c: SimulatedCall) => c.press('#'), (c: SimulatedCall) => c.silence(), (c: SimulatedCall) => c.press('5#')]) {
      const c = await atLeaderStep(number, u!.conferenceId!);
      await act(c);
      expect(c.state).toBe('conference');
      expect(c.conference!.attrs.startConferenceOnEnter).toBe('false');
    }
  });

  it('star and the PIN typed ahead in one go also lead', async () => {
    const { number, users: [u] } = await provision(h);
    const c = await atLeaderStep(number, u!.conferenceId!);
    await c.press(`*${u!.leaderPin}#`);
    expect(c.state).toBe('conference');
    expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');
  });

  it('a wrong PIN or silence is asked again; the third joins as a participant', async () => {
    const { number, users: [u] } = await provision(h);
    const retry = await atLeaderStep(number, u!.conferenceId!);
    await retry.press('*');
    await retry.press(`${wrongPin(u!.leaderPin!)}#`);
    expect(retry.state).toBe('gathering');
    expect(lastHeard(retry)).toMatch(/^That PIN is not correct\. Please enter your leader PIN/);
    await retry.silence();
    expect(lastHeard(retry)).toMatch(/^Please try again\. Please enter your leader PIN/);
    await retry.press(`${u!.leaderPin}#`);
    expect(retry.conference!.attrs.startConferenceOnEnter).toBe('true');
    await retry.hangup(); // the room ends, so the next caller is offered the organizer step again

    const gaveUp = await atLeaderStep(number, u!.conferenceId!);
    await gaveUp.press('*');
    await gaveUp.press(`${wrongPin(u!.leaderPin!)}#`);
    await gaveUp.silence();
    await gaveUp.press('1#');
    expect(gaveUp.state).toBe('conference');
    expect(gaveUp.conference!.attrs.startConferenceOnEnter).toBe('false');
    expect(gaveUp.transcript()).toMatch(/Joining you as a participant/);
  });

  it('follows a PIN reset at once', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const r = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    const old = await atLeaderStep(number, u!.conferenceId!);
    await old.press(`*${u!.leaderPin}#`);
    expect(old.state).toBe('gathering');
    await old.press(`${r.leaderPin}#`);
    expect(old.conference!.attrs.startConferenceOnEnter).toBe('true');
  });

  it(`after ${PIN_FAILURE_LIMIT} wrong PINs from one number for one organizer that number's leader step is locked for the hour, and logged`, async () => {
    const { number, users: [u, other] } = await provision(h, { users: 2 });
    const bad = wrongPin(u!.leaderPin!);
    const from = freshNumber();
    let wrong = 0;
    while (wrong < PIN_FAILURE_LIMIT) {
      const c = await atLeaderStep(number, u!.conferenceId!, from);
      await c.press('*');
      for (let k = 0; k < 3 && wrong < PIN_FAILURE_LIMIT; k++, wrong++) await c.press(`${bad}#`);
    }
    const locked = await atLeaderStep(number, u!.conferenceId!, from);
    await locked.press('*');
    expect(locked.state).toBe('conference'); // still joins, as a participant
    expect(locked.conference!.attrs.startConferenceOnEnter).toBe('false');
    expect(lastHeard(locked)).toMatch(/organizer option is locked/);
    const typedAhead = await atLeaderStep(number, u!.conferenceId!, from);
    await typedAhead.press(`*${u!.leaderPin}#`); // even the right PIN
    expect(typedAhead.conference!.attrs.startConferenceOnEnter).toBe('false');
    // the organizer, calling from another number, still leads
    const organizer = await atLeaderStep(number, u!.conferenceId!);
    await organizer.press(`*${u!.leaderPin}#`);
    expect(organizer.conference!.attrs.startConferenceOnEnter).toBe('true');

    const lockLines = h.logs.filter((l) => /reached its wrong-PIN limit/.test(String(l.msg)));
    expect(lockLines).toHaveLength(1);
    expect(showsSecret(h.logText(), bad)).toBe(false);
    expect(showsSecret(h.logText(), u!.leaderPin!)).toBe(false);
    // another owner on the same bridge is not affected
    const fine = await atLeaderStep(number, other!.conferenceId!);
    await fine.press(`*${other!.leaderPin}#`);
    expect(fine.conference!.attrs.startConferenceOnEnter).toBe('true');
  });
});

describe('tenant settings', () => {
  it('with allowCallersToStartMeeting there is no organizer step and callers start the meeting', async () => {
    const { number, users: [u] } = await provision(h, { tenant: { allowCallersToStartMeeting: true } });
    const c = await h.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    expect(c.state).toBe('conference');
    expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');
    expect(c.conference!.attrs).toMatchObject({ waitUrl: HOLD_MUSIC, waitMethod: 'GET' }); // the first caller waits for the others
  });

  it('entry and exit tones follow entryExitAnnouncements, also after a change', async () => {
    const { number, tenant, users: [u] } = await provision(h, { tenant: { entryExitAnnouncements: 'off' } });
    expect((await joinWith(h.call(number), u!.conferenceId!)).conference!.attrs.beep).toBe('false');
    await expectStatus(h.api.patch(`/api/v1/tenants/${tenant.id}`, { entryExitAnnouncements: 'tones' }), 200);
    expect((await joinWith(h.call(number), u!.conferenceId!)).conference!.attrs.beep).toBe('true');
  });
});

describe('the room\'s live state, from Twilio\'s conference callbacks', () => {
  it('once the leader has started the room callers skip the organizer step; after the end it is offered again', async () => {
    const { number, users: [u] } = await provision(h);
    const leader = await atLeaderStep(number, u!.conferenceId!);
    await leader.press(`*${u!.leaderPin}#`);
    const room = leader.conference!.room;
    expect(h.conferences.isStarted(room)).toBe(true);
    expect(h.conferences.sent.filter((e) => e.room === room).map((e) => [e.event, e.status])).toEqual([['participant-join', 200], ['conference-start', 200]]);

    const late = await h.call(number).dial();
    await late.press(`${u!.conferenceId}#`);
    expect(late.state).toBe('conference'); // no organizer step
    expect(late.conference!.attrs.startConferenceOnEnter).toBe('true');
    expect(lastHeard(late)).toBe('Joining your conference.');

    await late.hangup();
    await leader.hangup();
    expect(h.conferences.sent.filter((e) => e.room === room).map((e) => e.event).slice(-3)).toEqual(['participant-leave', 'participant-leave', 'conference-end']);
    await atLeaderStep(number, u!.conferenceId!);
  });

  it('ignores callbacks for rooms it does not name, and answers them', async () => {
    const c = h.call('+15005550006');
    const res = await h.webhooks.send(`${h.publicBaseUrl}/voice/conference-events?b=AAAAAAAAAAAAAAAAAAAAAA`, { ...c.params(), FriendlyName: 'someone-else', StatusCallbackEvent: 'conference-start' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Response/>');
  });
});
