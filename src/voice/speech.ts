// What the caller hears, in the language of the call: prompts from the catalogue as <Say> with
// the `language` (and voice) attribute Twilio's text-to-speech needs.
import { PromptCatalogue, type PromptKey } from '../domain/prompts.js';
import { say, type Xml } from './twiml.js';

// Twilio's <Say language> wants a regional tag; a number set to a base language speaks this one.
const DEFAULT_REGION: Record<string, string> = { en: 'en-US', es: 'es-US', fr: 'fr-FR', de: 'de-DE' };

export function sayLanguage(tag: string): string {
  return tag.includes('-') ? tag : (DEFAULT_REGION[tag] ?? tag);
}

export class Speaker {
  readonly #attrs: { language: string; voice?: string };
  /** Built <Say> elements by prompt keys: the same few are said on every call. */
  readonly #built = new Map<string, Xml>();

  constructor(
    readonly tag: string,
    private readonly prompts: Record<PromptKey, string>,
    voice: string | undefined,
  ) {
    this.#attrs = voice ? { language: sayLanguage(tag), voice } : { language: sayLanguage(tag) };
  }

  /** The prompts' text, joined into one sentence run. */
  text(...keys: PromptKey[]): string {
    return keys.map((k) => this.prompts[k]).join(' ');
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

/** Speakers per language tag, built once; unknown tags speak English. */
export class Voices {
  readonly #speakers = new Map<string, Speaker>();

  /** `defaultVoice` (TTS_VOICE) is used where the catalogue names no voice for a language. */
  constructor(private readonly catalogue: PromptCatalogue, private readonly defaultVoice?: string) {}

  for(tag: string): Speaker {
    let s = this.#speakers.get(tag);
    if (!s) {
      const lang = this.catalogue.language(tag);
      s = new Speaker(lang.tag, lang.prompts, lang.voice ?? this.defaultVoice);
      this.#speakers.set(tag, s);
    }
    return s;
  }
}
