// A Redis that may evict any key could drop a retired ID's value and keep the bridge's marker,
// so the directory must not trust it: callers are answered from PostgreSQL and an error line says
// which setting to change. Once the policy is fixed, the cache is trusted again without a restart.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, evictingPolicy } from '../../src/cache/redis-store.js';
import { createLogger } from '../../src/logging.js';
import { createHarness, provision, type Harness } from '../support/harness.js';
import { eventually } from '../support/private-db.js';
import { PrivateRedis } from '../support/private-services.js';

let redis: PrivateRedis;
let store: RedisStore;
let h: Harness;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l))); done(); } });
  store = new RedisStore({ url: redis.url, recheckEveryMs: 200 }, createLogger('info', {}, sink));
  await store.waitUntilReady(5000);
  h = await createHarness({ cache: store, env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await h?.close();
  await store?.close();
  await redis?.stop();
});

describe('a Redis whose maxmemory-policy can evict the directory', () => {
  it('is not trusted (an error line names the setting), and is trusted once the policy is fixed', async () => {
    const { bridge, users: [u] } = await provision(h);
    const id = Number(u!.conferenceId);
    const marker = h.services.keys.directoryMarker(bridge.id);
    expect(store.serverIdentity(marker)).toBeNull();
    const line = lines.find((l) => l.maxmemoryPolicy === 'allkeys-lru');
    expect(line).toMatchObject({ level: 'error', node: `127.0.0.1:${redis.port}` });
    expect(String(line!.msg)).toMatch(/maxmemory-policy.*noeviction/);

    // Callers are admitted from PostgreSQL; nothing marks the bridge trusted.
    for (let i = 0; i < 3; i++) {
      expect(await h.services.directory.lookupConferenceId(bridge.id, id)).toMatchObject({ status: 'active', source: 'database' });
      await h.services.directory.trust.settle();
    }
    expect(redis.cli('exists', marker)).toBe('0');

    redis.cli('config', 'set', 'maxmemory-policy', 'noeviction');
    await eventually(async () => store.serverIdentity(marker), (v) => v !== null, 5000);
    expect(store.serverIdentity(marker)).not.toBeNull();
    await h.services.directory.lookupConferenceId(bridge.id, id);
    await h.services.directory.trust.settle();
    expect(await h.services.directory.lookupConferenceId(bridge.id, id)).toMatchObject({ status: 'active', source: 'cache' });
  });

  it('reads the policy from INFO memory: allkeys-* evicts, volatile-* and noeviction do not', () => {
    expect(evictingPolicy('# Memory\r\nmaxmemory_policy:allkeys-lfu\r\n')).toBe('allkeys-lfu');
    expect(evictingPolicy('maxmemory_policy:allkeys-random\r\n')).toBe('allkeys-random');
    expect(evictingPolicy('maxmemory_policy:volatile-lru\r\n')).toBeNull();
    expect(evictingPolicy('maxmemory_policy:noeviction\r\n')).toBeNull();
    expect(evictingPolicy('# Server\r\nredis_version:7.0.15\r\n')).toBeNull();
  });
});
