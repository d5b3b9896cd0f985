// Invariants 1, 2, 4 and 5 under faults, with a Redis server and a database of the test's own:
// Redis unreachable during a reset, Redis back empty or with old data, PostgreSQL refusing
// connections, and a partition where only the admin's instance loses Redis.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { verifyPin } from '../../src/domain/pins.js';
import { kindOf } from '../../src/directory/entries.js';
import { silentLogger } from '../../src/logging.js';
import { createHarness, expectStatus, provision, type Harness, TEST_PIN_KEY } from '../support/harness.js';
import { PrivateDatabase, PrivateRedis } from '../support/private-services.js';
import { TcpProxy } from '../support/tcp-proxy.js';

let redis: PrivateRedis;
let db: PrivateDatabase;
const open: Harness[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
  db = await PrivateDatabase.create();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  if (!(await redisAnswers())) await redis.start();
  await db.allowConnections();
});
afterAll(async () => {
  await redis.stop();
  await db.drop();
});

async function redisAnswers(): Promise<boolean> {
  try { return redis.cli('ping') === 'PONG'; } catch { return false; }
}

async function instance(url = redis.url): Promise<Harness> {
  const cache = new RedisStore({ url, commandTimeoutMs: 300 }, silentLogger);
  await cache.waitUntilReady(5000).catch(() => undefined);
  const h = await createHarness({ cache, databaseUrl: db.url, env: { REDIS_URL: url } });
  open.push(h);
  const close = h.close.bind(h);
  h.close = async () => { await close(); await cache.close(); };
  return h;
}

const resetPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}/conference-id/reset`;

/** Provisions, then waits until the bridge's cache is rebuilt and trusted. */
async function provisionWarm(h: Harness) {
  const p = await provision(h);
  await h.services.directory.lookupConferenceId(p.bridge.id, Number(p.users[0]!.conferenceId));
  await h.services.directory.trust.settle();
  expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(p.users[0]!.conferenceId))).toMatchObject({ status: 'active', source: 'cache' });
  return p;
}

describe('Redis unreachable', () => {
  it('a reset is refused with 503 and changes nothing; callers are served from PostgreSQL, quickly', async () => {
    const h = await instance();
    const { bridge, tenant, users: [u] } = await provisionWarm(h);
    await redis.kill();
    const r = await h.api.post(resetPath(tenant, u!), { sendEmail: false });
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('unavailable');
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    const user = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/users/${u!.id}`), 200);
    expect(user.conferenceId).toBe(u!.conferenceId);

    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      expect(await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ status: 'active', source: 'database' });
    }
    expect((Date.now() - started) / 20).toBeLessThan(100);

    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ database: 'up', cache: 'down' });
  });

  it('when only the admin\'s instance loses Redis, its reset is refused and callers elsewhere are unaffected', async () => {
    const proxy = await TcpProxy.start(redis.port);
    try {
      const admin = await instance(proxy.url);
      const ivr = await instance();
      const { bridge, tenant, users: [u] } = await provisionWarm(admin);
      await proxy.cut();
      const r = await admin.api.post(resetPath(tenant, u!), { sendEmail: false });
      expect(r.status).toBe(503);
      // Had the reset committed without reaching Redis, this instance would still admit the
      // old ID from its cache: it must not, and here nothing changed, so it still joins.
      expect(await ivr.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ status: 'active', source: 'cache' });
      await proxy.restore();
      await admin.services.cache.ping().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      const ok = await expectStatus(admin.api.post(resetPath(tenant, u!), { sendEmail: false }), 200);
      expect((await ivr.services.directory.lookupConferenceId(bridge.id, Number(ok.previousConferenceId))).status).toBe('retired');
    } finally {
      await proxy.cut();
    }
  });
});

describe('Redis restarted', () => {
  it('empty: nothing is trusted until a rebuild from PostgreSQL, which then serves callers', async () => {
    const h = await instance();
    const { bridge, tenant, users: [u] } = await provisionWarm(h);
    const r = await expectStatus(h.api.post(resetPath(tenant, u!), { sendEmail: false }), 200);
    await redis.kill();
    await redis.start();
    await h.services.cache.ping().catch(() => undefined);
    await waitFor(() => h.services.cache.isConnected() && h.services.cache.serverIdentity(h.services.keys.directoryMarker(bridge.id)) !== null);
    const first = await h.services.directory.lookupConferenceId(bridge.id, Number(r.conferenceId));
    expect(first).toMatchObject({ status: 'active', source: 'database' });
    await h.services.directory.trust.settle();
    expect(await h.services.directory.lookupConferenceId(bridge.id, Number(r.conferenceId))).toMatchObject({ status: 'active', source: 'cache' });
    expect(await h.services.directory.lookupConferenceId(bridge.id, Number(r.previousConferenceId))).toMatchObject({ status: 'retired' });
  });

  it('with old data (a snapshot from before a reset): the old ID is refused and the cache rebuilt', async () => {
    const h = await instance();
    const { bridge, tenant, users: [u] } = await provisionWarm(h);
    expect((await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id)).status).toBe('found'); // now cached
    redis.cli('save'); // the snapshot holds the old ID as active, the old PIN, and the trust marker of this server
    const r = await expectStatus(h.api.post(resetPath(tenant, u!), { sendEmail: false }), 200);
    const pin = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    await redis.restartFromSnapshot();
    await waitFor(() => h.services.cache.isConnected() && h.services.cache.serverIdentity(h.services.keys.directoryMarker(bridge.id)) !== null);
    const { key, field } = h.services.keys.directoryBucket(bridge.id, Number(u!.conferenceId));
    expect(kindOf((await h.services.cache.hget(key, field))!)).toBe('A'); // the stale value is back...
    expect(await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ status: 'retired' }); // ...and not trusted
    await h.services.directory.trust.settle();
    expect(kindOf((await h.services.cache.hget(key, field))!)).toBe('R');
    expect(await h.services.directory.lookupConferenceId(bridge.id, Number(r.conferenceId))).toMatchObject({ status: 'active', source: 'cache' });
    const cachedPin = await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id);
    expect(cachedPin.status === 'found' && await verifyPin(pin.leaderPin, cachedPin.hash, TEST_PIN_KEY)).toBe(true);
    expect(cachedPin.status === 'found' && await verifyPin(u!.leaderPin!, cachedPin.hash, TEST_PIN_KEY)).toBe(false);
  });
});

describe('a failover behind one REDIS_URL', () => {
  it('an instance still connected to the demoted master does not act on its resynced copy, which lost a reset', async () => {
    const a = await PrivateRedis.start();
    const b = await PrivateRedis.start();
    try {
      b.cli('replicaof', '127.0.0.1', String(a.port));
      const h = await instance(a.url);
      const { bridge, number, tenant, users: [u] } = await provisionWarm(h); // the marker names a
      await a.waitForReplica(b);
      b.cli('replicaof', 'no', 'one'); // b is promoted, holding a copy from before the reset
      const r = await expectStatus(h.api.post(resetPath(tenant, u!), { sendEmail: false }), 200);
      a.cli('replicaof', '127.0.0.1', String(b.port)); // a is demoted and resyncs from b: the reset is lost
      await waitFor(() => a.cli('info', 'replication').includes('master_link_status:up'));
      const { key, field } = h.services.keys.directoryBucket(bridge.id, Number(u!.conferenceId));
      expect(kindOf(a.cli('hget', key, field))).toBe('A'); // the old ID active again, under a marker naming a
      expect(await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ status: 'retired' });
      expect(await h.services.directory.lookupConferenceId(bridge.id, Number(r.conferenceId))).toMatchObject({ status: 'active', source: 'database' });
      expect(await h.services.directory.lookupNumber(number)).toMatchObject({ status: 'found', bridgeId: bridge.id });
      const refused = await h.api.post(resetPath(tenant, u!), { sendEmail: false }); // a replica takes no writes
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('unavailable');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('PostgreSQL refusing connections', () => {
  it('cached IDs still join; admin writes answer 503; unknown IDs cannot be checked', async () => {
    const h = await instance();
    const { bridge, tenant, users: [u] } = await provisionWarm(h);
    await db.refuseConnections();
    expect(await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).toMatchObject({ status: 'active', source: 'cache' });
    const r = await h.api.post(resetPath(tenant, u!), { sendEmail: false });
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('unavailable');
    const started = Date.now();
    expect(await h.services.directory.lookupConferenceId(bridge.id, 1234567)).toEqual({ status: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(3500);
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe('down');
    await db.allowConnections();
    await waitFor(async () => (await h.api.post(resetPath(tenant, u!), { sendEmail: false })).status === 200, 10_000);
    expect((await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).status).toBe('retired');
  });
});

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
