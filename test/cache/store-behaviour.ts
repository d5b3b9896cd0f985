// The CacheStore behaviour every implementation must have, run against Redis (the Lua scripts)
// and the in-process store, so that development on the memory store means what production means.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerRef, uuidToRef } from '../../src/lib/refs.js';
import type { CacheStore } from '../../src/cache/store.js';
import { encodeActiveId, encodeRoomName, encodeTenantSettings, retired } from '../../src/directory/entries.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function cacheStoreBehaviour(name: string, open: () => Promise<CacheStore>, keyPrefix: string): void {
  describe(`CacheStore behaviour: ${name}`, () => {
    let store: CacheStore;
    const used = new Set<string>();
    /** A fresh key of this run, in one hash tag so that multi-key scripts may use it. */
    const key = (tag: string, part: string) => {
      const k = `${keyPrefix}{${tag}}:${part}`;
      used.add(k);
      return k;
    };
    const freshTag = () => randomBytes(4).toString('hex');

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      for (const k of used) await store.del(k).catch(() => undefined);
      await store.close();
    });

    it('answers a ping and names its server', async () => {
      await store.ping();
      expect(store.isConnected()).toBe(true);
      const identity = store.serverIdentity(key(freshTag(), 'x'));
      expect(typeof identity).toBe('string');
      expect(identity!.length).toBeGreaterThan(0);
    });

    describe('casFields (versioned compare-and-set)', () => {
      it('writes a new field and returns what it holds', async () => {
        const h = key(freshTag(), 'h');
        expect(await store.casFields([{ key: h, field: 'f', value: 'A5|x' }])).toEqual(['A5|x']);
        expect(await store.hget(h, 'f')).toBe('A5|x');
      });

      it('keeps the newer version, whichever write comes last', async () => {
        const h = key(freshTag(), 'h');
        await store.casFields([{ key: h, field: 'f', value: 'A7|new' }]);
        expect(await store.casFields([{ key: h, field: 'f', value: 'A6|old' }])).toEqual(['A7|new']);
        expect(await store.casFields([{ key: h, field: 'f', value: 'R8' }])).toEqual(['R8']);
        expect(await store.hget(h, 'f')).toBe('R8');
      });

      it('compares versions as base-36 numbers, not as text', async () => {
        const h = key(freshTag(), 'h');
        await store.casFields([{ key: h, field: 'f', value: 'Az|35' }]);
        expect(await store.casFields([{ key: h, field: 'f', value: 'A10|36' }])).toEqual(['A10|36']);
        expect(await store.casFields([{ key: h, field: 'f', value: 'Az|35' }])).toEqual(['A10|36']);
        await store.casFields([{ key: h, field: 'g', value: 'A9' }]);
        expect(await store.casFields([{ key: h, field: 'g', value: 'Aa' }])).toEqual(['Aa']);
      });

      it('at an equal version, only replaces a pending value, and only with a settled one', async () => {
        const h = key(freshTag(), 'h');
        await store.casFields([{ key: h, field: 'p', value: 'P9' }]);
        expect(await store.casFields([{ key: h, field: 'p', value: 'P9' }])).toEqual(['P9']);
        expect(await store.casFields([{ key: h, field: 'p', value: 'R9' }])).toEqual(['R9']);
        expect(await store.casFields([{ key: h, field: 'p', value: 'A9|x' }])).toEqual(['R9']);
        expect(await store.casFields([{ key: h, field: 'p', value: 'P9' }])).toEqual(['R9']);
      });

      it('applies a batch over several keys in order, each write seeing the one before', async () => {
        const tag = freshTag();
        const a = key(tag, 'a');
        const b = key(tag, 'b');
        const out = await store.casFields([
          { key: a, field: '1', value: 'A3|a' },
          { key: b, field: '1', value: 'A2|b' },
          { key: a, field: '1', value: 'A1|stale' },
          { key: a, field: '2', value: 'R4' },
        ]);
        expect(out).toEqual(['A3|a', 'A2|b', 'A3|a', 'R4']);
        expect(await store.hget(b, '1')).toBe('A2|b');
        expect(await store.hget(a, 'missing')).toBeNull();
      });
    });

    describe('lookupConferenceId', () => {
      const tenantId = randomUUID();
      const ownerId = randomUUID();
      const setup = async () => {
        const tag = freshTag();
        const k = { bucket: key(tag, 'd:1'), field: '23', marker: key(tag, 'm'), tenants: key(tag, 't'), liveRooms: key(tag, 'l'), roomNames: key(tag, 'j') };
        return k;
      };

      it('returns an active entry with its tenant settings, marker and live room', async () => {
        const k = await setup();
        const entry = encodeActiveId({ version: 12n, ownerKind: 'user', ownerId, tenantId, expiresAt: null });
        const settings = encodeTenantSettings({ version: 3n, allowCallersToStartMeeting: true, entryExitAnnouncements: 'off', destination: null });
        await store.casFields([{ key: k.bucket, field: k.field, value: entry }, { key: k.tenants, field: uuidToRef(tenantId), value: settings }]);
        await store.set(k.marker, 'server:token');
        expect(await store.lookupConferenceId(k)).toEqual({ entry, marker: 'server:token', tenant: settings, liveSince: null, roomName: null });
        await store.zadd(k.liveRooms, 1_700_000_000_123, ownerRef('user', ownerId));
        expect((await store.lookupConferenceId(k)).liveSince).toBe(1_700_000_000_123);
        await store.zrem(k.liveRooms, ownerRef('user', ownerId));
        expect((await store.lookupConferenceId(k)).liveSince).toBeNull();
      });

      it('gives no tenant or room for a retired or missing entry', async () => {
        const k = await setup();
        await store.casFields([{ key: k.tenants, field: uuidToRef(tenantId), value: 'A1|0t' }]);
        expect(await store.lookupConferenceId(k)).toEqual({ entry: null, marker: null, tenant: null, liveSince: null, roomName: null });
        await store.casFields([{ key: k.bucket, field: k.field, value: retired(20n) }]);
        await store.zadd(k.liveRooms, 5, ownerRef('user', ownerId));
        await store.casFields([{ key: k.roomNames, field: ownerRef('room', ownerId), value: encodeRoomName({ version: 2n, name: 'r@conference.example.com' }) }]);
        expect(await store.lookupConferenceId(k)).toEqual({ entry: 'Rk', marker: null, tenant: null, liveSince: null, roomName: null });
      });

      it('gives a Jitsi room\'s name with its active ID (and only a room\'s)', async () => {
        const k = await setup();
        const name = encodeRoomName({ version: 4n, name: 'weekly%c3%a9@conference.meet.example.com' });
        await store.casFields([{ key: k.roomNames, field: ownerRef('room', ownerId), value: name }, { key: k.roomNames, field: ownerRef('user', ownerId), value: name }]);
        await store.casFields([{ key: k.bucket, field: k.field, value: encodeActiveId({ version: 12n, ownerKind: 'room', ownerId, tenantId, expiresAt: 2_000_000_000 }) }]);
        expect((await store.lookupConferenceId(k)).roomName).toBe(name);
        await store.casFields([{ key: k.bucket, field: k.field, value: encodeActiveId({ version: 13n, ownerKind: 'user', ownerId, tenantId, expiresAt: null }) }]);
        expect((await store.lookupConferenceId(k)).roomName).toBeNull();
      });
    });

    it('hgetWithMarker reads a field and a marker together', async () => {
      const tag = freshTag();
      const h = key(tag, 'n');
      const m = key(tag, 'm');
      expect(await store.hgetWithMarker(h, '+15555550100', m)).toEqual({ value: null, marker: null });
      await store.casFields([{ key: h, field: '+15555550100', value: 'A1|x' }]);
      await store.set(m, 'id:tok');
      expect(await store.hgetWithMarker(h, '+15555550100', m)).toEqual({ value: 'A1|x', marker: 'id:tok' });
    });

    it('hashFields lists every field of a hash, in batches', async () => {
      const h = key(freshTag(), 'p');
      const fields = Array.from({ length: 2500 }, (_, i) => `f${i}`);
      for (let i = 0; i < fields.length; i += 500) await store.casFields(fields.slice(i, i + 500).map((f) => ({ key: h, field: f, value: 'A1|x' })));
      const seen: string[] = [];
      for await (const batch of store.hashFields(h)) seen.push(...batch);
      expect(new Set(seen)).toEqual(new Set(fields));
      const none: string[] = [];
      for await (const batch of store.hashFields(key(freshTag(), 'empty'))) none.push(...batch);
      expect(none).toEqual([]);
    });

    describe('strings', () => {
      it('set only-if-absent does not overwrite, and expiries are honoured', async () => {
        const k = key(freshTag(), 'lock');
        expect(await store.set(k, 'one', { onlyIfAbsent: true, ttlMs: 150 })).toBe(true);
        expect(await store.set(k, 'two', { onlyIfAbsent: true })).toBe(false);
        expect(await store.get(k)).toBe('one');
        await sleep(300);
        expect(await store.get(k)).toBeNull();
        expect(await store.set(k, 'three', { onlyIfAbsent: true })).toBe(true);
      });

      it('only-if-absent also sees a key of another type', async () => {
        const k = key(freshTag(), 'hash');
        await store.casFields([{ key: k, field: 'f', value: 'A1' }]);
        expect(await store.set(k, 'x', { onlyIfAbsent: true })).toBe(false);
      });

      it('delIfEquals deletes only the holder\'s value; del deletes any key', async () => {
        const tag = freshTag();
        const k = key(tag, 'lock');
        await store.set(k, 'mine');
        await store.delIfEquals(k, 'theirs');
        expect(await store.get(k)).toBe('mine');
        await store.delIfEquals(k, 'mine');
        expect(await store.get(k)).toBeNull();
        const h = key(tag, 'h');
        await store.casFields([{ key: h, field: 'f', value: 'A1' }]);
        await store.del(h);
        expect(await store.hget(h, 'f')).toBeNull();
      });

      it('setIfHeld sets a key only while the lock holds the token', async () => {
        const tag = freshTag();
        const [lock, marker] = [key(tag, 'lock'), key(tag, 'marker')];
        expect(await store.setIfHeld(lock, 'mine', marker, 'v1')).toBe(false); // no lock at all (a flush took it)
        expect(await store.get(marker)).toBeNull();
        await store.set(lock, 'theirs');
        expect(await store.setIfHeld(lock, 'mine', marker, 'v1')).toBe(false);
        expect(await store.get(marker)).toBeNull();
        await store.set(lock, 'mine');
        expect(await store.setIfHeld(lock, 'mine', marker, 'v2')).toBe(true);
        expect(await store.get(marker)).toBe('v2');
      });
    });

    describe('counters', () => {
      it('a sliding window counts the events inside it and forgets older ones', async () => {
        const k = key(freshTag(), 'cf');
        const t = 5_000_000;
        expect(await store.slidingWindow(k, t, 1000, true)).toBe(1);
        expect(await store.slidingWindow(k, t + 10, 1000, true)).toBe(2);
        expect(await store.slidingWindow(k, t + 500, 1000, false)).toBe(2);
        expect(await store.slidingWindow(k, t + 1005, 1000, true)).toBe(2); // the first fell out
        expect(await store.slidingWindow(k, t + 3000, 1000, false)).toBe(0);
      });

      it('a sliding window keeps its events for the window in real time, whatever the given clock', async () => {
        // the key's expiry counts from the server's clock (PEXPIRE), not from nowMs
        const k = key(freshTag(), 'cf');
        expect(await store.slidingWindow(k, 1000, 60_000, true)).toBe(1);
        expect(await store.slidingWindow(k, 1001, 60_000, true)).toBe(2);
      });

      it('a sliding window expires after a quiet window', async () => {
        const k = key(freshTag(), 'cf');
        await store.slidingWindow(k, Date.now(), 150, true);
        await sleep(300);
        expect(await store.slidingWindow(k, 0, 10_000_000, false)).toBe(0);
      });

      it('a fixed window counts up and starts again after its expiry', async () => {
        const k = key(freshTag(), 'rl');
        expect(await store.incrWithExpiry(k, 200)).toBe(1);
        expect(await store.incrWithExpiry(k, 200)).toBe(2);
        expect(await store.incrWithExpiry(k, 200)).toBe(3);
        await sleep(350);
        expect(await store.incrWithExpiry(k, 200)).toBe(1);
      });
    });

    describe('webhook answers', () => {
      it('claimOrGet claims every key at once, or returns what one holds and writes nothing', async () => {
        const tag = freshTag();
        const [a, b, c] = [key(tag, 'wa'), key(tag, 'wb'), key(tag, 'wc')];
        expect(await store.claimOrGet([a, b], 'P', 10_000)).toBeNull();
        expect([await store.get(a), await store.get(b)]).toEqual(['P', 'P']);
        await store.set(b, 'Danswer', { ttlMs: 10_000 });
        expect(await store.claimOrGet([c, b], 'P', 10_000)).toBe('Danswer');
        expect(await store.get(c)).toBeNull(); // nothing written when one key holds a value
        const racers = await Promise.all(Array.from({ length: 20 }, () => store.claimOrGet([c], 'P', 10_000)));
        expect(racers.filter((r) => r === null)).toHaveLength(1);
      });

      it('claims expire', async () => {
        const k = key(freshTag(), 'w');
        expect(await store.claimOrGet([k], 'P', 150)).toBeNull();
        await sleep(300);
        expect(await store.claimOrGet([k], 'P', 150)).toBeNull();
      });
    });

    describe('attempt reservations (the abuse limits)', () => {
      it('refuses at a limit without counting, counts per member prefix, finds a retry, refunds and reads windows', async () => {
        const tag = freshTag();
        const set = key(tag, 'pf');
        const claim = (n: number) => key(tag, `a${n}`);
        const now = Date.now();
        const checks = (caller: string) => [{ key: set, windowMs: 60_000, limit: 2, prefix: `${caller}:` }, { key: set, windowMs: 60_000, limit: 3 }];
        const reserve = (n: number, caller: string, at = now) => store.reserveAttempt({ claim: claim(n), claimValue: 'P', claimTtlMs: 10_000, member: `${caller}:m${n}`, checks: checks(caller), nowMs: at });
        expect(await reserve(1, 'a')).toEqual({ kind: 'ok', counts: [1, 1] });
        expect(await reserve(1, 'a')).toEqual({ kind: 'dup', value: 'P' }); // a retry: counted once
        expect(await reserve(2, 'a')).toEqual({ kind: 'ok', counts: [2, 2] });
        expect(await reserve(3, 'a')).toEqual({ kind: 'refused', check: 0, count: 2 }); // that caller's limit
        expect(await reserve(4, 'b')).toEqual({ kind: 'ok', counts: [1, 3] });
        expect(await reserve(5, 'c')).toEqual({ kind: 'refused', check: 1, count: 3 }); // everyone's limit
        // a right answer gives its reservation back and keeps the answer for retries
        await store.settleAttempt({ claim: claim(4), member: 'b:m4', keys: [set], refund: true, answer: 'Dok', ttlMs: 10_000 });
        expect(await reserve(4, 'b')).toEqual({ kind: 'dup', value: 'Dok' });
        expect(await reserve(6, 'c')).toEqual({ kind: 'ok', counts: [1, 3] });
        const [a, all] = await store.readWindows(checks('a'), now);
        expect(a).toEqual({ count: 2, untilMs: now + 60_000 });
        expect(all).toEqual({ count: 3, untilMs: now + 60_000 });
        // the window moves on: nothing is left to count
        expect(await store.readWindows(checks('a'), now + 60_001)).toEqual([{ count: 0, untilMs: 0 }, { count: 0, untilMs: 0 }]);
      });
    });

    describe('room events', () => {
      const now = 10_000_000;
      const keep = 60_000;
      const ownerId = randomUUID();
      const owner = ownerRef('user', ownerId);
      /** Keys of a fresh bridge with the owner's ID active, so the lookup reads the room's start. */
      const setup = async () => {
        const tag = freshTag();
        const lookup = { bucket: key(tag, 'd:1'), field: '1', marker: key(tag, 'm'), tenants: key(tag, 't'), liveRooms: key(tag, 'l'), roomNames: key(tag, 'j') };
        await store.casFields([{ key: lookup.bucket, field: '1', value: encodeActiveId({ version: 1n, ownerKind: 'user', ownerId, tenantId: randomUUID(), expiresAt: null }) }]);
        const keysOf = (sid: string) => ({ liveRooms: lookup.liveRooms, roomEvents: key(tag, 'le'), sequences: key(tag, `cs:${sid}`) });
        const ev = (kind: 'start' | 'end', atMs: number, sequence: string | null, sid = 'CF1', nowMs = now) => store.roomEvent(keysOf(sid), { owner, kind, atMs, sequence, nowMs, keepMs: keep });
        const liveSince = async () => (await store.lookupConferenceId(lookup)).liveSince;
        return { ev, liveSince };
      };

      it('applies a start and an end, refuses a seen sequence and a start older than the last event', async () => {
        const { ev, liveSince } = await setup();
        expect(await ev('start', now - 1000, '1')).toBe('applied');
        expect(await liveSince()).toBe(now - 1000);
        expect(await ev('start', now - 1000, '1')).toBe('replayed');
        expect(await ev('end', now, '4')).toBe('applied');
        expect(await liveSince()).toBeNull();
        expect(await ev('start', now, '4')).toBe('replayed'); // the end's sequence, seen
        expect(await ev('start', now - 500, '2', 'CF2')).toBe('stale'); // older than the end
        expect(await liveSince()).toBeNull();
        expect(await ev('end', now - 5000, null)).toBe('applied'); // an end is never stale...
        expect(await ev('start', now - 100, '3', 'CF3')).toBe('stale'); // ...and does not move the last event back
        expect(await ev('start', now + 100, '1', 'CF4')).toBe('applied');
        expect(await liveSince()).toBe(now + 100);
      });

      it('forgets last events older than the time they are kept', async () => {
        const { ev, liveSince } = await setup();
        expect(await ev('end', now, null)).toBe('applied');
        // much later, a start is compared with nothing that old
        expect(await ev('start', now - 1, null, 'CF1', now + 2 * keep)).toBe('applied');
        expect(await liveSince()).toBe(now - 1);
      });
    });
  });
}
