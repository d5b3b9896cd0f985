// Builds the service's parts from the configuration: used by main.ts, the CLI tools and tests.
import { CacheKeys } from './cache/keys.js';
import { RedisStore } from './cache/redis-store.js';
import type { CacheStore } from './cache/store.js';
import type { Config } from './config.js';
import { Directory } from './directory/directory.js';
import type { Logger } from './logging.js';
import { Metrics } from './metrics.js';
import { SecretBox } from './lib/secret-box.js';
import type { Services } from './services.js';
import { Database } from './store/db.js';
import { outboxDepthByKind } from './store/outbox-claims.js';

/** Connects to the cache named by the configuration. */
export async function connectCache(config: Config, log: Logger): Promise<CacheStore> {
  const r = config.redis;
  if (r.kind === 'memory') {
    const { MemoryStore } = await import('./cache/memory-store.js');
    log.warn('REDIS_URL is not set: using an in-process cache (one instance only, development only)');
    return new MemoryStore();
  }
  // 300 ms per command: the caller path's whole budget for the cache (see directory.ts).
  const store = new RedisStore({ ...(r.kind === 'cluster' ? { clusterNodes: r.nodes } : { url: r.url }), commandTimeoutMs: 300 }, log);
  try {
    await store.waitUntilReady(5000);
  } catch {
    log.warn('the cache is not reachable yet; callers are served from the database until it is');
  }
  return store;
}

export function buildServices(config: Config, log: Logger, databaseUrl: string, cache: CacheStore, metrics = new Metrics()): Services {
  const db = new Database({ url: databaseUrl, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements }, log);
  const keys = new CacheKeys(config.redis.keyPrefix);
  const directory = new Directory(cache, db, keys, log, {}, {
    lookup: (result, source) => metrics.directoryLookups.inc({ result, source }),
    cacheWriteFailed: (stage) => metrics.directoryCacheWriteFailures.inc({ stage }),
    rebuilt: (scope, outcome, ms) => {
      metrics.directoryRebuilds.inc({ scope, outcome });
      if (outcome === 'completed') metrics.directoryRebuildDuration.observe({ scope }, ms / 1000);
    },
  });
  metrics.watchOutbox(() => outboxDepthByKind(db));
  return { config, log, db, cache, keys, directory, secrets: new SecretBox(config.secretsKey.key), metrics };
}
