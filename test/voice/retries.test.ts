// Twilio sends a webhook again when its connection to the service failed or timed out (the same
// I-Twilio-Idempotency-Token, or at least the same signed body). A retry answers what the first
// request answered and counts nothing twice. And a <Gather> action Twilio posts because the
// caller hung up counts nothing and answers an empty <Response/>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import type { Metrics } from '../../src/metrics.js';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { provision } from '../support/harness.js';
import { PrivateRedis } from '../support/private-services.js';
import { createVoiceHarness, unusedId, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

async function failures(metrics: Metrics, reason?: string): Promise<number> {
  const values = (await metrics.entryFailures.get()).values;
  return values.filter((v) => reason === undefined || v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
}

/** The pending <Gather>'s action URL (absolute). */
const actionOf = (c: SimulatedCall) => new URL(c.gathering!.node.attrs.action!, c.documents.at(-1)!.url).toString();

describe('a retried webhook', () => {
  it('12 identical retries of a wrong-ID entry, all at once, answer the same TwiML and count one failure', async () => {
    const { number, users } = await provision(h);
    const c = await h.call(number).dial();
    const params = c.params({ Digits: unusedId(users.map((u) => u.conferenceId)), FinishedOnKey: '#' });
    const url = actionOf(c);
    const before = await failures(h.services.metrics, 'unknown');
    const retriesBefore = (await h.services.metrics.webhookRetries.get()).values[0]?.value ?? 0;
    const answers = await Promise.all(Array.from({ length: 12 }, () => h.webhooks.send(url, params, { idempotencyToken: 'retry-token-1' })));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.body).toMatch(/<Gather.*not recognized/);
    expect(await failures(h.services.metrics, 'unknown')).toBe(before + 1);
    expect((await h.services.metrics.webhookRetries.get()).values[0]!.value).toBe(retriesBefore + 11);
    // the calling number can still call: nowhere near its limit
    const next = await h.call(number, { from: c.from }).dial();
    expect(next.state).toBe('gathering');
    expect(next.transcript()).not.toMatch(/not available/);
  });

  it('a retry without the token header (the same signed body), or after the first answered, is deduplicated too', async () => {
    const { number, users } = await provision(h);
    const c = await h.call(number).dial();
    const params = c.params({ Digits: unusedId(users.map((u) => u.conferenceId)), FinishedOnKey: '#' });
    const url = actionOf(c);
    const before = await failures(h.services.metrics);
    const first = await h.webhooks.send(url, params, { idempotencyToken: 'first-token' });
    const sameToken = await h.webhooks.send(url, params, { idempotencyToken: 'first-token' });
    const otherToken = await h.webhooks.send(url, params, { idempotencyToken: 'another-token' });
    const noToken = await h.webhooks.send(url, params, { headers: { 'i-twilio-idempotency-token': '' } });
    for (const r of [sameToken, otherToken, noToken]) expect(r.body).toBe(first.body);
    expect(await failures(h.services.metrics)).toBe(before + 1);
    // the caller's next entry is a new request (its URL carries the call's new state): it counts
    await c.press(`${unusedId(users.map((u) => u.conferenceId))}#`);
    expect(await failures(h.services.metrics)).toBe(before + 2);
  });

  it('30 retries of each of 9 wrong entries from one number count 9, not 270 (the limit is 10)', async () => {
    const { number, users } = await provision(h);
    const from = '+15557770123';
    const taken = users.map((u) => u.conferenceId);
    for (let k = 0; k < 3; k++) {
      // three calls of three wrong entries, every webhook sent 30 times at once
      const c = await h.call(number, { from }).dial();
      for (let e = 0; e < 3 && c.state === 'gathering'; e++) {
        const params = c.params({ Digits: unusedId(taken), FinishedOnKey: '#' });
        const url = actionOf(c);
        const answers = await Promise.all(Array.from({ length: 30 }, () => h.webhooks.send(url, params, { idempotencyToken: `t-${k}-${e}` })));
        expect(new Set(answers.map((a) => a.body)).size).toBe(1);
        await c.press(`${params.Digits}#`).catch(() => undefined); // the simulated call moves on with the same answer
      }
    }
    // 9 counted so far (3 calls × 3), below the limit of 10: the number still gets a prompt
    const last = await h.call(number, { from }).dial();
    expect(last.state).toBe('gathering');
  });

  it('is answered, not deduplicated, while the cache is down', async () => {
    const redis = await PrivateRedis.start();
    const cache = new RedisStore({ url: redis.url }, silentLogger);
    await cache.waitUntilReady(5000);
    const sick = await createVoiceHarness({ cache });
    try {
      const { number, users } = await provision(h);
      const c = await h.call(number).dial();
      c.routeTo(sick.serviceUrl);
      await redis.kill();
      const params = c.params({ Digits: unusedId(users.map((u) => u.conferenceId)), FinishedOnKey: '#' });
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 3 }, () => c.webhooks.send(actionOf(c), params, { idempotencyToken: 'while-down' })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      for (const a of answers) expect(a.body).toMatch(/<Gather/);
      expect(Date.now() - started).toBeLessThan(5000); // nobody waited for a first answer that cannot be stored
    } finally {
      await sick.close();
      await cache.close();
      await redis.kill().catch(() => undefined);
    }
  });
});

describe('a hang-up during a prompt', () => {
  const ENDED = ['completed', 'canceled', 'failed', 'busy', 'no-answer'];

  it('at the ID prompt counts nothing and answers an empty <Response/>, even 12 times from one number', async () => {
    const { number, users } = await provision(h);
    const from = '+15557770456';
    const before = await failures(h.services.metrics);
    for (let k = 0; k < 12; k++) {
      const c = await h.call(number, { from }).dial();
      const status = ENDED[k % ENDED.length]!;
      const res = await h.webhooks.send(actionOf(c), c.params({ Digits: unusedId(users.map((u) => u.conferenceId)), CallStatus: status }));
      expect(res.status).toBe(200);
      expect(res.body, status).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    }
    expect(await failures(h.services.metrics)).toBe(before);
    expect((await h.call(number, { from }).dial()).state).toBe('gathering');
  });

  it('at the leader PIN prompt counts no wrong PIN (12 hang-ups do not lock the organizer)', async () => {
    const { number, users: [u] } = await provision(h);
    for (let k = 0; k < 12; k++) {
      const c = await h.call(number).dial();
      await c.press(`${u!.conferenceId}#`);
      await c.press('*');
      expect(c.gathering!.node.attrs.action).toMatch(/\/voice\/pin\?/);
      const res = await h.webhooks.send(actionOf(c), c.params({ Digits: '99999', FinishedOnKey: '#', CallStatus: ENDED[k % ENDED.length]! }));
      expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    }
    const c = await h.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    await c.press('*');
    await c.press(`${u!.leaderPin}#`);
    expect(c.state).toBe('conference');
    expect(c.conference!.attrs.startConferenceOnEnter).toBe('true');
  });
});
