// Say the digits: a number with speechInput offers input="dtmf speech" at the ID and PIN prompts
// (in a language Twilio recognises), and spoken digits join a conference. Off by default; low
// confidence, or speech that is not digits, is no entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, provision } from '../support/harness.js';
import { twilioList } from '../support/twilio-lists.js';
import { createVoiceHarness, lastHeard, type VoiceHarness } from './support.js';

const GATHER_LANGUAGES = twilioList('GatherLanguage');
const EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const ES = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
const inWords = (digits: string, words = EN) => [...digits].map((d) => words[Number(d)]).join(' ');

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

describe('speech input', () => {
  it('is off by default: keys only, and a SpeechResult posted anyway is no entry', async () => {
    const { number, users: [u] } = await provision(h);
    const got = await expectStatus(h.api.get(`/api/v1/dial-in-numbers/${encodeURIComponent(number)}`), 200);
    expect(got.speechInput).toBe(false);
    const c = await h.call(number).dial();
    expect(c.gathering!.node.attrs.input).toBe('dtmf');
    expect(c.transcript()).not.toMatch(/say the digits/);
    await expect(c.speak(inWords(u!.conferenceId!))).rejects.toThrow(/takes no speech/);
    const forged = await h.call(number).dial();
    const res = await forged.webhooks.send(new URL(forged.gathering!.node.attrs.action!).toString(), forged.params({ SpeechResult: u!.conferenceId!, Confidence: '0.99' }));
    expect(res.body).toMatch(/We did not hear a conference ID/);
  });

  it('spoken digits join a conference, and a spoken PIN leads it', async () => {
    const { number, users: [u] } = await provision(h, { number: { speechInput: true } });
    const c = await h.call(number).dial();
    const g = c.gathering!.node.attrs;
    expect(g).toMatchObject({ input: 'dtmf speech', language: 'en-US', speechModel: 'numbers_and_commands', finishOnKey: '#', actionOnEmptyResult: 'true' });
    expect(lastHeard(c)).toMatch(/followed by the pound key\. You can also say the digits\.$/);
    await c.speak(inWords(u!.conferenceId!));
    expect(lastHeard(c)).toMatch(/If you are the organizer, press star/);
    await c.press('*');
    expect(c.gathering!.node.attrs.input).toBe('dtmf speech');
    await c.speak(u!.leaderPin!.split('').join(' ')); // "1 2 4 1 7": numerals work as well as words
    expect(c.state).toBe('conference');
    expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');

    const guest = await h.call(number).dial();
    await guest.speak(`${u!.conferenceId!.slice(0, 3)} ${u!.conferenceId!.slice(3)}.`);
    expect(guest.state).toBe('conference'); // the meeting has started: no organizer step
    expect(guest.conference!.room).toBe(c.conference!.room);
  });

  it('keys still work on a number with speech, and low confidence or words that are not digits are no entry', async () => {
    const { number, users: [u] } = await provision(h, { number: { speechInput: true }, tenant: { allowCallersToStartMeeting: true } });
    const c = await h.call(number).dial();
    await c.speak(inWords(u!.conferenceId!), 0.3);
    expect(lastHeard(c)).toMatch(/^We did not hear a conference ID/);
    await c.speak('I would like to join my meeting');
    expect(lastHeard(c)).toMatch(/^We did not hear a conference ID/);
    await c.press(`${u!.conferenceId}#`);
    expect(c.state).toBe('conference');
  });

  it('recognises the number\'s language, or its base language\'s when Twilio has none for it', async () => {
    const { number, users: [u] } = await provision(h, { number: { speechInput: true, primaryLanguage: 'es-AR', secondaryLanguages: ['de-CH', 'fr-BE'] }, tenant: { allowCallersToStartMeeting: true } });
    const c = await h.call(number).dial();
    expect(c.gathering!.node.attrs.language).toBe('es-AR'); // Twilio recognises es-AR (it only speaks es-US)
    await c.speak(inWords(u!.conferenceId!, ES));
    expect(c.state).toBe('conference');
    for (const [choice, recognised] of [['*1', 'de-DE'], ['*2', 'fr-FR']] as const) {
      const other = await h.call(number).dial();
      await other.press(choice);
      const language = other.gathering!.node.attrs.language!;
      expect(language).toBe(recognised);
      expect(GATHER_LANGUAGES.has(language)).toBe(true);
    }
  });

  it('is switched per number through the admin API, and calls follow at once', async () => {
    const { number, bridge } = await provision(h);
    expect((await h.call(number).dial()).gathering!.node.attrs.input).toBe('dtmf');
    const on = await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll', speechInput: true }), 200);
    expect(on.speechInput).toBe(true);
    expect((await h.call(number).dial()).gathering!.node.attrs.input).toBe('dtmf speech');
    const refused = await h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll', speechInput: 'yes' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'speechInput' })]);
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll' }), 200);
    expect((await h.call(number).dial()).gathering!.node.attrs.input).toBe('dtmf');
  });
});
