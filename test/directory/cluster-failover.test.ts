// A Redis Cluster master fails over to a replica that lost its latest writes. Redis replicates
// asynchronously, so a reset the old master acknowledged can be missing on the new one, whose
// copy still says "active" for the old ID. Invariant 4 covers it: the copied trust marker names
// the old master's run_id, so nothing the new master holds for that bridge is acted on until a
// rebuild from PostgreSQL, and the reset ID is refused throughout.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisStore } from '../../src/cache/redis-store.js';
import { slotOf } from '../../src/cache/slots.js';
import { kindOf } from '../../src/directory/entries.js';
import { createClusterHarness, type ClusterHarness } from '../support/cluster-harness.js';
import { expectStatus, provision, type Harness } from '../support/harness.js';
import { eventually } from '../support/private-db.js';
import type { PrivateCluster, PrivateRedis } from '../support/private-services.js';

let cluster: PrivateCluster;
let h: Harness;
let store: RedisStore;
let setup: ClusterHarness | undefined;

beforeAll(async () => {
  setup = await createClusterHarness({ replicas: 1 });
  ({ cluster, store, h } = setup);
}, 60_000);

afterAll(async () => { await setup?.close(); });

const runIdOf = (node: PrivateRedis) => /run_id:([0-9a-f]+)/.exec(node.cli('info', 'server'))![1]!;

describe('a Redis Cluster failover that loses writes', () => {
  it('keeps a reset ID refused while the new master holds the pre-reset value, then rebuilds the bridge there', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const d = h.services.directory;
    const oldId = Number(u!.conferenceId);
    await d.lookupConferenceId(bridge.id, oldId);
    await d.trust.settle();
    expect(await d.lookupConferenceId(bridge.id, oldId)).toMatchObject({ status: 'active', source: 'cache' });

    const { key, field } = h.services.keys.directoryBucket(bridge.id, oldId);
    const { master, replicas: [replica] } = cluster.ownerOf(slotOf(key));
    await master.waitForReplica(replica!); // the replica holds the warm bridge and its marker
    // Redis replicates asynchronously: a master that dies right after answering can take its
    // last writes with it. Keep the replica's pre-reset copy to put back after the failover, as
    // such a loss would leave it (a stopped replica still receives into its socket buffer, so
    // the loss itself cannot be staged reliably here).
    const onReplica = new Redis({ port: replica!.port, host: '127.0.0.1', readOnly: true, lazyConnect: true });
    const beforeReset = (await onReplica.hgetBuffer(key, field))!;
    expect(kindOf(beforeReset.toString('latin1'))).toBe('A');

    const reset = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/conference-id/reset`, { sendEmail: false }), 200);
    expect(kindOf(master.cli('hget', key, field))).toBe('R');

    await master.kill();
    replica!.cli('cluster', 'failover', 'takeover');
    await cluster.waitUntil((t) => t.some((n) => n.port === replica!.port && n.master && n.slots.length > 0), replica);
    await onReplica.hset(key, field, beforeReset); // the reset, lost with the old master
    onReplica.disconnect();

    // Callers keep looking the old ID up while the store finds the new master;
    // none of them may be admitted. (Not earlier: a lookup could rebuild the bridge on the new master
    // before the lost value is put back, which a real loss cannot do.)
    const seen: string[] = [];
    let calling = true;
    const caller = (async () => {
      while (calling) {
        seen.push((await d.lookupConferenceId(bridge.id, oldId)).status);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      // The store follows the slot to the new master and reads its identity; the copied marker
      // names the old master, so the bridge is answered from PostgreSQL and rebuilt.
      const marker = h.services.keys.directoryMarker(bridge.id);
      expect(await eventually(async () => store.serverIdentity(marker), (id) => id === runIdOf(replica!), 20_000)).toBe(runIdOf(replica!));
      expect(await d.lookupConferenceId(bridge.id, oldId)).toMatchObject({ status: 'retired' });
      // A rebuild that races the store's view of the slots may not complete; the next one, 2 s on, does.
      const fresh = await eventually(() => d.lookupConferenceId(bridge.id, Number(reset.conferenceId)), (v) => 'source' in v && v.source === 'cache', 15_000);
      expect(fresh).toMatchObject({ status: 'active', source: 'cache', ownerId: u!.id });
      expect(kindOf(replica!.cli('hget', key, field))).toBe('R');

      const atRebuild = seen.length;
      await eventually(async () => seen.length, (n) => n >= Math.max(10, atRebuild + 3)); // some of them after the rebuild
    } finally { // a failed step must not leave the caller looping
      calling = false;
      await caller;
    }
    expect(seen).not.toContain('active');
  }, 60_000);
});
