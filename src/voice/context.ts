// What every voice step is given: the services, and the voice parts built once per process.
import type { Logger } from '../logging.js';
import type { Services } from '../services.js';
import { CallerLimits, PinGuard } from './abuse.js';
import { BridgeAlarm } from './bridge-alarm.js';
import { promptCatalogue, type PromptCatalogue } from '../domain/prompts.js';
import type { Params } from './signature.js';
import { WebhookReplays } from './replays.js';
import { Voices } from './speech.js';
import { VoiceUrls } from './urls.js';

export interface VoiceContext {
  readonly s: Services;
  readonly log: Logger;
  readonly urls: VoiceUrls;
  readonly voices: Voices;
  readonly callers: CallerLimits;
  readonly pins: PinGuard;
  readonly alarm: BridgeAlarm;
  readonly holdMusicUrl: string | undefined;
  readonly replays: WebhookReplays;
}

/** One webhook, signature already checked. */
export interface VoiceRequest {
  readonly params: Params;
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
}

export function createVoiceContext(s: Services, catalogue: PromptCatalogue = promptCatalogue()): VoiceContext {
  const log = s.log.child({ component: 'voice' });
  return {
    s,
    log,
    urls: new VoiceUrls(s.config.publicBaseUrl),
    voices: new Voices(catalogue, s.config.ttsVoice, log),
    callers: new CallerLimits(s.cache, s.keys, s.config.callerFailureLimit, s.config.callerFailureWindowS * 1000, log),
    pins: new PinGuard(s.cache, s.keys, log),
    alarm: new BridgeAlarm(s.cache, s.keys, s.metrics, log, s.config.bridgeAlarmFailuresPerMin, s.config.bridgeAlarmDelayS),
    holdMusicUrl: s.config.holdMusicUrl,
    replays: new WebhookReplays(s.cache, s.keys, log, () => s.metrics.webhookRetries.inc()),
  };
}

/** A single-valued form field ('' when absent). */
export function field(params: Params, name: string): string {
  const v = params[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
}
