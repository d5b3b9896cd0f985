// `attendant resets run`: against a small server that answers the two job routes exactly as
// CONTRACT.md describes them (so that every progress and failure path can be staged), and
// against the real service with its outbox worker running the job.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, serveWithOwnDatabase, type Served } from '../support/cli.js';
import { BOOTSTRAP_KEY, expectStatus, freshNumber } from '../support/harness.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const USERS: Record<string, string> = { 'ada@example.com': '22222222-2222-4222-8222-222222222222', 'bob@example.com': '33333333-3333-4333-8333-333333333333' };

/** Answers the contract's job routes; each GET of a job moves it one step on. */
class ContractJobs {
  readonly started: unknown[] = [];
  polls = 0;
  /** How the next job ends. */
  outcome: { total: number; failed: number } = { total: 4, failed: 0 };
  refuseStart = false;
  #jobs = new Map<string, { step: number; total: number; failed: number }>();
  #server = http.createServer((req, res) => void this.#handle(req, res));
  url = '';

  lastJobId = () => [...this.#jobs.keys()].at(-1);

  async start() {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  stop() {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(r));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let body = '';
    for await (const c of req) body += c;
    const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.headers.authorization !== `Bearer ${BOOTSTRAP_KEY}`) return send(401, { code: 'unauthorized', detail: 'no key', status: 401 });
    const url = new URL(req.url!, this.url);
    if (req.method === 'GET' && url.pathname === `/api/v1/tenants/${TENANT}/users`) {
      const id = USERS[url.searchParams.get('email') ?? ''];
      return send(200, { items: id ? [{ id }] : [], nextCursor: null });
    }
    if (req.method === 'POST' && url.pathname === `/api/v1/tenants/${TENANT}/conference-id-resets`) {
      if (this.refuseStart) return send(422, { code: 'validation_failed', detail: 'userIds: bad', status: 422, errors: [{ path: 'userIds', message: 'bad' }] });
      this.started.push(JSON.parse(body));
      const jobId = `44444444-4444-4444-8444-${String(this.started.length).padStart(12, '0')}`;
      this.#jobs.set(jobId, { step: 0, ...this.outcome });
      return send(202, { jobId });
    }
    const job = /^\/api\/v1\/jobs\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'GET' && job && this.#jobs.has(job[1]!)) {
      this.polls++;
      const j = this.#jobs.get(job[1]!)!;
      const done = Math.min(j.total, j.step * 2);
      const failed = Math.min(j.failed, done);
      const status = j.step === 0 ? 'queued' : done < j.total ? 'running' : j.failed ? 'failed' : 'succeeded';
      j.step++;
      return send(200, { id: job[1], kind: 'conference_id_reset', status, total: j.total, succeeded: done - failed, failed, ...(status === 'failed' ? { errors: ['user 2: conference ID pool exhausted'] } : {}) });
    }
    return send(404, { code: 'not_found', detail: `no route for ${req.method} ${url.pathname}`, status: 404 });
  }
}

describe('resets run (against the contract, the job routes being on another branch)', () => {
  let jobs: ContractJobs;
  let dir: string;
  beforeAll(async () => {
    jobs = await new ContractJobs().start();
    dir = mkdtempSync(path.join(tmpdir(), 'attendant-resets-'));
  });
  afterAll(async () => { await jobs.stop(); });
  const run = (argv: string[], tty = false) => cli(['resets', 'run', '--tenant', TENANT, '--interval', '0.01', ...argv], { url: jobs.url, tty });

  it('--all --wait follows the job to success: plain progress lines off a terminal, exit 0', async () => {
    jobs.outcome = { total: 4, failed: 0 };
    const r = await run(['--all', '--no-send-email', '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(jobs.started.at(-1)).toEqual({ all: true, sendEmail: false });
    const id = jobs.lastJobId(); // the whole ID, so that it can be pasted into attendant jobs get
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([`job ${id} 0/4 queued, 0 failed`, `job ${id} 2/4 running, 0 failed`, `job ${id} 4/4 succeeded, 0 failed`]);
    expect(r.stdout).toMatch(/job \S+ succeeded: 4 users, 4 reset, 0 failed/);
  });

  it('draws a bar on a terminal and prints one JSON document with --json', async () => {
    const r = await run(['--all', '--wait', '--json'], true);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\r\x1b\[2K\[#+\.*\] job 44444444-4444-4444-8444-\d{12} 2\/4 running/);
    expect(r.json).toMatchObject({ started: true, job: { status: 'succeeded', total: 4, succeeded: 4, failed: 0 } });
    expect(jobs.started.at(-1)).toEqual({ all: true }); // no flag: the tenant's sendEmailByDefault decides
  });

  it('a job with failures exits 1 and lists its errors', async () => {
    jobs.outcome = { total: 4, failed: 1 };
    const r = await run(['--all', '--send-email', '--wait']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed: 4 users, 3 reset, 1 failed/);
    expect(r.stdout).toContain('conference ID pool exhausted');
    expect(jobs.started.at(-1)).toEqual({ all: true, sendEmail: true });
    jobs.outcome = { total: 4, failed: 0 };
  });

  it('--users FILE takes ids and emails; an unknown email starts nothing (exit 1)', async () => {
    const csv = path.join(dir, 'users.csv');
    writeFileSync(csv, `id,email\n55555555-5555-4555-8555-555555555555,\n,ada@example.com\n,bob@example.com\n`);
    const r = await run(['--users', csv, '--wait']);
    expect(r.code).toBe(0);
    expect(jobs.started.at(-1)).toEqual({ userIds: ['55555555-5555-4555-8555-555555555555', USERS['ada@example.com'], USERS['bob@example.com']] });
    const count = jobs.started.length;
    const bad = path.join(dir, 'unknown.json');
    writeFileSync(bad, JSON.stringify([{ email: 'ada@example.com' }, { email: 'nobody@example.com' }]));
    const refused = await run(['--users', bad, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/item 2: no enabled user nobody@example.com/);
    expect(refused.json).toMatchObject({ started: false });
    expect(jobs.started.length).toBe(count);
  });

  it('without --wait prints the job id and returns at once', async () => {
    const polls = jobs.polls;
    const r = await run(['--all', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ started: true, jobId: expect.stringMatching(/^44444444-/) });
    expect(jobs.polls).toBe(polls);
  });

  it('a refused start exits 1; bad arguments exit 2', async () => {
    jobs.refuseStart = true;
    const r = await run(['--all']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not started: 422 validation_failed: userIds: bad/);
    jobs.refuseStart = false;
    expect((await run([])).code).toBe(2);
    expect((await run(['--all', '--users', 'x.csv'])).code).toBe(2);
    expect((await run(['--all', '--interval', 'soon'])).code).toBe(2);
    expect((await cli(['resets', 'run', '--all'], { url: jobs.url })).stderr).toMatch(/--tenant/);
  });
});

describe('resets run against the real service and its worker', () => {
  let s: Served;
  beforeAll(async () => { s = await serveWithOwnDatabase({ worker: true }); });
  afterAll(async () => { await s.close(); });

  it('resets every user of the tenant and waits for the job', async () => {
    const b = (await expectStatus(s.h.api.post('/api/v1/bridges', { name: 'resets' }), 201)).id;
    const n = freshNumber();
    await expectStatus(s.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: b, type: 'toll' }), 201);
    await expectStatus(s.h.api.patch(`/api/v1/bridges/${b}`, { defaultTollNumber: n }), 200);
    const tenant = await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'resets', bridgeId: b }), 201);
    const before = [];
    for (let k = 0; k < 5; k++) before.push(await expectStatus(s.h.api.post(`/api/v1/tenants/${tenant.id}/users`, { email: `r${k}.${Date.now()}@example.com`, displayName: `R${k}`, sendEmail: false }), 201));
    const r = await cli(['resets', 'run', '--tenant', tenant.id, '--all', '--no-send-email', '--wait', '--interval', '0.2', '--json'], { url: s.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.job).toMatchObject({ status: 'succeeded', total: 5, succeeded: 5, failed: 0 });
    for (const u of before) {
      const now = await expectStatus(s.h.api.get(`/api/v1/tenants/${tenant.id}/users/${u.id}`), 200);
      expect(now.conferenceId).not.toBe(u.conferenceId);
    }
  });

  it('resets the users a file names, by email', async () => {
    const tenant = await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'resets by file' }), 201);
    const email = `f.${Date.now()}@example.com`;
    const u = await expectStatus(s.h.api.post(`/api/v1/tenants/${tenant.id}/users`, { email, displayName: 'F', sendEmail: false }), 201);
    const csv = path.join(mkdtempSync(path.join(tmpdir(), 'attendant-resets-')), 'users.csv');
    writeFileSync(csv, `email\n${email}\n`);
    const r = await cli(['resets', 'run', '--tenant', tenant.id, '--users', csv, '--no-send-email', '--wait', '--interval', '0.2'], { url: s.url });
    expect(r.code, r.stderr).toBe(0);
    expect((await expectStatus(s.h.api.get(`/api/v1/tenants/${tenant.id}/users/${u.id}`), 200)).conferenceId).not.toBe(u.conferenceId);
  });
});
