// The directory on a real three-master Redis Cluster (REDIS_CLUSTER_NODES): every key of a
// bridge shares one slot, scripts run there, trust markers follow the node that holds them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotOf } from '../../src/cache/slots.js';
import { createClusterHarness, type ClusterHarness } from '../support/cluster-harness.js';
import { expectStatus, provision, type Harness } from '../support/harness.js';
import type { PrivateCluster } from '../support/private-services.js';

let cluster: PrivateCluster;
let h: Harness;
let setup: ClusterHarness | undefined;

beforeAll(async () => {
  setup = await createClusterHarness();
  ({ cluster, h } = setup);
}, 60_000);

afterAll(async () => { await setup?.close(); });

describe('on a Redis Cluster', () => {
  it('keeps every key of a bridge in one slot, and bridges spread over the masters', async () => {
    const k = h.services.keys;
    const slots = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const bridge = crypto.randomUUID();
      const keys = [k.directoryBucket(bridge, 1234567).key, k.directoryBucket(bridge, 9876543).key, k.directoryMarker(bridge), k.tenantSettings(bridge), k.leaderPins(bridge), k.liveRooms(bridge), k.rebuildLock(bridge)];
      expect(new Set(keys.map(slotOf)).size).toBe(1);
      slots.add(slotOf(keys[0]!));
    }
    expect(new Set([...slots].map((slot) => cluster.ownerOf(slot).master.port)).size).toBeGreaterThan(1);
  });

  it('admits active IDs from the cache once trusted, and refuses a reset ID at once', async () => {
    const { bridge, tenant, users: [u, v] } = await provision(h, { users: 2 });
    const d = h.services.directory;
    expect((await d.lookupConferenceId(bridge.id, Number(u!.conferenceId))).status).toBe('active');
    await d.trust.settle();
    expect(h.services.cache.serverIdentity(h.services.keys.directoryMarker(bridge.id))).toMatch(/^[0-9a-f]{40}$/);
    expect(await d.lookupConferenceId(bridge.id, Number(v!.conferenceId))).toMatchObject({ status: 'active', source: 'cache', ownerId: v!.id });

    const r = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/conference-id/reset`, { sendEmail: false }), 200);
    expect((await d.lookupConferenceId(bridge.id, Number(r.previousConferenceId))).status).toBe('retired');
    expect(await d.lookupConferenceId(bridge.id, Number(r.conferenceId))).toMatchObject({ status: 'active', ownerId: u!.id });
  });

  it('numbers, PIN hashes and rebuilds work across nodes', async () => {
    const { bridge, number, users: [u] } = await provision(h);
    const d = h.services.directory;
    expect(await d.lookupNumber(number)).toMatchObject({ status: 'found', bridgeId: bridge.id });
    const pin = await d.leaderPinHash(bridge.id, 'user', u!.id);
    expect(pin.status === 'found' && pin.hash?.startsWith('kscrypt$')).toBe(true);
    await d.trust.settle(); // the lookups above started rebuilds; let them finish first
    const rebuilt = await d.rebuilder.rebuildBridge(bridge.id);
    expect(rebuilt.completed).toBe(true);
    expect(rebuilt.written).toBeGreaterThan(0);
  });
});
