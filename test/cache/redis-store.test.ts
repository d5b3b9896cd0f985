import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { cacheStoreBehaviour } from './store-behaviour.js';

// The run's Redis, under a prefix of this file's own; nothing else is touched.
cacheStoreBehaviour('Redis (Lua scripts)', async () => {
  const store = new RedisStore({ url: inject('redisUrl') }, silentLogger);
  await store.waitUntilReady(5000);
  return store;
}, `${inject('keyPrefix')}cache-${randomBytes(3).toString('hex')}:`);
