// What the caller hears, in the language of the call: prompts from the catalogue as <Say> with a
// `language` Twilio accepts and a voice of that locale (PromptCatalogue.sayVoice). A language with
// no voice of its own is spoken by its base language's voice, said once in the log.
import { PromptCatalogue, type Language, type PromptKey, type SayVoice } from '../domain/prompts.js';
import { isSpeechLanguage } from '../lib/speech-languages.js';
import type { Logger } from '../logging.js';
import { say, type Xml } from './twiml.js';

export class Speaker {
  readonly #attrs: { language: string; voice: string };
  /** Built <Say> elements by prompt keys: the same few are said on every call. */
  readonly #built = new Map<string, Xml>();

  /**
   * @param speechLanguage the language Twilio recognises speech in for this one (a GatherLanguage),
   *   or null: keys only
   */
  constructor(readonly lang: Language, readonly sayVoice: SayVoice, readonly speechLanguage: string | null = null) {
    this.#attrs = { language: sayVoice.language, voice: sayVoice.voice };
  }

  get tag(): string {
    return this.lang.tag;
  }

  /** The prompts' text, joined into one sentence run. */
  text(...keys: PromptKey[]): string {
    return keys.map((k) => this.lang.prompts[k]).join(' ');
  }

  /** One <Say> with the prompts in order ({digit} filled in where given). */
  say(keys: PromptKey[], vars: { digit?: number } = {}): Xml {
    const id = vars.digit === undefined ? keys.join() : `${keys.join()}#${vars.digit}`;
    let xml = this.#built.get(id);
    if (xml === undefined) {
      let t = this.text(...keys);
      if (vars.digit !== undefined) t = t.replaceAll('{digit}', String(vars.digit));
      xml = say(t, this.#attrs);
      this.#built.set(id, xml);
    }
    return xml;
  }
}

/** The voice of last resort: the English catalogue's (en.json must name one that exists). */
const LAST_RESORT = 'en-US';

/** Speakers per language tag, built once; unknown tags speak English. */
export class Voices {
  readonly #speakers = new Map<string, Speaker>();

  /** `defaultVoice` (TTS_VOICE) is used where the catalogue names no voice for a language. */
  constructor(
    private readonly catalogue: PromptCatalogue,
    private readonly defaultVoice?: string,
    private readonly log?: Logger,
  ) {}

  for(tag: string): Speaker {
    let s = this.#speakers.get(tag);
    if (!s) {
      const lang = this.catalogue.language(tag);
      let voice = this.catalogue.sayVoice(lang.tag, this.defaultVoice);
      if (!voice) {
        // the admin API refuses such languages; a number stored before that rule still speaks
        this.log?.error({ language: lang.tag }, 'no text-to-speech voice speaks this language; using English');
        voice = this.catalogue.sayVoice(LAST_RESORT, this.defaultVoice)!;
      } else if (!voice.exact) {
        this.log?.info({ language: lang.tag, sayLanguage: voice.language, voice: voice.voice }, 'Twilio has no voice of this language\'s own locale: its base language\'s voice speaks it');
      }
      // recognised in its own tag, else as it is spoken, else as its base language is spoken (fr-BE: fr-FR)
      const base = this.catalogue.sayVoice(lang.tag.split('-')[0]!, this.defaultVoice)?.language;
      const recognised = [lang.tag, voice.language, base].find((t) => t !== undefined && isSpeechLanguage(t)) ?? null;
      s = new Speaker(lang, voice, recognised);
      this.#speakers.set(tag, s);
    }
    return s;
  }
}
