// POST /voice/entry: the caller's keys at the ID prompt. An entry is reserved against the
// caller's and the bridge's limits (caller-limits.ts) in the same moment as the ID is looked up:
// two Redis commands sent together (ioredis pipelines them: one round trip), and the lookup's
// answer is acted on only when the reservation holds, so no concurrency gets more IDs checked
// than the limits allow. A right ID refunds its reservation (not awaited).
import { CONFERENCE_ID_PATTERN } from '../../domain/conference-ids.js';
import type { VoiceContext, VoiceRequest } from '../context.js';
import { callersMayStart, failedEntry, idPrompt, joinConference, leaderStep, refusalMessage, refusalReason, refusedEntry } from '../flow.js';
import { enteredDigits } from '../spoken.js';
import type { CallState } from '../state.js';

const LANGUAGE_CHOICE = /^\*([1-9])$/;

export async function entry(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const digits = enteredDigits(ctx, req, st);
  if (CONFERENCE_ID_PATTERN.test(digits)) {
    const [reserved, result] = await Promise.all([
      ctx.callers.reserve(st.bridgeId, req, true),
      ctx.s.directory.lookupConferenceId(st.bridgeId, Number(digits)),
    ]);
    if (reserved.kind === 'retry') return reserved.twiml;
    if (reserved.kind === 'refused') return refusedEntry(ctx, req, st, reserved.check);
    try {
      if (result.status !== 'active') return await failedEntry(ctx, req, st, refusalReason(result), refusalMessage(result), reserved);
      const answer = callersMayStart(result) ? joinConference(ctx, st, result, 'participant') : leaderStep(ctx, st, digits);
      ctx.callers.settle(reserved, true, answer);
      return answer;
    } catch (err) {
      ctx.callers.abandon(reserved); // the caller hears an apology: nothing held against them
      throw err;
    }
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
