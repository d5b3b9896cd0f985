// Bulk jobs: a bulk reset that survives a restart mid-job with every unit done exactly once,
// failed units reported, tenant scoping, and moving users' default number.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker } from '../../src/worker.js';
import { adminClient, createHarness, expectStatus, freshEmail, freshNumber, provision, type Harness } from '../support/harness.js';
import { eventually, privateDatabase } from '../support/private-db.js';

let h: Harness;
let db: Awaited<ReturnType<typeof privateDatabase>>;
const workers: { stop(): Promise<void> }[] = [];
const DAY = 86_400_000;
const userPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}`;

function startWorker(batchSize = 3) {
  const w = buildOutboxWorker(h.services, {
    mailer: null, idlePollMs: 30, sweepEveryMs: 3_600_000,
    backoff: { firstDelayMs: 100, maxDelayMs: 500, giveUpAfterMs: 60_000 },
    jobs: { batchSize, parallelism: 2 },
  });
  w.worker.start();
  workers.push(w);
  return w;
}

const job = (id: string) => expectStatus(h.api.get(`/api/v1/jobs/${id}`), 200);

beforeAll(async () => {
  db = await privateDatabase('jobs');
  h = await createHarness({ databaseUrl: db.url });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

describe('bulk conference-ID reset', () => {
  it('finishes after a restart mid-job with every unit done exactly once', async () => {
    const { tenant, users, bridge } = await provision(h, { users: 40 });
    const third = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users`, {
      email: freshEmail(), displayName: 'Outside', provider: 'third_party', conferenceId: '5550001', tollNumber: freshNumber(), sendEmail: false,
    }), 201);
    const { jobId, total } = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
    expect(total).toBe(40); // third-party users are not reset
    expect(await job(jobId)).toMatchObject({ kind: 'conference_id_reset', status: 'queued', total: 40, succeeded: 0, failed: 0 });

    const first = startWorker(2);
    const partial = await eventually(() => job(jobId), (j) => j.succeeded >= 6, 20_000, 5);
    await first.stop(); // finishes the batches in hand, then lets go of the job
    const paused = await job(jobId);
    expect(paused.status).toBe('running');
    expect(paused.succeeded).toBeGreaterThanOrEqual(partial.succeeded);
    expect(paused.succeeded).toBeLessThan(40);
    const { rows: pending } = await h.services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM job_items WHERE job_id = $1 AND state = 'pending'", [jobId]);
    expect(pending[0]!.n).toBe(40 - paused.succeeded);

    startWorker(2); // a new instance resumes
    const done = await eventually(() => job(jobId), (j) => j.status === 'succeeded', 30_000);
    expect(done).toMatchObject({ status: 'succeeded', total: 40, succeeded: 40, failed: 0, errors: [] });

    // exactly once: one retired ('reset') and one active ID per user, one audit event each
    const { rows } = await h.services.db.query<{ owner_id: string; active: number; reset: number }>(
      `SELECT owner_id, count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE retired_reason = 'reset')::int AS reset
         FROM conference_ids WHERE bridge_id = $1 AND owner_kind = 'user' GROUP BY owner_id`, [bridge.id]);
    expect(rows).toHaveLength(40);
    for (const r of rows) expect([r.active, r.reset]).toEqual([1, 1]);
    const { rows: audits } = await h.services.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'conference_id.reset'", [tenant.id]);
    expect(audits[0]!.n).toBe(40);
    for (const u of users.slice(0, 3)) {
      const now = await expectStatus(h.api.get(userPath(tenant, u)), 200);
      expect(now.conferenceId).not.toBe(u.conferenceId);
      expect(await h.services.directory.lookupConferenceId(bridge.id, Number(u.conferenceId))).toMatchObject({ status: 'retired' });
      expect(await h.services.directory.lookupConferenceId(bridge.id, Number(now.conferenceId))).toMatchObject({ status: 'active', ownerId: u.id });
    }
    expect((await expectStatus(h.api.get(userPath(tenant, third)), 200)).conferenceId).toBe('5550001');
  });

  it('reports the units that failed, and moves the meetings of those reset', async () => {
    const { tenant, users } = await provision(h, { users: 2 });
    const m = await expectStatus(h.api.post(`${userPath(tenant, users[0]!)}/meetings`, { subject: 'soon', startsAt: new Date(Date.now() + DAY).toISOString() }), 201);
    const ghost = '00000000-0000-4000-8000-000000000000';
    const { jobId, total } = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { userIds: [users[0]!.id, users[1]!.id, ghost] }), 202);
    expect(total).toBe(3);
    startWorker();
    const done = await eventually(() => job(jobId), (j) => j.status === 'failed' || j.status === 'succeeded');
    expect(done).toMatchObject({ status: 'failed', total: 3, succeeded: 2, failed: 1 });
    expect(done.errors).toEqual([{ unitId: ghost, message: 'not_found: user not found' }]);
    const now = await expectStatus(h.api.get(userPath(tenant, users[0]!)), 200);
    const moved = await eventually(() => expectStatus(h.api.get(`${userPath(tenant, users[0]!)}/meetings/${m.id}`), 200), (x) => x.conferenceId === now.conferenceId);
    expect(moved).toMatchObject({ conferenceId: now.conferenceId, invitationSequence: 1 });
  });

  it('wants exactly one of all and userIds, refuses dynamic tenants, and keeps jobs inside their tenant', async () => {
    const { tenant } = await provision(h);
    for (const body of [{}, { all: true, userIds: [] }, { all: false }, { userIds: ['x'] }, { all: true, extra: 1 }]) {
      const r = await h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
    }
    const dynamic = await provision(h, { tenant: { conferenceIdMode: 'dynamic' } });
    expect((await h.api.post(`/api/v1/tenants/${dynamic.tenant.id}/conference-id-resets`, { all: true })).status).toBe(409);
    const { jobId } = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
    const own = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'own', tenantId: tenant.id }), 201);
    const other = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'other', tenantId: dynamic.tenant.id }), 201);
    expect((await adminClient(h.app, own.key).get(`/api/v1/jobs/${jobId}`)).status).toBe(200);
    expect((await adminClient(h.app, other.key).get(`/api/v1/jobs/${jobId}`)).status).toBe(404);
    expect((await adminClient(h.app, other.key).post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true })).status).toBe(404);
    expect((await h.api.get('/api/v1/jobs/not-a-uuid')).status).toBe(404);
  });
});

describe('default-number move', () => {
  it('moves every user of the bridge on number A to number B and updates their meetings', async () => {
    const { bridge, tenant, users, number: a } = await provision(h, { users: 3 });
    const b = freshNumber();
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(b)}`, { bridgeId: bridge.id, type: 'toll', city: 'Shelbyville', country: 'US' }), 201);
    const second = await expectStatus(h.api.post('/api/v1/tenants', { name: 'second tenant', bridgeId: bridge.id }), 201);
    const u2 = await expectStatus(h.api.post(`/api/v1/tenants/${second.id}/users`, { email: freshEmail(), displayName: 'Second', sendEmail: false }), 201);
    const elsewhere = await provision(h);
    const m = await expectStatus(h.api.post(`${userPath(tenant, users[0]!)}/meetings`, { subject: 'soon', startsAt: new Date(Date.now() + DAY).toISOString() }), 201);
    expect(m.dialInNumbers[0].number).toBe(a);

    const tenantKey = await expectStatus(h.api.post('/api/v1/api-keys', { name: 't', tenantId: tenant.id }), 201);
    expect((await adminClient(h.app, tenantKey.key).post(`/api/v1/bridges/${bridge.id}/default-number-moves`, { from: a, to: b })).status).toBe(403);
    expect((await h.api.post(`/api/v1/bridges/${bridge.id}/default-number-moves`, { from: a, to: elsewhere.number })).status).toBe(422);
    expect((await h.api.post(`/api/v1/bridges/${bridge.id}/default-number-moves`, { from: a, to: a })).status).toBe(422);

    const { jobId, total } = await expectStatus(h.api.post(`/api/v1/bridges/${bridge.id}/default-number-moves`, { from: a, to: b }), 202);
    expect(total).toBe(4);
    startWorker();
    expect(await eventually(() => job(jobId), (j) => j.status === 'succeeded')).toMatchObject({ kind: 'default_number_move', total: 4, succeeded: 4, failed: 0 });
    for (const u of users) expect((await expectStatus(h.api.get(userPath(tenant, u)), 200)).tollNumber).toBe(b);
    expect((await expectStatus(h.api.get(userPath({ id: second.id }, u2)), 200)).tollNumber).toBe(b);
    expect((await expectStatus(h.api.get(userPath(elsewhere.tenant, elsewhere.users[0]!)), 200)).tollNumber).toBe(elsewhere.number);
    const moved = await expectStatus(h.api.get(`${userPath(tenant, users[0]!)}/meetings/${m.id}`), 200);
    expect(moved).toMatchObject({ invitationSequence: 1, dialInNumbers: [{ number: b, type: 'toll', city: 'Shelbyville', country: 'US' }] });
    // the bridge default itself is unchanged; new users still get it
    expect((await expectStatus(h.api.get(`/api/v1/bridges/${bridge.id}`), 200)).defaultTollNumber).toBe(a);
    const fresh = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users`, { email: freshEmail(), displayName: 'New', sendEmail: false }), 201);
    expect(fresh.tollNumber).toBe(a);
    // a tenant key cannot see a bridge-wide job
    expect((await adminClient(h.app, tenantKey.key).get(`/api/v1/jobs/${jobId}`)).status).toBe(404);
  });
});
