// A listening service with the voice router, the call simulator pointed at it, and the lines
// the service logged, so call-flow tests can play whole calls as Twilio would.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';
import { Conferences, SimulatedCall, Webhooks } from '../../src/simulator/index.js';
import { AUTH_TOKEN, createHarness, type Harness, type HarnessOptions } from '../support/harness.js';

export interface VoiceHarness extends Harness {
  serviceUrl: string;
  publicBaseUrl: string;
  conferences: Conferences;
  webhooks: Webhooks;
  /** Parsed log lines the service wrote. */
  logs: Record<string, unknown>[];
  /** The raw log text (to prove what is NOT in it). */
  logText(): string;
  call(to: string, options?: { from?: string }): SimulatedCall;
}

export async function createVoiceHarness(options: HarnessOptions = {}): Promise<VoiceHarness> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger('debug', {}, sink);
  const h = await createHarness({ log, ...options });
  // Served as main.ts serves it: /voice/* through the lean front, the rest through express.
  const server: Server = await new Promise((resolve) => {
    const srv = createServer(h.voice.front(h.app)).listen(0, '127.0.0.1', () => resolve(srv));
  });
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicBaseUrl = h.config.publicBaseUrl;
  const endpoint = { serviceUrl, publicBaseUrl, authToken: AUTH_TOKEN };
  const webhooks = new Webhooks(endpoint);
  const conferences = new Conferences(webhooks);
  return {
    ...h,
    serviceUrl,
    publicBaseUrl,
    conferences,
    webhooks,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join('\n'),
    call: (to, o = {}) => new SimulatedCall({ ...endpoint, to, from: o.from, conferences }),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await h.close();
    },
  };
}

/** Dials, enters the ID and '#', and skips an organizer step with '#'. */
export async function joinWith(call: SimulatedCall, conferenceId: string): Promise<SimulatedCall> {
  await call.dial();
  if (call.state !== 'gathering') return call;
  await call.press(`${conferenceId}#`);
  if (call.state === 'gathering' && call.gathering?.node.attrs.action?.includes('/voice/leader')) await call.press('#');
  return call;
}

/** The last thing the caller heard. */
export const lastHeard = (call: SimulatedCall) => call.heard.at(-1)?.text ?? '';

/** A 7-digit ID that is none of `taken`. */
export function unusedId(taken: (string | null)[]): string {
  for (;;) {
    const id = String(1_000_000 + Math.floor(Math.random() * 9_000_000));
    if (!taken.includes(id)) return id;
  }
}
