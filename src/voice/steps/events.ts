// Twilio's callbacks: conference status events (which rooms run, so the organizer step is
// skipped once the meeting has started), call status (call endings) and the fallback URL.
import { roomOwner } from '../../directory/rooms.js';
import { maskNumber } from '../../logging.js';
import { field, type VoiceContext, type VoiceRequest } from '../context.js';
import { apology } from '../flow.js';
import { response } from '../twiml.js';

const EMPTY = response();

/** POST /voice/conference-events?b=<bridge ref> */
export async function conferenceEvent(ctx: VoiceContext, req: VoiceRequest, bridgeId: string): Promise<string> {
  const event = field(req.params, 'StatusCallbackEvent');
  const room = field(req.params, 'FriendlyName');
  const owner = roomOwner(room);
  if (!owner) {
    ctx.log.warn({ event, conferenceSid: field(req.params, 'ConferenceSid') }, 'conference event for a room this service does not name');
    return EMPTY;
  }
  try {
    if (event === 'conference-start') await ctx.s.directory.roomStarted(bridgeId, owner.kind, owner.id, timestampMs(req));
    else if (event === 'conference-end') await ctx.s.directory.roomEnded(bridgeId, owner.kind, owner.id);
  } catch (err) {
    // Only the organizer step depends on it: callers are offered it while the room looks idle.
    ctx.log.warn({ err: (err as Error).message, event, room }, 'conference event not recorded');
  }
  ctx.log.debug({ event, room, callSid: req.callSid || undefined }, 'conference event');
  return EMPTY;
}

/** Twilio's Timestamp (RFC 2822) when it parses, else now. */
function timestampMs(req: VoiceRequest): number {
  const t = Date.parse(field(req.params, 'Timestamp'));
  return Number.isFinite(t) && Math.abs(t - Date.now()) < 3600_000 ? t : Date.now();
}

const ENDINGS = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** POST /voice/status: the number's call status callback; endings are logged and counted. */
export function callStatus(ctx: VoiceContext, req: VoiceRequest): string {
  const status = field(req.params, 'CallStatus');
  const ended = ENDINGS.has(status);
  if (ended) ctx.s.metrics.callsEnded.inc({ status });
  ctx.log[ended ? 'info' : 'debug']({
    callSid: req.callSid, status, durationS: Number(field(req.params, 'CallDuration')) || undefined,
    caller: maskNumber(req.from), to: req.to,
  }, ended ? 'call ended' : 'call status');
  return EMPTY;
}

/**
 * POST /voice/fallback, the number's Voice Fallback URL: Twilio calls it when a webhook of
 * the call failed or took too long (ErrorCode, ErrorUrl). The caller hears an apology instead
 * of Twilio's "application error"; operators see the error in the log.
 */
export function fallback(ctx: VoiceContext, req: VoiceRequest): string {
  const errorUrl = field(req.params, 'ErrorUrl');
  ctx.log.error({ callSid: req.callSid, errorCode: field(req.params, 'ErrorCode'), errorPath: errorUrl ? new URL(errorUrl, ctx.urls.publicBaseUrl).pathname : undefined }, 'Twilio used the fallback URL: a voice webhook failed or timed out');
  ctx.s.metrics.entryFailed('unavailable');
  return apology(ctx, undefined);
}
