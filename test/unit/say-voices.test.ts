// Every <Say> the service can emit, for every language a dial-in number may have (each catalogue
// language, bare and with every country as its region, as the admin API accepts them), carries a
// `language` from twilio-node's SayLanguage list and a `voice` from its SayVoice list, and the
// voice speaks that language's locale. The lists are read from twilio-node's own type file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ISO_3166_ALPHA2 } from '../../src/domain/countries.js';
import { languageProblem } from '../../src/domain/languages.js';
import { PROMPT_KEYS, PromptCatalogue, findPromptsDir, promptCatalogue } from '../../src/domain/prompts.js';
import { allTtsLocales, allTtsVoices, localesOfVoice } from '../../src/lib/tts-voices.js';
import { createLogger } from '../../src/logging.js';
import { parseTwiml } from '../../src/simulator/twiml-reader.js';
import { response } from '../../src/voice/twiml.js';
import { Voices } from '../../src/voice/speech.js';
import { Writable } from 'node:stream';
import { twilioList } from '../support/twilio-lists.js';

const SAY_LANGUAGES = twilioList('SayLanguage');
const SAY_VOICES = twilioList('SayVoice');

/** Every language tag the admin API accepts for a number. */
function acceptedLanguages(catalogue: PromptCatalogue): string[] {
  const bases = [...new Set(catalogue.languages.map((t) => t.split('-')[0]!))];
  const tags = bases.flatMap((b) => [b, ...[...ISO_3166_ALPHA2].map((c) => `${b}-${c}`)]);
  return tags.filter((t) => languageProblem(t, catalogue) === null);
}

/** Every <Say> a speaker can emit: each prompt key alone and the language menu line. */
function everySay(voices: Voices, tag: string): { language?: string; voice?: string }[] {
  const speaker = voices.for(tag);
  const xml = [...PROMPT_KEYS.map((k) => speaker.say([k])), speaker.say(['languageOption'], { digit: 3 })];
  return parseTwiml(response(...xml)).children.map((n) => n.attrs);
}

describe('every <Say> the service can emit', () => {
  it('uses twilio-node\'s lists in this test (they are not empty)', () => {
    expect(SAY_LANGUAGES.has('en-US') && SAY_LANGUAGES.has('fr-CA') && !SAY_LANGUAGES.has('es-AR')).toBe(true);
    expect(SAY_VOICES.has('Polly.Joanna') && !SAY_VOICES.has('Polly.Nobody')).toBe(true);
  });

  it('names only voices and locales of twilio-node\'s lists in the voice table', () => {
    expect(allTtsVoices().filter((v) => !SAY_VOICES.has(v))).toEqual([]);
    expect(allTtsLocales().filter((l) => !SAY_LANGUAGES.has(l))).toEqual([]);
  });

  for (const ttsVoice of [undefined, 'Polly.Russell', 'Polly.Mathieu', 'Polly.Aditi']) {
    it(`has a language and a voice from twilio-node's lists, the voice of that locale, for every accepted language (TTS_VOICE=${ttsVoice ?? 'unset'})`, () => {
      const catalogue = promptCatalogue();
      const tags = acceptedLanguages(catalogue);
      expect(tags.length).toBeGreaterThan(4 * 249); // en, es, fr, de, each with every country
      for (const probe of ['es-AR', 'de-CH', 'en-DE', 'fr-CA', 'en-AU', 'es', 'de-AT', 'fr-BE', 'en-IE']) expect(tags).toContain(probe);
      const voices = new Voices(catalogue, ttsVoice);
      const wrong: string[] = [];
      for (const tag of tags) {
        for (const attrs of everySay(voices, tag)) {
          const { language, voice } = attrs;
          if (!language || !SAY_LANGUAGES.has(language) || !voice || !SAY_VOICES.has(voice) || !localesOfVoice(voice).includes(language)) {
            wrong.push(`${tag}: language=${language} voice=${voice}`);
          }
        }
      }
      expect([...new Set(wrong)]).toEqual([]);
    });
  }

  it('recognises speech in a language of twilio-node\'s GatherLanguage list, for every accepted language', () => {
    const gather = twilioList('GatherLanguage');
    const voices = new Voices(promptCatalogue());
    const wrong = acceptedLanguages(promptCatalogue()).filter((tag) => !gather.has(voices.for(tag).speechLanguage ?? 'none'));
    expect(wrong).toEqual([]);
  });

  it('speaks each region in its own voice where Twilio has one, else in the base language\'s catalogue voice', () => {
    const voices = new Voices(promptCatalogue());
    const pair = (tag: string) => { const s = voices.for(tag).sayVoice; return [s.language, s.voice]; };
    expect(pair('es-AR')).toEqual(['es-US', 'Polly.Lupe']);
    expect(pair('de-CH')).toEqual(['de-DE', 'Polly.Vicki']);
    expect(pair('en-DE')).toEqual(['en-US', 'Polly.Joanna']);
    expect(pair('en-CA')).toEqual(['en-US', 'Polly.Joanna']); // Twilio's en-CA has no Polly voice
    expect(pair('fr-CA')).toEqual(['fr-CA', 'Polly.Chantal']);
    expect(pair('en-AU')).toEqual(['en-AU', 'Polly.Nicole']);
    expect(pair('es-MX')).toEqual(['es-MX', 'Polly.Mia']);
    expect(pair('en-GB')).toEqual(['en-GB', 'Polly.Amy']); // the catalogue's own choice
    expect(pair('es')).toEqual(['es-US', 'Polly.Lupe']);
  });

  it('uses TTS_VOICE where the catalogue names no voice of the locale, never over the catalogue\'s', () => {
    const voices = new Voices(promptCatalogue(), 'Polly.Russell');
    expect(voices.for('en-AU').sayVoice).toMatchObject({ language: 'en-AU', voice: 'Polly.Russell' });
    expect(voices.for('en-US').sayVoice).toMatchObject({ language: 'en-US', voice: 'Polly.Joanna' });
    expect(voices.for('fr-FR').sayVoice).toMatchObject({ language: 'fr-FR', voice: 'Polly.Lea' }); // TTS_VOICE does not speak French
  });

  it('logs once when a language falls back to its base language\'s voice', () => {
    const lines: string[] = [];
    const log = createLogger('info', {}, new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
    const voices = new Voices(promptCatalogue(), undefined, log);
    voices.for('es-AR').say(['welcome']);
    voices.for('es-AR').say(['enterId']);
    voices.for('en-AU').say(['welcome']);
    const fallbacks = lines.map((l) => JSON.parse(l)).filter((l) => /base language's voice/.test(l.msg));
    expect(fallbacks).toEqual([expect.objectContaining({ language: 'es-AR', sayLanguage: 'es-US', voice: 'Polly.Lupe' })]);
  });
});

describe('a language no voice can speak', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused for a number, naming why', () => {
    writeFileSync(path.join(dir, 'en.json'), readFileSync(path.join(findPromptsDir(), 'en.json')));
    // Swahili prompts without a voice: Twilio offers no Polly voice for it
    writeFileSync(path.join(dir, 'sw.json'), JSON.stringify({ name: 'Kiswahili', prompts: { welcome: 'Karibu.' } }));
    const catalogue = new PromptCatalogue(dir);
    expect(languageProblem('sw-KE', catalogue)).toMatch(/no text-to-speech voice .* speaks sw-KE/);
    expect(languageProblem('sw', catalogue)).toMatch(/no text-to-speech voice/);
    expect(languageProblem('en-KE', catalogue)).toBeNull();
  });

  it('a catalogue file may only name a voice Twilio offers, of its own language', () => {
    writeFileSync(path.join(dir, 'en.json'), readFileSync(path.join(findPromptsDir(), 'en.json')));
    writeFileSync(path.join(dir, 'sw.json'), JSON.stringify({ voice: 'Polly.Nobody' }));
    expect(() => new PromptCatalogue(dir)).toThrow(/sw\.json/);
    writeFileSync(path.join(dir, 'sw.json'), JSON.stringify({ voice: 'Polly.Joanna' }));
    expect(() => new PromptCatalogue(dir)).toThrow(/Polly\.Joanna does not speak sw/);
  });
});
