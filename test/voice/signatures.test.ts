// Signatures as Twilio really sends them. With a port in PUBLIC_BASE_URL, Twilio may sign the URL
// without it (as twilio.validateRequest allows); any other host, path or port is still refused.
// HMAC-SHA256 signatures announced by the settings header pass only when enabled.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml, sign } from '../../src/simulator/index.js';
import { AUTH_TOKEN, provision } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from './support.js';

const WITH_PORT = 'https://pbx.example.com:8443/attendant';
const PORTLESS = 'https://pbx.example.com/attendant';

describe('a PUBLIC_BASE_URL with a port', () => {
  let h: VoiceHarness;
  beforeAll(async () => { h = await createVoiceHarness({ env: { PUBLIC_BASE_URL: WITH_PORT } }); });
  afterAll(async () => { await h.close(); });

  it('accepts a whole call signed over the URLs without the port, as Twilio signs some requests', async () => {
    const { number, users: [u] } = await provision(h);
    const call = h.call(number);
    /** Posts to the URL the service wrote (with the port), signed over its portless spelling. */
    const post = async (url: string, extra: Record<string, string> = {}) => {
      expect(url.startsWith(`${WITH_PORT}/voice/`)).toBe(true);
      const params = call.params({ ...extra, CallStatus: 'in-progress' });
      const res = await h.webhooks.send(url, params, { signature: sign(AUTH_TOKEN, url.replace(WITH_PORT, PORTLESS), params) });
      expect(res.status, res.body).toBe(200);
      return parseTwiml(res.body);
    };
    const action = (doc: ReturnType<typeof parseTwiml>) => doc.children.find((n) => n.name === 'Gather')!.attrs.action!;
    const prompt = await post(`${WITH_PORT}/voice/incoming`);
    const leaderStep = await post(action(prompt), { Digits: u!.conferenceId!, FinishedOnKey: '#' });
    const pinPrompt = await post(action(leaderStep), { Digits: '*' });
    const joined = await post(action(pinPrompt), { Digits: u!.leaderPin!, FinishedOnKey: '#' });
    const conference = joined.children.find((n) => n.name === 'Dial')!.children[0]!;
    expect(conference.attrs.startConferenceOnEnter).toBe('true');
  });

  it('refuses a signature over another path, host or port with 403', async () => {
    const { number } = await provision(h);
    const params = h.call(number).params();
    const url = `${WITH_PORT}/voice/incoming`;
    for (const signedOver of [
      'https://pbx.example.com/voice/incoming', 'https://pbx.example.com/other/voice/incoming', 'https://pbx.example.com:8443/attendant/voice/entry',
      'https://evil.example.com/attendant/voice/incoming', 'https://evil.example.com:8443/attendant/voice/incoming', 'https://pbx.example.com:9443/attendant/voice/incoming',
      'http://pbx.example.com:8443/attendant/voice/incoming',
    ]) {
      const res = await h.webhooks.send(url, params, { signature: sign(AUTH_TOKEN, signedOver, params) });
      expect(res.status, signedOver).toBe(403);
      expect(res.body).not.toMatch(/<Response/);
    }
    const right = await h.webhooks.send(url, params, { signature: sign(AUTH_TOKEN, url, params) });
    expect(right.status).toBe(200);
  });
});

describe('HMAC-SHA256 signatures (Twilio SharedKey webhooks)', () => {
  const secret = `shared-${randomBytes(12).toString('hex')}`;
  const announce = { 'X-Twilio-Webhooks-Signature-Settings': 'key=webhooks_sharedkey_0123,algorithm=HMAC_SHA256' };
  let off: VoiceHarness;
  let on: VoiceHarness;
  let custom: VoiceHarness;
  beforeAll(async () => {
    [off, on, custom] = await Promise.all([
      createVoiceHarness(),
      createVoiceHarness({ env: { TWILIO_SHA256_SIGNATURES: 'shared-key', TWILIO_SHARED_KEY_SECRET: secret } }),
      createVoiceHarness({ env: { TWILIO_SHA256_SIGNATURES: 'auth-token', TWILIO_SIGNATURE_SETTINGS_HEADER: 'X-Attendant-Signature-Settings' } }),
    ]);
  });
  afterAll(async () => { await Promise.all([off, on, custom].map((h) => h?.close())); });

  const sha256 = (key: string, url: string, params: Record<string, string>) => twilio.getExpectedTwilioSignature(key, url, params, 'HMAC_SHA256');

  it('passes when enabled, with the configured key', async () => {
    const { number } = await provision(on);
    const params = on.call(number).params();
    const url = `${on.publicBaseUrl}/voice/incoming`;
    const res = await on.webhooks.send(url, params, { signature: sha256(secret, url, params), headers: announce });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Gather');
    // the auth token is not the key here, and an unannounced SHA-256 signature is not checked as one
    expect((await on.webhooks.send(url, params, { signature: sha256(AUTH_TOKEN, url, params), headers: announce })).status).toBe(403);
    expect((await on.webhooks.send(url, params, { signature: sha256(secret, url, params) })).status).toBe(403);
    // plain HMAC-SHA1 with the auth token still works beside it
    expect((await on.webhooks.send(url, params)).status).toBe(200);
  });

  it('is refused when not enabled (the default)', async () => {
    const { number } = await provision(off);
    const params = off.call(number).params();
    const url = `${off.publicBaseUrl}/voice/incoming`;
    for (const key of [secret, AUTH_TOKEN]) {
      const res = await off.webhooks.send(url, params, { signature: sha256(key, url, params), headers: announce });
      expect(res.status).toBe(403);
      expect(res.body).not.toMatch(/<Response/);
    }
  });

  it('is announced by the configured header, keyed with the auth token when so configured', async () => {
    const { number } = await provision(custom);
    const params = custom.call(number).params();
    const url = `${custom.publicBaseUrl}/voice/incoming`;
    const signature = sha256(AUTH_TOKEN, url, params);
    expect((await custom.webhooks.send(url, params, { signature, headers: { 'X-Attendant-Signature-Settings': 'algorithm=HMAC_SHA256' } })).status).toBe(200);
    expect((await custom.webhooks.send(url, params, { signature, headers: announce })).status).toBe(403); // not the header it listens to
  });
});
