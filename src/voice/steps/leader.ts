// POST /voice/leader (the organizer step) and POST /voice/pin (the leader PIN). Both look the
// ID up again first: a reset that lands between two steps wins.
import type { ActiveConference } from '../../directory/directory.js';
import { ownerRef } from '../../lib/refs.js';
import { checkLeaderPin } from '../../commands/check-leader-pin.js';
import { field, type VoiceContext, type VoiceRequest } from '../context.js';
import { callersMayStart, failedEntry, joinConference, MAX_PIN_TRIES, pinPrompt, refusalMessage, refusalReason } from '../flow.js';
import { enteredDigits } from '../spoken.js';
import type { CallState } from '../state.js';

type Recheck = { ok: true; conference: ActiveConference } | { ok: false; answer: string };

async function recheck(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<Recheck> {
  if (st.conferenceId === undefined) throw new Error('organizer step without a conference ID in its state');
  const result = await ctx.s.directory.lookupConferenceId(st.bridgeId, Number(st.conferenceId));
  if (result.status === 'active') return { ok: true, conference: result };
  return { ok: false, answer: await failedEntry(ctx, req, st, refusalReason(result), refusalMessage(result)) };
}

export async function leader(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const r = await recheck(ctx, req, st);
  if (!r.ok) return r.answer;
  const digits = field(req.params, 'Digits');
  // The meeting started meanwhile, or anything but '*': join as a participant.
  if (callersMayStart(r.conference) || !digits.startsWith('*')) return joinConference(ctx, st, r.conference, 'participant');
  const owner = ownerRef(r.conference.ownerKind, r.conference.ownerId);
  if (await ctx.pins.locked(owner)) return joinConference(ctx, st, r.conference, 'participant', ['pinLocked']);
  // "*12345#" typed ahead in one go is a PIN already.
  if (digits.length > 1) return checkPin(ctx, req, st, r.conference, owner, digits.slice(1));
  return pinPrompt(ctx, { ...st, pinTries: 0 });
}

export async function pin(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const r = await recheck(ctx, req, st);
  if (!r.ok) return r.answer;
  const owner = ownerRef(r.conference.ownerKind, r.conference.ownerId);
  if (await ctx.pins.locked(owner)) return joinConference(ctx, st, r.conference, 'participant', ['pinLocked']);
  return checkPin(ctx, req, st, r.conference, owner, enteredDigits(ctx, req, st));
}

async function checkPin(ctx: VoiceContext, req: VoiceRequest, st: CallState, conference: ActiveConference, owner: string, entered: string): Promise<string> {
  const tries = (st.pinTries ?? 0) + 1;
  if (entered !== '') {
    const stored = await ctx.s.directory.leaderPinHash(st.bridgeId, conference.ownerKind, conference.ownerId);
    if (stored.status === 'unavailable') {
      ctx.log.warn({ callSid: req.callSid }, 'leader PIN could not be checked (cache and database down); joining as participant');
      return joinConference(ctx, st, conference, 'participant', ['pinAttemptsUsed']);
    }
    if (await checkLeaderPin(ctx.s, { bridgeId: st.bridgeId, ...conference }, entered, stored.hash)) return joinConference(ctx, st, conference, 'leader');
    ctx.s.metrics.entryFailed('wrong_pin');
    if (await ctx.pins.recordWrongPin(owner, { callSid: req.callSid, from: req.from })) {
      return joinConference(ctx, st, conference, 'participant', ['wrongPin', 'pinLocked']);
    }
  }
  const message = entered === '' ? (['tryAgain'] as const) : (['wrongPin'] as const);
  if (tries >= MAX_PIN_TRIES) return joinConference(ctx, st, conference, 'participant', [...message, 'pinAttemptsUsed']);
  return pinPrompt(ctx, { ...st, pinTries: tries }, [...message]);
}
