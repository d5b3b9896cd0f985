import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../../src/lib/breaker.js';

describe('the circuit breaker', () => {
  it('opens after consecutive failures, fails fast while open, then lets one trial decide', async () => {
    let now = 0;
    const b = new CircuitBreaker('db', { failureThreshold: 2, openMs: 1000, timeoutMs: 50, now: () => now });
    const fail = () => Promise.reject(new Error('down'));
    let calls = 0;
    const ok = async () => { calls++; return 'up'; };
    await expect(b.run(fail)).rejects.toThrow('down');
    expect(await b.run(ok)).toBe('up'); // a success resets the count
    await expect(b.run(fail)).rejects.toThrow('down');
    await expect(b.run(fail)).rejects.toThrow('down');
    expect(b.isOpen).toBe(true);
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(1); // the work was not even tried
    now = 1001;
    expect(b.isOpen).toBe(false);
    // half-open: one trial at a time; a second caller fails fast meanwhile
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((r) => { release = () => r('back'); }));
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect(await trial).toBe('back');
    expect(await b.run(ok)).toBe('up');
  });

  it('counts a slow answer as a failure', async () => {
    const b = new CircuitBreaker('cache', { failureThreshold: 1, openMs: 60_000, timeoutMs: 20 });
    const started = Date.now();
    await expect(b.run(() => new Promise((r) => setTimeout(r, 500)))).rejects.toThrow(/did not answer within 20 ms/);
    expect(Date.now() - started).toBeLessThan(200);
    expect(b.isOpen).toBe(true);
  });

  it('a failed trial opens it again', async () => {
    let now = 0;
    const b = new CircuitBreaker('db', { failureThreshold: 1, openMs: 100, now: () => now });
    await expect(b.run(() => Promise.reject(new Error('x')))).rejects.toThrow();
    now = 150;
    await expect(b.run(() => Promise.reject(new Error('still down')))).rejects.toThrow('still down');
    expect(b.isOpen).toBe(true);
    now = 200;
    await expect(b.run(async () => 1)).rejects.toBeInstanceOf(CircuitOpenError);
  });
});
