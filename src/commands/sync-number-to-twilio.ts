// Points a dial-in number's Twilio configuration at this service: Voice URL, fallback URL and
// status callback (all POST), with no TwiML App or SIP trunk overriding them. Idempotent: when
// Twilio already has all of it, nothing is written and the answer is "unchanged".
//
// Refusals (problem+json):
//   404 not_found                the number is not provisioned here
//   409 twilio_number_not_found  the Twilio account has no such phone number
//   502 twilio_auth_failed       Twilio answered 401/403: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are wrong
//   502 twilio_error             Twilio refused the request for another reason (its code and message)
//   503 unavailable              Twilio is not configured here, unreachable, failing (5xx), or still
//                                rate limiting (429) after retries (then with Retry-After)
import twilio from 'twilio';
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findNumber } from '../store/numbers.js';
import { twilioFor, TwilioRateLimited, type TwilioAccess } from '../twilio/client.js';
import { VOICE_PATHS } from '../domain/voice-paths.js';

/** Where Twilio sends a number's calls. The /voice routes themselves belong to the IVR. */
export function voiceConfigFor(publicBaseUrl: string) {
  return {
    voiceUrl: `${publicBaseUrl}${VOICE_PATHS.incoming}`,
    voiceMethod: 'POST',
    voiceFallbackUrl: `${publicBaseUrl}${VOICE_PATHS.fallback}`,
    voiceFallbackMethod: 'POST',
    statusCallback: `${publicBaseUrl}${VOICE_PATHS.status}`,
    statusCallbackMethod: 'POST',
  } as const;
}

export type VoiceConfig = ReturnType<typeof voiceConfigFor>;

export interface TwilioSyncResult extends VoiceConfig {
  number: string;
  status: 'updated' | 'unchanged';
  twilioSid: string;
  /** Twilio fields that were different and have been set. */
  changed: string[];
}

/** What Twilio holds for a number that decides where its calls go (twilio-node's field names). */
interface TwilioNumber {
  sid: string;
  phoneNumber: string;
  voiceUrl?: string | null;
  voiceMethod?: string | null;
  voiceFallbackUrl?: string | null;
  voiceFallbackMethod?: string | null;
  statusCallback?: string | null;
  statusCallbackMethod?: string | null;
  voiceApplicationSid?: string | null;
  trunkSid?: string | null;
  voiceReceiveMode?: string | null;
}

/** The update that makes `current` route to us; empty when it already does. */
export function voiceUpdate(current: TwilioNumber, want: VoiceConfig): Record<string, string> {
  const update: Record<string, string> = {};
  for (const [field, value] of Object.entries(want) as [keyof VoiceConfig, string][]) {
    const have = current[field] ?? '';
    const same = field.endsWith('Method') ? have.toUpperCase() === value : have === value;
    if (!same) update[field] = value;
  }
  // A TwiML App or a SIP trunk on the number makes Twilio ignore the voice URLs.
  if (current.voiceApplicationSid) update.voiceApplicationSid = '';
  if (current.trunkSid) update.trunkSid = '';
  if (current.voiceReceiveMode && current.voiceReceiveMode !== 'voice') update.voiceReceiveMode = 'voice';
  return update;
}

export async function syncNumberWithTwilio(
  s: Services,
  actor: Actor,
  number: string,
  access: TwilioAccess | null = twilioFor(s.config),
): Promise<TwilioSyncResult> {
  if (!(await findNumber(s.db, number))) throw notFound('dial-in number');
  if (!access) throw new AppError('unavailable', 'Twilio is not configured on this service: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
  const want = voiceConfigFor(s.config.publicBaseUrl);
  let sid: string;
  let update: Record<string, string>;
  try {
    // PhoneNumber is a pattern filter at Twilio (partial numbers match): keep only the exact one.
    const matches = (await access.client.incomingPhoneNumbers.list({ phoneNumber: number, limit: 50 })) as TwilioNumber[];
    const found = matches.find((n) => n.phoneNumber === number);
    if (!found) {
      throw new AppError('twilio_number_not_found', `${number} is not a phone number of Twilio account ${access.accountSid}; buy or port it into that account first`);
    }
    sid = found.sid;
    update = voiceUpdate(found, want);
    if (Object.keys(update).length) await access.client.incomingPhoneNumbers(sid).update(update);
  } catch (err) {
    throw twilioProblem(s, err, number);
  }
  const changed = Object.keys(update);
  if (changed.length) {
    await s.db.transaction((tx) => recordAudit(tx, {
      tenantId: null, actor, action: 'dial_in_number.twilio_synced', target: { type: 'dial_in_number', id: number }, details: { twilioSid: sid, changed },
    }));
  }
  return { number, status: changed.length ? 'updated' : 'unchanged', twilioSid: sid, changed, ...want };
}

/** Twilio's answer (or silence) → a contract error. Never carries credentials. */
function twilioProblem(s: Services, err: unknown, number: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof TwilioRateLimited) {
    s.log.warn({ attempts: err.attempts }, 'Twilio kept rate limiting number provisioning');
    return new AppError('unavailable', `Twilio is rate limiting requests (429, ${err.attempts} attempts); try again after ${err.retryAfterS} s`,
      undefined, { 'Retry-After': String(err.retryAfterS) });
  }
  if (err instanceof twilio.RestException) {
    s.log.warn({ status: err.status, twilioCode: err.code }, 'Twilio refused a provisioning request');
    const twilioSays = `Twilio answered HTTP ${err.status}${err.code ? ` (code ${err.code})` : ''}${err.message ? `: ${err.message}` : ''}`;
    if (err.status === 401 || err.status === 403) {
      return new AppError('twilio_auth_failed', `${twilioSays}; check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (retrying will not help)`);
    }
    if (err.status === 404) return new AppError('twilio_number_not_found', `${number} is no longer in the Twilio account (${twilioSays})`);
    if (err.status >= 500) return new AppError('unavailable', `${twilioSays}; try again later`);
    return new AppError('twilio_error', twilioSays);
  }
  const code = (err as { code?: unknown })?.code;
  s.log.warn({ code }, 'Twilio could not be reached');
  return new AppError('unavailable', `Twilio could not be reached${typeof code === 'string' ? ` (${code})` : ''}; try again later`);
}
