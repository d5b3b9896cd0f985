// Checks a leader PIN entered by a caller against the hash the directory gave. A right PIN whose
// hash predates keyed PIN hashes (domain/pins.ts) is re-hashed with the key, in the background so
// the caller does not wait: the user's row is replaced only while it still holds the old hash
// (a reset in between wins), and every cached copy is given the new hash with the user's new
// version, after COMMIT (both hashes accept the same PIN: nothing is taken away, so no pending
// value is needed). No audit event: the PIN and what it allows are unchanged.
import { hashPin, isUnkeyedPinHash, leaderPinKey, verifyPin } from '../domain/pins.js';
import type { OwnerKind } from '../lib/refs.js';
import type { Services } from '../services.js';
import { leaderPinChange } from '../directory/changes.js';
import { ownersLedBy } from '../store/conference-ids.js';
import { replaceLeaderPinHash } from '../store/leader-pins.js';

export interface PinOwner { bridgeId: string; ownerKind: OwnerKind; ownerId: string }

export async function checkLeaderPin(s: Services, owner: PinOwner, entered: string, storedHash: string | null): Promise<boolean> {
  if (!(await verifyPin(entered, storedHash, leaderPinKey(s.config.secretsKey)))) return false;
  if (storedHash && isUnkeyedPinHash(storedHash)) {
    upgradeLeaderPinHash(s, owner, entered, storedHash).catch((err: Error) => s.log.warn({ err: err.message }, 'leader PIN hash not upgraded; it will be on the next right PIN'));
  }
  return true;
}

/** Re-hashes a known-right PIN with the key; false when the stored hash changed meanwhile. */
export async function upgradeLeaderPinHash(s: Services, owner: PinOwner, pin: string, oldHash: string): Promise<boolean> {
  const hash = await hashPin(pin, leaderPinKey(s.config.secretsKey));
  return s.db.transaction(async (tx) => {
    const leader = await replaceLeaderPinHash(tx, owner, oldHash, hash);
    if (!leader) return false;
    const owners = await ownersLedBy(tx, leader.user_id);
    s.directory.stage(tx, owners.map((o) => leaderPinChange(s.keys, { ...o, leader_pin_hash: hash, version: leader.version }, false)));
    return true;
  });
}
