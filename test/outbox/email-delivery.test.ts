// The outbox against a real SMTP server: delivery, what each email may carry, opt-out, outages,
// restarts, leases and several workers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker, type BuildWorkerOptions } from '../../src/worker.js';
import net from 'node:net';
import { isPermanent, SmtpMailer } from '../../src/email/mailer.js';
import { claimDue, pruneSettled, settle } from '../../src/store/outbox-claims.js';
import { createHarness, expectStatus, freshEmail, provision, type Harness } from '../support/harness.js';
import { eventually, privateDatabase, sleep } from '../support/private-db.js';
import { hasWhole, TestSmtp } from '../support/smtp.js';

let h: Harness;
let db: Awaited<ReturnType<typeof privateDatabase>>;
const smtp = new TestSmtp();
const running: { stop(): Promise<void> }[] = [];

const FAST = { firstDelayMs: 200, maxDelayMs: 1000, giveUpAfterMs: 60_000 };

function startWorker(o: BuildWorkerOptions = {}) {
  const w = buildOutboxWorker(h.services, {
    mailer: new SmtpMailer(smtp.url, 'Attendant <attendant@example.com>', { connectionMs: 2000, greetingMs: 2000, socketMs: 5000 }),
    backoff: FAST, idlePollMs: 50, sweepEveryMs: 3_600_000, ...o,
  });
  w.worker.start();
  running.push(w);
  return w;
}

async function outboxRows(userId: string) {
  const { rows } = await h.services.db.query<{ id: string; status: string; attempts: number; secret: Buffer | null; last_error: string | null; template: string }>(
    "SELECT id, status, attempts, secret, last_error, payload->>'template' AS template FROM outbox WHERE payload->>'userId' = $1 ORDER BY id",
    [userId],
  );
  return rows;
}

const userPath = (t: { id: string }, u: { id: string }) => `/api/v1/tenants/${t.id}/users/${u.id}`;

beforeAll(async () => {
  db = await privateDatabase('outbox');
  await smtp.start();
  h = await createHarness({ databaseUrl: db.url });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  smtp.refuse = false;
});
afterAll(async () => {
  await h.close();
  await smtp.stop();
  await db.drop();
});

describe('email delivery', () => {
  it('sends the welcome with the ID, the formatted number and the PIN, then erases the sealed PIN', async () => {
    startWorker();
    const { tenant, number } = await provision(h, { users: 0 });
    const email = freshEmail();
    const u = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users`, { email, displayName: 'Ada <Admin>' }), 201);
    const mail = await smtp.waitFor(email);
    expect(hasWhole(mail.text, u.conferenceId)).toBe(true);
    expect(hasWhole(mail.text, u.leaderPin)).toBe(true);
    // readable international format, e.g. +1 415 555 0123
    expect(mail.text).toContain(`+1 ${number.slice(2, 5)} ${number.slice(5, 8)} ${number.slice(8)}`);
    expect(mail.text).toContain('Ada &lt;Admin&gt;'); // the HTML part escapes the name
    expect(mail.raw).toMatch(/Message-ID: <outbox-\d+@localhost>/i);
    const rows = await eventually(() => outboxRows(u.id), (r) => r[0]?.status === 'sent');
    expect(rows).toMatchObject([{ status: 'sent', attempts: 1, secret: null, template: 'welcome' }]);
  });

  it('never puts the PIN in a reset or conference-info email; a PIN reset carries the new PIN', async () => {
    startWorker();
    const { tenant, users: [u] } = await provision(h);
    const reset = await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, {}), 200);
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-info/send`, {}), 202);
    const resetMail = await smtp.waitFor(u!.email, (m) => /conference ID has changed/i.test(m.text));
    const infoMail = await smtp.waitFor(u!.email, (m) => /audio conferencing details/i.test(m.text));
    for (const m of [resetMail, infoMail]) {
      expect(hasWhole(m.text, reset.conferenceId)).toBe(true);
      expect(hasWhole(m.text, u!.leaderPin!)).toBe(false);
    }
    expect(resetMail.text).toMatch(/update existing meetings/i);
    expect(hasWhole(resetMail.text, reset.previousConferenceId)).toBe(true);
    const pin = await expectStatus(h.api.post(`${userPath(tenant, u!)}/leader-pin/reset`, {}), 200);
    const pinMail = await smtp.waitFor(u!.email, (m) => /new leader PIN/i.test(m.text));
    expect(hasWhole(pinMail.text, pin.leaderPin)).toBe(true);
    const rows = await eventually(() => outboxRows(u!.id), (r) => r.length === 3 && r.every((x) => x.status === 'sent'));
    expect(rows.map((r) => [r.template, r.status, r.secret])).toEqual([
      ['conference_id_changed', 'sent', null], ['conference_info', 'sent', null], ['leader_pin_reset', 'sent', null],
    ]);
  });

  it('queues nothing when sendEmail is false or the tenant default is off', async () => {
    const a = await provision(h);
    await expectStatus(h.api.post(`${userPath(a.tenant, a.users[0]!)}/conference-id/reset`, { sendEmail: false }), 200);
    const b = await provision(h, { tenant: { sendEmailByDefault: false } });
    const r = await expectStatus(h.api.post(`${userPath(b.tenant, b.users[0]!)}/leader-pin/reset`, {}), 200);
    expect(r.emailQueued).toBe(false);
    expect(await outboxRows(a.users[0]!.id)).toEqual([]);
    expect(await outboxRows(b.users[0]!.id)).toEqual([]);
  });

  it('retries through an SMTP outage and delivers once the server is back', async () => {
    smtp.refuse = true;
    startWorker();
    const { tenant, users: [u] } = await provision(h);
    const r = await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-id/reset`, {}), 200);
    const failing = await eventually(() => outboxRows(u!.id), (rows) => (rows[0]?.attempts ?? 0) >= 2, 8000);
    expect(failing[0]).toMatchObject({ status: 'pending' });
    expect(failing[0]!.last_error).toMatch(/421|not available/i);
    expect(smtp.to(u!.email)).toHaveLength(0);
    smtp.refuse = false;
    const mail = await smtp.waitFor(u!.email);
    expect(hasWhole(mail.text, r.conferenceId)).toBe(true);
    await eventually(() => outboxRows(u!.id), (rows) => rows[0]?.status === 'sent');
    expect(smtp.to(u!.email)).toHaveLength(1);
  });

  it('keeps mail queued while no worker runs and a new worker instance sends it', async () => {
    const first = startWorker();
    await first.stop(); // a stopped instance: what a process restart leaves behind
    const { tenant, users: [u] } = await provision(h);
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/leader-pin/reset`, {}), 200);
    await sleep(300);
    expect(await outboxRows(u!.id)).toMatchObject([{ status: 'pending', attempts: 0 }]);
    expect((await outboxRows(u!.id))[0]!.secret).not.toBeNull();
    startWorker();
    await smtp.waitFor(u!.email);
    expect(await eventually(() => outboxRows(u!.id), (rows) => rows[0]?.status === 'sent')).toMatchObject([{ status: 'sent', secret: null }]);
  });

  it('takes over a message whose worker died holding it, and ignores the dead worker\'s token', async () => {
    const { tenant, users: [u] } = await provision(h);
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/conference-info/send`, {}), 202);
    // a worker claims the row with a short lease and then "crashes" (never settles it)
    const [claimed] = await claimDue(h.services.db, { kind: 'email', limit: 10, leaseMs: 800, worker: 'crashed' }).then((rows) => rows.filter((r) => r.payload.userId === u!.id));
    expect(claimed).toBeDefined();
    startWorker();
    await sleep(300);
    expect(smtp.to(u!.email)).toHaveLength(0); // still leased to the crashed worker
    await smtp.waitFor(u!.email, () => true, 5000);
    await eventually(() => outboxRows(u!.id), (rows) => rows[0]?.status === 'sent');
    // the crashed worker's late write changes nothing
    expect(await settle(h.services.db, claimed!.id, claimed!.claim_token, 'dead', 'late')).toBe(false);
    expect((await outboxRows(u!.id))[0]!.status).toBe('sent');
  });

  it('two workers send each of many messages exactly once', async () => {
    const { tenant, users } = await provision(h, { users: 12 });
    for (const u of users) {
      await expectStatus(h.api.post(`${userPath(tenant, u)}/conference-info/send`, {}), 202);
      await expectStatus(h.api.post(`${userPath(tenant, u)}/conference-info/send`, { toAddress: `copy.${u.email}` }), 202);
    }
    startWorker();
    startWorker();
    for (const u of users) {
      await smtp.waitFor(u.email);
      await smtp.waitFor(`copy.${u.email}`);
    }
    await sleep(500);
    for (const u of users) {
      expect(smtp.to(u.email)).toHaveLength(1);
      expect(smtp.to(`copy.${u.email}`)).toHaveLength(1);
    }
  });

  it('gives up on an address the server refuses for good and shows it to operators', async () => {
    startWorker();
    const { tenant, users: [u] } = await provision(h);
    smtp.rejectAddresses.add(u!.email.toLowerCase());
    await expectStatus(h.api.post(`${userPath(tenant, u!)}/leader-pin/reset`, {}), 200);
    const [row] = await eventually(() => outboxRows(u!.id), (rows) => rows[0]?.status === 'dead');
    expect(row).toMatchObject({ status: 'dead', secret: null });
    expect(row!.last_error).toMatch(/550/);
    const list = await expectStatus(h.api.get('/api/v1/outbox?status=dead'), 200);
    const seen = list.items.find((i: { id: string }) => i.id === row!.id);
    expect(seen).toMatchObject({ kind: 'email', template: 'leader_pin_reset', status: 'dead' });
    expect(JSON.stringify(list)).not.toContain(u!.email); // payloads are not shown
    const summary = await expectStatus(h.api.get('/api/v1/outbox/summary'), 200);
    expect(summary.byStatus.dead).toBeGreaterThanOrEqual(1);
    // requeued, the PIN is gone: it fails again rather than sending an email without it
    smtp.rejectAddresses.delete(u!.email.toLowerCase());
    await expectStatus(h.api.post(`/api/v1/outbox/${row!.id}/retry`), 202);
    const [again] = await eventually(() => outboxRows(u!.id), (rows) => rows[0]?.status === 'dead' && rows[0].attempts === 1 && /no longer held/.test(rows[0].last_error ?? ''));
    expect(again!.last_error).toMatch(/no longer held/);
    expect(smtp.to(u!.email)).toHaveLength(0);
  });

  it('without SMTP marks mail undeliverable and erases the PIN', async () => {
    const w = buildOutboxWorker(h.services, { mailer: null, backoff: FAST, idlePollMs: 50, sweepEveryMs: 3_600_000 });
    w.worker.start();
    running.push(w);
    const { tenant } = await provision(h, { users: 0 });
    const u = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users`, { email: freshEmail(), displayName: 'No Mail' }), 201);
    const [row] = await eventually(() => outboxRows(u.id), (rows) => rows[0]?.status === 'undeliverable');
    expect(row).toMatchObject({ status: 'undeliverable', secret: null, last_error: 'SMTP_URL is not set' });
  });

  it('a worker stopping finishes the message in hand', async () => {
    const w = startWorker();
    const { tenant, users } = await provision(h, { users: 3 });
    for (const u of users) await expectStatus(h.api.post(`${userPath(tenant, u)}/conference-info/send`, {}), 202);
    await eventually(async () => (await outboxRows(users[0]!.id))[0]?.attempts ?? 0, (n) => n > 0, 5000, 5);
    await w.stop();
    const rows = (await Promise.all(users.map((u) => outboxRows(u.id)))).flat();
    // nothing is left claimed-but-unfinished: each row is either sent or untouched
    for (const r of rows) expect(r.status === 'sent' || (r.status === 'pending' && r.attempts === 0)).toBe(true);
    for (const u of users) if ((await outboxRows(u.id))[0]!.status === 'sent') expect(smtp.to(u.email)).toHaveLength(1);
  });

  it('bounds an attempt against a server that accepts and then says nothing', async () => {
    const silent = net.createServer(() => { /* never greets */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, 'a@example.com', { connectionMs: 500, greetingMs: 500, socketMs: 1000 });
    const started = Date.now();
    const err = await mailer.send({ messageId: '<x@example.com>', to: 'b@example.com', subject: 's', text: 't', html: '<p>t</p>' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isPermanent(err)).toBe(false); // retried later, not given up
    expect(Date.now() - started).toBeLessThan(3000);
    mailer.close();
    silent.close();
  });

  it('prunes settled messages past their retention, keeping problems longer than sent mail', async () => {
    const { rows } = await h.services.db.query<{ id: string; label: string }>(
      `INSERT INTO outbox (kind, payload, status, done_at) VALUES
         ('email', '{"label":"old sent"}', 'sent', now() - interval '31 days'),
         ('email', '{"label":"recent sent"}', 'sent', now() - interval '2 days'),
         ('email', '{"label":"old dead"}', 'dead', now() - interval '31 days'),
         ('email', '{"label":"ancient dead"}', 'dead', now() - interval '91 days')
       RETURNING id, payload->>'label' AS label`);
    expect(await pruneSettled(h.services.db, { sentDays: 30, problemDays: 90, limit: 1000 })).toBeGreaterThanOrEqual(2);
    const { rows: left } = await h.services.db.query<{ id: string }>('SELECT id FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    const kept = rows.filter((r) => left.some((l) => l.id === r.id)).map((r) => r.label);
    expect(kept).toEqual(['recent sent', 'old dead']);
  });
});
