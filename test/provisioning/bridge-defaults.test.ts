// Bridges and their default numbers: a default must be on the bridge and of the matching type;
// a default number cannot be deleted, moved or retyped (409 number_in_use) until it is replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectStatus, freshNumber, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const numPath = (n: string) => `/api/v1/dial-in-numbers/${encodeURIComponent(n)}`;
const bridgePath = (id: string) => `/api/v1/bridges/${id}`;

async function bridge(name = 'bridge'): Promise<string> {
  return (await expectStatus(h.api.post('/api/v1/bridges', { name }), 201)).id;
}
async function number(bridgeId: string, type: 'toll' | 'toll_free' = 'toll'): Promise<string> {
  const n = freshNumber();
  await expectStatus(h.api.put(numPath(n), { bridgeId, type }), 201);
  return n;
}

describe('bridges', () => {
  it('POST creates a bridge without defaults; GET reads it; bad names and ids are refused', async () => {
    const b = await expectStatus(h.api.post('/api/v1/bridges', { name: 'North' }), 201);
    expect(b).toMatchObject({ name: 'North', defaultTollNumber: null, defaultTollFreeNumber: null });
    expect(new Date(b.createdAt).toISOString()).toBe(b.createdAt);
    expect(await expectStatus(h.api.get(bridgePath(b.id)), 200)).toEqual(b);
    expect((await h.api.get(bridgePath('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await h.api.get(bridgePath('not-a-uuid'))).status).toBe(404);
    expect((await h.api.post('/api/v1/bridges', { name: '' })).body.errors[0].path).toBe('name');
    expect((await h.api.post('/api/v1/bridges', {})).body.errors[0].path).toBe('name');
  });

  it('PATCH renames without touching the defaults', async () => {
    const b = await bridge();
    const n = await number(b);
    await expectStatus(h.api.patch(bridgePath(b), { defaultTollNumber: n }), 200);
    const renamed = await expectStatus(h.api.patch(bridgePath(b), { name: 'Renamed' }), 200);
    expect(renamed).toMatchObject({ name: 'Renamed', defaultTollNumber: n });
  });
});

describe('setting defaults', () => {
  it('sets both defaults from numbers of the bridge, and null clears one', async () => {
    const b = await bridge();
    const toll = await number(b, 'toll');
    const free = await number(b, 'toll_free');
    const set = await expectStatus(h.api.patch(bridgePath(b), { defaultTollNumber: toll, defaultTollFreeNumber: free }), 200);
    expect(set).toMatchObject({ defaultTollNumber: toll, defaultTollFreeNumber: free });
    const cleared = await expectStatus(h.api.patch(bridgePath(b), { defaultTollFreeNumber: null }), 200);
    expect(cleared).toMatchObject({ defaultTollNumber: toll, defaultTollFreeNumber: null });
  });

  const refusals: [string, (b: string, other: string) => Promise<object>, string, RegExp][] = [
    ['a number of another bridge', async (_b, other) => ({ defaultTollNumber: await number(other) }), 'defaultTollNumber', /another bridge/],
    ['a number that is not provisioned', async () => ({ defaultTollNumber: freshNumber() }), 'defaultTollNumber', /not a provisioned/],
    ['a toll-free number as the toll default', async (b) => ({ defaultTollNumber: await number(b, 'toll_free') }), 'defaultTollNumber', /toll-free number, not toll/],
    ['a toll number as the toll-free default', async (b) => ({ defaultTollFreeNumber: await number(b, 'toll') }), 'defaultTollFreeNumber', /toll number, not toll-free/],
    ['a malformed number', async () => ({ defaultTollNumber: '555-0100' }), 'defaultTollNumber', /E\.164/],
  ];
  for (const [name, patchFor, field, message] of refusals) {
    it(`refuses ${name} (422, ${field})`, async () => {
      const b = await bridge();
      const other = await bridge();
      const r = await h.api.patch(bridgePath(b), await patchFor(b, other));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors[0].path).toBe(field);
      expect(r.body.errors[0].message).toMatch(message);
      const after = await expectStatus(h.api.get(bridgePath(b)), 200);
      expect(after.defaultTollNumber).toBeNull();
      expect(after.defaultTollFreeNumber).toBeNull();
    });
  }

  it('404 for an unknown bridge', async () => {
    expect((await h.api.patch(bridgePath('00000000-0000-4000-8000-000000000000'), { name: 'x' })).status).toBe(404);
  });
});

describe('a default number is guarded (409 number_in_use)', () => {
  async function guarded() {
    const b = await bridge();
    const other = await bridge();
    const n = await number(b);
    await expectStatus(h.api.patch(bridgePath(b), { defaultTollNumber: n }), 200);
    return { b, other, n };
  }

  it('cannot be deleted; the error says how to proceed', async () => {
    const { b, n } = await guarded();
    const r = await h.api.del(numPath(n));
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('number_in_use');
    expect(r.body.detail).toContain(b);
    expect(r.body.detail).toMatch(/default toll number/);
    expect(r.body.detail).toMatch(/PATCH \/api\/v1\/bridges\//);
    expect((await h.api.get(numPath(n))).status).toBe(200);
  });

  it('cannot be moved to another bridge or retyped', async () => {
    const { b, other, n } = await guarded();
    const moved = await h.api.put(numPath(n), { bridgeId: other, type: 'toll' });
    expect(moved.status).toBe(409);
    expect(moved.body.code).toBe('number_in_use');
    const retyped = await h.api.put(numPath(n), { bridgeId: b, type: 'toll_free' });
    expect(retyped.status).toBe(409);
    expect((await expectStatus(h.api.get(numPath(n)), 200))).toMatchObject({ bridgeId: b, type: 'toll' });
  });

  it('may still change its languages and city, and an identical PUT is fine', async () => {
    const { b, n } = await guarded();
    expect((await h.api.put(numPath(n), { bridgeId: b, type: 'toll' })).status).toBe(200);
    const r = await expectStatus(h.api.put(numPath(n), { bridgeId: b, type: 'toll', city: 'Lyon', primaryLanguage: 'fr-FR' }), 200);
    expect(r).toMatchObject({ city: 'Lyon', primaryLanguage: 'fr-FR' });
  });

  it('the toll-free default is guarded too', async () => {
    const b = await bridge();
    const n = await number(b, 'toll_free');
    await expectStatus(h.api.patch(bridgePath(b), { defaultTollFreeNumber: n }), 200);
    const r = await h.api.del(numPath(n));
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/default toll-free number/);
  });

  it('once replaced as the default, it can be moved and deleted', async () => {
    const { b, other, n } = await guarded();
    const replacement = await number(b);
    await expectStatus(h.api.patch(bridgePath(b), { defaultTollNumber: replacement }), 200);
    expect((await h.api.put(numPath(n), { bridgeId: other, type: 'toll' })).status).toBe(200);
    expect((await h.api.del(numPath(n))).status).toBe(204);
  });

  it('a move racing a PATCH that makes the number a default: never both', async () => {
    for (let round = 0; round < 6; round++) {
      const b = await bridge();
      const other = await bridge();
      const n = await number(b);
      const [patch, move] = await Promise.all([
        h.api.patch(bridgePath(b), { defaultTollNumber: n }),
        h.api.put(numPath(n), { bridgeId: other, type: 'toll' }),
      ]);
      expect([patch.status, move.status]).not.toContain(500);
      const nowBridge = await expectStatus(h.api.get(bridgePath(b)), 200);
      const nowNumber = await expectStatus(h.api.get(numPath(n)), 200);
      if (nowBridge.defaultTollNumber === n) {
        expect(nowNumber.bridgeId).toBe(b);
        expect(move.status).toBe(409);
        expect(move.body.code).toBe('number_in_use');
      } else {
        expect(nowNumber.bridgeId).toBe(other);
        expect(patch.status).toBe(422);
        expect(patch.body.errors[0].message).toMatch(/another bridge/);
      }
    }
  });
});
