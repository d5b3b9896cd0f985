// The per-bridge alarm: an unusual rate of failed entries on one bridge (many numbers, each
// under its own limit) is logged, counted, and slows failed entries down; right entries and
// other bridges are not affected. And the fallback URL answers with an apology.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, joinWith, unusedId, type VoiceHarness } from './support.js';

const THRESHOLD = 5;
let h: VoiceHarness;
beforeAll(async () => {
  h = await createVoiceHarness({ env: { BRIDGE_ALARM_FAILURES_PER_MIN: String(THRESHOLD), BRIDGE_ALARM_DELAY_S: '3' } });
});
afterAll(async () => { await h.close(); });

const pauses = (body: string) => [...body.matchAll(/<Pause length="(\d+)"\/>/g)].map((m) => Number(m[1]));

describe('the per-bridge failure alarm', () => {
  it('above the threshold, failed entries wait before "not recognised"; right entries and other bridges never wait', async () => {
    const a = await provision(h), b = await provision(h);
    const wrong = unusedId([a.users[0]!.conferenceId, b.users[0]!.conferenceId]);
    const answers: string[] = [];
    for (let i = 0; i < THRESHOLD + 2; i++) {
      const c = await h.call(a.number, { from: freshNumber() }).dial(); // a new number each time: under every caller limit
      await c.press(`${wrong}#`);
      answers.push(c.documents.at(-1)!.body);
    }
    expect(answers.slice(0, THRESHOLD).every((body) => pauses(body).length === 0)).toBe(true);
    for (const body of answers.slice(THRESHOLD)) {
      expect(pauses(body)).toEqual([3]);
      expect(body.indexOf('<Pause')).toBeLessThan(body.indexOf('not recognized')); // the wait comes first
    }
    const right = await joinWith(h.call(a.number, { from: freshNumber() }), a.users[0]!.conferenceId!);
    expect(right.state).toBe('conference');
    expect(right.documents.every((d) => pauses(d.body).length === 0)).toBe(true);
    const elsewhere = await h.call(b.number, { from: freshNumber() }).dial();
    await elsewhere.press(`${wrong}#`);
    expect(pauses(elsewhere.documents.at(-1)!.body)).toEqual([]);

    const alarms = h.logs.filter((l) => /unusual rate of failed conference-ID entries/.test(String(l.msg)));
    expect(alarms).toHaveLength(1); // once a minute per instance, not per entry
    expect(alarms[0]).toMatchObject({ bridgeId: a.bridge.id, threshold: THRESHOLD });
    const metrics = await h.api.get('/metrics');
    expect(Number(/attendant_bridge_alarm_failed_entries_total (\d+)/.exec(metrics.text)?.[1])).toBe(2);
  });
});

describe('the fallback URL', () => {
  it('answers a failed step with an apology and a hangup, and logs the error', async () => {
    const answer = await h.webhooks.send(`${h.webhooks.publicBaseUrl}/voice/fallback`, {
      CallSid: 'CA' + 'f'.repeat(32), From: '+14155550123', To: freshNumber(), ErrorCode: '11200', ErrorUrl: `${h.webhooks.publicBaseUrl}/voice/entry?s=x`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/<Say[^>]*>We are sorry[^<]*<\/Say><Hangup\/>/);
    expect(h.logs.find((l) => /fallback URL/.test(String(l.msg)))).toMatchObject({ errorCode: '11200', errorPath: '/voice/entry' });
  });
});
