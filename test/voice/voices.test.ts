// What a caller hears is something Twilio can say: every <Say> of a call has a `language` and a
// `voice` from twilio-node's lists, the voice of that locale, whatever the number's languages;
// TTS_VOICE speaks where the catalogue names no voice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localesOfVoice } from '../../src/lib/tts-voices.js';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { expectStatus, freshNumber, provision } from '../support/harness.js';
import { twilioList } from '../support/twilio-lists.js';
import { createVoiceHarness, type VoiceHarness } from './support.js';

const SAY_LANGUAGES = twilioList('SayLanguage');
const SAY_VOICES = twilioList('SayVoice');

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness({ env: { TTS_VOICE: 'Polly.Russell' } }); });
afterAll(async () => { await h.close(); });

function expectSayable(c: SimulatedCall): void {
  for (const x of c.heard) {
    expect(SAY_LANGUAGES.has(x.language!), `${x.language} in SayLanguage`).toBe(true);
    expect(SAY_VOICES.has(x.voice!), `${x.voice} in SayVoice`).toBe(true);
    expect(localesOfVoice(x.voice!)).toContain(x.language);
  }
}

describe('languages and voices', () => {
  it('a number in es-AR with de-CH, en-DE, fr-CA and en-AU menus speaks only what Twilio accepts', async () => {
    const { number, users: [u] } = await provision(h, { number: { primaryLanguage: 'es-AR', secondaryLanguages: ['de-CH', 'en-DE', 'fr-CA', 'en-AU'] } });
    const c = await h.call(number).dial();
    expect(c.heard.map((x) => [x.language, x.voice])).toEqual([
      ['es-US', 'Polly.Lupe'], // es-AR: Spanish prompts in the Spanish catalogue voice
      ['de-DE', 'Polly.Vicki'],
      ['en-US', 'Polly.Joanna'],
      ['fr-CA', 'Polly.Chantal'], // a Canadian French voice of its own
      ['en-AU', 'Polly.Russell'], // TTS_VOICE: the catalogue names no Australian voice
    ]);
    expect(c.heard[0]!.text).toMatch(/^Bienvenido/);
    expectSayable(c);
    // each language chosen, through a whole failed entry and a join
    for (const [k, expected] of [[1, 'de-DE'], [3, 'fr-CA'], [4, 'en-AU']] as const) {
      const other = await h.call(number).dial();
      await other.press(`*${k}`);
      await other.press('1#');
      await other.press(`${u!.conferenceId}#`);
      await other.press('#');
      expect(other.state).toBe('conference');
      expect(other.heard.at(-1)!.language).toBe(expected);
      expectSayable(other);
    }
    expect(h.logs.some((l) => l.language === 'es-AR' && /base language's voice/.test(String(l.msg)))).toBe(true);
  });

  it('the admin API accepts each of these languages, and names the field of one it refuses', async () => {
    const { bridge } = await provision(h);
    const e164 = freshNumber();
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(e164)}`, { bridgeId: bridge.id, type: 'toll', primaryLanguage: 'de-CH', secondaryLanguages: ['en-AU'] }), 201);
    const refused = await h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(e164)}`, { bridgeId: bridge.id, type: 'toll', primaryLanguage: 'en-US', secondaryLanguages: ['en-AU', 'sw-KE'] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'secondaryLanguages.1' })]);
  });
});
