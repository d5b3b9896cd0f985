// Invariants 1-3 on a healthy system: a reset is refused at once, a stale reader cannot put an
// old value back, parallel resets leave one working ID, and a reset racing cache fills never
// leaves the old ID admitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conferenceIdWrite } from '../../src/directory/writes.js';
import { findConferenceIdRow } from '../../src/store/conference-ids.js';
import { kindOf } from '../../src/directory/entries.js';
import { createHarness, expectStatus, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const reset = (t: { id: string }, u: { id: string }) =>
  expectStatus(h.api.post(`/api/v1/tenants/${t.id}/users/${u.id}/conference-id/reset`, { sendEmail: false }), 200);
const lookup = (bridgeId: string, id: string | number) => h.services.directory.lookupConferenceId(bridgeId, Number(id));
const cachedValue = (bridgeId: string, id: string | number) => {
  const { key, field } = h.services.keys.directoryBucket(bridgeId, Number(id));
  return h.services.cache.hget(key, field);
};

describe('the directory after a reset', () => {
  it('refuses the old ID and admits the new one, from the cache once it is trusted', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    expect((await lookup(bridge.id, u!.conferenceId!)).status).toBe('active');
    await h.services.directory.trust.settle(); // the first lookup started the bridge's rebuild
    const hit = await lookup(bridge.id, u!.conferenceId!);
    expect(hit).toMatchObject({ status: 'active', source: 'cache', ownerKind: 'user', ownerId: u!.id });

    const r = await reset(tenant, u!);
    expect(await lookup(bridge.id, r.previousConferenceId)).toMatchObject({ status: 'retired' });
    expect(kindOf((await cachedValue(bridge.id, r.previousConferenceId))!)).toBe('R');
    const fresh = await lookup(bridge.id, r.conferenceId);
    expect(fresh).toMatchObject({ status: 'active', ownerId: u!.id, room: hit.status === 'active' ? hit.room : '' });
  });

  it('a reader holding a value read before the reset cannot put it back (compare-and-set)', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const stale = (await findConferenceIdRow(h.services.db, bridge.id, Number(u!.conferenceId)))!;
    expect(stale.state).toBe('active');
    await reset(tenant, u!);
    const [now] = await h.services.cache.casFields([conferenceIdWrite(h.services.keys, stale)]);
    expect(kindOf(now!)).toBe('R');
    expect((await lookup(bridge.id, u!.conferenceId!)).status).toBe('retired');
  });

  it('parallel resets of one user leave exactly one ID that the directory admits', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const results = await Promise.all(Array.from({ length: 16 }, () => reset(tenant, u!)));
    const issued = [u!.conferenceId!, ...results.map((r) => r.conferenceId as string)];
    const states = await Promise.all(issued.map((id) => lookup(bridge.id, id)));
    const admitted = issued.filter((_, i) => states[i]!.status === 'active');
    expect(admitted).toHaveLength(1);
    const current = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/users/${u!.id}`), 200);
    expect(admitted[0]).toBe(current.conferenceId);
  });

  it('a reset racing cache fills never leaves the old ID admitted (300 rounds)', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    let current = u!.conferenceId!;
    let raced = 0;
    for (let round = 0; round < 300; round++) {
      // Empty the cached value so that concurrent readers miss, read PostgreSQL and fill.
      const { key, field } = h.services.keys.directoryBucket(bridge.id, Number(current));
      await h.services.cache.casFields([]); // no-op keeps the connection warm
      await (h.services.cache as unknown as { client: { hdel(k: string, f: string): Promise<number> } }).client.hdel(key, field);
      let done = false;
      // lookups that were in flight while the reset ran: the race this test is about
      let resetStarted = Infinity, resetEnded = Infinity, overlapping = 0;
      const readers = Promise.all(Array.from({ length: 3 }, async () => {
        const seen: string[] = [];
        while (!done) {
          const began = performance.now();
          seen.push((await lookup(bridge.id, current)).status);
          if (began < resetEnded && performance.now() > resetStarted) overlapping++;
        }
        return seen;
      }));
      resetStarted = performance.now();
      let r: { conferenceId: string };
      let afterReturn: Awaited<ReturnType<typeof lookup>>;
      try {
        r = await reset(tenant, u!);
        resetEnded = performance.now();
        afterReturn = await lookup(bridge.id, current);
      } finally {
        done = true; // a failed reset must not leave the readers looping (and the test file running) for ever
        await readers;
      }
      expect(afterReturn.status, `round ${round}`).toBe('retired');
      const cached = await cachedValue(bridge.id, current);
      expect(cached === null || kindOf(cached) !== 'A', `round ${round}: cache holds ${cached}`).toBe(true);
      if (overlapping > 0) raced++;
      current = r.conferenceId;
    }
    expect(raced, 'rounds in which readers looked the ID up while the reset ran').toBeGreaterThanOrEqual(270);
  }, 120_000);
});
