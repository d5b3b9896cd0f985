// The per-caller limit on failed ID entries (CALLER_FAILURE_LIMIT over CALLER_FAILURE_WINDOW_S),
// counted across calls and instances; withheld numbers share one count per bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, joinWith, lastHeard, unusedId, type VoiceHarness } from './support.js';

const LIMIT = 4;
const WINDOW_S = 3;
let h: VoiceHarness;
let other: VoiceHarness; // a second instance: the count is shared through Redis
beforeAll(async () => {
  const env = { CALLER_FAILURE_LIMIT: String(LIMIT), WITHHELD_FAILURE_LIMIT: String(LIMIT), CALLER_FAILURE_WINDOW_S: String(WINDOW_S) };
  [h, other] = await Promise.all([createVoiceHarness({ env }), createVoiceHarness({ env })]);
});
afterAll(async () => { await Promise.all([h.close(), other.close()]); });

/** One call that fails `n` times (n ≤ 3) with wrong IDs; returns it. */
async function failingCall(harness: VoiceHarness, number: string, from: string, n: number, wrong: string) {
  const c = await harness.call(number, { from }).dial();
  for (let k = 0; k < n && c.state === 'gathering'; k++) await c.press(`${wrong}#`);
  return c;
}

const blockedAtDial = async (harness: VoiceHarness, number: string, from: string) => {
  const c = await harness.call(number, { from }).dial();
  return c.state === 'ended' && /not available from your number/.test(c.transcript()) && !c.documents.some((d) => d.body.includes('<Gather'));
};

describe('failed entries per calling number', () => {
  it('the failure that reaches the limit ends the call; new calls are refused without a prompt until the window frees them', async () => {
    const { number, users: [u] } = await provision(h);
    const wrong = unusedId([u!.conferenceId]);
    const from = freshNumber();
    const first = await failingCall(h, number, from, 3, wrong);
    expect(first.state).toBe('ended'); // three in one call
    const second = await failingCall(other, number, from, 1, wrong); // 4th failure, on the other instance
    expect(second.state).toBe('ended');
    expect(lastHeard(second)).toMatch(/Goodbye\.$/);
    expect(second.documents).toHaveLength(2);

    expect(await blockedAtDial(h, number, from)).toBe(true);
    expect(await blockedAtDial(other, number, from)).toBe(true);
    const valid = await h.call(number, { from }).dial();
    expect(valid.state).toBe('ended'); // even with a valid ID in hand

    // Other numbers are not affected.
    expect((await joinWith(h.call(number, { from: freshNumber() }), u!.conferenceId!)).state).toBe('conference');
    expect([...h.logs, ...other.logs].filter((l) => /reached the failed-entry limit/.test(String(l.msg)))).toHaveLength(1);
    expect(h.logText() + other.logText()).not.toContain(from);

    // Once the window has moved past the failures, the number may call again.
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000 + 200));
    expect((await joinWith(h.call(number, { from }), u!.conferenceId!)).state).toBe('conference');
  });

  it('silence and retired IDs count; a successful join does not', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const retired = u!.conferenceId!;
    const r = await h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/conference-id/reset`, { sendEmail: false });
    const from = freshNumber();
    const c = await h.call(number, { from }).dial();
    await c.silence();
    await c.press(`${retired}#`);
    await c.press(`${r.body.conferenceId}#`);
    await c.press('#');
    expect(c.state).toBe('conference');
    const d = await h.call(number, { from }).dial();
    await d.press('1#');
    expect(d.state).toBe('gathering'); // 3 failures so far
    await d.press('2#');
    expect(d.state).toBe('ended'); // the 4th reaches the limit
    expect(await blockedAtDial(h, number, from)).toBe(true);
  });
});

describe('withheld numbers', () => {
  it('share one count per bridge, whatever spelling the network uses', async () => {
    const a = await provision(h);
    const b = await provision(h);
    const wrong = unusedId([a.users[0]!.conferenceId]);
    await failingCall(h, a.number, 'anonymous', 1, wrong);
    await failingCall(h, a.number, '+266696687', 1, wrong);
    await failingCall(h, a.number, '', 1, wrong);
    const last = await failingCall(h, a.number, 'Restricted', 1, wrong);
    expect(last.state).toBe('ended');
    for (const spelling of ['anonymous', 'unknown', '+7378742833', '+8656696', '+86282452253', '']) {
      expect(await blockedAtDial(h, a.number, spelling), spelling).toBe(true);
    }
    // another bridge's withheld callers, and callers with a number, still get in
    expect((await joinWith(h.call(b.number, { from: 'anonymous' }), b.users[0]!.conferenceId!)).state).toBe('conference');
    expect((await joinWith(h.call(a.number, { from: freshNumber() }), a.users[0]!.conferenceId!)).state).toBe('conference');
  });
});
