// The public, unauthenticated Jitsi endpoints: tenancy (one integration never reveals another's
// rooms), CORS (only configured origins), the rate limits and the live-ID cap under parallel
// requests, and bad input answered 4xx with a clear message, nothing stored.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredIds } from '../../src/commands/retire-expired-ids.js';
import { expectStatus, type Harness } from '../support/harness.js';
import { createVoiceHarness, lastHeard, type VoiceHarness } from '../voice/support.js';
import { freshAddress, JITSI_ENV, local, MUC, ORIGIN, setupJitsi, type JitsiSetup } from './support.js';

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function get(h: VoiceHarness, url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const res = await fetch(local(h, url), { method, headers: { origin: ORIGIN, 'x-forwarded-for': freshAddress(), ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

const mapperUrl = (s: JitsiSetup, query: string) => `${s.integration.dialInConfCodeUrl}?${query}`;
const numbersUrl = (s: JitsiSetup, query = '') => `${s.integration.dialInNumbersUrl}${query ? `?${query}` : ''}`;

async function stored(h: Harness, s: JitsiSetup): Promise<{ rooms: number; ids: number }> {
  const { rows } = await h.services.db.query<{ rooms: number; ids: number }>(
    `SELECT (SELECT count(*)::int FROM jitsi_rooms WHERE integration_id = $1) AS rooms,
            (SELECT count(*)::int FROM conference_ids WHERE tenant_id = $2 AND owner_kind = 'room') AS ids`,
    [s.integration.id, s.tenant.id],
  );
  return rows[0]!;
}

/** Waits out the end of a calendar minute, so that a burst is counted in one fixed window. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5000) await new Promise((r) => setTimeout(r, left + 100));
}

describe('with the usual limits', () => {
  let h: VoiceHarness;
  beforeAll(async () => { h = await createVoiceHarness({ env: JITSI_ENV }); });
  afterAll(async () => { await h.close(); });

  describe('tenancy', () => {
    it('an integration answers only for its own rooms, even beside another tenant\'s on the same bridge and MUC domain', async () => {
      const a = await setupJitsi(h);
      const tenantB = await expectStatus(h.api.post('/api/v1/tenants', { name: 'b', bridgeId: a.bridge.id }), 201);
      const b = await expectStatus(h.api.post(`/api/v1/tenants/${tenantB.id}/jitsi-integrations`, { name: 'b', mucDomains: [MUC], allowedOrigins: [ORIGIN] }), 201);
      const bSetup = { ...a, tenant: tenantB, integration: b };
      const idA = (await get(h, mapperUrl(a, `conference=secretroom@${MUC}`))).body.id;
      const idB = (await get(h, mapperUrl(bSetup, `conference=secretroom@${MUC}`))).body.id;
      expect(idA).not.toBe(idB);
      // by ID: each integration finds its own, never the other's
      expect((await get(h, mapperUrl(a, `id=${idA}`))).body).toEqual({ conference: `secretroom@${MUC}`, id: idA });
      expect((await get(h, mapperUrl(a, `id=${idB}`))).body).toEqual({ conference: false });
      expect((await get(h, mapperUrl(bSetup, `id=${idA}`))).body).toEqual({ conference: false });
      // a user's ID on the bridge is not a room: not revealed either
      expect((await get(h, mapperUrl(a, `id=${a.users[0]!.conferenceId}`))).body).toEqual({ conference: false });
      // one tenant's key cannot list or reset the other's rooms
      const keyB = (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'b', tenantId: tenantB.id }), 201)).key;
      const asB = await fetch(`${h.serviceUrl}/api/v1/tenants/${a.tenant.id}/jitsi-integrations/${a.integration.id}/rooms`, { headers: { authorization: `Bearer ${keyB}` } });
      expect(asB.status).toBe(404);
      const wrongPath = await fetch(`${h.serviceUrl}/api/v1/tenants/${tenantB.id}/jitsi-integrations/${a.integration.id}/rooms`, { headers: { authorization: `Bearer ${keyB}` } });
      expect(wrongPath.status).toBe(404);
    });

    it('a removed integration answers 404, and its rooms\' IDs are refused to callers at once', async () => {
      const s = await setupJitsi(h);
      const { id } = (await get(h, mapperUrl(s, `conference=gone@${MUC}`))).body as { id: number };
      await expectStatus(h.api.del(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}`), 204);
      const after = await get(h, mapperUrl(s, `conference=gone@${MUC}`));
      expect(after.status).toBe(404);
      expect(after.body.message).toBe('Jitsi integration not found');
      expect((await get(h, numbersUrl(s))).status).toBe(404);
      const call = await h.call(s.number).dial();
      await call.press(`${id}#`);
      expect(lastHeard(call)).toMatch(/^That conference ID has changed\./);
      const { rows } = await h.services.db.query('SELECT retired_reason FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2', [s.bridge.id, id]);
      expect(rows).toEqual([{ retired_reason: 'integration_removed' }]);
    });
  });

  describe('CORS', () => {
    it('only configured origins may read, or make the service do anything', async () => {
      const s = await setupJitsi(h);
      const ok = await get(h, mapperUrl(s, `conference=corsroom@${MUC}`));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(ok.headers.get('vary')).toMatch(/Origin/);
      expect(ok.headers.get('cache-control')).toBe('no-store');

      for (const origin of ['https://evil.example.org', 'https://meet.example.com.evil.org', 'http://meet.example.com', 'null']) {
        const refused = await get(h, mapperUrl(s, `conference=evil${origin.length}@${MUC}`), { origin });
        expect(refused.status, origin).toBe(403);
        expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
        expect(refused.body.message).toMatch(/is not allowed to use this integration/);
        expect((await get(h, numbersUrl(s), { origin })).status).toBe(403);
      }
      // an <img> or a link on another site (a cross-site request that is not a CORS fetch) carries no Origin on a GET
      // (supertest: Node's fetch always sends Sec-Fetch-Mode: cors)
      const img = await supertest(h.app).get(new URL(mapperUrl(s, `conference=imgroom@${MUC}`)).pathname + `?conference=imgroom@${MUC}`)
        .set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image', 'x-forwarded-for': freshAddress() });
      expect(img.status).toBe(403);
      const link = await supertest(h.app).get(new URL(mapperUrl(s, `conference=linkroom@${MUC}`)).pathname + `?conference=linkroom@${MUC}`)
        .set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'x-forwarded-for': freshAddress() });
      expect(link.status).toBe(403);
      // typed into the address bar (an admin trying it): served
      const typed = await supertest(h.app).get(new URL(mapperUrl(s, `conference=corsroom@${MUC}`)).pathname + `?conference=corsroom@${MUC}`)
        .set({ 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'x-forwarded-for': freshAddress() });
      expect(typed.status).toBe(200);
      expect(await stored(h, s)).toEqual({ rooms: 1, ids: 1 });

      // a server (no Origin, no fetch metadata) is served, without CORS headers
      const server = await fetch(local(h, mapperUrl(s, `conference=corsroom@${MUC}`)), { headers: { 'x-forwarded-for': freshAddress() } });
      expect(server.status).toBe(200);
      expect(server.headers.get('access-control-allow-origin')).toBeNull();

      // preflight: allowed origin only, GET only
      const pre = await get(h, mapperUrl(s, 'conference=x'), { 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' }, 'OPTIONS');
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
      expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect((await get(h, mapperUrl(s, 'conference=x'), { origin: 'https://evil.example.org', 'access-control-request-method': 'GET' }, 'OPTIONS')).status).toBe(403);

      // a new origin works as soon as it is added
      await expectStatus(h.api.patch(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}`, { allowedOrigins: [ORIGIN, 'https://meet2.example.com/'] }), 200);
      const added = await get(h, numbersUrl(s), { origin: 'https://meet2.example.com' });
      expect(added.status).toBe(200);
      expect(added.headers.get('access-control-allow-origin')).toBe('https://meet2.example.com');
    });
  });

  describe('bad input', () => {
    it('is answered 4xx as problem+json with a clear message, and nothing is stored', async () => {
      const s = await setupJitsi(h);
      const cases: [string, number, RegExp][] = [
        [mapperUrl(s, ''), 400, /send conference=<room>@<muc-domain>/],
        [mapperUrl(s, 'conference='), 400, /conference is empty/],
        [mapperUrl(s, 'conference=noroom'), 400, /must be a JID/],
        [mapperUrl(s, `conference=a@b@${MUC}`), 400, /one @/],
        [mapperUrl(s, `conference=@${MUC}`), 400, /must be a JID/],
        [mapperUrl(s, 'conference=room@'), 400, /must be a JID/],
        [mapperUrl(s, 'conference=room@conference.foreign.example.org'), 400, /conference\.foreign\.example\.org is not a MUC domain of this integration/],
        [mapperUrl(s, 'conference=room@not a domain'), 400, /MUC domain/],
        [mapperUrl(s, `conference=${'r'.repeat(300)}@${MUC}`), 400, /too long to dial/],
        [mapperUrl(s, `conference=a%00b@${MUC}`), 400, /control characters/],
        [mapperUrl(s, `conference=a@${MUC}&conference=b@${MUC}`), 400, /given more than once/],
        [mapperUrl(s, 'id=123456'), 400, /exactly 7 digits/],
        [mapperUrl(s, 'id=12345678'), 400, /exactly 7 digits/],
        [mapperUrl(s, 'id=0123456'), 400, /exactly 7 digits/],
        [mapperUrl(s, 'id=abcdefg'), 400, /exactly 7 digits/],
        [mapperUrl(s, 'id=123%204567'), 400, /exactly 7 digits/],
        [mapperUrl(s, 'id=1e6'), 400, /exactly 7 digits/],
        [numbersUrl(s, 'format=xml'), 400, /format may only be "legacy"/],
        [numbersUrl(s, 'conference=room@conference.foreign.example.org'), 400, /not a MUC domain/],
        [s.integration.dialInConfCodeUrl.replace(s.integration.id, 'not-a-uuid'), 404, /Jitsi integration not found/],
        [s.integration.dialInConfCodeUrl.replace(s.integration.id, '00000000-0000-4000-8000-000000000000'), 404, /Jitsi integration not found/],
        [s.integration.dialInConfCodeUrl.replace('conferenceMapper', 'conferenceMap'), 404, /no such endpoint/],
      ];
      for (const [url, status, message] of cases) {
        const r = await get(h, url);
        expect(r.status, url).toBe(status);
        expect(r.headers.get('content-type'), url).toMatch(/application\/problem\+json/);
        expect(r.body.message, url).toMatch(message);
        expect(r.body.detail).toBe(r.body.message);
      }
      const post = await get(h, mapperUrl(s, `conference=room@${MUC}`), {}, 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(await stored(h, s)).toEqual({ rooms: 0, ids: 0 });
    });
  });
});

describe('limits under parallel requests', () => {
  let h: VoiceHarness;
  beforeAll(async () => {
    h = await createVoiceHarness({ env: { ...JITSI_ENV, JITSI_CLIENT_RATE_LIMIT_PER_MIN: '20', JITSI_NEW_IDS_PER_MIN: '12' } });
  });
  afterAll(async () => { await h.close(); });

  it('per client address: exactly the limit is served in a minute, with Retry-After beyond it; other addresses are not held back', async () => {
    const s = await setupJitsi(h);
    await awayFromMinuteEdge();
    const address = freshAddress();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, k) => get(h, k % 2 ? numbersUrl(s) : mapperUrl(s, `conference=busy@${MUC}`), { 'x-forwarded-for': address })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(20);
    expect(statuses.filter((x) => x === 429)).toHaveLength(30);
    const limited = answers.find((a) => a.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(/more than 20 requests from this address in a minute/);
    expect((await get(h, numbersUrl(s))).status).toBe(200);
  });

  it('per integration: at most the new-ID rate is issued, while rooms that have an ID are still answered', async () => {
    const s = await setupJitsi(h);
    const known = (await get(h, mapperUrl(s, `conference=known@${MUC}`))).body.id;
    await awayFromMinuteEdge();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, k) => get(h, mapperUrl(s, `conference=room${k}@${MUC}`))));
    const statuses = answers.map((a) => a.status);
    // 'known' used one of the minute's 12 (unless the minute turned meanwhile)
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(11);
    expect(statuses.filter((x) => x === 200).length).toBeLessThanOrEqual(12);
    expect(answers.find((a) => a.status === 429)!.body.message).toMatch(/new conference IDs for this integration/);
    expect(await stored(h, s)).toEqual({ rooms: 1 + statuses.filter((x) => x === 200).length, ids: 1 + statuses.filter((x) => x === 200).length });
    expect((await get(h, mapperUrl(s, `conference=known@${MUC}`))).body.id).toBe(known);
  });
});

describe('the live-ID cap under parallel requests', () => {
  let h: VoiceHarness;
  beforeAll(async () => { h = await createVoiceHarness({ env: { ...JITSI_ENV, JITSI_NEW_IDS_PER_MIN: '1000' } }); });
  afterAll(async () => { await h.close(); });

  it('holds exactly: refusals store nothing; a reset or an expiry frees a place', async () => {
    const s = await setupJitsi(h, { integration: { maxLiveIds: 5 } });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, k) => get(h, mapperUrl(s, `conference=cap${k}@${MUC}`))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(5);
    expect(statuses.filter((x) => x === 429)).toHaveLength(35);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body).toMatchObject({ code: 'quota_exceeded', message: expect.stringMatching(/already holds 5 live conference IDs, its limit/) });
    expect(await stored(h, s)).toEqual({ rooms: 5, ids: 5 });
    const integration = await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}`), 200);
    expect(integration).toMatchObject({ liveIds: 5, maxLiveIds: 5 });
    // rooms that have an ID are still answered
    const served = answers.map((a, k) => [a, k] as const).filter(([a]) => a.status === 200);
    expect((await get(h, mapperUrl(s, `conference=cap${served[0]![1]}@${MUC}`))).body.id).toBe(served[0]![0].body.id);

    // a reset frees one place
    const rooms = (await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200)).items;
    await expectStatus(h.api.post(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms/${rooms[0].id}/conference-id/reset`), 200);
    expect((await get(h, mapperUrl(s, `conference=after-reset@${MUC}`))).status).toBe(200);
    expect((await get(h, mapperUrl(s, `conference=one-too-many@${MUC}`))).status).toBe(429);
    // an expiry (the sweeper retires it) frees one too
    await h.services.db.query(
      `UPDATE conference_ids SET expires_at = now() - interval '1 second'
        WHERE state = 'active' AND owner_kind = 'room' AND owner_id = $1`, [rooms[1].id]);
    expect(await sweepExpiredIds(h.services)).toBeGreaterThanOrEqual(1);
    expect((await get(h, mapperUrl(s, `conference=after-expiry@${MUC}`))).status).toBe(200);
    expect((await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}`), 200)).liveIds).toBe(5);
    const { rows } = await h.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM conference_ids c JOIN jitsi_rooms r ON r.id = c.owner_id
        WHERE c.owner_kind = 'room' AND c.state = 'active' AND r.integration_id = $1`, [s.integration.id]);
    expect(rows[0]!.n).toBe(5);
  });

  it('parallel first lookups of one room get one ID', async () => {
    const s = await setupJitsi(h);
    const answers = await Promise.all(Array.from({ length: 30 }, () => get(h, mapperUrl(s, `conference=sameroom@${MUC}`))));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await stored(h, s)).toEqual({ rooms: 1, ids: 1 });
  });
});
