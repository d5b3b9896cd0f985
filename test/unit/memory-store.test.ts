import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { cacheStoreBehaviour } from '../cache/store-behaviour.js';

cacheStoreBehaviour('in-process memory store', async () => new MemoryStore(), 'mem:');

describe('the in-process store', () => {
  it('sweeps expired keys that are never read again (webhook answers), as Redis expires them', async () => {
    const store = new MemoryStore();
    for (let k = 0; k < 999; k++) await store.claimOrGet([`wh:{CA${k}}:b:x`], 'P', 20);
    expect(store.size).toBe(999);
    await new Promise((r) => setTimeout(r, 50));
    await store.claimOrGet(['wh:{CAlast}:b:x'], 'P', 60_000); // the 1000th write with an expiry sweeps
    expect(store.size).toBe(1);
  });
});
