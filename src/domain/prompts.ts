// The prompt catalogue: config/prompts/<language>.json. A regional file (en-GB) holds only what
// differs from its base language (en); lookups fall back regional → base → English.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const PROMPT_KEYS = [
  'welcome', 'enterId', 'languageOption', 'notInService', 'unknownId', 'retiredId', 'cannotCheck', 'tryAgain',
  'noEntry', 'tooManyAttempts', 'leaderStep', 'enterPin', 'wrongPin', 'pinAttemptsUsed', 'pinLocked',
  'joiningAsLeader', 'joining', 'waitForLeader', 'callerBlocked', 'apology',
] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];

const fileSchema = z.strictObject({
  name: z.string().optional(),
  voice: z.string().optional(),
  prompts: z.partialRecord(z.enum(PROMPT_KEYS), z.string().min(1)).optional(),
});
type CatalogueFile = z.infer<typeof fileSchema>;

/** A language's resolved prompts: every key present. */
export interface Language {
  tag: string;
  name: string;
  voice: string | undefined;
  prompts: Record<PromptKey, string>;
}

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
      lang = { tag: this.supports(tag) ? tag : 'en-US', name: named, voice, prompts };
      this.#resolved.set(tag, lang);
    }
    return lang;
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
