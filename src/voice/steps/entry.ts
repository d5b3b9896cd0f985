// POST /voice/entry: the caller's keys at the ID prompt. The hot path (an active ID) reads
// only the cache: one round trip to Redis (directory.lookupConferenceId) and a string build.
import { CONFERENCE_ID_PATTERN } from '../../domain/conference-ids.js';
import type { VoiceContext, VoiceRequest } from '../context.js';
import { callersMayStart, failedEntry, idPrompt, joinConference, leaderStep, refusalMessage, refusalReason } from '../flow.js';
import { enteredDigits } from '../spoken.js';
import type { CallState } from '../state.js';

const LANGUAGE_CHOICE = /^\*([1-9])$/;

export async function entry(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const digits = enteredDigits(ctx, req, st);
  if (CONFERENCE_ID_PATTERN.test(digits)) {
    const result = await ctx.s.directory.lookupConferenceId(st.bridgeId, Number(digits));
    if (result.status !== 'active') return failedEntry(ctx, req, st, refusalReason(result), refusalMessage(result));
    return callersMayStart(result) ? joinConference(ctx, st, result, 'participant') : leaderStep(ctx, st, digits);
  }
  const choice = LANGUAGE_CHOICE.exec(digits);
  if (choice && Number(choice[1]) < st.languages.length) {
    // Picking a language is not a failed entry; the prompt comes again in that language.
    ctx.s.metrics.reprompts.inc({ reason: 'language' });
    return idPrompt(ctx, { ...st, language: st.languages[Number(choice[1])]!, menu: false });
  }
  if (digits === '') ctx.s.metrics.reprompts.inc({ reason: 'silence' });
  return failedEntry(ctx, req, st, digits === '' ? 'silence' : 'malformed', digits === '' ? ['noEntry'] : ['unknownId']);
}
