// Secrets never leave where they belong: no PIN, API key, auth token or full caller number in
// logs (at debug level, through a whole day's work: enabling users, resets, keys, calls with
// PINs, refused webhooks, emails that cannot be delivered), error bodies or the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker } from '../../src/worker.js';
import { sign } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, adminClient, expectStatus, freshNumber, provision } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

/** `secret` as a whole token (a PIN is digits: it must not be part of a longer number to count). */
const contains = (text: string, secret: string) => new RegExp(`(^|[^0-9A-Za-z])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^0-9A-Za-z])`).test(text);

describe('secrets', () => {
  it('never appear in logs, error bodies or the database', async () => {
    const caller = freshNumber();
    const { number, tenant, users: [u] } = await provision(h, { user: { sendEmail: true } });
    const pinReset = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/leader-pin/reset`, { sendEmail: true }), 200);
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'ops', tenantId: tenant.id }), 201);
    // a caller who leads with the new PIN after a wrong one
    const c = h.call(number, { from: caller });
    await c.dial();
    await c.press(`${u!.conferenceId}#`);
    await c.press('*');
    await c.press(`${u!.leaderPin}#`); // the old PIN: wrong now
    await c.press(`${pinReset.leaderPin}#`);
    expect(c.conference?.attrs.startConferenceOnEnter).toBe('true');
    // a forged webhook and a refused admin call with a wrong key
    const forged = await h.webhooks.send(`${h.webhooks.publicBaseUrl}/voice/incoming`, { CallSid: 'CA' + '9'.repeat(32), From: caller, To: number },
      { signature: sign('wrong-token', `${h.webhooks.publicBaseUrl}/voice/incoming`, { From: caller }) });
    expect(forged.status).toBe(403);
    const wrongKey = await adminClient(h.app, `${key.key}x`).get(`/api/v1/tenants/${tenant.id}`);
    expect(wrongKey.status).toBe(401);
    // the welcome and PIN emails go through the worker with no SMTP: logged and marked undeliverable
    const worker = buildOutboxWorker(h.services, { mailer: null, idlePollMs: 20, periodic: [] });
    worker.worker.start();
    const deadline = Date.now() + 10_000;
    let pending = 1;
    while (pending > 0 && Date.now() < deadline) {
      pending = (await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE payload->>'userId' = $1 AND status = 'pending'", [u!.id])).rows[0]!.n;
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.stop();
    expect(pending).toBe(0);

    const logs = h.logText();
    expect(logs.length).toBeGreaterThan(1000);
    for (const [what, secret] of [['first PIN', u!.leaderPin!], ['reset PIN', pinReset.leaderPin], ['API key', key.key], ['bootstrap key', BOOTSTRAP_KEY], ['auth token', AUTH_TOKEN], ['caller number', caller]] as const) {
      expect(contains(logs, secret), `the logs hold the ${what}`).toBe(false);
    }
    expect(logs).toMatch(/undeliverable|SMTP_URL/); // the mail was logged, without its secret
    expect(JSON.stringify(wrongKey.body)).not.toContain(key.key);

    const db = async (sql: string) => JSON.stringify((await h.services.db.query(sql)).rows);
    const stored = await db(`SELECT * FROM users WHERE id = '${u!.id}'`) + await db(`SELECT * FROM api_keys WHERE id = '${key.id}'`)
      + await db(`SELECT * FROM audit_events WHERE tenant_id = '${tenant.id}'`) + await db(`SELECT id, kind, payload, status, last_error, encode(secret, 'hex') AS secret FROM outbox WHERE payload->>'userId' = '${u!.id}'`);
    for (const secret of [u!.leaderPin!, pinReset.leaderPin, key.key]) expect(contains(stored, secret)).toBe(false);
    const { rows } = await h.services.db.query("SELECT count(*)::int AS n FROM outbox WHERE payload->>'userId' = $1 AND secret IS NOT NULL", [u!.id]);
    expect(rows[0]!.n).toBe(0); // the sealed PINs were erased once the mail was given up on
  });

  it('a stored key is compared by hash: a key that differs in its secret part is refused', async () => {
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'near miss' }), 201);
    const flipped = key.key.slice(0, -1) + (key.key.endsWith('A') ? 'B' : 'A');
    expect((await adminClient(h.app, flipped).get('/api/v1/me')).status).toBe(401);
    expect((await adminClient(h.app, key.key).get('/api/v1/me')).status).toBe(200);
    expect((await adminClient(h.app, BOOTSTRAP_KEY + ' ').get('/api/v1/me')).status).toBe(200); // trailing spaces are not part of the key
    expect((await adminClient(h.app, BOOTSTRAP_KEY.slice(0, -1)).get('/api/v1/me')).status).toBe(401);
  });
});
