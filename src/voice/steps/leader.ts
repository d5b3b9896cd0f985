// POST /voice/leader (the organizer step) and POST /voice/pin (the leader PIN). Both look the
// ID up again first: a reset that lands between two steps wins. A PIN is verified only after its
// attempt is reserved against the organizer's limits (pin-limits.ts).
import type { ActiveConference } from '../../directory/directory.js';
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
  const owner = await ctx.pins.organizerOf(r.conference);
  if (await ctx.pins.locked(owner, req.from)) return pinLocked(ctx, st, r.conference);
  // "*12345#" typed ahead in one go is a PIN already.
  if (digits.length > 1) return checkPin(ctx, req, st, r.conference, owner, digits.slice(1));
  return pinPrompt(ctx, { ...st, pinTries: 0 });
}

export async function pin(ctx: VoiceContext, req: VoiceRequest, st: CallState): Promise<string> {
  const r = await recheck(ctx, req, st);
  if (!r.ok) return r.answer;
  const owner = await ctx.pins.organizerOf(r.conference);
  if (await ctx.pins.locked(owner, req.from)) return pinLocked(ctx, st, r.conference);
  return checkPin(ctx, req, st, r.conference, owner, enteredDigits(ctx, req, st));
}

function pinLocked(ctx: VoiceContext, st: CallState, conference: ActiveConference): string {
  ctx.s.metrics.entryFailed('pin_locked');
  return joinConference(ctx, st, conference, 'participant', ['pinLocked']);
}

async function checkPin(ctx: VoiceContext, req: VoiceRequest, st: CallState, conference: ActiveConference, owner: string, entered: string): Promise<string> {
  const tries = (st.pinTries ?? 0) + 1;
  if (entered !== '') {
    const [reserved, stored] = await Promise.all([
      ctx.pins.reserve(owner, req),
      ctx.s.directory.leaderPinHash(st.bridgeId, conference.ownerKind, conference.ownerId),
    ]);
    if (reserved.kind === 'retry') return reserved.twiml;
    if (reserved.kind === 'refused') return pinLocked(ctx, st, conference);
    try {
      if (stored.status === 'unavailable') {
        ctx.log.warn({ callSid: req.callSid }, 'leader PIN could not be checked (cache and database down); joining as participant');
        const answer = joinConference(ctx, st, conference, 'participant', ['pinAttemptsUsed']);
        ctx.pins.settle(reserved, true, answer);
        return answer;
      }
      const right = await checkLeaderPin(ctx.s, { bridgeId: st.bridgeId, ...conference }, entered, stored.hash);
      ctx.s.metrics.leaderPinChecks.inc({ outcome: right ? 'right' : 'wrong' });
      if (right) {
        const answer = joinConference(ctx, st, conference, 'leader');
        ctx.pins.settle(reserved, true, answer);
        return answer;
      }
      ctx.s.metrics.entryFailed('wrong_pin');
      const answer = ctx.pins.wrongPin(owner, reserved, { callSid: req.callSid, from: req.from, tenantId: conference.tenantId })
        ? joinConference(ctx, st, conference, 'participant', ['wrongPin', 'pinLocked'])
        : nextPinPrompt(ctx, st, conference, tries, ['wrongPin']);
      ctx.pins.settle(reserved, false, answer);
      return answer;
    } catch (err) {
      ctx.pins.abandon(reserved); // the caller hears an apology: nothing held against them
      throw err;
    }
  }
  return nextPinPrompt(ctx, st, conference, tries, ['tryAgain']);
}

function nextPinPrompt(ctx: VoiceContext, st: CallState, conference: ActiveConference, tries: number, message: ['wrongPin'] | ['tryAgain']): string {
  if (tries >= MAX_PIN_TRIES) return joinConference(ctx, st, conference, 'participant', [...message, 'pinAttemptsUsed']);
  return pinPrompt(ctx, { ...st, pinTries: tries }, [...message]);
}
