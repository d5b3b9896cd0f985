// The Amazon Polly voices Twilio's <Say voice> offers (twilio-node's SayVoice list) and the
// locale each speaks (Amazon Polly's voice table), so that every <Say> pairs a voice with its own
// `language` (a SayLanguage value). test/unit/say-voices.test.ts holds this table against
// twilio-node's lists. Voice names are Twilio's spelling: "Polly.<Name>", "-Neural" and
// "-Generative" for those engines.

/** locale → voices, standard ones first (the first is the default of its locale). */
const BY_LOCALE: Readonly<Record<string, readonly string[]>> = {
  'arb': ['Zeina'],
  'ar-AE': ['Hala-Neural', 'Zayd-Neural'],
  'ca-ES': ['Arlet-Neural'],
  'cmn-CN': ['Zhiyu', 'Zhiyu-Neural'],
  'cy-GB': ['Gwyneth'],
  'da-DK': ['Naja', 'Mads', 'Sofie-Neural'],
  'de-AT': ['Hannah-Neural'],
  'de-DE': ['Vicki', 'Marlene', 'Hans', 'Vicki-Neural', 'Daniel-Neural', 'Vicki-Generative', 'Daniel-Generative'],
  'en-AU': ['Nicole', 'Russell', 'Olivia-Neural', 'Olivia-Generative'],
  'en-GB': ['Amy', 'Emma', 'Brian', 'Amy-Neural', 'Emma-Neural', 'Brian-Neural', 'Arthur-Neural', 'Amy-Generative'],
  'en-GB-WLS': ['Geraint'],
  'en-IE': ['Niamh-Neural'],
  'en-IN': ['Raveena', 'Aditi', 'Kajal-Neural', 'Kajal-Generative'],
  'en-NZ': ['Aria-Neural'],
  'en-US': [
    'Joanna', 'Salli', 'Kimberly', 'Kendra', 'Ivy', 'Matthew', 'Justin', 'Joey', 'Kevin',
    'Joanna-Neural', 'Salli-Neural', 'Kimberly-Neural', 'Kendra-Neural', 'Ivy-Neural', 'Matthew-Neural', 'Justin-Neural',
    'Joey-Neural', 'Kevin-Neural', 'Danielle-Neural', 'Gregory-Neural', 'Ruth-Neural', 'Stephen-Neural',
    'Joanna-Generative', 'Matthew-Generative', 'Danielle-Generative', 'Ruth-Generative', 'Stephen-Generative',
  ],
  'en-ZA': ['Ayanda-Neural', 'Ayanda-Generative'],
  'es-ES': ['Conchita', 'Lucia', 'Enrique', 'Lucia-Neural', 'Sergio-Neural', 'Lucia-Generative', 'Sergio-Generative'],
  'es-MX': ['Mia', 'Mia-Neural', 'Andres-Neural', 'Andres-Generative', 'Mía-Generative'],
  'es-US': ['Lupe', 'Penelope', 'Miguel', 'Lupe-Neural', 'Pedro-Neural', 'Lupe-Generative', 'Pedro-Generative'],
  'fi-FI': ['Suvi-Neural'],
  'fr-BE': ['Isabelle-Neural'],
  'fr-CA': ['Chantal', 'Gabrielle-Neural', 'Liam-Neural'],
  'fr-FR': ['Lea', 'Celine', 'Mathieu', 'Lea-Neural', 'Remi-Neural', 'Lea-Generative', 'Rémi-Generative'],
  'hi-IN': ['Aditi', 'Kajal-Neural'],
  'is-IS': ['Dora', 'Karl'],
  'it-IT': ['Carla', 'Bianca', 'Giorgio', 'Bianca-Neural', 'Adriano-Neural', 'Bianca-Generative'],
  'ja-JP': ['Mizuki', 'Takumi', 'Takumi-Neural', 'Kazuha-Neural', 'Tomoko-Neural'],
  'ko-KR': ['Seoyeon', 'Seoyeon-Neural'],
  'nb-NO': ['Liv', 'Ida-Neural'],
  'nl-BE': ['Lisa-Neural'],
  'nl-NL': ['Lotte', 'Ruben', 'Laura-Neural'],
  'pl-PL': ['Ewa', 'Maja', 'Jacek', 'Jan', 'Ola-Neural'],
  'pt-BR': ['Camila', 'Vitoria', 'Ricardo', 'Camila-Neural', 'Vitoria-Neural', 'Thiago-Neural'],
  'pt-PT': ['Ines', 'Cristiano', 'Ines-Neural'],
  'ro-RO': ['Carmen'],
  'ru-RU': ['Tatyana', 'Maxim'],
  'sv-SE': ['Astrid', 'Elin-Neural'],
  'tr-TR': ['Filiz', 'Burcu-Neural'],
  'yue-HK': ['Hiujin-Neural'],
};

const voiceName = (name: string) => `Polly.${name}`;

const LOCALES_OF = new Map<string, string[]>();
for (const [locale, names] of Object.entries(BY_LOCALE)) {
  for (const name of names) {
    const list = LOCALES_OF.get(voiceName(name));
    if (list) list.push(locale);
    else LOCALES_OF.set(voiceName(name), [locale]);
  }
}

/** True for a voice of the table (TTS_VOICE must be one). */
export const isTtsVoice = (voice: string): boolean => LOCALES_OF.has(voice);

/** The locales a voice speaks (Aditi and Kajal speak two); empty when unknown. */
export const localesOfVoice = (voice: string): readonly string[] => LOCALES_OF.get(voice) ?? [];

/** The voices of a locale, the default first; empty when Twilio has none for it. */
export const voicesOfLocale = (locale: string): readonly string[] => (BY_LOCALE[locale] ?? []).map(voiceName);

/** Every voice of the table (the tests walk them). */
export const allTtsVoices = (): string[] => [...LOCALES_OF.keys()];

/** Every locale of the table. */
export const allTtsLocales = (): string[] => Object.keys(BY_LOCALE);
