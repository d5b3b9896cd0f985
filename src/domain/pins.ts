// Leader PINs: generated from a CSPRNG, stored only as a salted scrypt hash of an HMAC keyed
// with a key derived from SECRETS_KEY. A PIN has at most 10^12 values (often 10^5), so a slow
// hash alone does not hold against a dump of the database (a 4-digit PIN fell in 166 s): the
// key, which is not in the database, does. Hashes made before the key ("scrypt$...") still
// verify, and are replaced on the next successful check (commands/check-leader-pin.ts).
import { createHmac, hkdfSync, randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const MIN_PIN_LENGTH = 4;
export const MAX_PIN_LENGTH = 12;

/** A PIN of `length` digits; trivial ones (one repeated digit, a run like 12345) are drawn again. */
export function generatePin(length: number): string {
  if (!Number.isInteger(length) || length < MIN_PIN_LENGTH || length > MAX_PIN_LENGTH) throw new RangeError(`PIN length ${length}`);
  for (;;) {
    let pin = '';
    for (let i = 0; i < length; i++) pin += String(randomInt(0, 10));
    if (!isTrivialPin(pin)) return pin;
  }
}

export function isTrivialPin(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add((Number(pin[i]) - Number(pin[i - 1]) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

// N=2^14, r=8: ~30-60 ms per hash here, a deliberate cost on every guess.
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(secret: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Without SECRETS_KEY (development only) the key is derived from this published value, so that
 * PINs survive a restart of a development instance; production requires SECRETS_KEY.
 */
const DEV_PIN_KEY_SEED = Buffer.from('development-leader-pin-key-not-a-secret');

/** The key PIN hashes are bound to: HKDF-SHA256 of SECRETS_KEY, for this one use. */
export function leaderPinKey(secretsKey: { key: Buffer; ephemeral: boolean }): Buffer {
  const seed = secretsKey.ephemeral ? DEV_PIN_KEY_SEED : secretsKey.key;
  return Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), 'conference-attendant leader PIN hash v1', 32));
}

const keyed = (pin: string, pinKey: Buffer) => createHmac('sha256', pinKey).update(pin, 'utf8').digest('base64');

/** "kscrypt$N$r$p$salt$hash" (base64): scrypt of HMAC(pinKey, PIN); parameters can be raised later. */
export async function hashPin(pin: string, pinKey: Buffer): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(keyed(pin, pinKey), salt, PARAMS);
  return `kscrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash made before PIN hashes were keyed: verified as it is, replaced once the PIN is known. */
export const isUnkeyedPinHash = (stored: string | null): boolean => stored?.startsWith('scrypt$') ?? false;

export async function verifyPin(pin: string, stored: string | null, pinKey: Buffer): Promise<boolean> {
  if (!stored || !/^\d{1,12}$/.test(pin)) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || (parts[0] !== 'scrypt' && parts[0] !== 'kscrypt')) return false;
  const [kind, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const secret = kind === 'kscrypt' ? keyed(pin, pinKey) : pin;
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
