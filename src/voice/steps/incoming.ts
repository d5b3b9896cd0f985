// POST /voice/incoming, the Voice URL of every dial-in number: the dialed number picks the
// bridge and the languages; a caller over the failure limit is turned away without a prompt,
// and every new call to a bridge over its failed-entry ceiling hears "busy".
import { maskNumber } from '../../logging.js';
import type { VoiceContext, VoiceRequest } from '../context.js';
import { apology, idPrompt } from '../flow.js';
import type { CallState } from '../state.js';
import { hangup, response } from '../twiml.js';

/** Secondary languages offered in the menu, in the number's order. */
export const MAX_MENU_LANGUAGES = 4;

export async function incoming(ctx: VoiceContext, req: VoiceRequest): Promise<string> {
  const number = await ctx.s.directory.lookupNumber(req.to);
  if (number.status === 'unavailable') {
    ctx.log.error({ callSid: req.callSid, to: req.to }, 'dialed number could not be looked up (cache and database down)');
    return apology(ctx, undefined);
  }
  if (number.status === 'not_found') {
    ctx.log.info({ callSid: req.callSid, to: req.to }, 'call to a number that is not in service');
    ctx.s.metrics.entryFailed('not_in_service');
    return response(ctx.voices.for('en-US').say(['notInService']), hangup());
  }
  const admission = await ctx.callers.admission(number.bridgeId, req.from);
  if (admission.verdict === 'busy') {
    // war dialing: the bridge is over its ceiling of failed entries (callers inside are not touched)
    ctx.s.metrics.entryFailed('busy');
    void ctx.alarm.ceilingReached(number.bridgeId, admission.bridgeCount);
    return response(ctx.voices.for(number.primaryLanguage).say(['bridgeBusy']), hangup());
  }
  if (admission.verdict === 'blocked') {
    ctx.log.info({ callSid: req.callSid, caller: maskNumber(req.from) }, 'call refused: caller over the failed-entry limit');
    ctx.s.metrics.entryFailed('blocked');
    return response(ctx.voices.for(number.primaryLanguage).say(['callerBlocked']), hangup());
  }
  const secondary = number.secondaryLanguages.slice(0, MAX_MENU_LANGUAGES);
  const st: CallState = {
    bridgeId: number.bridgeId,
    language: number.primaryLanguage,
    languages: [number.primaryLanguage, ...secondary],
    menu: secondary.length > 0,
    failures: 0,
  };
  if (number.speechInput) st.speech = true;
  return idPrompt(ctx, st, ['welcome']);
}
