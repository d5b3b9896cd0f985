// Meeting destinations through the admin API: which one applies, what is validated, that
// passwords are stored sealed and never returned (nor cached or logged in clear), that every
// change is audited, and that a change callers depend on is refused (503) when the cache cannot
// be told before it commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { uuidToRef } from '../../src/lib/refs.js';
import { silentLogger } from '../../src/logging.js';
import { createHarness, expectStatus, provision, type Harness } from '../support/harness.js';
import { PrivateRedis } from '../support/private-services.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const SIP = { kind: 'sip', uriTemplate: 'sip:jigasi@pbx.example.com;transport=tls' };
const dest = (t: { id: string }) => `/api/v1/tenants/${t.id}/destination`;

describe('a tenant\'s destination', () => {
  it('is its own, else its bridge\'s, else Twilio rooms', async () => {
    const p = await provision(h);
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toEqual({
      scope: 'default', kind: 'twilio', uriTemplate: null, roomHeader: null, roleHeader: null, sipAuth: null, roomPassword: null, updatedAt: null,
    });
    await expectStatus(h.api.put(`/api/v1/bridges/${p.bridge.id}/destination`, { ...SIP, uriTemplate: 'sip:bridge@pbx.example.com' }), 200);
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toMatchObject({ scope: 'bridge', kind: 'sip', uriTemplate: 'sip:bridge@pbx.example.com', roomHeader: 'X-Jitsi-Conference-Room' });
    await expectStatus(h.api.put(dest(p.tenant), { kind: 'twilio' }), 200);
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toMatchObject({ scope: 'tenant', kind: 'twilio' });
    await expectStatus(h.api.del(dest(p.tenant)), 204);
    await expectStatus(h.api.del(dest(p.tenant)), 204); // idempotent
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toMatchObject({ scope: 'bridge' });
    expect(await expectStatus(h.api.get(`/api/v1/bridges/${p.bridge.id}/destination`), 200)).toMatchObject({ scope: 'bridge', kind: 'sip' });
    expect((await h.api.get('/api/v1/bridges/00000000-0000-4000-8000-000000000000/destination')).status).toBe(404);
  });

  it('keeps passwords sealed: never returned, cached or audited in clear; left out they are kept, null removes them', async () => {
    const p = await provision(h);
    const put = await expectStatus(h.api.put(dest(p.tenant), {
      ...SIP, roleHeader: 'X-Role', sipAuth: { username: 'attendant', password: 'sip-Secret-123' }, roomPassword: { header: 'X-Room-Pass', password: 'room-Secret-456' },
    }), 200);
    expect(put).toMatchObject({ scope: 'tenant', kind: 'sip', roleHeader: 'X-Role', sipAuth: { username: 'attendant' }, roomPassword: { header: 'X-Room-Pass' } });
    expect(JSON.stringify(put)).not.toMatch(/Secret/);
    const { rows } = await h.services.db.query<{ sip_password: Buffer; room_password: Buffer; id: string }>('SELECT id, sip_password, room_password FROM meeting_destinations WHERE tenant_id = $1', [p.tenant.id]);
    const row = rows[0]!;
    expect(row.sip_password.toString('latin1')).not.toContain('sip-Secret-123');
    expect(h.services.secrets.open(row.sip_password, `sip-password:${row.id}`)).toBe('sip-Secret-123');
    expect(() => h.services.secrets.open(row.sip_password, `room-password:${row.id}`)).toThrow(); // bound to its field
    expect(h.services.secrets.open(row.room_password, `room-password:${row.id}`)).toBe('room-Secret-456');

    // the directory's copy (what the caller path reads) holds them sealed too
    await h.services.directory.lookupConferenceId(p.bridge.id, Number(p.users[0]!.conferenceId));
    await h.services.directory.trust.settle(); // the bridge's first rebuild fills it
    expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(p.users[0]!.conferenceId))).toMatchObject({ source: 'cache', destination: { username: 'attendant' } });
    const cached = await h.services.cache.hget(h.services.keys.tenantSettings(p.bridge.id), uuidToRef(p.tenant.id));
    expect(cached).toContain(row.sip_password.toString('base64url'));
    expect(cached).not.toMatch(/Secret/);

    // a change that leaves them out keeps them; null removes one
    expect(await expectStatus(h.api.put(dest(p.tenant), { ...SIP, uriTemplate: 'sips:jigasi@pbx.example.com' }), 200)).toMatchObject({ sipAuth: { username: 'attendant' }, roomPassword: { header: 'X-Room-Pass' }, roleHeader: null });
    expect(await expectStatus(h.api.put(dest(p.tenant), { ...SIP, sipAuth: null }), 200)).toMatchObject({ sipAuth: null, roomPassword: { header: 'X-Room-Pass' } });
    // twilio drops everything SIP
    await expectStatus(h.api.put(dest(p.tenant), { kind: 'twilio' }), 200);
    const after = await h.services.db.query('SELECT uri_template, sip_password, room_password FROM meeting_destinations WHERE tenant_id = $1', [p.tenant.id]);
    expect(after.rows).toEqual([{ uri_template: null, sip_password: null, room_password: null }]);
    await expectStatus(h.api.put(dest(p.tenant), SIP), 200);
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toMatchObject({ sipAuth: null, roomPassword: null });

    const audit = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/audit-events?limit=20`), 200);
    const events = audit.items.filter((e: { action: string }) => e.action.startsWith('destination.'));
    expect(events.map((e: { action: string }) => e.action)).toEqual(Array(5).fill('destination.updated'));
    expect(events.at(-1).details).toMatchObject({ kind: 'sip', sipAuth: 'set', roomPassword: 'set' });
    expect(events[2].details).toMatchObject({ sipAuth: 'removed', roomPassword: 'kept' });
    expect(JSON.stringify(audit)).not.toMatch(/Secret/);
    await expectStatus(h.api.del(dest(p.tenant)), 204);
    const removed = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/audit-events?limit=1`), 200);
    expect(removed.items[0]).toMatchObject({ action: 'destination.removed', target: { type: 'tenant', id: p.tenant.id } });
  });

  it('is validated field by field', async () => {
    const p = await provision(h);
    const cases: [object, string, RegExp][] = [
      [{}, 'kind', /twilio.*sip/],
      [{ kind: 'teams' }, 'kind', /twilio.*sip/],
      [{ kind: 'sip' }, 'uriTemplate', /./],
      [{ kind: 'sip', uriTemplate: 'https://pbx.example.com' }, 'uriTemplate', /must start with sip: or sips:/],
      [{ kind: 'sip', uriTemplate: 'sip:j@pbx.example.com?X-A=1' }, 'uriTemplate', /headers of its own/],
      [{ ...SIP, roomHeader: 'Jitsi-Conference-Room' }, 'roomHeader', /"X-"/],
      [{ ...SIP, roleHeader: 'X-Jitsi-Conference-Room' }, 'roomHeader', /different names/],
      [{ ...SIP, sipAuth: { username: 'a b', password: 'x' } }, 'sipAuth.username', /spaces/],
      [{ ...SIP, sipAuth: { username: 'a', password: '' } }, 'sipAuth.password', /empty/],
      [{ ...SIP, roomPassword: { header: 'X-P', password: 'a\u0000' } }, 'roomPassword.password', /control/],
      [{ kind: 'twilio', uriTemplate: 'sip:a@b' }, 'uriTemplate', /not a field/],
      [{ ...SIP, extra: 1 }, 'extra', /not a field/],
    ];
    for (const [body, path, message] of cases) {
      const r = await h.api.put(dest(p.tenant), body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      const error = r.body.errors.find((e: { path: string }) => e.path === path);
      expect(error, `${JSON.stringify(body)} → ${JSON.stringify(r.body.errors)}`).toBeDefined();
      expect(error.message).toMatch(message);
    }
    expect(await expectStatus(h.api.get(dest(p.tenant)), 200)).toMatchObject({ scope: 'default' });
  });
});

describe('with the cache unreachable', () => {
  let redis: PrivateRedis;
  let x: Harness;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const cache = new RedisStore({ url: redis.url, commandTimeoutMs: 300 }, silentLogger);
    await cache.waitUntilReady(5000);
    x = await createHarness({ cache, env: { REDIS_URL: redis.url } });
    const close = x.close.bind(x);
    x.close = async () => { await close(); await cache.close(); };
  });
  afterAll(async () => {
    await x.close();
    await redis.stop();
  });

  it('a destination change answers 503 and changes nothing: no caller could be dialed to the old one after a 2xx', async () => {
    const p = await provision(x);
    await expectStatus(x.api.put(dest(p.tenant), SIP), 200);
    await redis.kill();
    const r = await x.api.put(dest(p.tenant), { ...SIP, uriTemplate: 'sip:elsewhere@pbx.example.com' });
    expect(r.status).toBe(503);
    expect((await x.api.del(dest(p.tenant))).status).toBe(503);
    const { rows } = await x.services.db.query('SELECT uri_template FROM meeting_destinations WHERE tenant_id = $1', [p.tenant.id]);
    expect(rows).toEqual([{ uri_template: SIP.uriTemplate }]);
  });
});
