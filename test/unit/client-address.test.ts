// The client address the voice front limits by (as express's req.ip with `trust proxy` = hops),
// and the in-process per-address counter.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AddressLimiter } from '../../src/http/address-limiter.js';
import { clientAddress } from '../../src/http/client-address.js';

const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('believes X-Forwarded-For only as far as the trusted hops', () => {
    expect(clientAddress(req('10.0.0.1', '1.1.1.1'), 0)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', '6.6.6.6, 1.1.1.1'), 1)).toBe('1.1.1.1');
    expect(clientAddress(req('10.0.0.1', '6.6.6.6, 1.1.1.1, 10.0.0.2'), 2)).toBe('1.1.1.1');
    expect(clientAddress(req('10.0.0.1', '1.1.1.1'), 5)).toBe('1.1.1.1'); // fewer entries than hops: the farthest
    expect(clientAddress(req('10.0.0.1'), 1)).toBe('10.0.0.1');
  });
});

describe('AddressLimiter', () => {
  it('counts per address per window, and tracks a bounded number of addresses', () => {
    const l = new AddressLimiter(3, 60_000, 2);
    const t = 120_000;
    expect([1, 2, 3, 4].map(() => l.hit('a', t))).toEqual([1, 2, 3, 4]);
    expect(l.hit('b', t)).toBe(1);
    expect(l.hit('c', t)).toBe(1);
    expect(l.hit('c', t)).toBe(1); // the table is full: not tracked this window
    expect(l.hit('a', t + 60_000)).toBe(1); // a new window
    expect(l.retryAfterS(t + 59_500)).toBe(1);
    expect(l.retryAfterS(t)).toBe(60);
  });
});
