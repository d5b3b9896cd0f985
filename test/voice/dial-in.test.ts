// Dialing in: signatures, body limits, which number leads where, and in which language.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/simulator/index.js';
import { AUTH_TOKEN, expectStatus, freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, joinWith, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

/** A raw POST with any headers (fetch cannot set Host). */
function rawPost(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(h.serviceUrl + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: data, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('signatures', () => {
  it('refuses unsigned, forged and tampered webhooks with 403, no TwiML, and no token in the log', async () => {
    const { number } = await provision(h);
    const c = h.call(number);
    const params = c.params();
    const url = `${h.publicBaseUrl}/voice/incoming`;
    for (const [what, signature, body] of [
      ['unsigned', '', params],
      ['wrong token', sign('not-the-token', url, params), params],
      ['tampered', sign(AUTH_TOKEN, url, params), { ...params, To: freshNumber() }],
      ['signed for another URL', sign(AUTH_TOKEN, `${h.publicBaseUrl}/voice/entry`, params), params],
    ] as const) {
      const res = await h.webhooks.send(url, body, { signature });
      expect(res.status, what).toBe(403);
      expect(res.body, what).not.toMatch(/<Response/);
      expect(res.contentType).toMatch(/problem\+json/);
    }
    const refusals = h.logs.filter((l) => l.callSid === c.callSid && /signature/.test(String(l.msg)));
    expect(refusals.length).toBe(4);
    expect(h.logText()).not.toContain(AUTH_TOKEN);
    expect(JSON.stringify(refusals)).not.toContain(c.from); // masked
  });

  it('checks against PUBLIC_BASE_URL, never the Host or X-Forwarded headers', async () => {
    const { number } = await provision(h);
    const params = h.call(number).params();
    const body = new URLSearchParams(params).toString();
    const forHost = sign(AUTH_TOKEN, 'https://evil.example.net/voice/incoming', params);
    const spoofed = await rawPost('/voice/incoming', body, { host: 'evil.example.net', 'x-forwarded-host': 'evil.example.net', 'x-forwarded-proto': 'https', 'x-twilio-signature': forHost });
    expect(spoofed.status).toBe(403);
    const right = sign(AUTH_TOKEN, `${h.publicBaseUrl}/voice/incoming`, params);
    const ok = await rawPost('/voice/incoming', body, { host: 'evil.example.net', 'x-forwarded-host': 'evil.example.net', 'x-twilio-signature': right });
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/text\/xml/);
    expect(ok.body).toContain('<Gather');
  });

  it('refuses bodies over 64 KiB with 413 problem+json', async () => {
    const params = { CallSid: 'CA1', Padding: 'x'.repeat(70_000) };
    const res = await h.webhooks.send(`${h.publicBaseUrl}/voice/incoming`, params);
    expect(res.status).toBe(413);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, code: 'payload_too_large' });
    // Just under the limit is read and answered.
    const { number } = await provision(h);
    const c = h.call(number);
    const near = await h.webhooks.send(`${h.publicBaseUrl}/voice/incoming`, c.params({ Padding: 'x'.repeat(60_000) }));
    expect(near.status).toBe(200);
  });

  it('answers a signed request to an unknown /voice/ path with an apology, not an error', async () => {
    const c = h.call(freshNumber());
    const res = await h.webhooks.send(`${h.publicBaseUrl}/voice/nowhere`, c.params());
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<Say[^>]*>We are sorry.*<\/Say><Hangup\/>/);
  });

  it('answers other methods 405 with Allow', async () => {
    const res = await fetch(`${h.serviceUrl}/voice/incoming`, { method: 'PUT', body: 'x=1' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('accepts a Voice URL configured as GET (parameters in the signed query)', async () => {
    const { number } = await provision(h);
    const c = h.call(number);
    const res = await h.webhooks.send(`${h.publicBaseUrl}/voice/incoming`, c.params(), { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Gather');
  });
});

describe('numbers', () => {
  it('a number that is not provisioned hears a message and is hung up', async () => {
    const c = await h.call(freshNumber()).dial();
    expect(c.state).toBe('ended');
    expect(c.transcript()).toMatch(/not in service/);
    expect(c.documents[0]!.body).toContain('<Hangup/>');
    expect(c.documents.some((d) => d.body.includes('<Gather'))).toBe(false);
  });

  it('a removed number is out of service at once', async () => {
    const p = await provision(h);
    const extra = freshNumber();
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(extra)}`, { bridgeId: p.bridge.id, type: 'toll' }), 201);
    expect((await joinWith(h.call(extra), p.users[0]!.conferenceId!)).state).toBe('conference');
    await expectStatus(h.api.del(`/api/v1/dial-in-numbers/${encodeURIComponent(extra)}`), 204);
    const after = await h.call(extra).dial();
    expect(after.state).toBe('ended');
    expect(after.transcript()).toMatch(/not in service/);
  });

  it('a number moved to another bridge admits that bridge\'s IDs, no longer the old one\'s', async () => {
    const a = await provision(h);
    const b = await provision(h);
    const moving = freshNumber();
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(moving)}`, { bridgeId: a.bridge.id, type: 'toll' }), 201);
    const before = await joinWith(h.call(moving), a.users[0]!.conferenceId!);
    expect(before.state).toBe('conference');
    expect((await joinWith(h.call(moving), b.users[0]!.conferenceId!)).state).not.toBe('conference');

    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(moving)}`, { bridgeId: b.bridge.id, type: 'toll' }), 200);
    const old = await joinWith(h.call(moving), a.users[0]!.conferenceId!);
    expect(old.state).toBe('gathering');
    expect(old.transcript()).toMatch(/not recognized/);
    const now = await joinWith(h.call(moving), b.users[0]!.conferenceId!);
    expect(now.state).toBe('conference');
    expect(now.conference!.room).not.toBe(before.conference!.room);
  });
});

describe('languages', () => {
  it('asks in the primary language, with a star menu of the secondary ones in the number\'s order', async () => {
    const { number } = await provision(h, { number: { primaryLanguage: 'en-GB', secondaryLanguages: ['fr-FR', 'es', 'de-DE'] } });
    const c = await h.call(number).dial();
    expect(c.state).toBe('gathering');
    const g = c.gathering!.node;
    expect(g.attrs).toMatchObject({ input: 'dtmf', finishOnKey: '#', actionOnEmptyResult: 'true' });
    expect(c.heard.map((x) => [x.language, x.voice])).toEqual([['en-GB', 'Polly.Amy'], ['fr-FR', 'Polly.Lea'], ['es-US', 'Polly.Lupe'], ['de-DE', 'Polly.Vicki']]);
    expect(c.heard[0]!.text).toMatch(/^Welcome.*hash key/);
    expect(c.heard.slice(1).map((x) => x.text)).toEqual([
      'Pour le français, appuyez sur étoile 1.', 'Para español, oprima asterisco 2.', 'Für Deutsch drücken Sie Stern 3.',
    ]);

    await c.press('*2');
    expect(c.state).toBe('gathering');
    const spanish = c.heard.at(-1)!;
    expect(spanish).toMatchObject({ language: 'es-US', voice: 'Polly.Lupe' });
    expect(spanish.text).toMatch(/^Marque el identificador/);
    expect(c.heard.filter((x) => /asterisco/.test(x.text))).toHaveLength(1); // no menu once chosen

    await c.press('1#'); // the failure is told in the chosen language
    expect(c.heard.at(-1)!.text).toMatch(/^No reconocimos/);
  });

  it('silence keeps the primary language (and offers the menu again); a number without secondaries has no menu', async () => {
    const { number, users } = await provision(h, { number: { primaryLanguage: 'de-DE', secondaryLanguages: ['en-US'] } });
    const c = await h.call(number).dial();
    await c.silence();
    expect(c.state).toBe('gathering');
    const [again, menu] = c.heard.slice(-2);
    expect(again).toMatchObject({ language: 'de-DE' });
    expect(again!.text).toMatch(/^Wir haben keine Konferenz-ID erhalten\. Bitte geben Sie/);
    expect(menu).toMatchObject({ language: 'en-US', text: 'For English, press star 1.' });
    await c.press(`${users[0]!.conferenceId}#`);
    expect(c.heard.at(-1)).toMatchObject({ language: 'de-DE', text: expect.stringMatching(/Organisator/) });

    const plain = await provision(h);
    const p = await h.call(plain.number).dial();
    expect(p.heard).toHaveLength(1);
    expect(p.heard[0]!.language).toBe('en-US');
    await p.press('*1#'); // no such language: a failed entry, not a switch
    expect(p.heard.at(-1)!.text).toMatch(/not recognized/);
  });
});

describe('behind a proxy that serves the service under a path', () => {
  let proxied: VoiceHarness;
  beforeAll(async () => { proxied = await createVoiceHarness({ env: { PUBLIC_BASE_URL: 'https://proxy.example.com/attendant' } }); });
  afterAll(async () => { await proxied.close(); });

  it('signs and links every step under PUBLIC_BASE_URL\'s path', async () => {
    const { number, users: [u] } = await provision(proxied);
    const c = await proxied.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    await c.press('*');
    await c.press(`${u!.leaderPin}#`);
    expect(c.state).toBe('conference');
    expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');
    const urls = c.documents.map((d) => d.url);
    expect(urls.every((u) => u.startsWith('https://proxy.example.com/attendant/voice/'))).toBe(true);
    expect(c.conference!.attrs.statusCallback).toMatch(/^https:\/\/proxy\.example\.com\/attendant\/voice\//);
    expect(proxied.conferences.sent.filter((e) => e.room === c.conference!.room).map((e) => [e.event, e.status]))
      .toEqual([['participant-join', 200], ['conference-start', 200]]);

    // A signature over the URL without the prefix (what the service itself sees) is refused.
    const params = c.params();
    const res = await proxied.webhooks.send('https://proxy.example.com/attendant/voice/incoming', params, { signature: sign(AUTH_TOKEN, 'https://proxy.example.com/voice/incoming', params) });
    expect(res.status).toBe(403);
  });
});
