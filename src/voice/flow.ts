// The answers the steps share: the ID prompt, a refused entry, the organizer step, the PIN
// prompt and joining the conference. Each returns a whole TwiML document.
import type { ActiveConference, ConferenceIdLookupResult } from '../directory/directory.js';
import type { EntryFailure } from '../metrics.js';
import type { Reserved } from './attempts.js';
import type { VoiceContext, VoiceRequest } from './context.js';
import type { PromptKey } from '../domain/prompts.js';
import type { CallState } from './state.js';
import type { Speaker } from './speech.js';
import type { Step } from './urls.js';
import { dialDestination } from './destination.js';
import { dialConference, gather, hangup, pause, response, type GatherAttrs, type Xml } from './twiml.js';

/** Failed ID entries, and PIN prompts, one call may use. */
export const MAX_ID_ATTEMPTS = 3;
export const MAX_PIN_TRIES = 3;
export const MAX_PARTICIPANTS = 250;
/**
 * ID prompts one call may hear: the first, and each again after a language switch, a silence or
 * a failed entry. A caller who only switches languages (or says nothing) cannot hold the line.
 */
export const MAX_ID_PROMPTS = 6;
/** Seconds of silence after a prompt before the Gather gives up. */
const ID_TIMEOUT_S = 6;
const LEADER_TIMEOUT_S = 4;
const PIN_TIMEOUT_S = 6;
/** Seconds of silence after speech that end a spoken entry (digits are often said in groups). */
const SPEECH_PAUSE_S = 3;

/**
 * Asks for the conference ID; `lead` is said first (why we ask again). Past MAX_ID_PROMPTS in the
 * call, says goodbye instead (counted in attendant_voice_prompt_limit_total).
 */
export function idPrompt(ctx: VoiceContext, current: CallState, lead: PromptKey[] = [], before: Xml[] = []): string {
  const st: CallState = { ...current, prompts: (current.prompts ?? 0) + 1 };
  const speaker = ctx.voices.for(st.language);
  if (st.prompts! > MAX_ID_PROMPTS) {
    ctx.s.metrics.promptLimitReached.inc();
    return response(...before, speaker.say([...lead, 'tooManyPrompts']), hangup());
  }
  const spoken = spokenIn(st, speaker);
  const content: Xml[] = [speaker.say(spoken ? [...lead, 'enterId', 'orSayIt'] : [...lead, 'enterId'])];
  if (st.menu) {
    for (let i = 1; i < st.languages.length; i++) content.push(ctx.voices.for(st.languages[i]!).say(['languageOption'], { digit: i }));
  }
  return response(...before, gather(entryGather(ctx, 'entry', st, ID_TIMEOUT_S, spoken), ...content));
}

/** The speech recognition language of a prompt, when the call offers spoken entry and it has one. */
const spokenIn = (st: CallState, speaker: Speaker): string | null => (st.speech ? speaker.speechLanguage : null);

/** The <Gather> of an ID or PIN prompt: keys until '#', and speech where `spoken` names a language. */
function entryGather(ctx: VoiceContext, step: Step, st: CallState, timeout: number, spoken: string | null): GatherAttrs {
  const action = ctx.urls.step(step, st);
  if (!spoken) return { action, input: 'dtmf', finishOnKey: '#', timeout, actionOnEmptyResult: true };
  return {
    action, input: 'dtmf speech', language: spoken, speechModel: 'numbers_and_commands', speechTimeout: String(SPEECH_PAUSE_S),
    finishOnKey: '#', timeout, actionOnEmptyResult: true,
  };
}

/** The metric reason of a lookup that does not admit. */
export function refusalReason(result: Exclude<ConferenceIdLookupResult, ActiveConference>): EntryFailure {
  return result.status;
}

/** What a caller is told for an ID that does not admit them. */
export function refusalMessage(result: Exclude<ConferenceIdLookupResult, ActiveConference>): PromptKey[] {
  switch (result.status) {
    case 'retired': return ['retiredId'];
    case 'unavailable': return ['cannotCheck', 'tryAgain'];
    default: return ['unknownId'];
  }
}

/**
 * A failed ID entry, counted for the call and (through its reservation, see caller-limits.ts)
 * for the calling number on this bridge, unless the service itself could not check. The third in
 * a call, or the one that takes the number to its limit, ends the call with a goodbye; otherwise
 * the caller is asked again. `reserved`: the entry's reservation (absent: reserved here).
 */
export async function failedEntry(ctx: VoiceContext, req: VoiceRequest, st: CallState, reason: EntryFailure, message: PromptKey[], reserved?: Reserved): Promise<string> {
  const guess = GUESSES.has(reason);
  reserved ??= await ctx.callers.reserve(st.bridgeId, req, guess);
  if (reserved.kind === 'retry') return reserved.twiml;
  if (reserved.kind === 'refused') return refusedEntry(ctx, req, st, reserved.check);
  ctx.s.metrics.entryFailed(reason);
  // The service's own trouble ('unavailable') is not held against the caller's number.
  const countsAgainstCaller = reason !== 'unavailable';
  const failures = st.failures + 1;
  let limitReached = false;
  let pauseS = 0;
  if (reserved.kind === 'ok' && countsAgainstCaller) {
    const [own, bridge] = reserved.reservation.counts;
    limitReached = ctx.callers.noteFailure(req.from, own!, req.callSid);
    if (guess && bridge !== undefined) {
      pauseS = ctx.alarm.pauseFor(st.bridgeId, bridge);
      if (bridge >= ctx.callers.settings.bridgeCeilingPerMin) void ctx.alarm.ceilingReached(st.bridgeId, bridge);
    }
  }
  const speaker = ctx.voices.for(st.language);
  const answer = limitReached || failures >= MAX_ID_ATTEMPTS
    ? response(...slowDown(pauseS), speaker.say([...message, 'tooManyAttempts']), hangup())
    : idPrompt(ctx, { ...st, failures, conferenceId: undefined, pinTries: undefined }, message, slowDown(pauseS));
  ctx.callers.settle(reserved, !countsAgainstCaller, answer);
  return answer;
}

/**
 * An entry its reservation refused: the calling number is over its limit on this bridge (the
 * call ends with a goodbye), or the bridge is over its ceiling (the caller hears "busy"). Right
 * or wrong, the entry was not acted on.
 */
export function refusedEntry(ctx: VoiceContext, req: VoiceRequest, st: CallState, check: number): string {
  const speaker = ctx.voices.for(st.language);
  if (check === 0) {
    ctx.s.metrics.entryFailed('blocked');
    ctx.log.info({ callSid: req.callSid }, 'entry refused: caller over the failed-entry limit');
    return response(speaker.say(['tooManyAttempts']), hangup());
  }
  ctx.s.metrics.entryFailed('busy');
  void ctx.alarm.ceilingReached(st.bridgeId, ctx.callers.settings.bridgeCeilingPerMin);
  return response(speaker.say(['bridgeBusy']), hangup());
}

/** Entries that look like guessing an ID (silence and the service's own trouble do not). */
const GUESSES = new Set<EntryFailure>(['unknown', 'retired', 'expired', 'malformed']);
const slowDown = (seconds: number): Xml[] => (seconds > 0 ? [pause(seconds)] : []);

/** The organizer step: '*' (then '#' or a pause) asks for the PIN; '#' or silence joins. */
export function leaderStep(ctx: VoiceContext, st: CallState, conferenceId: string): string {
  const next: CallState = { ...st, conferenceId, pinTries: 0 };
  return response(gather(
    { action: ctx.urls.step('leader', next), input: 'dtmf', finishOnKey: '#', timeout: LEADER_TIMEOUT_S, actionOnEmptyResult: true },
    ctx.voices.for(st.language).say(['leaderStep']),
  ));
}

export function pinPrompt(ctx: VoiceContext, st: CallState, lead: PromptKey[] = []): string {
  const speaker = ctx.voices.for(st.language);
  const spoken = spokenIn(st, speaker);
  return response(gather(
    entryGather(ctx, 'pin', st, PIN_TIMEOUT_S, spoken),
    speaker.say(spoken ? [...lead, 'enterPin', 'orSayIt'] : [...lead, 'enterPin']),
  ));
}

/** True when a caller without the PIN may start the room (no organizer step; a Jitsi room has no organizer). */
export const callersMayStart = (c: ActiveConference) => c.started || c.allowCallersToStartMeeting || c.ownerKind === 'room';

/**
 * Puts the caller into the room. The leader starts it; so does anyone once it runs or when the
 * tenant lets callers start meetings (a room marked running whose 'end' callback got lost then
 * still lets people talk, rather than leaving everyone on hold for a leader step we skip).
 * Everyone may wait in it (a participant for the organizer, a leader or an early caller for the
 * others), so every <Conference> carries HOLD_MUSIC_URL when it is set.
 */
export function joinConference(ctx: VoiceContext, st: CallState, c: ActiveConference, role: 'leader' | 'participant', lead: PromptKey[] = []): string {
  // the tenant's meetings are held elsewhere (Jitsi, a SIP bridge): put the caller through there
  if (c.destination) return dialDestination(ctx, st, c, c.destination, role, lead);
  ctx.s.metrics.callerJoined(role);
  const starts = role === 'leader' || callersMayStart(c);
  const announce: PromptKey = role === 'leader' ? 'joiningAsLeader' : starts ? 'joining' : 'waitForLeader';
  return response(
    ctx.voices.for(st.language).say([...lead, announce]),
    dialConference(c.room, {
      startConferenceOnEnter: starts,
      endConferenceOnExit: false,
      beep: c.entryExitAnnouncements === 'tones',
      maxParticipants: MAX_PARTICIPANTS,
      waitUrl: ctx.holdMusicUrl,
      waitMethod: ctx.holdMusicUrl !== undefined ? 'GET' : undefined,
      statusCallback: ctx.urls.conferenceEvents(st.bridgeId),
      statusCallbackEvent: 'start end join leave',
      statusCallbackMethod: 'POST',
    }),
  );
}

/** Spoken apology and hangup: the answer to anything unexpected. */
export function apology(ctx: VoiceContext, language: string | undefined): string {
  return response(ctx.voices.for(language ?? 'en-US').say(['apology']), hangup());
}
