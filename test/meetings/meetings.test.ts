// Meetings: scheduling in static and dynamic tenants, invitations to attendees, migration to a
// new ID, and the expiry of dynamic IDs (refused, then retired to quarantine by the sweeper).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker } from '../../src/worker.js';
import { SmtpMailer } from '../../src/email/mailer.js';
import { sweepExpiredIds } from '../../src/commands/retire-expired-ids.js';
import { claimConferenceId } from '../../src/store/conference-ids.js';
import { adminClient, createHarness, expectStatus, freshEmail, provision, type Harness } from '../support/harness.js';
import { eventually, privateDatabase } from '../support/private-db.js';
import { showsSecret } from '../support/secrets.js';
import { TestSmtp } from '../support/smtp.js';

let h: Harness;
let db: Awaited<ReturnType<typeof privateDatabase>>;
const smtp = new TestSmtp();
let stopWorker: (() => Promise<void>) | null = null;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const userPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}`;

function startWorker() {
  const w = buildOutboxWorker(h.services, {
    mailer: new SmtpMailer(smtp.url, 'Attendant <attendant@example.com>'),
    backoff: { firstDelayMs: 200, maxDelayMs: 1000, giveUpAfterMs: 60_000 }, idlePollMs: 50, sweepEveryMs: 3_600_000,
    jobs: { batchSize: 2 },
  });
  w.worker.start();
  stopWorker = () => w.stop();
}

beforeAll(async () => {
  db = await privateDatabase('meetings');
  await smtp.start();
  h = await createHarness({ databaseUrl: db.url });
});
afterEach(async () => {
  await stopWorker?.();
  stopWorker = null;
});
afterAll(async () => {
  await h.close();
  await smtp.stop();
  await db.drop();
});

describe('meetings in a static tenant', () => {
  it('carry the organizer\'s ID and numbers, and attendees get an ICS invitation', async () => {
    startWorker();
    const { tenant, users: [u], number } = await provision(h);
    const guest = freshEmail('guest');
    const m = await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, {
      subject: 'Weekly <sync>', startsAt: iso(Date.now() + DAY), endsAt: iso(Date.now() + DAY + 3600e3), attendees: [guest, guest.toUpperCase()],
    }), 201);
    expect(m).toMatchObject({
      organizerId: u!.id, subject: 'Weekly <sync>', conferenceId: u!.conferenceId, expiresAt: null, invitationSequence: 0,
      dialInNumbers: [{ number, type: 'toll', city: 'Springfield', country: 'US' }], attendees: [guest],
    });
    expect(await expectStatus(h.api.get(`${userPath(tenant, u!)}/meetings/${m.id}`), 200)).toEqual(m);
    const mail = await smtp.waitFor(guest);
    expect(smtp.to(guest)).toHaveLength(1); // the address given twice is invited once
    expect(mail.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(mail.raw).toMatch(/Content-Type: application\/ics; name=invitation-\d{8}T\d{6}Z\.ics/i);
    expect(mail.raw).toMatch(/Content-Disposition: attachment/i);
    expect(mail.text).toContain(`UID:${m.id}@attendant.example.com`);
    expect(mail.text).toContain('SEQUENCE:0');
    expect(mail.text).toContain(u!.conferenceId!);
    expect(mail.text).toContain('Weekly &lt;sync&gt;');
    expect(showsSecret(mail.text, u!.leaderPin!)).toBe(false);

    const ics = await h.api.get(`${userPath(tenant, u!)}/meetings/${m.id}/invitation.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.text.replace(/\r\n /g, '')).toContain(`Conference ID: ${u!.conferenceId}#`);
  });

  it('refuses bad input and meetings out of reach', async () => {
    const { tenant, users: [u] } = await provision(h);
    const bad = await h.api.post(`${userPath(tenant, u!)}/meetings`, { subject: '', startsAt: 'tomorrow', endsAt: iso(Date.now()), attendees: ['not-an-email'], extra: 1 });
    expect(bad.status).toBe(422);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['subject', 'startsAt', 'attendees.0']));
    const backwards = await h.api.post(`${userPath(tenant, u!)}/meetings`, { subject: 'x', startsAt: iso(Date.now() + DAY), endsAt: iso(Date.now()) });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors[0].path).toBe('endsAt');
    const m = await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, { subject: 'mine', startsAt: iso(Date.now() + DAY) }), 201);
    const other = await provision(h);
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'other tenant', tenantId: other.tenant.id }), 201);
    const stranger = adminClient(h.app, key.key);
    expect((await stranger.get(`${userPath(tenant, u!)}/meetings/${m.id}`)).status).toBe(404);
    expect((await stranger.get(`${userPath(tenant, u!)}/meetings/${m.id}/invitation.ics`)).status).toBe(404);
    expect((await h.api.get(`${userPath(other.tenant, other.users[0]!)}/meetings/${m.id}`)).status).toBe(404);
  });

  it('move to the new ID after a reset: upcoming ones get a new sequence and invitation, past ones stay', async () => {
    const { tenant, users: [u] } = await provision(h);
    const guest = freshEmail('guest');
    const schedule = (subject: string, startsAt: number, endsAt?: number) => expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, {
      subject, startsAt: iso(startsAt), ...(endsAt ? { endsAt: iso(endsAt) } : {}), attendees: [guest],
    }), 201);
    const upcoming = [
      await schedule('one', Date.now() + DAY, Date.now() + DAY + 3600e3),
      await schedule('two', Date.now() + 2 * DAY),
      await schedule('running now', Date.now() - 3600e3, Date.now() + 3600e3),
    ];
    const past = await schedule('last week', Date.now() - 7 * DAY, Date.now() - 7 * DAY + 3600e3);
    const reset = await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, { sendEmail: false }), 200);
    const jobs = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/jobs`), 200);
    const job = jobs.items.find((j: { kind: string }) => j.kind === 'meeting_migration');
    expect(job).toMatchObject({ status: 'queued', total: 3, succeeded: 0 });
    startWorker();
    const done = await eventually(() => expectStatus(h.api.get(`/api/v1/jobs/${job.id}`), 200), (j) => j.status === 'succeeded');
    expect(done).toMatchObject({ kind: 'meeting_migration', status: 'succeeded', total: 3, succeeded: 3, failed: 0, errors: [] });
    for (const m of upcoming) {
      const now = await expectStatus(h.api.get(`${userPath(tenant, u!)}/meetings/${m.id}`), 200);
      expect(now).toMatchObject({ conferenceId: reset.conferenceId, invitationSequence: 1 });
      await smtp.waitFor(guest, (mail) => mail.text.includes(`UID:${m.id}@`) && mail.text.includes('SEQUENCE:1') && mail.text.includes(reset.conferenceId));
    }
    const old = await expectStatus(h.api.get(`${userPath(tenant, u!)}/meetings/${past.id}`), 200);
    expect(old).toMatchObject({ conferenceId: reset.previousConferenceId, invitationSequence: 0 });
    const audit = await expectStatus(h.api.get(`/api/v1/tenants/${tenant.id}/audit-events`), 200);
    expect(audit.items.find((e: { action: string }) => e.action === 'meeting_migration.queued').details).toMatchObject({ jobId: job.id, meetings: 3 });
  });
});

describe('meetings in a dynamic tenant', () => {
  it('each get an ID of their own that expires 60 days after the end and answers callers until then', async () => {
    const { tenant, users: [u], bridge } = await provision(h, { tenant: { conferenceIdMode: 'dynamic' } });
    expect(u!.conferenceId).toBeNull();
    const endsAt = Date.now() + 2 * 3600e3;
    const a = await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, { subject: 'a', startsAt: iso(Date.now() + 3600e3), endsAt: iso(endsAt) }), 201);
    const startOnly = Date.now() + DAY;
    const b = await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, { subject: 'b', startsAt: iso(startOnly) }), 201);
    expect(a.conferenceId).toMatch(/^[1-9]\d{6}$/);
    expect(a.conferenceId).not.toBe(b.conferenceId);
    expect(Date.parse(a.expiresAt)).toBe(Date.parse(iso(endsAt)) + 60 * DAY);
    expect(Date.parse(b.expiresAt)).toBe(Date.parse(iso(startOnly)) + 60 * DAY);
    const { rows } = await h.services.db.query('SELECT owner_kind, owner_id, leader_user_id, state FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2', [bridge.id, Number(a.conferenceId)]);
    expect(rows).toEqual([{ owner_kind: 'meeting', owner_id: a.id, leader_user_id: u!.id, state: 'active' }]);
    const found = await h.services.directory.lookupConferenceId(bridge.id, Number(a.conferenceId));
    expect(found).toMatchObject({ status: 'active', ownerKind: 'meeting', ownerId: a.id });
    const pin = await h.services.directory.leaderPinHash(bridge.id, 'meeting', a.id);
    expect(pin).toMatchObject({ status: 'found' });
    expect((pin as { hash: string | null }).hash).toMatch(/^kscrypt\$/);
    // a reset does not apply: there is no user ID to change
    expect((await h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, {})).status).toBe(409);
  });

  it('an expired ID is refused, then retired to quarantine by the sweeper', async () => {
    const { tenant, users: [u], bridge } = await provision(h, { tenant: { conferenceIdMode: 'dynamic' } });
    const m = await expectStatus(h.api.post(`${userPath(tenant, u!)}/meetings`, {
      subject: 'imported', startsAt: iso(Date.now() - 70 * DAY), endsAt: iso(Date.now() - 61 * DAY),
    }), 201);
    expect(Date.parse(m.expiresAt)).toBeLessThan(Date.now());
    const id = Number(m.conferenceId);
    expect(await h.services.directory.lookupConferenceId(bridge.id, id)).toMatchObject({ status: 'expired' });
    expect(await sweepExpiredIds(h.services)).toBeGreaterThanOrEqual(1);
    const { rows } = await h.services.db.query(
      "SELECT state, retired_reason, quarantine_until > now() + interval '89 days' AS quarantined FROM conference_ids WHERE bridge_id = $1 AND conference_id = $2",
      [bridge.id, id],
    );
    expect(rows).toEqual([{ state: 'retired', retired_reason: 'expired', quarantined: true }]);
    expect(await h.services.directory.lookupConferenceId(bridge.id, id)).toMatchObject({ status: 'retired' });
    // quarantined: nobody on the bridge can take it
    const taken = await claimConferenceId(h.services.db, {
      bridgeId: bridge.id, conferenceId: id, tenantId: tenant.id, ownerKind: 'user', ownerId: u!.id, leaderUserId: u!.id, expiresAt: null, quarantineDays: 90,
    });
    expect(taken).toBeNull();
  });
});
