// A caller with a valid ID whose tenant's meetings are held elsewhere: put through to the SIP
// destination with <Dial action><Sip>, the meeting's name in the destination's room header (a
// Jitsi room's JID for a mapper ID). The sealed passwords are opened here, for this document
// only. When the SIP leg ends, Twilio posts DialCallStatus to /voice/dial-ended.
import type { ActiveConference } from '../directory/directory.js';
import type { SipDestination } from '../directory/entries.js';
import type { PromptKey } from '../domain/prompts.js';
import { MAX_SIP_URI_LENGTH, sealedFor, sipUri } from '../domain/sip.js';
import type { VoiceContext } from './context.js';
import type { CallState } from './state.js';
import { dialSip, hangup, response } from './twiml.js';

/** Seconds Twilio waits for the SIP endpoint to answer. */
const SIP_ANSWER_TIMEOUT_S = 30;

export function dialDestination(ctx: VoiceContext, st: CallState, c: ActiveConference, d: SipDestination, role: 'leader' | 'participant', lead: PromptKey[] = []): string {
  let password: string | undefined;
  let roomPassword: string | undefined;
  try {
    password = d.password ? ctx.s.secrets.open(Buffer.from(d.password, 'base64url'), sealedFor('sip-password', d.id)) : undefined;
    roomPassword = d.roomPassword ? ctx.s.secrets.open(Buffer.from(d.roomPassword, 'base64url'), sealedFor('room-password', d.id)) : undefined;
  } catch {
    ctx.log.error({ destinationId: d.id }, 'the SIP destination\'s passwords cannot be opened (SECRETS_KEY differs from the one they were set with); set them again');
    ctx.s.metrics.meetingDialEnded('refused');
    return unreachable(ctx, st);
  }
  const headers: [string, string][] = [[d.roomHeader, c.sipRoom]];
  if (d.roleHeader) headers.push([d.roleHeader, role]);
  if (d.roomPasswordHeader && roomPassword !== undefined) headers.push([d.roomPasswordHeader, roomPassword]);
  const uri = sipUri(d.uriTemplate, c.sipRoom, headers);
  if (uri.length > MAX_SIP_URI_LENGTH) {
    ctx.log.error({ destinationId: d.id, length: uri.length }, 'the SIP URI for this meeting is longer than Twilio dials; shorten the destination\'s URI template or header names');
    ctx.s.metrics.meetingDialEnded('refused');
    return unreachable(ctx, st);
  }
  ctx.s.metrics.callerJoined(role);
  return response(
    ctx.voices.for(st.language).say([...lead, role === 'leader' ? 'joiningAsLeader' : 'joining']),
    dialSip(uri, { action: ctx.urls.step('dialEnded', st), method: 'POST', timeout: SIP_ANSWER_TIMEOUT_S }, { username: d.username ?? undefined, password }),
  );
}

/** The caller cannot be put through: said in the call's language, then a hangup. */
export function unreachable(ctx: VoiceContext, st: CallState): string {
  return response(ctx.voices.for(st.language).say(['meetingUnreachable']), hangup());
}
