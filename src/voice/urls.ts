// Every URL the voice flow hands to Twilio, and the URL a request's signature is checked against.
// Both come from PUBLIC_BASE_URL, which may carry a path: behind a proxy that serves the service
// under https://host/attendant and forwards /attendant/voice/x to /voice/x, PUBLIC_BASE_URL is
// https://host/attendant and every URL here starts with it. Never the Host or X-Forwarded headers.
import { uuidToRef } from '../lib/refs.js';
import { VOICE_PATHS } from '../domain/voice-paths.js';
import { encodeState, type CallState } from './state.js';

export { VOICE_PATHS };

export type Step = 'entry' | 'leader' | 'pin' | 'dialEnded';

export class VoiceUrls {
  /** `publicBaseUrl` without a trailing slash (config.ts strips it). */
  constructor(readonly publicBaseUrl: string) {
    if (publicBaseUrl.endsWith('/')) throw new Error('PUBLIC_BASE_URL must not end with /');
  }

  /** Where Twilio posts the caller's keys for `step`, with the call's state in the query. */
  step(step: Step, state: CallState): string {
    return `${this.publicBaseUrl}${VOICE_PATHS[step]}?${encodeState(state)}`;
  }

  /** Conference status callbacks of a room on `bridgeId`. */
  conferenceEvents(bridgeId: string): string {
    return `${this.publicBaseUrl}${VOICE_PATHS.conferenceEvents}?b=${uuidToRef(bridgeId)}`;
  }

  /** What Twilio requested, given the path and query the service received (`req.url`). */
  requested(pathAndQuery: string): string {
    return this.publicBaseUrl + pathAndQuery;
  }
}
