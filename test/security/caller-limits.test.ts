// Failed conference-ID entries under parallel calls (issue 16, findings 1, 4 and 9): an entry
// is acted on only after it was reserved against the calling number's budget on its bridge, so
// 30 parallel calls from one number get at most CALLER_FAILURE_LIMIT wrong IDs checked; counts
// are kept per (bridge, number), withheld callers have a budget of their own per bridge; an
// operator sees and lifts a block (audited); Redis key names never hold a caller's number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { adminClient, expectStatus, freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, joinWith, unusedId, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness; // the default limit: 10 failed entries per number per hour
beforeAll(async () => { h = await createVoiceHarness({ env: { WITHHELD_FAILURE_LIMIT: '6' } }); });
afterAll(async () => { await h.close(); });

const recognisedNot = (c: SimulatedCall) => c.heard.filter((x) => /was not recognized/.test(x.text)).length;

/** Failed entries the service counted and answered (reason 'unknown'), so far. */
const uncounted = (harness: VoiceHarness) => harness.logs.filter((l) => /could not be counted/.test(String(l.msg))).length;

async function unknownEntries(): Promise<number> {
  return (await h.services.metrics.entryFailures.get()).values.find((v) => v.labels.reason === 'unknown')?.value ?? 0;
}

/** A call that enters `ids` one after the other while it is asked. */
async function enter(number: string, from: string, ids: string[]): Promise<SimulatedCall> {
  const c = await h.call(number, { from }).dial();
  for (const id of ids) if (c.state === 'gathering') await c.press(`${id}#`);
  return c;
}

describe('parallel wrong conference IDs', () => {
  it('30 calls from one number, 3 wrong IDs each, all at once: at most 10 are checked; a right ID then is refused', async () => {
    const { number, users: [u] } = await provision(h);
    const from = freshNumber();
    const wrong = () => unusedId([u!.conferenceId]);
    const calls = await Promise.all(Array.from({ length: 30 }, () => h.call(number, { from }).dial()));
    const before = await unknownEntries();
    const missedBefore = uncounted(h);
    // three waves of 30 entries at once
    for (let wave = 0; wave < 3; wave++) {
      await Promise.all(calls.filter((c) => c.state === 'gathering').map((c) => c.press(`${wrong()}#`)));
    }
    const checked = (await unknownEntries()) - before;
    const answeredWrong = calls.reduce((n, c) => n + recognisedNot(c), 0);
    console.log(`[measure] 30 parallel calls from one number: ${checked} wrong IDs checked (limit 10), ${answeredWrong} answered "not recognized"`);
    const missed = uncounted(h) - missedBefore; // attempts Redis did not count in time go on uncounted (docs/security.md)
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(checked).toBeLessThanOrEqual(10 + missed);
    expect(answeredWrong).toBe(checked);
    // the number is blocked on this bridge: even the right ID does not get it in
    const late = await h.call(number, { from }).dial();
    expect(late.state).toBe('ended');
    expect(late.transcript()).toMatch(/not available from your number/);
  });

  it('two bridges keep separate counts for one number', async () => {
    const a = await provision(h);
    const b = await provision(h);
    const from = freshNumber();
    const wrong = unusedId([a.users[0]!.conferenceId, b.users[0]!.conferenceId]);
    for (let k = 0; k < 4; k++) await enter(a.number, from, [wrong, wrong, wrong]); // 10 reached on A
    expect((await h.call(a.number, { from }).dial()).state).toBe('ended');
    expect((await joinWith(h.call(b.number, { from }), b.users[0]!.conferenceId!)).state).toBe('conference');
    // and B's own count starts from zero: 9 failures there do not block
    for (let k = 0; k < 3; k++) await enter(b.number, from, [wrong, wrong, wrong]);
    expect((await joinWith(h.call(b.number, { from }), b.users[0]!.conferenceId!)).state).toBe('conference');
  });

  it('withheld callers share a budget of their own per bridge, apart from any number', async () => {
    const a = await provision(h);
    const b = await provision(h);
    const wrong = unusedId([a.users[0]!.conferenceId]);
    // a number's failures do not touch the withheld callers
    const from = freshNumber();
    for (let k = 0; k < 4; k++) await enter(a.number, from, [wrong, wrong, wrong]);
    expect((await joinWith(h.call(a.number, { from: 'anonymous' }), a.users[0]!.conferenceId!)).state).toBe('conference');
    // 6 withheld failures (any spelling) block the withheld callers of bridge A only
    for (const spelling of ['anonymous', 'Restricted']) await enter(a.number, spelling, [wrong, wrong, wrong]);
    for (const spelling of ['', '+266696687', 'unknown']) expect((await h.call(a.number, { from: spelling }).dial()).state, spelling).toBe('ended');
    expect((await joinWith(h.call(b.number, { from: 'anonymous' }), b.users[0]!.conferenceId!)).state).toBe('conference');
    expect((await joinWith(h.call(a.number, { from: freshNumber() }), a.users[0]!.conferenceId!)).state).toBe('conference');
  });
});

describe('caller blocks through the admin API', () => {
  it('GET shows which bridges block a number, how many failures and until when; DELETE lifts it, audited', async () => {
    const a = await provision(h);
    const b = await provision(h);
    const from = freshNumber();
    const wrong = unusedId([a.users[0]!.conferenceId]);
    for (let k = 0; k < 4; k++) await enter(a.number, from, [wrong, wrong, wrong]);
    await enter(b.number, from, [wrong]);
    const path = `/api/v1/caller-blocks/${encodeURIComponent(from)}`;
    const seen = await expectStatus(h.api.get(path), 200);
    const byBridge = new Map<string, { blockedUntil: string }>(seen.bridges.map((x: { bridgeId: string; blockedUntil: string }) => [x.bridgeId, x]));
    expect(byBridge.get(a.bridge.id)).toMatchObject({ failures: 10, limit: 10, blocked: true });
    expect(Date.parse(byBridge.get(a.bridge.id)!.blockedUntil)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(byBridge.get(b.bridge.id)).toMatchObject({ failures: 1, blocked: false, blockedUntil: null });

    // tenant keys may not: the block spans tenants
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tenant', tenantId: a.tenant.id }), 201);
    expect((await adminClient(h.app, key.key).get(path)).status).toBe(403);

    const lifted = await expectStatus(h.api.del(path), 200);
    expect(lifted.lifted).toHaveLength(2);
    expect((await joinWith(h.call(a.number, { from }), a.users[0]!.conferenceId!)).state).toBe('conference');
    expect((await expectStatus(h.api.get(path), 200)).bridges).toEqual([]);
    const { rows } = await h.services.db.query<{ details: { caller: string }; target_id: string }>(
      "SELECT details, target_id FROM audit_events WHERE action = 'caller_block.lifted' ORDER BY seq DESC LIMIT 1");
    expect(rows[0]!.details.caller).not.toBe(from);
    expect(JSON.stringify(rows[0])).not.toContain(from.slice(2));

    const withheld = await expectStatus(h.api.get('/api/v1/caller-blocks/withheld'), 200);
    expect(withheld.caller).toBe('withheld');
    expect((await h.api.get('/api/v1/caller-blocks/12345')).status).toBe(422);
  });

  it('Redis key names never carry a caller\'s number', async () => {
    const { number, users: [u] } = await provision(h);
    const froms = [freshNumber(), freshNumber(), freshNumber()];
    const wrong = unusedId([u!.conferenceId]);
    for (const from of froms) {
      await enter(number, from, [wrong]);
      const c = await enter(number, from, [u!.conferenceId!]);
      await c.press(`*${wrong}#`).catch(() => undefined); // a wrong PIN too
    }
    const redis = new Redis(h.config.redis.kind === 'single' ? h.config.redis.url : '');
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${h.config.redis.keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      expect(keys.some((k) => k.includes(':cf:'))).toBe(true); // the counts are there...
      for (const from of froms) {
        expect(keys.filter((k) => k.includes(from.slice(1)) || k.includes(from.slice(-7)))).toEqual([]); // ...under no number
      }
    } finally {
      redis.disconnect();
    }
  });
});
