import { describe, expect, it } from 'vitest';
import { randomConferenceIds, CONFERENCE_ID_PATTERN } from '../../src/domain/conference-ids.js';
import { generatePin, hashPin, isTrivialPin, leaderPinKey, verifyPin } from '../../src/domain/pins.js';

describe('conference IDs', () => {
  it('are 7 digits without a leading 0, spread evenly over the leading digit', () => {
    const ids = randomConferenceIds(18_000);
    expect(ids.every((id) => CONFERENCE_ID_PATTERN.test(String(id)))).toBe(true);
    const counts = new Array(10).fill(0);
    for (const id of ids) counts[Math.floor(id / 1_000_000)]++;
    expect(counts[0]).toBe(0);
    // chi-square over 9 leading digits, 8 degrees of freedom: 26.1 is the 0.1% critical value
    const expected = ids.length / 9;
    const chi = counts.slice(1).reduce((acc, n) => acc + (n - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(26.1);
  });
});

describe('leader PINs', () => {
  it('have the asked length, only digits, and are never trivial', () => {
    for (const length of [4, 5, 8, 12]) {
      for (let i = 0; i < 200; i++) {
        const pin = generatePin(length);
        expect(pin).toMatch(new RegExp(`^\\d{${length}}$`));
        expect(isTrivialPin(pin)).toBe(false);
      }
    }
    expect(() => generatePin(3)).toThrow(RangeError);
    expect(() => generatePin(13)).toThrow(RangeError);
    expect(['11111', '12345', '54321', '90123'].every(isTrivialPin)).toBe(true);
    expect(isTrivialPin('12346')).toBe(false);
  });

  it('are stored as salted scrypt hashes of an HMAC keyed from SECRETS_KEY, that verify only the right PIN', async () => {
    const key = leaderPinKey({ key: Buffer.alloc(32, 1), ephemeral: false });
    const [a, b] = await Promise.all([hashPin('48213', key), hashPin('48213', key)]);
    expect(a).toMatch(/^kscrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b); // per-PIN salt
    expect(a).not.toContain('48213');
    expect(await verifyPin('48213', a, key)).toBe(true);
    expect(await verifyPin('48214', a, key)).toBe(false);
    expect(await verifyPin('', a, key)).toBe(false);
    expect(await verifyPin('48213', null, key)).toBe(false);
    expect(await verifyPin('48213', 'garbage', key)).toBe(false);
    // another SECRETS_KEY (or none) cannot verify it
    expect(await verifyPin('48213', a, leaderPinKey({ key: Buffer.alloc(32, 2), ephemeral: false }))).toBe(false);
    expect(await verifyPin('48213', a, leaderPinKey({ key: Buffer.alloc(32, 1), ephemeral: true }))).toBe(false);
  });
});
