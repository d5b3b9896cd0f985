// Leader PIN guessing under parallel calls (issue 16, findings 1-3): a PIN is verified only after
// its attempt was reserved against the organizer's limits in one atomic step, so no concurrency
// gets more PINs verified than PIN_FAILURE_LIMIT_PER_CALLER from one number, or
// PIN_FAILURE_LIMIT_PER_ORGANIZER from all; the right PIN after a lock is refused; the
// organizer-wide lock emails the organizer, is audited, and is lifted by the unlock endpoint and
// by a PIN reset; every meeting of a dynamic-ID organizer shares one count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { SmtpMailer } from '../../src/email/mailer.js';
import { buildOutboxWorker } from '../../src/worker.js';
import { expectStatus, freshNumber, provision } from '../support/harness.js';
import { eventually, privateDatabase } from '../support/private-db.js';
import { TestSmtp } from '../support/smtp.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness; // the default limits: 10 per number, 30 per organizer
let small: VoiceHarness; // 3 per number, 5 per organizer, for the slower scenarios
beforeAll(async () => {
  [h, small] = await Promise.all([
    createVoiceHarness(),
    createVoiceHarness({ env: { PIN_FAILURE_LIMIT_PER_CALLER: '3', PIN_FAILURE_LIMIT_PER_ORGANIZER: '5' } }),
  ]);
});
afterAll(async () => { await Promise.all([h.close(), small.close()]); });

const wrongPin = (pin: string) => (pin === '97531' ? '13579' : '97531');

/** Leader PINs verified so far, by outcome (the service's own count). */
async function verified(harness: VoiceHarness, outcome: 'right' | 'wrong'): Promise<number> {
  return (await harness.services.metrics.leaderPinChecks.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

/**
 * `n` calls, each at the PIN prompt of `id` (dialed, ID entered, '*' pressed), set up five at a
 * time: entries from one number all in the same instant would meet its entry limit (each counts
 * until its ID is found right, see docs/security.md).
 */
async function atPinPrompt(harness: VoiceHarness, number: string, id: string, n: number, from: () => string): Promise<SimulatedCall[]> {
  const calls: SimulatedCall[] = [];
  for (let k = 0; k < n; k += 5) {
    calls.push(...await Promise.all(Array.from({ length: Math.min(5, n - k) }, async () => {
      const c = await harness.call(number, { from: from() }).dial();
      await c.press(`${id}#`);
      await c.press('*');
      expect(c.gathering?.node.attrs.action).toMatch(/\/voice\/pin\?/);
      return c;
    })));
  }
  return calls;
}

/** A call that types '*' and the PIN ahead at the organizer step. */
async function tryPin(harness: VoiceHarness, number: string, id: string, pin: string, from = freshNumber()): Promise<SimulatedCall> {
  const c = await harness.call(number, { from }).dial();
  await c.press(`${id}#`);
  await c.press(`*${pin}#`);
  return c;
}

/**
 * Reservations the cache could not count (Redis did not answer within its command timeout, as
 * happens on an overloaded test machine): those attempts go on uncounted, by design
 * (docs/security.md), so a bound is asserted as "the limit, plus any attempt Redis did not count".
 */
const uncounted = (harness: VoiceHarness) => harness.logs.filter((l) => /could not be counted/.test(String(l.msg))).length;

const led = (c: SimulatedCall) => c.state === 'conference' && c.conference!.attrs.startConferenceOnEnter === 'true';

async function auditActions(harness: VoiceHarness, userId: string): Promise<string[]> {
  const { rows } = await harness.services.db.query<{ action: string }>("SELECT action FROM audit_events WHERE target_id = $1 AND action LIKE 'leader_pin.%' ORDER BY seq", [userId]);
  return rows.map((r) => r.action);
}

async function queuedLockEmails(harness: VoiceHarness, userId: string): Promise<number> {
  const { rows } = await harness.services.db.query("SELECT 1 FROM outbox WHERE payload->>'userId' = $1 AND payload->>'template' = 'leader_pin_locked'", [userId]);
  return rows.length;
}

describe('parallel leader PIN guesses', () => {
  it('60 calls from 60 numbers: of 59 wrong PINs sent at once, 30 are verified; the right PIN then is refused, until an unlock', async () => {
    const { number, tenant, users: [u] } = await provision(h);
    const calls = await atPinPrompt(h, number, u!.conferenceId!, 60, freshNumber);
    const [wrongBefore, rightBefore, missedBefore] = [await verified(h, 'wrong'), await verified(h, 'right'), uncounted(h)];
    await Promise.all(calls.slice(0, 59).map((c) => c.press(`${wrongPin(u!.leaderPin!)}#`)));
    const wrongChecked = (await verified(h, 'wrong')) - wrongBefore;
    const missed = uncounted(h) - missedBefore;
    console.log(`[measure] 59 parallel wrong PINs from 59 numbers: ${wrongChecked} verified (limit per organizer 30); uncounted (Redis too slow): ${missed}`);
    expect(wrongChecked).toBeGreaterThanOrEqual(30);
    expect(wrongChecked).toBeLessThanOrEqual(30 + missed);
    const last = calls[59]!;
    await last.press(`${u!.leaderPin}#`);
    expect(led(last)).toBe(false);
    expect(last.transcript()).toMatch(/organizer option is locked/);
    expect(await verified(h, 'right')).toBe(rightBefore); // not even verified

    // the lock was recorded once (just after the answer): an audit event and one email queued for the organizer
    await eventually(() => auditActions(h, u!.id), (a) => a.length > 0);
    expect(await auditActions(h, u!.id)).toEqual(['leader_pin.locked']);
    expect(await queuedLockEmails(h, u!.id)).toBe(1);

    expect(led(await tryPin(h, number, u!.conferenceId!, u!.leaderPin!))).toBe(false); // a new call: locked too

    const unlocked = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/unlock`, {}), 200);
    expect(unlocked).toEqual({ wasLocked: true, wrongPinsCleared: 30 });
    expect(await auditActions(h, u!.id)).toEqual(['leader_pin.locked', 'leader_pin.unlocked']);
    expect(led(await tryPin(h, number, u!.conferenceId!, u!.leaderPin!))).toBe(true);
  });

  it('60 calls from one number: of 59 wrong PINs at once, 10 are verified; that number is refused the right PIN, the organizer elsewhere still leads', async () => {
    const { number, users: [u] } = await provision(h);
    const from = freshNumber();
    const calls = await atPinPrompt(h, number, u!.conferenceId!, 60, () => from);
    const [wrongBefore, missedBefore] = [await verified(h, 'wrong'), uncounted(h)];
    await Promise.all(calls.slice(0, 59).map((c) => c.press(`${wrongPin(u!.leaderPin!)}#`)));
    const wrongChecked = (await verified(h, 'wrong')) - wrongBefore;
    const missed = uncounted(h) - missedBefore;
    console.log(`[measure] 59 parallel wrong PINs from one number: ${wrongChecked} verified (limit per number 10); uncounted: ${missed}`);
    expect(wrongChecked).toBeGreaterThanOrEqual(10);
    expect(wrongChecked).toBeLessThanOrEqual(10 + missed);
    await calls[59]!.press(`${u!.leaderPin}#`);
    expect(led(calls[59]!)).toBe(false);
    expect(led(await tryPin(h, number, u!.conferenceId!, u!.leaderPin!, from))).toBe(false);
    expect(led(await tryPin(h, number, u!.conferenceId!, u!.leaderPin!))).toBe(true); // the organizer, from another number
    expect(await queuedLockEmails(h, u!.id)).toBe(0); // one number cannot lock the organizer out
  });

  it('a PIN reset lifts the organizer-wide lock (the new PIN leads at once)', async () => {
    const { number, tenant, users: [u] } = await provision(small);
    const calls = await atPinPrompt(small, number, u!.conferenceId!, 8, freshNumber);
    await Promise.all(calls.map((c) => c.press(`${wrongPin(u!.leaderPin!)}#`)));
    expect(led(await tryPin(small, number, u!.conferenceId!, u!.leaderPin!))).toBe(false);
    const reset = await expectStatus(small.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    expect(led(await tryPin(small, number, u!.conferenceId!, reset.leaderPin))).toBe(true);
  });

  it('a dynamic-ID organizer with 3 meetings: wrong PINs on all three share one count', async () => {
    const { number, tenant } = await provision(small, { users: 0, tenant: { conferenceIdMode: 'dynamic' } });
    const u = await expectStatus(small.api.post(`/api/v1/tenants/${tenant.id}/users`, { email: `dyn.${Date.now()}@example.com`, displayName: 'Dyn', sendEmail: false }), 201);
    const meetings = await Promise.all([1, 2, 3].map((k) => expectStatus(small.api.post(`/api/v1/tenants/${tenant.id}/users/${u.id}/meetings`, {
      subject: `Meeting ${k}`, startsAt: new Date(Date.now() + k * 3_600_000).toISOString(),
    }), 201)));
    const calls = (await Promise.all(meetings.map((m) => atPinPrompt(small, number, m.conferenceId, 4, freshNumber)))).flat();
    const [wrongBefore, missedBefore] = [await verified(small, 'wrong'), uncounted(small)];
    await Promise.all(calls.map((c) => c.press(`${wrongPin(u.leaderPin)}#`)));
    const wrongChecked = (await verified(small, 'wrong')) - wrongBefore;
    const missed = uncounted(small) - missedBefore;
    console.log(`[measure] 12 parallel wrong PINs over 3 meetings of one organizer: ${wrongChecked} verified (limit per organizer 5); uncounted: ${missed}`);
    expect(wrongChecked).toBeGreaterThanOrEqual(5);
    expect(wrongChecked).toBeLessThanOrEqual(5 + missed);
    for (const m of meetings) expect(led(await tryPin(small, number, m.conferenceId, u.leaderPin))).toBe(false);
  });
});

describe('the organizer-wide lock email', () => {
  it('reaches the organizer through the outbox and SMTP', async () => {
    const db = await privateDatabase('pinlock');
    const smtp = await new TestSmtp().start();
    const own = await createVoiceHarness({ databaseUrl: db.url, env: { PIN_FAILURE_LIMIT_PER_ORGANIZER: '4' } });
    const worker = buildOutboxWorker(own.services, { mailer: new SmtpMailer(smtp.url, 'Attendant <attendant@example.com>'), idlePollMs: 50, periodic: [] });
    worker.worker.start();
    try {
      const { number, users: [u] } = await provision(own);
      const calls = await atPinPrompt(own, number, u!.conferenceId!, 6, freshNumber);
      await Promise.all(calls.map((c) => c.press(`${wrongPin(u!.leaderPin!)}#`)));
      const mail = await smtp.waitFor(u!.email);
      expect(mail.text).toMatch(/leader PIN was locked/);
      expect(mail.text).not.toContain(u!.leaderPin!);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.messages.filter((m) => m.to.includes(u!.email.toLowerCase()))).toHaveLength(1);
    } finally {
      await worker.stop();
      await own.close();
      await smtp.stop();
      await db.drop();
    }
  });
});
