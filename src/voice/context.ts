// What every voice step is given: the services, and the voice parts built once per process.
import type { Logger } from '../logging.js';
import type { Services } from '../services.js';
import { CallerDigests } from '../cache/caller-digest.js';
import { Attempts } from './attempts.js';
import { CallerLimits } from './caller-limits.js';
import { PinLimits } from './pin-limits.js';
import { BridgeAlarm } from './bridge-alarm.js';
import { promptCatalogue, type PromptCatalogue } from '../domain/prompts.js';
import type { Params } from './signature.js';
import { Voices } from './speech.js';
import { VoiceUrls } from './urls.js';

export interface VoiceContext {
  readonly s: Services;
  readonly log: Logger;
  readonly urls: VoiceUrls;
  readonly voices: Voices;
  readonly callers: CallerLimits;
  readonly pins: PinLimits;
  readonly alarm: BridgeAlarm;
  readonly holdMusicUrl: string | undefined;
}

/** One webhook, signature already checked. */
export interface VoiceRequest {
  readonly params: Params;
  readonly callSid: string;
  /** The URL as received (path and query): with the CallSid, names one step of one call. */
  readonly pathAndQuery: string;
  readonly from: string;
  readonly to: string;
}

export function createVoiceContext(s: Services, catalogue: PromptCatalogue = promptCatalogue()): VoiceContext {
  const log = s.log.child({ component: 'voice' });
  const c = s.config;
  const digests = new CallerDigests(c.secretsKey.key);
  const attempts = new Attempts(s.cache, log, () => s.metrics.webhookRetries.inc());
  return {
    s,
    log,
    urls: new VoiceUrls(c.publicBaseUrl),
    voices: new Voices(catalogue, c.ttsVoice, log),
    callers: new CallerLimits(s.cache, s.keys, digests, attempts, {
      callerLimit: c.callerFailureLimit, withheldLimit: c.withheldFailureLimit, windowMs: c.callerFailureWindowS * 1000, bridgeCeilingPerMin: c.bridgeFailureCeilingPerMin,
    }, log),
    pins: new PinLimits(s, digests, attempts, { perCaller: c.pinFailureLimitPerCaller, perOrganizer: c.pinFailureLimitPerOrganizer, windowMs: c.pinFailureWindowS * 1000 }, log),
    alarm: new BridgeAlarm(s.cache, s.keys, s.metrics, log, c.bridgeAlarmFailuresPerMin, c.bridgeAlarmDelayS, c.bridgeFailureCeilingPerMin),
    holdMusicUrl: c.holdMusicUrl,
  };
}

/** A single-valued form field ('' when absent). */
export function field(params: Params, name: string): string {
  const v = params[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
}
