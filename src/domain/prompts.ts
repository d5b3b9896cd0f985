// The prompt catalogue: config/prompts/<language>.json. A regional file (en-GB) holds only what
// differs from its base language (en); lookups fall back regional → base → English. Each file may
// name the text-to-speech voice of its language (a voice of lib/tts-voices.ts) and the words
// callers say for each digit (spoken ID and PIN entry).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isTtsVoice, localesOfVoice, voicesOfLocale } from '../lib/tts-voices.js';

export const PROMPT_KEYS = [
  'welcome', 'enterId', 'languageOption', 'notInService', 'unknownId', 'retiredId', 'cannotCheck', 'tryAgain',
  'noEntry', 'tooManyAttempts', 'leaderStep', 'enterPin', 'wrongPin', 'pinAttemptsUsed', 'pinLocked',
  'joiningAsLeader', 'joining', 'waitForLeader', 'callerBlocked', 'bridgeBusy', 'apology', 'tooManyPrompts', 'orSayIt', 'meetingUnreachable',
] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

const fileSchema = z.strictObject({
  name: z.string().optional(),
  voice: z.string().refine(isTtsVoice, 'must be an Amazon Polly voice Twilio offers (see src/lib/tts-voices.ts)').optional(),
  prompts: z.partialRecord(z.enum(PROMPT_KEYS), z.string().min(1)).optional(),
  /** digit → the words callers say for it ("four", "cuatro"...), lower case. */
  digitWords: z.partialRecord(z.enum(DIGITS), z.array(z.string().min(1)).min(1)).optional(),
});
type CatalogueFile = z.infer<typeof fileSchema>;

/** A language's resolved prompts: every key present. */
export interface Language {
  tag: string;
  name: string;
  voice: string | undefined;
  prompts: Record<PromptKey, string>;
  /** Spoken word (folded: lower case, no accents) → digit; empty when the catalogue names none. */
  digitWords: ReadonlyMap<string, string>;
}

/** What a <Say> carries: a `language` Twilio accepts and a voice of that locale. */
export interface SayVoice {
  language: string;
  voice: string;
  /** False when the tag has no voice of its own and its base language's voice speaks for it. */
  exact: boolean;
}

/** Lower case without accents, as spoken words are compared. */
export const foldWord = (w: string): string => w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

const TAG = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export class PromptCatalogue {
  readonly #files = new Map<string, CatalogueFile>();
  readonly #resolved = new Map<string, Language>();

  constructor(dir = findPromptsDir()) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const tag = name.slice(0, -5);
      if (!TAG.test(tag)) throw new Error(`prompt file ${name}: the name must be a language tag such as en or en-GB`);
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
      if (!parsed.success) throw new Error(`prompt file ${name}: ${z.prettifyError(parsed.error)}`);
      const voice = parsed.data.voice;
      if (voice && !localesOfVoice(voice).some((l) => l.split('-')[0] === tag.split('-')[0])) {
        throw new Error(`prompt file ${name}: ${voice} does not speak ${tag}`);
      }
      this.#files.set(tag, parsed.data);
    }
    const english = this.#files.get('en');
    const missing = PROMPT_KEYS.filter((k) => !english?.prompts?.[k]);
    if (missing.length) throw new Error(`config/prompts/en.json must define every prompt; missing: ${missing.join(', ')}`);
  }

  /** True when the tag has a file of its own or its base language has one. */
  supports(tag: string): boolean {
    if (!TAG.test(tag)) return false;
    return this.#files.has(tag) || this.#files.has(tag.split('-')[0]!);
  }

  get languages(): string[] {
    return [...this.#files.keys()].sort();
  }

  /** The language for `tag`, with fallbacks filled in. Unknown tags get English prompts. */
  language(tag: string): Language {
    let lang = this.#resolved.get(tag);
    if (!lang) {
      const base = tag.split('-')[0]!;
      const chain = [this.#files.get('en'), this.#files.get(base), this.#files.get(tag)].filter((f): f is CatalogueFile => !!f);
      const prompts = Object.assign({}, ...chain.map((f) => f.prompts ?? {})) as Record<PromptKey, string>;
      const named = [...chain].reverse().find((f) => f.name)?.name ?? tag;
      const voice = [...chain].reverse().find((f) => f.voice)?.voice;
      // digit words come from the language itself (its base file), never from English
      const words = new Map<string, string>();
      for (const f of [this.#files.get(base), this.#files.get(tag)]) {
        for (const [digit, list] of Object.entries(f?.digitWords ?? {})) for (const w of list ?? []) words.set(foldWord(w), digit);
      }
      lang = { tag: this.supports(tag) ? tag : 'en-US', name: named, voice, prompts, digitWords: words };
      this.#resolved.set(tag, lang);
    }
    return lang;
  }

  /**
   * The `language` and voice of a <Say> for `tag` (a language the catalogue supports), or null
   * when no voice can speak it. The tag's own locale comes first, when Twilio has voices for it:
   * the catalogue's voice for the tag or its base language if it speaks that locale, else
   * `ttsVoice` (TTS_VOICE) if it does, else the locale's default voice. A tag without voices of
   * its own (es-AR, de-CH, en-DE...) is spoken by its base language's catalogue voice (or
   * `ttsVoice` when the catalogue names none), in that voice's locale: `exact` is then false.
   */
  sayVoice(tag: string, ttsVoice?: string): SayVoice | null {
    const base = tag.split('-')[0]!;
    const named = [this.#files.get(tag)?.voice, this.#files.get(base)?.voice, ttsVoice].filter((v): v is string => v !== undefined);
    if (tag.includes('-')) {
      const own = voicesOfLocale(tag);
      if (own.length > 0) return { language: tag, voice: named.find((v) => own.includes(v)) ?? own[0]!, exact: true };
    }
    for (const voice of named) {
      const locale = localesOfVoice(voice).find((l) => l.split('-')[0] === base);
      if (locale) return { language: locale, voice, exact: !tag.includes('-') };
    }
    return null;
  }
}

export function findPromptsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = ['../..', '../../..'].map((up) => path.resolve(here, up, 'config', 'prompts'));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`no prompt catalogue at ${candidates.join(' or ')}`);
  return found;
}

let shared: PromptCatalogue | undefined;
/** The catalogue in config/prompts, loaded once. */
export function promptCatalogue(): PromptCatalogue {
  shared ??= new PromptCatalogue();
  return shared;
}
