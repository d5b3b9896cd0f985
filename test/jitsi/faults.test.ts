// The mapper and mapper IDs when Redis is unreachable: the public endpoints keep answering from
// PostgreSQL (the rate limits fail open; the live-ID cap is PostgreSQL's), callers with a mapper
// ID are still put through, and a reset answers 503 and changes nothing (its refusal could not
// reach the cache before it commits, so it must not commit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { expectStatus } from '../support/harness.js';
import { PrivateRedis } from '../support/private-services.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';
import { freshAddress, JITSI_ENV, local, MUC, ORIGIN, setupJitsi } from './support.js';

let redis: PrivateRedis;
let h: VoiceHarness;
let cache: RedisStore;
beforeAll(async () => {
  redis = await PrivateRedis.start();
  cache = new RedisStore({ url: redis.url, commandTimeoutMs: 300 }, silentLogger);
  await cache.waitUntilReady(5000);
  h = await createVoiceHarness({ cache, env: { ...JITSI_ENV, REDIS_URL: redis.url } });
});
afterAll(async () => {
  await h.close();
  await cache.close();
  await redis.stop();
});

describe('Redis unreachable', () => {
  it('the mapper answers, callers with its IDs are put through, and a reset answers 503 changing nothing', async () => {
    const s = await setupJitsi(h);
    const ask = (room: string) => fetch(`${local(h, s.integration.dialInConfCodeUrl)}?conference=${room}@${MUC}`, { headers: { origin: ORIGIN, 'x-forwarded-for': freshAddress() } });
    const before = await (await ask('steady')).json() as { id: number };
    await redis.kill();

    const same = await ask('steady');
    expect(same.status).toBe(200);
    expect((await same.json()).id).toBe(before.id);
    const fresh = await ask('newroom');
    expect(fresh.status).toBe(200);
    const { id } = await fresh.json() as { id: number };

    for (const entered of [before.id, id]) {
      const call = await h.call(s.number).dial();
      await call.press(`${entered}#`);
      expect(call.state).toBe('sip');
    }

    const [room] = (await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200)).items;
    const reset = await h.api.post(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms/${room.id}/conference-id/reset`);
    expect(reset.status).toBe(503);
    expect(reset.body.code).toBe('unavailable');
    const after = (await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200)).items;
    expect(after.find((r: { id: string }) => r.id === room.id).conferenceId).toBe(room.conferenceId);
    // and so is removing the integration, which retires all its IDs
    expect((await h.api.del(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}`)).status).toBe(503);
    expect((await ask('steady')).status).toBe(200);
  });
});
