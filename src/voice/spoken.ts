// Spoken entry: on a number with speech input, the ID and PIN prompts gather "dtmf speech", and
// Twilio posts what it heard as SpeechResult with a Confidence (0 to 1). The caller's digits are
// Digits when keys were pressed, else the digits said: numerals ("4841574", "48 41 574") and the
// catalogue's digit words of the call's language ("four eight four...", "cuatro ocho..."). Low
// confidence, or anything that is not digits, counts as no entry (never as a wrong ID or PIN).
// What was said is never logged: it may be a PIN.
import { foldWord } from '../domain/prompts.js';
import { field, type VoiceContext, type VoiceRequest } from './context.js';
import type { CallState } from './state.js';

/** Below this, Twilio's recognition is treated as not heard. */
export const MIN_SPEECH_CONFIDENCE = 0.5;

/** The digits of a spoken phrase, or null when it holds anything else. */
export function spokenDigits(said: string, words: ReadonlyMap<string, string>): string | null {
  const tokens = foldWord(said).replace(/[.,;:!?¿¡"'()\-–]/g, ' ').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return null;
  let digits = '';
  for (const t of tokens) {
    if (/^[0-9]+$/.test(t)) digits += t;
    else {
      const d = words.get(t);
      if (d === undefined) return null;
      digits += d;
    }
  }
  return digits;
}

/** What the caller entered at an ID or PIN prompt: keys, or digits said ('' for nothing usable). */
export function enteredDigits(ctx: VoiceContext, req: VoiceRequest, st: CallState): string {
  const keys = field(req.params, 'Digits');
  if (keys !== '' || !st.speech) return keys;
  const said = field(req.params, 'SpeechResult');
  if (said === '') return '';
  const confidence = Number(field(req.params, 'Confidence'));
  if (!(confidence >= MIN_SPEECH_CONFIDENCE)) {
    ctx.log.debug({ callSid: req.callSid, confidence }, 'speech heard with low confidence: no entry');
    return '';
  }
  return spokenDigits(said, ctx.voices.for(st.language).lang.digitWords) ?? '';
}
