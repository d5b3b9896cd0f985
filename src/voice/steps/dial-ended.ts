// POST /voice/dial-ended: the <Dial action> of a call sent to a SIP destination. Twilio posts it
// when the SIP leg ends, with DialCallStatus (completed, answered, busy, no-answer, failed,
// canceled) and, for SIP, DialSipResponseCode. A leg that never connected gets a clear message
// instead of silence; one that connected and ended (or a caller who hung up) ends the call.
import { field, type VoiceContext, type VoiceRequest } from '../context.js';
import { unreachable } from '../destination.js';
import type { CallState } from '../state.js';
import { hangup, response } from '../twiml.js';

const KNOWN = new Set(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const);
type DialStatus = typeof KNOWN extends Set<infer T> ? T : never;

export async function dialEnded(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const raw = field(req.params, 'DialCallStatus');
  const status = KNOWN.has(raw as DialStatus) ? (raw as DialStatus) : null;
  if (status === 'completed' || status === 'answered' || status === 'canceled') {
    ctx.s.metrics.meetingDialEnded(status);
    return response(hangup());
  }
  ctx.s.metrics.meetingDialEnded(status ?? 'other');
  const sipResponseCode = field(req.params, 'DialSipResponseCode');
  ctx.log.warn({ callSid: req.callSid, dialStatus: raw.slice(0, 20) || undefined, sipResponseCode: /^\d{3}$/.test(sipResponseCode) ? Number(sipResponseCode) : undefined },
    'the meeting could not be reached over SIP; the caller was told');
  return unreachable(ctx, st);
}
