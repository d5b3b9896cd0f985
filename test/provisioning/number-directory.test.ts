// What callers see of number changes: two service instances share PostgreSQL and Redis; one
// changes a number through the admin API, the other's directory answers accordingly at once,
// even when it had the old answer cached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NumberRow } from '../../src/store/numbers.js';
import { createHarness, expectStatus, freshNumber, type Harness } from '../support/harness.js';

let admin: Harness; // takes the admin requests
let voice: Harness; // answers calls (reads its directory)
beforeAll(async () => {
  [admin, voice] = await Promise.all([createHarness(), createHarness()]);
});
afterAll(async () => {
  await Promise.all([admin.close(), voice.close()]);
});

const numPath = (n: string) => `/api/v1/dial-in-numbers/${encodeURIComponent(n)}`;
const newBridge = async () => (await expectStatus(admin.api.post('/api/v1/bridges', { name: 'dir' }), 201)).id as string;
const cached = (n: string) => voice.services.cache.hget(voice.services.keys.numbers, n);

describe('directory effect of number changes', () => {
  it('a new number is found at once', async () => {
    const a = await newBridge();
    const n = freshNumber();
    expect((await voice.services.directory.lookupNumber(n)).status).toBe('not_found');
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll', primaryLanguage: 'es-US', secondaryLanguages: ['en-US'] }), 201);
    expect(await voice.services.directory.lookupNumber(n)).toEqual({
      status: 'found', bridgeId: a, type: 'toll', primaryLanguage: 'es-US', secondaryLanguages: ['en-US'], speechInput: false,
    });
  });

  it('after a move, the other instance routes to the new bridge at once, though it had the old one cached', async () => {
    const a = await newBridge();
    const b = await newBridge();
    const n = freshNumber();
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll' }), 201);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: a });
    expect((await cached(n))?.[0]).toBe('A'); // a positive answer sits in Redis now

    await expectStatus(admin.api.put(numPath(n), { bridgeId: b, type: 'toll' }), 200);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: b });
    expect(await admin.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: b });
  });

  it('language and type changes reach callers at once', async () => {
    const a = await newBridge();
    const n = freshNumber();
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll' }), 201);
    await voice.services.directory.lookupNumber(n);
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll_free', primaryLanguage: 'fr-FR', secondaryLanguages: ['en-GB', 'de-DE'] }), 200);
    expect(await voice.services.directory.lookupNumber(n)).toEqual({
      status: 'found', bridgeId: a, type: 'toll_free', primaryLanguage: 'fr-FR', secondaryLanguages: ['en-GB', 'de-DE'], speechInput: false,
    });
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll_free', primaryLanguage: 'fr-FR', secondaryLanguages: ['en-GB', 'de-DE'], speechInput: true }), 200);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', speechInput: true });
  });

  it('after a delete, the number is not found at once, and a re-provisioned one is found again', async () => {
    const a = await newBridge();
    const b = await newBridge();
    const n = freshNumber();
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll' }), 201);
    expect((await voice.services.directory.lookupNumber(n)).status).toBe('found');
    expect((await admin.api.del(numPath(n))).status).toBe(204);
    expect(await voice.services.directory.lookupNumber(n)).toEqual({ status: 'not_found' });
    expect((await cached(n))?.[0]).toBe('X'); // the cache says "gone", with a version that beats the old answer
    await expectStatus(admin.api.put(numPath(n), { bridgeId: b, type: 'toll' }), 201);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: b });
  });

  it('a refused change leaves callers where they were', async () => {
    const a = await newBridge();
    const b = await newBridge();
    const n = freshNumber();
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll' }), 201);
    await expectStatus(admin.api.patch(`/api/v1/bridges/${a}`, { defaultTollNumber: n }), 200);
    await voice.services.directory.lookupNumber(n);
    expect((await admin.api.put(numPath(n), { bridgeId: b, type: 'toll' })).status).toBe(409);
    expect((await admin.api.del(numPath(n))).status).toBe(409);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: a });
    expect((await cached(n))?.[0]).toBe('A');
  });

  it('a stale reader cannot put the old bridge back after a move', async () => {
    const a = await newBridge();
    const b = await newBridge();
    const n = freshNumber();
    await expectStatus(admin.api.put(numPath(n), { bridgeId: a, type: 'toll' }), 201);
    const { rows: [before] } = await admin.services.db.query('SELECT number, bridge_id, type, primary_language, secondary_languages, version FROM dial_in_numbers WHERE number = $1', [n]);
    await expectStatus(admin.api.put(numPath(n), { bridgeId: b, type: 'toll' }), 200);
    // a reader that read the row before the move tries to fill the cache with it now
    const { numberWrite } = await import('../../src/directory/writes.js');
    const w = numberWrite(voice.services.keys, before as NumberRow);
    await voice.services.cache.casFields([w]);
    expect(await voice.services.directory.lookupNumber(n)).toMatchObject({ status: 'found', bridgeId: b });
  });
});
