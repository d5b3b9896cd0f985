// Calling numbers never appear in Redis key names: a key carries a keyed hash of the number
// (HMAC-SHA256 under a key derived from SECRETS_KEY), so a look at Redis (a dump, MONITOR, a
// slow log) shows neither who called nor, for lack of the key, a table one could reverse by
// hashing every number. Withheld callers are one caller, "w", whatever the network's spelling.
import { createHmac } from 'node:crypto';

/** How carriers and Twilio spell a withheld caller ID (compared without case). */
const WITHHELD = new Set(['', 'anonymous', 'restricted', 'unknown', 'private', 'blocked', 'unavailable', '+266696687', '+7378742833', '+8656696', '+86282452253']);

export const isWithheld = (from: string | undefined): boolean => WITHHELD.has((from ?? '').trim().toLowerCase());

/** The digest of every withheld caller: not a hash, so it cannot collide with a number's. */
export const WITHHELD_CALLER = 'w';

export class CallerDigests {
  readonly #key: Buffer;

  constructor(secretsKey: Buffer) {
    // A key of its own, so that these digests say nothing about what SECRETS_KEY seals.
    this.#key = createHmac('sha256', secretsKey).update('attendant/caller-number-digest/v1').digest();
  }

  /** 22 base64url characters (128 bits) for a number; WITHHELD_CALLER for a withheld caller. */
  of(from: string | undefined): string {
    if (isWithheld(from)) return WITHHELD_CALLER;
    return createHmac('sha256', this.#key).update(from!.trim()).digest('base64url').slice(0, 22);
  }
}
