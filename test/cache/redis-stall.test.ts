import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheStalledError, RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { PrivateRedis } from '../support/private-services.js';

// A hung Redis (SIGSTOP: the connection stays open, nothing answers) must cost one command
// timeout, not one per request: after the first timeout the store fails at once until a
// background PING answers again.
describe('RedisStore against a hung server', () => {
  let redis: PrivateRedis;
  let store: RedisStore;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    store = new RedisStore({ url: redis.url, commandTimeoutMs: 150, probeEveryMs: 50 }, silentLogger);
    await store.waitUntilReady(5000);
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it('times out once, then fails fast, then recovers by itself when the server answers', async () => {
    await store.set('k', 'v');
    redis.pause();
    try {
      let started = Date.now();
      await expect(store.get('k')).rejects.toThrow('Command timed out');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      started = Date.now();
      const failures = await Promise.allSettled(Array.from({ length: 50 }, () => store.slidingWindow('w', Date.now(), 1000, true)));
      expect(Date.now() - started).toBeLessThan(50);
      for (const f of failures) expect(f.status === 'rejected' && f.reason instanceof CacheStalledError).toBe(true);
    } finally {
      redis.resume();
    }
    // The probe notices within a few intervals; nothing the stalled store refused was sent.
    await expect.poll(() => store.get('k').catch(() => 'stalled'), { timeout: 3000, interval: 50 }).toBe('v');
    expect(await store.slidingWindow('w', Date.now(), 1000, false)).toBe(0);
  });
});
