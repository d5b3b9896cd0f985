// POST /api/v1/dial-in-numbers/{e164}/twilio-sync with the real `twilio` client talking to a
// local fake of Twilio's REST API (test/support/fake-twilio.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/twilio/client.js';
import { voiceConfigFor, voiceUpdate } from '../../src/commands/sync-number-to-twilio.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { AUTH_TOKEN, createHarness, expectStatus, freshNumber, type Harness } from '../support/harness.js';

const BASE = 'https://attendant.example.com';
const syncPath = (n: string) => `/api/v1/dial-in-numbers/${encodeURIComponent(n)}/twilio-sync`;

let twilio: FakeTwilio;
let h: Harness;
let bridgeId: string;

beforeAll(async () => {
  twilio = await new FakeTwilio(AUTH_TOKEN).start();
  h = await createHarness({ env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_BASE_URL: twilio.url } });
  bridgeId = (await expectStatus(h.api.post('/api/v1/bridges', { name: 'twilio sync' }), 201)).id;
});
afterAll(async () => {
  await h.close();
  await twilio.stop();
});
beforeEach(() => twilio.reset());

async function provisioned(): Promise<string> {
  const n = freshNumber();
  await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId, type: 'toll' }), 201);
  return n;
}

describe('twilio-sync', () => {
  it('points the number at this service, then reports unchanged without writing', async () => {
    const n = await provisioned();
    const pn = twilio.addNumber(n);
    const first = await expectStatus(h.api.post(syncPath(n)), 200);
    expect(first).toEqual({
      number: n, status: 'updated', twilioSid: pn.sid,
      changed: ['voiceUrl', 'voiceFallbackUrl', 'statusCallback'],
      voiceUrl: `${BASE}/voice/incoming`, voiceMethod: 'POST',
      voiceFallbackUrl: `${BASE}/voice/fallback`, voiceFallbackMethod: 'POST',
      statusCallback: `${BASE}/voice/status`, statusCallbackMethod: 'POST',
    });
    // what Twilio was asked, and what it now holds
    expect(twilio.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /2010-04-01/Accounts/${twilio.accountSid}/IncomingPhoneNumbers.json`,
      `POST /2010-04-01/Accounts/${twilio.accountSid}/IncomingPhoneNumbers/${pn.sid}.json`,
    ]);
    expect(twilio.requests[0]!.query.PhoneNumber).toBe(n);
    expect(twilio.requests.every((r) => r.authorized)).toBe(true);
    expect(twilio.updates[0]!.form).toEqual({
      VoiceUrl: `${BASE}/voice/incoming`, VoiceFallbackUrl: `${BASE}/voice/fallback`, StatusCallback: `${BASE}/voice/status`,
    });
    expect(twilio.byNumber(n)).toMatchObject({ voice_url: `${BASE}/voice/incoming`, voice_method: 'POST', status_callback: `${BASE}/voice/status` });

    twilio.reset();
    const second = await expectStatus(h.api.post(syncPath(n)), 200);
    expect(second.status).toBe('unchanged');
    expect(second.changed).toEqual([]);
    expect(twilio.updates).toHaveLength(0);
  });

  it('records an audit event for an update only', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    await expectStatus(h.api.post(syncPath(n)), 200);
    await expectStatus(h.api.post(syncPath(n)), 200);
    const { rows } = await h.services.db.query("SELECT action, details FROM audit_events WHERE target_id = $1 AND action = 'dial_in_number.twilio_synced'", [n]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details.changed).toContain('voiceUrl');
  });

  it('fixes wrong methods, removes a TwiML App or SIP trunk that would override the URLs, and fax mode', async () => {
    const n = await provisioned();
    twilio.addNumber(n, {
      voice_url: `${BASE}/voice/incoming`, voice_method: 'GET', voice_fallback_url: `${BASE}/voice/fallback`,
      status_callback: `${BASE}/voice/status`, voice_application_sid: 'AP' + 'b'.repeat(32), trunk_sid: 'TK' + 'c'.repeat(32), voice_receive_mode: 'fax',
    });
    const r = await expectStatus(h.api.post(syncPath(n)), 200);
    expect(r.status).toBe('updated');
    expect(r.changed.sort()).toEqual(['trunkSid', 'voiceApplicationSid', 'voiceMethod', 'voiceReceiveMode']);
    expect(twilio.updates[0]!.form).toEqual({ VoiceMethod: 'POST', VoiceApplicationSid: '', TrunkSid: '', VoiceReceiveMode: 'voice' });
    expect(twilio.byNumber(n)).toMatchObject({ voice_application_sid: '', trunk_sid: null, voice_receive_mode: 'voice' });
    expect((await expectStatus(h.api.post(syncPath(n)), 200)).status).toBe('unchanged');
  });

  it('picks the exact number when the pattern filter also matches longer ones', async () => {
    const n = await provisioned();
    twilio.addNumber(n + '9');
    const pn = twilio.addNumber(n);
    const r = await expectStatus(h.api.post(syncPath(n)), 200);
    expect(r.twilioSid).toBe(pn.sid);
    expect(twilio.byNumber(n + '9')!.voice_url).toBe('https://demo.twilio.com/welcome/voice/');
  });

  it('409 twilio_number_not_found when the account does not have the number', async () => {
    const n = await provisioned();
    const r = await h.api.post(syncPath(n));
    expect(r.status).toBe(409);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('twilio_number_not_found');
    expect(r.body.detail).toContain(twilio.accountSid);
    expect(twilio.updates).toHaveLength(0);
  });

  it('404 not_found for a number that is not provisioned here, without asking Twilio', async () => {
    const n = freshNumber();
    twilio.addNumber(n);
    const r = await h.api.post(syncPath(n));
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
    expect(twilio.requests).toHaveLength(0);
  });

  it('502 twilio_auth_failed when Twilio refuses the credentials; the token never shows', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    twilio.failNext(401);
    const r = await h.api.post(syncPath(n));
    expect(r.status).toBe(502);
    expect(r.body.code).toBe('twilio_auth_failed');
    expect(r.body.detail).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(r.body.detail).toMatch(/20003/);
    expect(r.text).not.toContain(AUTH_TOKEN);
    expect(twilio.requests).toHaveLength(1); // a 401 is not retried
  });

  it('a wrong auth token is refused by (fake) Twilio on its own: 502 twilio_auth_failed', async () => {
    const wrong = await createHarness({ env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_BASE_URL: twilio.url, TWILIO_AUTH_TOKEN: 'not-the-right-token' } });
    try {
      const n = await provisioned();
      twilio.addNumber(n);
      const r = await wrong.api.post(syncPath(n));
      expect(r.status).toBe(502);
      expect(r.body.code).toBe('twilio_auth_failed');
      expect(r.text).not.toContain('not-the-right-token');
      expect(twilio.requests.every((q) => !q.authorized)).toBe(true);
    } finally {
      await wrong.close();
    }
  });

  it('retries 429 with backoff and succeeds when Twilio lets up', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    twilio.failNext(429, 2);
    const r = await expectStatus(h.api.post(syncPath(n)), 200);
    expect(r.status).toBe('updated');
    expect(twilio.requests.map((q) => q.method)).toEqual(['GET', 'GET', 'GET', 'POST']);
  });

  it('503 unavailable with Retry-After when Twilio keeps answering 429', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    twilio.failNext(429, 100, '1');
    const started = Date.now();
    const r = await h.api.post(syncPath(n));
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('unavailable');
    expect(r.headers['retry-after']).toBe('1');
    expect(twilio.requests).toHaveLength(4); // the first try and 3 retries
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900); // Retry-After: 1 was honoured between tries
    expect(twilio.byNumber(n)!.voice_url).toBe('https://demo.twilio.com/welcome/voice/');
  });

  it('gives up early when Twilio asks for longer waits than the request can afford', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    twilio.failNext(429, 100, '5');
    const started = Date.now();
    const r = await h.api.post(syncPath(n));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(twilio.requests).toHaveLength(2); // one wait of 3 s (the cap), then the 6 s budget is spent
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('503 unavailable when Twilio fails (5xx) or cannot be reached', async () => {
    const n = await provisioned();
    twilio.addNumber(n);
    twilio.failNext(500);
    const failing = await h.api.post(syncPath(n));
    expect(failing.status).toBe(503);
    expect(failing.body.detail).toMatch(/HTTP 500/);

    const unreachable = await createHarness({ env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_BASE_URL: 'http://127.0.0.1:9' } });
    try {
      const r = await unreachable.api.post(syncPath(n));
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('unavailable');
      expect(r.body.detail).toMatch(/could not be reached/);
    } finally {
      await unreachable.close();
    }
  });

  it('503 unavailable when Twilio is not configured', async () => {
    const bare = await createHarness();
    try {
      const n = await provisioned();
      const r = await bare.api.post(syncPath(n));
      expect(r.status).toBe(503);
      expect(r.body.detail).toMatch(/TWILIO_ACCOUNT_SID/);
    } finally {
      await bare.close();
    }
  });

  it('refuses a body with fields, a bad number, and tenant keys', async () => {
    const n = await provisioned();
    const withBody = await h.api.post(syncPath(n), { force: true });
    expect(withBody.status).toBe(422);
    expect(withBody.body.errors).toEqual([{ path: 'force', message: 'is not a field of this request' }]);
    const bad = await h.api.post(syncPath('12345'));
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('number');
    const tenant = await expectStatus(h.api.post('/api/v1/tenants', { name: 't', bridgeId }), 201);
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tenant key', tenantId: tenant.id }), 201);
    const asTenant = await h.api.post(syncPath(n)).set('authorization', `Bearer ${key.key}`);
    expect(asTenant.status).toBe(403);
    expect(twilio.requests).toHaveLength(0);
  });
});

describe('voiceUpdate and parseRetryAfter', () => {
  const want = voiceConfigFor(BASE);
  it('asks for nothing when everything is right (methods compare case-insensitively)', () => {
    expect(voiceUpdate({ sid: 'PN1', phoneNumber: '+1', ...want, voiceMethod: 'post', voiceApplicationSid: '', trunkSid: null, voiceReceiveMode: 'voice' }, want)).toEqual({});
  });
  it('sets missing URLs', () => {
    expect(voiceUpdate({ sid: 'PN1', phoneNumber: '+1', voiceUrl: null }, want)).toEqual(want);
  });
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(['3'])).toBe(3);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
