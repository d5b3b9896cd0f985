// A service harness on a private Redis Cluster (REDIS_CLUSTER_NODES), for the directory's
// Cluster tests; `close()` stops the harness, its store and the cluster.
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { createHarness, type Harness } from './harness.js';
import { PrivateCluster } from './private-services.js';

export interface ClusterHarness { cluster: PrivateCluster; store: RedisStore; h: Harness; close(): Promise<void> }

export async function createClusterHarness({ replicas = 0 } = {}): Promise<ClusterHarness> {
  const cluster = await PrivateCluster.start({ replicas });
  const nodes = cluster.addresses.map((a) => `${a.host}:${a.port}`).join(',');
  const store = new RedisStore({ clusterNodes: cluster.addresses, commandTimeoutMs: 300 }, silentLogger);
  await store.waitUntilReady(10_000);
  const h = await createHarness({ cache: store, env: { REDIS_URL: '', REDIS_CLUSTER_NODES: nodes } });
  return {
    cluster, store, h,
    async close() {
      await h.close();
      await store.close();
      await cluster.stop();
    },
  };
}
