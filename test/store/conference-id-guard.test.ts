// Invariant 7 is the database's, not only the code's: a direct write cannot hand out an active
// or quarantined ID, and concurrent allocation on one bridge never collides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateConferenceId, claimConferenceId, retireIds } from '../../src/store/conference-ids.js';
import { createHarness, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

describe('the conference_ids table', () => {
  it('refuses to move an active or quarantined ID to another owner, even by direct SQL', async () => {
    const { bridge, users: [a, b] } = await provision(h, { users: 2 });
    const steal = () => h.services.db.query("UPDATE conference_ids SET owner_id = $2, leader_user_id = $2 WHERE bridge_id = $1 AND conference_id = $3", [bridge.id, b!.id, Number(a!.conferenceId)]);
    await expect(steal()).rejects.toMatchObject({ code: 'conference_id_unavailable' });
    await h.services.db.transaction((tx) => retireIds(tx, { ownerKind: 'user', ownerId: a!.id }, 'reset', 90));
    await expect(steal()).rejects.toMatchObject({ code: 'conference_id_unavailable' }); // quarantined
    await expect(h.services.db.query("UPDATE conference_ids SET state = 'active', retired_at = NULL, retired_reason = NULL WHERE bridge_id = $1 AND conference_id = $2", [bridge.id, Number(a!.conferenceId)]))
      .rejects.toMatchObject({ code: 'conference_id_unavailable' });
    await expect(h.services.db.query(
      "INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state) SELECT bridge_id, conference_id, tenant_id, 'user', $3, $3, 'active' FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2",
      [bridge.id, Number(b!.conferenceId), a!.id],
    )).rejects.toMatchObject({ code: 'conference_id_unavailable' });
  });

  it('hands a retired ID out again only after its quarantine', async () => {
    const { bridge, tenant, users: [a, b] } = await provision(h, { users: 2 });
    const claim = (quarantineDays: number) => h.services.db.transaction((tx) => claimConferenceId(tx, {
      bridgeId: bridge.id, conferenceId: Number(a!.conferenceId), tenantId: tenant.id, ownerKind: 'user', ownerId: b!.id, leaderUserId: b!.id, expiresAt: null, quarantineDays,
    }));
    await h.services.db.transaction((tx) => retireIds(tx, { ownerKind: 'user', ownerId: a!.id }, 'reset', 90));
    expect(await claim(90)).toBeNull();
    await h.services.db.query("UPDATE conference_ids SET quarantine_until = now() - interval '1 second' WHERE bridge_id = $1 AND conference_id = $2", [bridge.id, Number(a!.conferenceId)]);
    await h.services.db.transaction((tx) => retireIds(tx, { ownerKind: 'user', ownerId: b!.id }, 'replaced', 90));
    const row = await claim(90);
    expect(row).toMatchObject({ conference_id: Number(a!.conferenceId), owner_id: b!.id, state: 'active' });
  });

  it('allocates distinct IDs under concurrency', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => h.services.db.transaction(async (tx) => {
      const meetingId = crypto.randomUUID();
      return allocateConferenceId(tx, { bridgeId: bridge.id, tenantId: tenant.id, ownerKind: 'meeting', ownerId: meetingId, leaderUserId: u!.id, expiresAt: new Date(Date.now() + i * 1000 + 86_400_000), quarantineDays: 90 });
    })));
    expect(new Set(rows.map((r) => r.conference_id)).size).toBe(40);
  });
});
