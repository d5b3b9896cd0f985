// Which language tags a dial-in number may use: BCP-47 tags in canonical form (en-US, not
// en-us) that the prompt catalogue has prompts for, with a real country as the region, and that
// a text-to-speech voice Twilio offers can speak (its own locale's, or its base language's).
import { promptCatalogue, type PromptCatalogue } from './prompts.js';
import { isCountryCode } from './countries.js';

/** Why `tag` cannot be a number's language, or null when it can. */
export function languageProblem(tag: string, catalogue: PromptCatalogue = promptCatalogue()): string | null {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0];
  } catch {
    return 'must be a BCP-47 language tag such as en-US';
  }
  if (canonical && canonical !== tag && catalogue.supports(canonical)) return `write it as ${canonical}`;
  const region = /-([A-Z]{2})$/.exec(tag)?.[1];
  if (region && !isCountryCode(region)) return `${region} is not an ISO 3166 country code`;
  if (!catalogue.supports(tag)) {
    return `must be a language the prompt catalogue supports (${catalogue.languages.join(', ')}, or a regional form of one)`;
  }
  if (!catalogue.sayVoice(tag)) {
    return `no text-to-speech voice Twilio offers speaks ${tag} or its base language: name one in config/prompts/${tag.split('-')[0]}.json`;
  }
  return null;
}
