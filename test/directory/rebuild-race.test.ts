// A rebuild must not mark a bridge trusted when a value it relied on was lost while it ran
// (invariant 4), and nothing read or decided before such a loss may be written after the rebuild
// that follows it (a reader's fill, a change's after-commit write). The test holds each party
// between its read of PostgreSQL (or its COMMIT) and its write to Redis, so each interleaving
// happens every time; Redis and the database are the test's own (it flushes Redis and holds
// transactions open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { changeConferenceIdIn } from '../../src/commands/change-conference-id.js';
import { verifyPin } from '../../src/domain/pins.js';
import { resetLeaderPin } from '../../src/commands/reset-leader-pin.js';
import { Directory } from '../../src/directory/directory.js';
import { Rebuilder, type RebuildResult } from '../../src/directory/rebuild.js';
import { silentLogger } from '../../src/logging.js';
import type { Database, Tx } from '../../src/store/db.js';
import { createHarness, expectStatus, provision, type Harness, TEST_PIN_KEY } from '../support/harness.js';
import { sleep } from '../support/private-db.js';
import { PrivateDatabase, PrivateRedis } from '../support/private-services.js';

let redis: PrivateRedis;
let db: PrivateDatabase;
let store: RedisStore;
let h: Harness;

beforeAll(async () => {
  [redis, db] = await Promise.all([PrivateRedis.start(), PrivateDatabase.create()]);
  store = new RedisStore({ url: redis.url, commandTimeoutMs: 1000 }, silentLogger);
  await store.waitUntilReady(5000);
  h = await createHarness({ cache: store, databaseUrl: db.url, env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await h?.close();
  await store?.close();
  await redis?.stop();
  await db?.drop();
});

/** A latch a test opens; `reached` resolves when someone waits at it. */
function latch() {
  let open!: () => void;
  let arrive!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (arrive = r));
  return { open, reached, wait: async () => { arrive(); await opened; } };
}

/** A property of the real database; methods stay bound to it (they use private fields). */
function bound(target: Database, prop: string | symbol, receiver: unknown): unknown {
  const value: unknown = Reflect.get(target, prop, receiver);
  return typeof value === 'function' ? value.bind(target) : value;
}

/**
 * The real database, except that a query whose text matches `pattern` pauses at `gate` after
 * PostgreSQL answered it (when it returned rows): the test decides when its caller goes on.
 */
function heldAfter(pattern: RegExp, gate: ReturnType<typeof latch>): Database {
  return new Proxy(h.services.db, {
    get(target, prop, receiver) {
      if (prop !== 'query') return bound(target, prop, receiver);
      return async (text: string, values?: unknown[]) => {
        const result = await target.query(text, values);
        if (pattern.test(text) && result.rows.length > 0) await gate.wait();
        return result;
      };
    },
  });
}

/** A rebuilder that pauses after each page of conference IDs it reads, before writing them. */
const heldRebuilder = (gate: ReturnType<typeof latch>) =>
  new Rebuilder(heldAfter(/FROM conference_ids WHERE bridge_id = \$1 AND conference_id > \$2/, gate), store, h.services.keys, silentLogger);

/** Trusted again after a flush: a lookup starts the rebuild, which completes. */
async function rebuildNow(bridgeId: string, id: number): Promise<void> {
  const d = h.services.directory;
  await d.lookupConferenceId(bridgeId, id);
  await d.trust.settle();
  expect(await d.lookupConferenceId(bridgeId, id)).toMatchObject({ status: 'active', source: 'cache' });
}

async function expectLeaderPin(bridgeId: string, userId: string, current: string, old: string): Promise<void> {
  const found = await h.services.directory.leaderPinHash(bridgeId, 'user', userId);
  if (found.status !== 'found') throw new Error(`leader PIN not found: ${JSON.stringify(found)}`);
  expect(await verifyPin(old, found.hash, TEST_PIN_KEY)).toBe(false);
  expect(await verifyPin(current, found.hash, TEST_PIN_KEY)).toBe(true);
}

const resetPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}/conference-id/reset`;

/** The old ID stays refused while readers bring the bridge back to a trusted cache. */
async function expectRefusedThenTrusted(bridgeId: string, oldId: number, newId: number): Promise<void> {
  const d = h.services.directory;
  const seen: string[] = [];
  const end = Date.now() + 15_000;
  for (;;) {
    seen.push((await d.lookupConferenceId(bridgeId, oldId)).status);
    const fresh = await d.lookupConferenceId(bridgeId, newId);
    if (fresh.status === 'active' && fresh.source === 'cache') break;
    if (Date.now() > end) throw new Error(`the bridge was not trusted again within 15 s (last: ${JSON.stringify(fresh)})`);
    await sleep(100);
  }
  seen.push((await d.lookupConferenceId(bridgeId, oldId)).status); // once more, from the trusted cache
  expect(new Set(seen)).toEqual(new Set(['retired']));
}

describe('a directory rebuild and a lost cache value', () => {
  it('a flush while the rebuild runs, after a reset that it read before: the rebuild does not mark the bridge trusted', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const oldId = Number(u!.conferenceId);
    const gate = latch();
    // 1. the rebuild reads the bridge's IDs from PostgreSQL (the old ID still active)
    const rebuild = heldRebuilder(gate).rebuildBridge(bridge.id);
    await gate.reached;
    // 2. the ID is reset: its retired value goes to Redis before COMMIT; the reset answers 200
    const reset = await expectStatus(h.api.post(resetPath(tenant, u!), { sendEmail: false }), 200);
    expect(reset.previousConferenceId).toBe(String(oldId));
    // 3. Redis is flushed: the retired value is gone
    redis.cli('flushall');
    // 4. the rebuild writes what it read: the old ID as active, with its older version
    gate.open();
    const result: RebuildResult = await rebuild;
    // 5. ... but it must not mark the bridge trusted, so nothing acts on that value
    expect(result.completed).toBe(false);
    expect(redis.cli('exists', h.services.keys.directoryMarker(bridge.id))).toBe('0');
    await expectRefusedThenTrusted(bridge.id, oldId, Number(reset.conferenceId));
  });

  it('a flush just before the rebuild, of a reset that commits after the rebuild would have read: the rebuild reads the reset', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const oldId = Number(u!.conferenceId);
    // A reset that has written its retired value to Redis and waits before COMMIT.
    const beforeCommit = latch();
    const change = h.services.db.transaction(async (tx) => {
      const r = await changeConferenceIdIn(h.services, tx, { apiKeyId: null, name: 'test' }, { tenantId: tenant.id, userId: u!.id, sendEmail: false });
      tx.beforeCommit(beforeCommit.wait); // after the directory's own before-commit write
      return r;
    });
    await beforeCommit.reached;
    redis.cli('flushall'); // the retired value is lost before the rebuild takes its lock
    const gate = latch();
    const rebuild = heldRebuilder(gate).rebuildBridge(bridge.id);
    // Without waiting for open writers the rebuild reads at once (the old ID still active); with
    // it, the rebuild cannot read until the reset has committed. Either way, commit now.
    await Promise.race([gate.reached, sleep(1000)]);
    beforeCommit.open();
    const reset = await change;
    gate.open();
    await rebuild;
    await expectRefusedThenTrusted(bridge.id, oldId, Number(reset.conferenceId));
  });

  it('a reader that read a PIN before a reset, a flush and a rebuild cannot fill it in afterwards', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    await rebuildNow(bridge.id, Number(u!.conferenceId));
    // A second instance's reader misses the PIN in the trusted cache and reads PostgreSQL (the old hash).
    const gate = latch();
    const reader = new Directory(store, heldAfter(/JOIN users u ON u.id = c.leader_user_id/, gate), h.services.keys, silentLogger);
    const read = reader.leaderPinHash(bridge.id, 'user', u!.id);
    await gate.reached;
    const pin = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    redis.cli('flushall');
    await rebuildNow(bridge.id, Number(u!.conferenceId)); // caches no PIN: none was cached after the flush
    gate.open();
    await read;
    await expectLeaderPin(bridge.id, u!.id, pin.leaderPin, u!.leaderPin!);
  });

  it('a change whose after-commit write comes after a newer change, a flush and a rebuild does not write it', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    await rebuildNow(bridge.id, Number(u!.conferenceId));
    expect((await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id)).status).toBe('found'); // cached
    // The first PIN reset commits, but its after-commit cache write waits.
    const afterCommit = latch();
    const db = new Proxy(h.services.db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return bound(target, prop, receiver);
        return <T>(work: (tx: Tx) => Promise<T>) => target.transaction((tx) => {
          tx.afterCommit(afterCommit.wait); // runs before the directory's own after-commit write
          return work(tx);
        });
      },
    });
    const first = resetLeaderPin({ ...h.services, db }, { apiKeyId: null, name: 'test' }, { tenantId: tenant.id, userId: u!.id, sendEmail: false });
    await afterCommit.reached;
    const second = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    redis.cli('flushall');
    await rebuildNow(bridge.id, Number(u!.conferenceId));
    afterCommit.open();
    const { leaderPin: firstPin } = await first;
    await expectLeaderPin(bridge.id, u!.id, second.leaderPin, firstPin);
  });
});
