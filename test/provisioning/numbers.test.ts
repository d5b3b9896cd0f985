// PUT / GET / DELETE /api/v1/dial-in-numbers: idempotence, replacement, moves, validation with
// field-level errors, access rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectStatus, freshNumber, type Harness } from '../support/harness.js';

let h: Harness;
let bridgeA: string;
let bridgeB: string;
beforeAll(async () => {
  h = await createHarness();
  bridgeA = (await expectStatus(h.api.post('/api/v1/bridges', { name: 'A' }), 201)).id;
  bridgeB = (await expectStatus(h.api.post('/api/v1/bridges', { name: 'B' }), 201)).id;
});
afterAll(async () => { await h.close(); });

const path = (n: string) => `/api/v1/dial-in-numbers/${encodeURIComponent(n)}`;
const versionOf = async (n: string) => (await h.services.db.query('SELECT version FROM dial_in_numbers WHERE number = $1', [n])).rows[0]?.version;
const auditCount = async (n: string) => (await h.services.db.query('SELECT count(*)::int AS c FROM audit_events WHERE target_id = $1', [n])).rows[0]!.c;

describe('PUT /dial-in-numbers/{e164}', () => {
  it('creates (201), then answers 200 for the same body without rewriting the row', async () => {
    const n = freshNumber();
    const body = { bridgeId: bridgeA, type: 'toll_free', primaryLanguage: 'en-US', secondaryLanguages: ['es-US', 'fr-FR'], city: 'Austin', country: 'US' };
    const created = await h.api.put(path(n), body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ number: n, ...body, speechInput: false });
    const version = await versionOf(n);
    const again = await h.api.put(path(n), body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);
    expect(await versionOf(n)).toBe(version);
    expect(await auditCount(n)).toBe(1);
    expect(await expectStatus(h.api.get(path(n)), 200)).toEqual(created.body);
  });

  it('fills defaults (en-US, no secondary languages, no city or country)', async () => {
    const n = freshNumber();
    const r = await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll' }), 201);
    expect(r).toEqual({ number: n, bridgeId: bridgeA, type: 'toll', primaryLanguage: 'en-US', secondaryLanguages: [], city: null, country: null, speechInput: false });
  });

  it('replaces every field: what the body leaves out goes back to its default', async () => {
    const n = freshNumber();
    await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', primaryLanguage: 'de-DE', secondaryLanguages: ['en-GB'], city: 'Berlin', country: 'DE' }), 201);
    const r = await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', city: 'Bonn' }), 200);
    expect(r).toMatchObject({ primaryLanguage: 'en-US', secondaryLanguages: [], city: 'Bonn', country: null });
    expect(await auditCount(n)).toBe(2);
  });

  it('keeps the order of secondary languages (the menu order)', async () => {
    const n = freshNumber();
    const r = await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', secondaryLanguages: ['fr-FR', 'de-DE', 'es-US', 'en-GB'] }), 201);
    expect(r.secondaryLanguages).toEqual(['fr-FR', 'de-DE', 'es-US', 'en-GB']);
    const reordered = await h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', secondaryLanguages: ['de-DE', 'fr-FR', 'es-US', 'en-GB'] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.secondaryLanguages[0]).toBe('de-DE');
  });

  it('moves a number between bridges and lists it under the new one only', async () => {
    const n = freshNumber();
    await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll' }), 201);
    const moved = await expectStatus(h.api.put(path(n), { bridgeId: bridgeB, type: 'toll' }), 200);
    expect(moved.bridgeId).toBe(bridgeB);
    const inA = await expectStatus(h.api.get(`/api/v1/dial-in-numbers?bridgeId=${bridgeA}`), 200);
    const inB = await expectStatus(h.api.get(`/api/v1/dial-in-numbers?bridgeId=${bridgeB}`), 200);
    expect(inA.items.map((x: { number: string }) => x.number)).not.toContain(n);
    expect(inB.items.filter((x: { number: string }) => x.number === n)).toHaveLength(1);
    const { rows } = await h.services.db.query("SELECT details FROM audit_events WHERE target_id = $1 AND action = 'dial_in_number.moved'", [n]);
    expect(rows[0]!.details).toMatchObject({ bridgeId: bridgeB, previousBridgeId: bridgeA });
  });

  it('parallel first PUTs of one number: one 201, the rest 200, never a 500', async () => {
    const n = freshNumber();
    const results = await Promise.all(Array.from({ length: 8 }, (_, k) => h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', city: `City ${k % 2}` })));
    const statuses = results.map((r) => r.status).sort();
    expect(results.filter((r) => r.status !== 200 && r.status !== 201).map((r) => r.text)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    const { rows } = await h.services.db.query('SELECT count(*)::int AS c FROM dial_in_numbers WHERE number = $1', [n]);
    expect(rows[0]!.c).toBe(1);
  });

  it('accepts a number written with a literal + in the path', async () => {
    const n = freshNumber();
    expect((await h.api.put(`/api/v1/dial-in-numbers/${n}`, { bridgeId: bridgeA, type: 'toll' })).status).toBe(201);
    expect((await h.api.get(`/api/v1/dial-in-numbers/${n}`)).body.number).toBe(n);
  });
});

describe('validation: 422 validation_failed naming each field', () => {
  const cases: [string, string | null, object, string][] = [
    ['no plus', '14155550123', {}, 'number'],
    ['too short', '12345', {}, 'number'],
    ['a letter', '+1415555010O', {}, 'number'],
    ['leading zero country code', '+04155550123', {}, 'number'],
    ['16 digits', '+1415555012345678', {}, 'number'],
    ['bridgeId not a UUID', null, { bridgeId: 'bridge-1' }, 'bridgeId'],
    ['bridgeId unknown', null, { bridgeId: '00000000-0000-4000-8000-000000000000' }, 'bridgeId'],
    ['type', null, { type: 'premium' }, 'type'],
    ['type missing', null, { type: undefined }, 'type'],
    ['primary language unsupported', null, { primaryLanguage: 'ja-JP' }, 'primaryLanguage'],
    ['primary language not canonical', null, { primaryLanguage: 'en-us' }, 'primaryLanguage'],
    ['primary language with a fake region', null, { primaryLanguage: 'en-ZZ' }, 'primaryLanguage'],
    ['primary language not BCP-47', null, { primaryLanguage: 'en_US' }, 'primaryLanguage'],
    ['primary language not a string', null, { primaryLanguage: 7 }, 'primaryLanguage'],
    ['five secondary languages', null, { secondaryLanguages: ['de-DE', 'fr-FR', 'es-US', 'en-GB', 'es'] }, 'secondaryLanguages'],
    ['unsupported secondary language', null, { secondaryLanguages: ['es-US', 'it-IT'] }, 'secondaryLanguages.1'],
    ['repeated secondary language', null, { secondaryLanguages: ['es-US', 'es-US'] }, 'secondaryLanguages'],
    ['secondary repeats primary', null, { primaryLanguage: 'en-US', secondaryLanguages: ['fr-FR', 'en-US'] }, 'secondaryLanguages.1'],
    ['secondary not a list', null, { secondaryLanguages: 'es-US' }, 'secondaryLanguages'],
    ['country of three letters', null, { country: 'USA' }, 'country'],
    ['country lower case', null, { country: 'us' }, 'country'],
    ['country not ISO (UK)', null, { country: 'UK' }, 'country'],
    ['country user-assigned (ZZ)', null, { country: 'ZZ' }, 'country'],
    ['city empty', null, { city: '  ' }, 'city'],
    ['city too long', null, { city: 'x'.repeat(201) }, 'city'],
    ['city with a control character', null, { city: 'Bad\u0007City' }, 'city'],
    ['a misspelt field', null, { contry: 'US' }, 'contry'],
  ];
  for (const [name, number, patch, field] of cases) {
    it(name, async () => {
      const n = number ?? freshNumber();
      const r = await h.api.put(path(n), { bridgeId: bridgeA, type: 'toll', ...patch });
      expect(r.status, r.text).toBe(422);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(r.body.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
      if (number === null) expect((await h.api.get(path(n))).status).toBe(404);
    });
  }

  it('reports several bad fields at once', async () => {
    const r = await h.api.put(path(freshNumber()), { bridgeId: bridgeA, type: 'premium', country: 'USA', city: '' });
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['city', 'country', 'type']);
  });

  it('tells how to write a language in canonical form', async () => {
    const r = await h.api.put(path(freshNumber()), { bridgeId: bridgeA, type: 'toll', primaryLanguage: 'fr-fr' });
    expect(r.body.errors[0]).toEqual({ path: 'primaryLanguage', message: 'write it as fr-FR' });
  });

  it('400 bad_request for a body that is not JSON', async () => {
    const r = await h.api.put(path(freshNumber()), '{"bridgeId":').set('content-type', 'application/json');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('bad_request');
  });

  it('422 for a list query with a bad bridgeId or an unknown parameter', async () => {
    expect((await h.api.get('/api/v1/dial-in-numbers?bridgeId=nope')).body.errors[0].path).toBe('bridgeId');
    expect((await h.api.get('/api/v1/dial-in-numbers?bridge=x')).body.errors[0].path).toBe('bridge');
  });
});

describe('GET and DELETE', () => {
  it('GET one answers 404 for an unknown number and 422 for a malformed one', async () => {
    expect((await h.api.get(path(freshNumber()))).status).toBe(404);
    expect((await h.api.get(path('+1-415'))).status).toBe(422);
  });

  it('DELETE answers 204, then 404; the number is gone from lists', async () => {
    const n = freshNumber();
    await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll' }), 201);
    expect((await h.api.del(path(n))).status).toBe(204);
    expect((await h.api.get(path(n))).status).toBe(404);
    const second = await h.api.del(path(n));
    expect(second.status).toBe(404);
    expect(second.body.code).toBe('not_found');
    const list = await expectStatus(h.api.get(`/api/v1/dial-in-numbers?bridgeId=${bridgeA}`), 200);
    expect(list.items.map((x: { number: string }) => x.number)).not.toContain(n);
    // and it can be provisioned again afterwards
    expect((await h.api.put(path(n), { bridgeId: bridgeB, type: 'toll' })).status).toBe(201);
  });
});

describe('access', () => {
  it('tenant keys get 403, read-only platform keys may only read, no key is 401', async () => {
    const n = freshNumber();
    await expectStatus(h.api.put(path(n), { bridgeId: bridgeA, type: 'toll' }), 201);
    const tenant = await expectStatus(h.api.post('/api/v1/tenants', { name: 't', bridgeId: bridgeA }), 201);
    const tenantKey = (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tk', tenantId: tenant.id }), 201)).key;
    const readKey = (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'ro', readOnly: true }), 201)).key;
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    expect((await h.api.get(path(n)).set(as(tenantKey))).status).toBe(403);
    expect((await h.api.get('/api/v1/dial-in-numbers').set(as(tenantKey))).status).toBe(403);
    expect((await h.api.put(path(n), { bridgeId: bridgeB, type: 'toll' }).set(as(tenantKey))).status).toBe(403);
    expect((await h.api.del(path(n)).set(as(tenantKey))).status).toBe(403);
    expect((await h.api.get(path(n)).set(as(readKey))).status).toBe(200);
    expect((await h.api.put(path(n), { bridgeId: bridgeB, type: 'toll' }).set(as(readKey))).status).toBe(403);
    expect((await h.api.del(path(n)).set(as(readKey))).status).toBe(403);
    expect((await h.api.get(path(n)).set('authorization', '')).status).toBe(401);
    expect((await expectStatus(h.api.get(path(n)), 200)).bridgeId).toBe(bridgeA);
  });
});
