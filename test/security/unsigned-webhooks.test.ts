// Unsigned voice webhooks are limited per client address (VOICE_UNSIGNED_LIMIT_PER_MIN): past the
// limit they are answered 429 and no longer logged one by one, while Twilio's signed requests
// from the same address are still served. The fields such a request chooses (CallSid, From, the
// path) reach the logs only checked for shape and cut to a bounded length.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LOGGED_FIELD_LENGTH } from '../../src/logging.js';
import { sign } from '../../src/simulator/index.js';
import { AUTH_TOKEN, freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

const LIMIT = 10;
let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness({ env: { VOICE_UNSIGNED_LIMIT_PER_MIN: String(LIMIT), TRUST_PROXY_HOPS: '1' } }); });
afterAll(async () => { await h.close(); });

const address = (net: string) => `${net}.${1 + (randomBytes(1)[0]! % 250)}`;

function post(path: string, params: Record<string, string>, from: string, signature: string) {
  return fetch(h.serviceUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'x-forwarded-for': from },
    body: new URLSearchParams(params).toString(),
  });
}

describe('unsigned webhooks', () => {
  it('are limited per client address, 40 at once, without refusing signed ones', async () => {
    const { number } = await provision(h);
    const attacker = address('198.51.100');
    const params = { CallSid: 'CA' + randomBytes(16).toString('hex'), From: freshNumber(), To: number };
    const url = `${h.publicBaseUrl}/voice/incoming`;
    const logsBefore = h.logs.length;
    const answers = await Promise.all(Array.from({ length: 40 }, () => post('/voice/incoming', params, attacker, sign('forged-token', url, params))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 403)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LIMIT);
    for (const r of answers.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const lines = h.logs.slice(logsBefore);
    expect(lines.filter((l) => /signature does not match/.test(String(l.msg)))).toHaveLength(LIMIT);
    expect(lines.filter((l) => /over the limit/.test(String(l.msg)))).toHaveLength(1);
    // Twilio's own request from the same address is served
    const signed = await post('/voice/incoming', params, attacker, sign(AUTH_TOKEN, url, params));
    expect(signed.status).toBe(200);
    expect(await signed.text()).toMatch(/<Gather/);
    // another address is not affected
    expect((await post('/voice/incoming', params, address('203.0.113'), sign('forged-token', url, params))).status).toBe(403);
  });

  it('reach the logs with their fields checked and cut', async () => {
    const evil = `CA${'x'.repeat(5000)}\n{"level":"fatal","msg":"forged"}`;
    const params = { CallSid: evil, From: `+1415${'9'.repeat(3000)}<script>`, To: freshNumber() };
    const longPath = `/voice/${'p'.repeat(3000)}`;
    const before = h.logs.length;
    const res = await post(longPath, params, address('192.0.2'), 'nope');
    expect(res.status).toBe(403);
    const lines = h.logs.slice(before);
    const refused = lines.find((l) => /signature does not match/.test(String(l.msg)));
    expect(refused).toBeDefined();
    expect(refused!.callSid).toBe('[malformed]');
    expect(refused!.caller).toBe('[malformed]');
    for (const line of lines) {
      for (const [k, v] of Object.entries(line)) if (typeof v === 'string') expect(v.length, k).toBeLessThanOrEqual(MAX_LOGGED_FIELD_LENGTH + 20);
    }
    expect(h.logText()).not.toContain('"msg":"forged"');
    // a well-formed CallSid and caller are logged as they are (the caller masked)
    const sid = 'CA' + randomBytes(16).toString('hex');
    const b2 = h.logs.length;
    await post('/voice/incoming', { CallSid: sid, From: '+14155550123', To: freshNumber() }, address('192.0.2'), 'nope');
    const ok = h.logs.slice(b2).find((l) => /signature does not match/.test(String(l.msg)));
    expect(ok).toMatchObject({ callSid: sid, caller: '+1415*****23' });
  });
});
