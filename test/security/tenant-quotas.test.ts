// Finding 7 (b–e): per-tenant quotas on what a tenant key can make the service do, each holding
// under dozens of parallel requests: attendees per meeting (MEETING_MAX_ATTENDEES), emails an
// hour (TENANT_EMAILS_PER_HOUR, here 30; delivered through a real SMTP server), conference-info
// only to the user's own address unless the key is platform, and ID resets and changes a day
// (TENANT_ID_CHANGES_PER_DAY, here 25), bulk resets refused up front.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/email/mailer.js';
import { buildOutboxWorker } from '../../src/worker.js';
import { adminClient, createHarness, expectStatus, freshEmail, provision, type Harness } from '../support/harness.js';
import { eventually, privateDatabase, sleep } from '../support/private-db.js';
import { TestSmtp } from '../support/smtp.js';

const EMAILS = 30;
const CHANGES = 25;
const PARALLEL = 60;

let h: Harness;
let db: Awaited<ReturnType<typeof privateDatabase>>;
const smtp = new TestSmtp();
let worker: { stop(): Promise<void> };

beforeAll(async () => {
  await smtp.start();
  db = await privateDatabase('quotas');
  h = await createHarness({ databaseUrl: db.url, env: { TENANT_EMAILS_PER_HOUR: String(EMAILS), TENANT_ID_CHANGES_PER_DAY: String(CHANGES) } });
  const w = buildOutboxWorker(h.services, {
    mailer: new SmtpMailer(smtp.url, 'Attendant <attendant@example.com>', { connectionMs: 2000, greetingMs: 2000, socketMs: 5000 }),
    idlePollMs: 50, sweepEveryMs: 3_600_000,
  });
  w.worker.start();
  worker = w;
});
afterAll(async () => {
  await worker.stop();
  await h.close();
  await db.drop();
  await smtp.stop();
});

async function tenantWithKey(users = 1) {
  const p = await provision(h, { users });
  const { key } = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'tenant key', tenantId: p.tenant.id }), 201);
  return { ...p, api: adminClient(h.app, key) };
}
const userPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}`;
const count = (statuses: number[], s: number) => statuses.filter((x) => x === s).length;

function expectQuotaProblem(r: { status: number; headers: Record<string, string>; body: { code: string } }) {
  expect(r.status).toBe(429);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.body.code).toBe('quota_exceeded');
  expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe('attendees per meeting', () => {
  it('refuses more than 100 attendees with 422 naming the field, for every key', async () => {
    const { tenant, users: [u], api } = await tenantWithKey();
    const attendees = (n: number) => Array.from({ length: n }, (_, k) => `guest${k}@example.com`);
    const meeting = (n: number) => ({ subject: 'All hands', startsAt: new Date(Date.now() + 86_400_000).toISOString(), attendees: attendees(n) });
    for (const client of [api, h.api]) {
      const r = await client.post(`${userPath(tenant, u!)}/meetings`, meeting(101));
      expect([r.status, r.body.code, r.body.errors?.[0]?.path]).toEqual([422, 'validation_failed', 'attendees']);
    }
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, meeting(100)), 201);
  });
});

describe('emails per tenant per hour', () => {
  it(`queues exactly ${EMAILS} of ${PARALLEL} parallel conference-info emails, answers the rest 429, and only those are delivered`, async () => {
    const { tenant, users: [u], api } = await tenantWithKey();
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => api.post(`${userPath(tenant, u!)}/conference-info/send`, {})));
    const statuses = answers.map((r) => r.status);
    console.log(`emails: ${PARALLEL} parallel sends answered ${count(statuses, 202)} x 202, ${count(statuses, 429)} x 429`);
    expect(count(statuses, 202)).toBe(EMAILS);
    for (const r of answers.filter((x) => x.status !== 202)) expectQuotaProblem(r);
    const { rows } = await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND kind = 'email'", [tenant.id]);
    expect(rows[0]!.n).toBe(EMAILS);
    await eventually(async () => smtp.to(u!.email).length, (n) => n >= EMAILS, 30_000);
    await sleep(300);
    expect(smtp.to(u!.email)).toHaveLength(EMAILS);

    // every other way a tenant key queues email is refused while the quota is used up ...
    const invite = await api.post(`${userPath(tenant, u!)}/meetings`, { subject: 's', startsAt: new Date().toISOString(), attendees: ['guest@example.com'] });
    const welcome = await api.post(`/api/v1/tenants/${tenant.id}/users`, { email: freshEmail(), displayName: 'New', sendEmail: true });
    const reset = await api.post(`${userPath(tenant, u!)}/conference-id/reset`, { sendEmail: true });
    for (const r of [invite, welcome, reset]) expectQuotaProblem(r);
    // ... and refused changes leave nothing behind; what sends no email still works
    expect((await expectStatus(api.get(userPath(tenant, u!)), 200)).conferenceId).toBe(u!.conferenceId);
    await expectStatus(api.post(`/api/v1/tenants/${tenant.id}/users`, { email: freshEmail(), displayName: 'Quiet', sendEmail: false }), 201);
    await expectStatus(api.post(`${userPath(tenant, u!)}/meetings`, { subject: 's', startsAt: new Date().toISOString(), attendees: [] }), 201);
  });

  it('counts a meeting\'s invitations as one email each, all or nothing', async () => {
    const { tenant, users: [u], api } = await tenantWithKey();
    const meeting = (n: number) => ({ subject: 's', startsAt: new Date().toISOString(), attendees: Array.from({ length: n }, (_, k) => `g${k}.${tenant.id.slice(0, 8)}@example.com`) });
    await expectStatus(api.post(`${userPath(tenant, u!)}/meetings`, meeting(EMAILS - 5)), 201);
    expectQuotaProblem(await api.post(`${userPath(tenant, u!)}/meetings`, meeting(6)));
    await expectStatus(api.post(`${userPath(tenant, u!)}/meetings`, meeting(5)), 201);
  });
});

describe('conference-info toAddress', () => {
  it('is only the user\'s own address for a tenant key (403 otherwise); a platform key may send anywhere', async () => {
    const { tenant, users: [u], api } = await tenantWithKey();
    const other = await api.post(`${userPath(tenant, u!)}/conference-info/send`, { toAddress: 'someone.else@example.net' });
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ code: 'forbidden', errors: [{ path: 'toAddress' }] });
    await expectStatus(api.post(`${userPath(tenant, u!)}/conference-info/send`, { toAddress: u!.email.toUpperCase() }), 202);
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-info/send`, { toAddress: 'someone.else@example.net' }), 202);
    // the refused request queued nothing: one email for the user's own address, one for the platform's
    const { rows } = await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND kind = 'email'", [tenant.id]);
    expect(rows[0]!.n).toBe(2);
  });
});

describe('conference-ID resets and changes per tenant per day', () => {
  it(`allows exactly ${CHANGES} of ${PARALLEL} parallel single resets, then 429; a bulk reset is refused up front`, async () => {
    const { tenant, users, api } = await tenantWithKey(3);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, k) => api.post(`${userPath(tenant, users[k % 3]!)}/conference-id/reset`, { sendEmail: false })));
    const statuses = answers.map((r) => r.status);
    console.log(`resets: ${PARALLEL} parallel resets answered ${count(statuses, 200)} x 200, ${count(statuses, 429)} x 429`);
    expect(count(statuses, 200)).toBe(CHANGES);
    for (const r of answers.filter((x) => x.status !== 200)) expectQuotaProblem(r);
    const { rows } = await h.services.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM conference_ids c JOIN users u ON u.id = c.owner_id WHERE u.tenant_id = $1 AND c.retired_reason = 'reset'", [tenant.id]);
    expect(rows[0]!.n).toBe(CHANGES);
    const bulk = await api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true, sendEmail: false });
    expectQuotaProblem(bulk);
    const { rows: jobs } = await h.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1', [tenant.id]);
    expect(jobs[0]!.n).toBe(0);
    expectQuotaProblem(await api.put(`${userPath(tenant, users[0]!)}/conference-id`, { conferenceId: '8765401', sendEmail: false }));
  });

  it('takes a bulk job\'s whole size from the quota: parallel bulk requests are accepted only while they fit', async () => {
    const { tenant, users, api } = await tenantWithKey(10);
    const ids = users.map((u) => u.id);
    const answers = await Promise.all(Array.from({ length: 12 }, () => api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { userIds: ids, sendEmail: false })));
    const statuses = answers.map((r) => r.status);
    expect(count(statuses, 202)).toBe(Math.floor(CHANGES / 10));
    for (const r of answers.filter((x) => x.status !== 202)) expectQuotaProblem(r);
    // what is left (5) still serves single resets, and no more
    const singles = await Promise.all(ids.map((_, k) => api.post(`${userPath(tenant, users[k]!)}/conference-id/reset`, { sendEmail: false })));
    expect(count(singles.map((r) => r.status), 200)).toBe(CHANGES % 10);
    // a platform key (the operator) is not held to it
    await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { userIds: ids, sendEmail: false }), 202);
  });
});
