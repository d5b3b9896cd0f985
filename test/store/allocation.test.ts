// Allocation on a nearly full bridge: concurrent allocations never collide, reuse IDs out of
// quarantine, skip active and quarantined ones, and still find the very last free IDs (where
// random draws keep missing and the allocator counts the free IDs instead). A narrow ID range
// stands in for a bridge whose 9,000,000 IDs are nearly all taken.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateConferenceId, type IdRange } from '../../src/store/conference-ids.js';
import { createHarness, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

/** A range of `size` IDs on the bridge with no row yet (provisioned IDs are random). */
async function emptyRange(bridgeId: string, size: number): Promise<IdRange> {
  for (;;) {
    const min = 1_000_000 + Math.floor(Math.random() * (9_000_000 - size));
    const range = { min, max: min + size - 1 };
    const { rows } = await h.services.db.query('SELECT 1 FROM conference_ids WHERE bridge_id = $1 AND conference_id BETWEEN $2 AND $3', [bridgeId, range.min, range.max]);
    if (rows.length === 0) return range;
  }
}

describe('conference-ID allocation on a nearly full bridge', () => {
  it('hands out exactly the free IDs, concurrently and without collision, then refuses', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const range = await emptyRange(bridge.id, 60);
    const ids = Array.from({ length: 60 }, (_, i) => range.min + i);
    // 0-29 active, 30-39 retired in quarantine, 40-44 retired and out of quarantine (free), 45-59 never used (free)
    const fill = (from: number, to: number, state: string, quarantine: string | null) => h.services.db.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, retired_at, retired_reason, quarantine_until)
       SELECT $1, id, $2, 'meeting', gen_random_uuid(), $3, $4, CASE WHEN $4 = 'retired' THEN now() END, CASE WHEN $4 = 'retired' THEN 'meeting_cancelled' END, $5::timestamptz
         FROM unnest($6::int[]) AS id`,
      [bridge.id, tenant.id, u!.id, state, quarantine, ids.slice(from, to)],
    );
    await fill(0, 30, 'active', null);
    await fill(30, 40, 'retired', new Date(Date.now() + 86_400_000).toISOString());
    await fill(40, 45, 'retired', new Date(Date.now() - 1000).toISOString());
    const free = ids.slice(40);

    const allocate = () => h.services.db.transaction((tx) => allocateConferenceId(tx, {
      bridgeId: bridge.id, tenantId: tenant.id, ownerKind: 'meeting', ownerId: randomUUID(), leaderUserId: u!.id,
      expiresAt: new Date(Date.now() + 86_400_000), quarantineDays: 90,
    }, range));
    const rows = await Promise.all(free.map(() => allocate()));
    expect(rows.map((r) => r.conference_id).sort()).toEqual(free);
    expect(rows.every((r) => r.state === 'active')).toBe(true);
    await expect(allocate()).rejects.toMatchObject({ code: 'conference_id_unavailable' });

    const { rows: [counts] } = await h.services.db.query(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*)::int AS total FROM conference_ids WHERE bridge_id = $1 AND conference_id BETWEEN $2 AND $3`,
      [bridge.id, range.min, range.max],
    );
    expect(counts).toEqual({ active: 50, total: 60 });
  });

  it('finds the one free ID left, whichever it is', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const range = await emptyRange(bridge.id, 5000); // 640 random draws mostly miss: the count finds it
    const last = range.min + 1 + Math.floor(Math.random() * 4998);
    await h.services.db.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state)
       SELECT $1, id, $2, 'meeting', gen_random_uuid(), $3, 'active' FROM generate_series($4::int, $5::int) AS id WHERE id <> $6`,
      [bridge.id, tenant.id, u!.id, range.min, range.max, last],
    );
    const row = await h.services.db.transaction((tx) => allocateConferenceId(tx, {
      bridgeId: bridge.id, tenantId: tenant.id, ownerKind: 'meeting', ownerId: randomUUID(), leaderUserId: u!.id, expiresAt: null, quarantineDays: 90,
    }, range));
    expect(row.conference_id).toBe(last);
  });
});
