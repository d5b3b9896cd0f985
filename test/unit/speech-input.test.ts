// Spoken entry: the digits of what Twilio heard, in the call's language; anything else is no entry.
import { describe, expect, it } from 'vitest';
import { promptCatalogue } from '../../src/domain/prompts.js';
import { allSpeechLanguages } from '../../src/lib/speech-languages.js';
import { spokenDigits } from '../../src/voice/spoken.js';
import { twilioList } from '../support/twilio-lists.js';

const words = (tag: string) => promptCatalogue().language(tag).digitWords;

describe('spoken digits', () => {
  it('reads numerals and the digit words of the call\'s language', () => {
    expect(spokenDigits('4841574', words('en-US'))).toBe('4841574');
    expect(spokenDigits('48 41 574.', words('en-US'))).toBe('4841574');
    expect(spokenDigits('Four eight four one five seven four', words('en-US'))).toBe('4841574');
    expect(spokenDigits('four, eight, 4 one-five seven oh', words('en-GB'))).toBe('4841570');
    expect(spokenDigits('cuatro ocho cuatro uno cinco siete cuatro', words('es-AR'))).toBe('4841574');
    expect(spokenDigits('quatre huit zéro un', words('fr-CA'))).toBe('4801');
    expect(spokenDigits('quatre huit zero un', words('fr-FR'))).toBe('4801'); // accents or not
    expect(spokenDigits('vier acht null eins fünf sieben zwo', words('de-CH'))).toBe('4801572');
    expect(spokenDigits('ＶＩＥＲ ４８', words('de-DE'))).toBe('448'); // full-width forms fold too
  });

  it('is null for anything that is not digits, or for another language\'s words', () => {
    for (const said of ['', '   ', 'hello', 'four eight and then some', 'my ID is 4841574', '4841574 please', 'forty eight']) {
      expect(spokenDigits(said, words('en-US')), said).toBeNull();
    }
    expect(spokenDigits('cuatro ocho', words('en-US'))).toBeNull();
    expect(spokenDigits('four eight', words('es-US'))).toBeNull();
  });

  it('recognises in the languages of twilio-node\'s GatherLanguage list (this copy is the same list)', () => {
    expect(new Set(allSpeechLanguages())).toEqual(twilioList('GatherLanguage'));
  });
});
