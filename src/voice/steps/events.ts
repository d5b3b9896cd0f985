// Twilio's callbacks: conference status events (which rooms run, so the organizer step is
// skipped once the meeting has started), call status (call endings) and the fallback URL.
import { roomOwner } from '../../directory/rooms.js';
import { maskNumber } from '../../logging.js';
import { field, type VoiceContext, type VoiceRequest } from '../context.js';
import { apology } from '../flow.js';
import { response } from '../twiml.js';

const EMPTY = response();

/**
 * Start callbacks older than this (by Twilio's Timestamp) never mark a room started; last events
 * and seen SequenceNumbers are kept twice as long.
 */
export const CONFERENCE_EVENT_MAX_AGE_MS = 10 * 60_000;

/**
 * POST /voice/conference-events?b=<bridge ref>. A start marks the room started (callers then skip
 * the organizer step), so a start is believed only when it is recent, newer than the room's last
 * event, and its SequenceNumber was not seen before for its conference: a replayed or late start
 * cannot let callers past the organizer step. An end always takes the start away (the safe way).
 */
export async function conferenceEvent(ctx: VoiceContext, req: VoiceRequest, bridgeId: string): Promise<string> {
  const event = field(req.params, 'StatusCallbackEvent');
  const kind = event === 'conference-start' ? 'start' : event === 'conference-end' ? 'end' : null;
  const room = field(req.params, 'FriendlyName');
  const owner = roomOwner(room);
  const conferenceSid = field(req.params, 'ConferenceSid');
  if (!owner) {
    ctx.log.warn({ event, conferenceSid }, 'conference event for a room this service does not name');
    return EMPTY;
  }
  if (kind === null) {
    ctx.log.debug({ event, room, callSid: req.callSid || undefined }, 'conference event');
    return EMPTY;
  }
  const now = Date.now();
  const at = Date.parse(field(req.params, 'Timestamp'));
  if (kind === 'start' && !(Math.abs(now - at) <= CONFERENCE_EVENT_MAX_AGE_MS)) {
    ctx.log.warn({ event, room, conferenceSid, timestamp: field(req.params, 'Timestamp') || undefined }, 'conference start ignored: its Timestamp is missing or not within 10 minutes of now (a replay?)');
    return EMPTY;
  }
  const sequence = field(req.params, 'SequenceNumber');
  try {
    const outcome = await ctx.s.directory.roomEvent(bridgeId, owner.kind, owner.id, {
      kind,
      atMs: Number.isFinite(at) ? at : now,
      conferenceSid: SID.test(conferenceSid) ? conferenceSid : 'none',
      sequence: SID.test(conferenceSid) && SEQUENCE.test(sequence) ? sequence : null,
    }, 2 * CONFERENCE_EVENT_MAX_AGE_MS, now);
    if (outcome !== 'applied') ctx.log.warn({ event, room, conferenceSid, sequence, outcome }, 'conference event ignored: a replay, or older than the room\'s last event');
  } catch (err) {
    // Only the organizer step depends on it: callers are offered it while the room looks idle.
    ctx.log.warn({ err: (err as Error).message, event, room }, 'conference event not recorded');
  }
  ctx.log.debug({ event, room, callSid: req.callSid || undefined }, 'conference event');
  return EMPTY;
}

const SID = /^[A-Za-z0-9]{1,64}$/;
const SEQUENCE = /^[0-9]{1,12}$/;

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
