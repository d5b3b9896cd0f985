// Enabling, listing, disabling users; chosen IDs; PIN resets; conference info; the outbox rows
// each change writes (delivery is the outbox worker's, tested elsewhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPin } from '../../src/domain/pins.js';
import { sealedPinContext } from '../../src/email/messages.js';
import { adminClient, createHarness, expectStatus, freshEmail, freshNumber, provision, type Harness, TEST_PIN_KEY } from '../support/harness.js';
import { showsSecret } from '../support/secrets.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const usersPath = (t: { id: string }) => `/api/v1/tenants/${t.id}/users`;
interface OutboxRow { id: string; payload: Record<string, string | null>; secret: Buffer | null }
const outbox = async (userId: string): Promise<OutboxRow[]> => (await h.services.db.query<OutboxRow>(
  "SELECT id, payload, secret FROM outbox WHERE payload->>'userId' = $1 ORDER BY id", [userId])).rows;

describe('enabling users', () => {
  it('a builtin user gets an ID, a PIN of the tenant\'s length (shown once) and the bridge\'s numbers; the welcome is queued with the PIN sealed', async () => {
    const { tenant, number } = await provision(h, { users: 0, tenant: { pinLength: 8 } });
    const email = freshEmail('Mixed.Case');
    const u = await expectStatus(h.api.post(usersPath(tenant), { email, displayName: 'Ada' }), 201);
    expect(u).toMatchObject({ email, displayName: 'Ada', provider: 'builtin', tollNumber: number, tollFreeNumber: null, emailQueued: true, tenantId: tenant.id });
    expect(u.conferenceId).toMatch(/^[1-9]\d{6}$/);
    expect(u.leaderPin).toMatch(/^\d{8}$/);
    expect(Date.parse(u.conferenceIdUpdatedAt)).toBeGreaterThan(Date.now() - 60_000);
    const mail = (await outbox(u.id))[0]!;
    expect(mail.payload).toMatchObject({ template: 'welcome', to: email, conferenceId: u.conferenceId, tollNumber: number });
    expect(showsSecret(JSON.stringify(mail.payload), u.leaderPin)).toBe(false);
    expect(mail.secret!.toString('latin1')).not.toContain(u.leaderPin);
    expect(h.services.secrets.open(mail.secret!, sealedPinContext(mail.id, mail.payload.to as string))).toBe(u.leaderPin);
    const stored = (await h.services.db.query('SELECT leader_pin_hash FROM users WHERE id = $1', [u.id])).rows[0]!;
    expect(await verifyPin(u.leaderPin, stored.leader_pin_hash, TEST_PIN_KEY)).toBe(true);
    expect(stored.leader_pin_hash).not.toContain(u.leaderPin);
  });

  it('takes a chosen ID when free, and refuses one that is active or malformed', async () => {
    const { tenant, users: [a] } = await provision(h);
    const taken = await h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'B', conferenceId: a!.conferenceId, sendEmail: false });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('conference_id_unavailable');
    const bad = await h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'B', conferenceId: '0123456' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('conferenceId');
    for (let i = 0; i < 10; i++) {
      const id = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
      const r = await h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'C', conferenceId: id, sendEmail: false });
      if (r.status === 201) { expect(r.body.conferenceId).toBe(id); return; }
    }
    throw new Error('no chosen ID was free in 10 tries');
  });

  it('a third-party user keeps the provider\'s ID and number, has no PIN, and cannot be reset', async () => {
    const { tenant, users: [builtin] } = await provision(h);
    const tollNumber = freshNumber();
    // the same ID as a builtin user of the bridge: third-party IDs are not the bridge's
    const u = await expectStatus(h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'T', provider: 'third_party', conferenceId: builtin!.conferenceId, tollNumber, sendEmail: false }), 201);
    expect(u).toMatchObject({ provider: 'third_party', conferenceId: builtin!.conferenceId, tollNumber, tollFreeNumber: null });
    expect(u.leaderPin).toBeUndefined();
    for (const [path, body] of [['conference-id/reset', {}], ['leader-pin/reset', {}]] as const) {
      const r = await h.api.post(`${usersPath(tenant)}/${u.id}/${path}`, body);
      expect([r.status, r.body.code]).toEqual([409, 'not_supported']);
    }
    const missing = await h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'T', provider: 'third_party' });
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['conferenceId', 'tollNumber']);
  });

  it('in a dynamic tenant a user has no ID of their own, and ID changes are not supported', async () => {
    const { tenant } = await provision(h, { users: 0, tenant: { conferenceIdMode: 'dynamic' } });
    const u = await expectStatus(h.api.post(usersPath(tenant), { email: freshEmail(), displayName: 'D', sendEmail: false }), 201);
    expect(u.conferenceId).toBeNull();
    expect(u.leaderPin).toMatch(/^\d{5}$/);
    const r = await h.api.put(`${usersPath(tenant)}/${u.id}/conference-id`, { conferenceId: '2345678' });
    expect([r.status, r.body.code]).toEqual([409, 'not_supported']);
    const mode = await h.api.patch(`/api/v1/tenants/${tenant.id}`, { conferenceIdMode: 'static' });
    expect([mode.status, mode.body.code]).toEqual([409, 'not_supported']);
  });

  it('refuses a second user with the same email in any case, but not after the first is disabled', async () => {
    const { tenant, users: [u] } = await provision(h);
    const dup = await h.api.post(usersPath(tenant), { email: u!.email.toUpperCase(), displayName: 'Again' });
    expect([dup.status, dup.body.code]).toEqual([409, 'user_exists']);
    await expectStatus(h.api.del(`${usersPath(tenant)}/${u!.id}`), 204);
    await expectStatus(h.api.post(usersPath(tenant), { email: u!.email.toUpperCase(), displayName: 'Again', sendEmail: false }), 201);
  });
});

describe('listing and disabling', () => {
  it('pages through every user once, and finds one by email in any case', async () => {
    const { tenant, users } = await provision(h, { users: 7 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await expectStatus(h.api.get(`${usersPath(tenant)}?limit=3${cursor ? `&cursor=${cursor}` : ''}`), 200);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(users.map((u) => u.id).sort());
    const found = await expectStatus(h.api.get(`${usersPath(tenant)}?email=${encodeURIComponent(users[3]!.email.toUpperCase())}`), 200);
    expect(found.items.map((x: { id: string }) => x.id)).toEqual([users[3]!.id]);
  });

  it('a disabled user is gone, their ID refused at once and quarantined', async () => {
    const { bridge, tenant, users: [u, other] } = await provision(h, { users: 2 });
    await expectStatus(h.api.del(`${usersPath(tenant)}/${u!.id}`), 204);
    await expectStatus(h.api.get(`${usersPath(tenant)}/${u!.id}`), 404);
    await expectStatus(h.api.del(`${usersPath(tenant)}/${u!.id}`), 404);
    expect((await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).status).toBe('retired');
    const r = await h.api.put(`${usersPath(tenant)}/${other!.id}/conference-id`, { conferenceId: u!.conferenceId });
    expect([r.status, r.body.code]).toEqual([409, 'conference_id_unavailable']);
  });
});

describe('changing IDs and PINs', () => {
  it('a chosen ID replaces the current one; the same ID again changes nothing', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    let chosen: string | undefined;
    for (let i = 0; i < 10 && !chosen; i++) {
      const id = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
      const r = await h.api.put(`${usersPath(tenant)}/${u!.id}/conference-id`, { conferenceId: id });
      if (r.status === 200) { chosen = id; expect(r.body).toEqual({ conferenceId: id, previousConferenceId: u!.conferenceId, emailQueued: true }); }
    }
    expect(chosen).toBeDefined();
    expect((await h.services.directory.lookupConferenceId(bridge.id, Number(u!.conferenceId))).status).toBe('retired');
    expect((await h.services.directory.lookupConferenceId(bridge.id, Number(chosen))).status).toBe('active');
    const again = await expectStatus(h.api.put(`${usersPath(tenant)}/${u!.id}/conference-id`, { conferenceId: chosen }), 200);
    expect(again).toEqual({ conferenceId: chosen, previousConferenceId: chosen, emailQueued: false });
    const mails = (await outbox(u!.id)).filter((m) => m.payload.template === 'conference_id_changed');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.payload).toMatchObject({ conferenceId: chosen, previousConferenceId: u!.conferenceId });
    expect(mails[0]!.secret).toBeNull();
  });

  it('a PIN reset makes the old PIN fail at once and queues the new one sealed', async () => {
    const { bridge, tenant, users: [u] } = await provision(h);
    const before = await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id);
    expect(before.status === 'found' && (await verifyPin(u!.leaderPin!, before.hash, TEST_PIN_KEY))).toBe(true);
    const r = await expectStatus(h.api.post(`${usersPath(tenant)}/${u!.id}/leader-pin/reset`, { sendEmail: true }), 200);
    expect(r.leaderPin).toMatch(/^\d{5}$/);
    const after = await h.services.directory.leaderPinHash(bridge.id, 'user', u!.id);
    expect(after.status === 'found' && (await verifyPin(u!.leaderPin!, after.hash, TEST_PIN_KEY))).toBe(false);
    expect(after.status === 'found' && (await verifyPin(r.leaderPin, after.hash, TEST_PIN_KEY))).toBe(true);
    const mail = (await outbox(u!.id)).find((m) => m.payload.template === 'leader_pin_reset')!;
    expect(h.services.secrets.open(mail.secret!, sealedPinContext(mail.id, mail.payload.to as string))).toBe(r.leaderPin);
  });

  it('conference info is queued for the user or another address, without a secret', async () => {
    const { tenant, users: [u] } = await provision(h);
    const other = freshEmail('assistant');
    expect(await expectStatus(h.api.post(`${usersPath(tenant)}/${u!.id}/conference-info/send`, {}), 202)).toEqual({ emailQueued: true });
    await expectStatus(h.api.post(`${usersPath(tenant)}/${u!.id}/conference-info/send`, { toAddress: other }), 202);
    const mails = (await outbox(u!.id)).filter((m) => m.payload.template === 'conference_info');
    expect(mails.map((m) => m.payload.to)).toEqual([u!.email, other]);
    expect(mails.every((m) => m.secret === null && m.payload.conferenceId === u!.conferenceId)).toBe(true);
    const bad = await h.api.post(`${usersPath(tenant)}/${u!.id}/conference-info/send`, { toAddress: 'nope' });
    expect(bad.body.errors[0].path).toBe('toAddress');
  });
});

describe('the audit trail', () => {
  it('records each change with its actor, newest first, paged, without secrets', async () => {
    const { tenant, users: [u] } = await provision(h);
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'helpdesk', tenantId: tenant.id }), 201);
    const desk = adminClient(h.app, key.key);
    await expectStatus(desk.post(`${usersPath(tenant)}/${u!.id}/conference-id/reset`, { sendEmail: false }), 200);
    const pin = await expectStatus(desk.post(`${usersPath(tenant)}/${u!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    const page1 = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/audit-events?limit=2`), 200);
    expect(page1.items.map((e: { action: string }) => e.action)).toEqual(['leader_pin.reset', 'conference_id.reset']);
    expect(page1.items[0]).toMatchObject({ actor: { apiKeyId: key.id, name: 'helpdesk' }, target: { type: 'user', id: u!.id } });
    const page2 = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/audit-events?limit=50&cursor=${page1.nextCursor}`), 200);
    expect(page2.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['api_key.created', 'user.enabled', 'tenant.created']));
    expect(page2.nextCursor).toBeNull();
    const all = JSON.stringify([page1, page2]);
    for (const secret of [pin.leaderPin, u!.leaderPin!, key.key]) expect(showsSecret(all, secret)).toBe(false);
  });
});
