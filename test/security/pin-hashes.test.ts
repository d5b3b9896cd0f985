// Leader-PIN hashes are bound to SECRETS_KEY: a dump of the database alone cannot verify (and so
// cannot crack) a PIN. Hashes made before that (unkeyed scrypt) keep working and are replaced by
// keyed ones on the next right PIN, in PostgreSQL and in every cached copy the caller path reads.
import { randomBytes, scrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeLeaderPinHash } from '../../src/commands/check-leader-pin.js';
import { leaderPinChange } from '../../src/directory/changes.js';
import { decodeLeaderPin } from '../../src/directory/entries.js';
import { leaderPinKey, verifyPin } from '../../src/domain/pins.js';
import { ownerRef } from '../../src/lib/refs.js';
import { ownersLedBy } from '../../src/store/conference-ids.js';
import { setLeaderPinHash } from '../../src/store/users.js';
import { expectStatus, freshNumber, provision, TEST_PIN_KEY } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

const scryptRaw = (secret: string, salt: Buffer) => new Promise<Buffer>((resolve, reject) =>
  scrypt(secret, salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));

/** A hash as the service made them before they were keyed. */
async function unkeyedHash(pin: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$16384$8$1$${salt.toString('base64')}$${(await scryptRaw(pin, salt)).toString('base64')}`;
}

const storedHash = async (userId: string) =>
  (await h.services.db.query<{ leader_pin_hash: string }>('SELECT leader_pin_hash FROM users WHERE id = $1', [userId])).rows[0]!.leader_pin_hash;
const cachedHash = async (bridgeId: string, userId: string) => {
  const raw = await h.services.cache.hget(h.services.keys.leaderPins(bridgeId), ownerRef('user', userId));
  return raw ? decodeLeaderPin(raw)?.hash ?? null : null;
};

/** Calls in, enters the ID and '*', then the PIN; true when the caller starts the meeting. */
async function leads(number: string, conferenceId: string, pin: string): Promise<boolean> {
  const c = h.call(number, { from: freshNumber() });
  await c.dial();
  await c.press(`${conferenceId}#`);
  await c.press('*');
  await c.press(`${pin}#`);
  return c.conference?.attrs.startConferenceOnEnter === 'true';
}

describe('a leader-PIN hash', () => {
  it('cannot be verified from a database dump without SECRETS_KEY', async () => {
    const { users: [u] } = await provision(h);
    const hash = await storedHash(u!.id);
    expect(hash).toMatch(/^kscrypt\$/);
    expect(await verifyPin(u!.leaderPin!, hash, TEST_PIN_KEY)).toBe(true);
    // what cracked the old hashes: scrypt of each candidate PIN with the dumped salt and parameters
    const [, , , , salt, digest] = hash.split('$');
    expect((await scryptRaw(u!.leaderPin!, Buffer.from(salt!, 'base64'))).toString('base64')).not.toBe(digest);
    // the same with another SECRETS_KEY, or none (the development key)
    expect(await verifyPin(u!.leaderPin!, hash, leaderPinKey({ key: randomBytes(32), ephemeral: false }))).toBe(false);
    expect(await verifyPin(u!.leaderPin!, hash, leaderPinKey({ key: Buffer.alloc(32), ephemeral: true }))).toBe(false);
  });

  it('made before keying still works, and is replaced by a keyed one (database and cache) on the next right PIN', async () => {
    const { bridge, number, tenant, users: [u] } = await provision(h);
    const pin = u!.leaderPin!;
    // an existing deployment's hash, staged into the directory as a change would
    const legacy = await unkeyedHash(pin);
    await h.services.db.transaction(async (tx) => {
      const version = await setLeaderPinHash(tx, u!.id, legacy);
      const owners = await ownersLedBy(tx, u!.id);
      h.services.directory.stage(tx, owners.map((o) => leaderPinChange(h.services.keys, { ...o, leader_pin_hash: legacy, version }, true)));
    });
    expect(await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id)).toEqual({ status: 'found', hash: legacy });
    await h.services.directory.trust.settle(); // the bridge's first look-up rebuilt it into Redis
    expect(await cachedHash(bridge.id, u!.id)).toBe(legacy); // the caller path reads it from Redis
    // a wrong PIN changes nothing
    expect(await leads(number, u!.conferenceId!, pin === '97531' ? '97532' : '97531')).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedHash(u!.id)).toBe(legacy);

    expect(await leads(number, u!.conferenceId!, pin)).toBe(true);
    let now = legacy;
    for (const end = Date.now() + 5000; now === legacy && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 50));
      now = await storedHash(u!.id);
    }
    expect(now).toMatch(/^kscrypt\$/);
    expect(await verifyPin(pin, now, TEST_PIN_KEY)).toBe(true);
    // the directory's cached copy carries the new hash (written after COMMIT)
    let cached: string | null = legacy;
    for (const end = Date.now() + 3000; cached !== now && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 50));
      cached = await cachedHash(bridge.id, u!.id);
    }
    expect(cached).toBe(now);
    const looked = await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id);
    expect(looked).toEqual({ status: 'found', hash: now });
    // a PIN reset writes a keyed hash too
    await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    expect(await storedHash(u!.id)).toMatch(/^kscrypt\$/);
  });

  it('is not replaced when a reset changed it meanwhile', async () => {
    const { bridge, users: [u] } = await provision(h);
    const legacy = await unkeyedHash(u!.leaderPin!);
    const current = await storedHash(u!.id); // as if a reset had replaced `legacy`
    const replaced = await upgradeLeaderPinHash(h.services, { bridgeId: bridge.id, ownerKind: 'user', ownerId: u!.id }, u!.leaderPin!, legacy);
    expect(replaced).toBe(false);
    expect(await storedHash(u!.id)).toBe(current);
  });
});
