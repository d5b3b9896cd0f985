// `attendant users list | get | create | disable | reset-id | set-id | reset-pin | send-info`
// against the real service: what they print, their --json documents, their exit codes, and
// that a second run of the idempotent ones changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, serveWithOwnDatabase, type Served } from '../support/cli.js';
import { expectStatus, freshEmail, provision, type Provisioned } from '../support/harness.js';

let s: Served;
let p: Provisioned;
let tenant: string;
beforeAll(async () => {
  s = await serveWithOwnDatabase();
  p = await provision(s.h, { users: 2 });
  tenant = p.tenant.id;
});
afterAll(async () => { await s?.close(); });

const attendant = (argv: string[], env: Record<string, string> = {}, key?: string) => cli(argv, { url: s.url, env, ...(key ? { key } : {}) });
const apiUser = async (id: string) => expectStatus(s.h.api.get(`/api/v1/tenants/${tenant}/users/${id}`), 200);
const unusedId = (taken: (string | null)[]) => {
  for (;;) {
    const id = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
    if (!taken.includes(id)) return id;
  }
};

describe('users create', () => {
  it('enables a user; the PIN only with --show-pin; a second run is unchanged (exit 0)', async () => {
    const email = freshEmail('create');
    const r = await attendant(['users', 'create', '--tenant', tenant, '--email', email, '--name', 'Grace Hopper', '--no-send-email', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'created', emailQueued: false, user: { email, displayName: 'Grace Hopper', conferenceId: expect.stringMatching(/^[1-9]\d{6}$/) } });
    expect(r.json.leaderPin).toBeUndefined();
    expect(await apiUser(r.json.user.id)).toMatchObject({ email, conferenceId: r.json.user.conferenceId });

    const again = await attendant(['users', 'create', '--tenant', tenant, '--email', email, '--name', 'Grace Hopper', '--no-send-email']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`unchanged ${email}  ${r.json.user.id}  (already enabled)`);

    const shown = await attendant(['users', 'create', '--tenant', tenant, '--email', freshEmail('pin'), '--name', 'Pin', '--no-send-email', '--show-pin']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^leader PIN \d{5}$/m);
  });

  it('a chosen ID and a third-party user; bad input exits 2 without a request, an unknown tenant 1', async () => {
    const id = unusedId([]);
    const chosen = await attendant(['users', 'create', '--tenant', tenant, '--email', freshEmail(), '--name', 'Chosen', '--conference-id', id, '--no-send-email', '--json']);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.json.user.conferenceId).toBe(id);
    const third = await attendant(['users', 'create', '--tenant', tenant, '--email', freshEmail(), '--name', 'Elsewhere', '--provider', 'third_party', '--conference-id', '7654321', '--toll-number', '+14155550199', '--json']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.json.user).toMatchObject({ provider: 'third_party', conferenceId: '7654321', tollNumber: '+14155550199' });

    const bad = await attendant(['users', 'create', '--tenant', tenant, '--email', 'not-an-email', '--name', 'X', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json).toEqual({ error: expect.stringMatching(/email: must be an email address/), exitCode: 2 });
    expect((await attendant(['users', 'create', '--tenant', tenant, '--name', 'X'])).code).toBe(2);
    const unknown = await attendant(['users', 'create', '--tenant', '00000000-0000-4000-8000-000000000000', '--email', freshEmail(), '--name', 'X', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json).toMatchObject({ outcome: 'failed', error: { status: 404 } });
  });
});

describe('users list and get', () => {
  it('list follows every page; --limit stops early and says there is more', async () => {
    const t = (await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'listing', bridgeId: p.bridge.id }), 201)).id;
    const made: string[] = [];
    for (let k = 0; k < 7; k++) made.push((await expectStatus(s.h.api.post(`/api/v1/tenants/${t}/users`, { email: freshEmail('list'), displayName: `List ${k}`, sendEmail: false }), 201)).id);
    const all = await attendant(['users', 'list', '--tenant', t, '--json'], { ATTENDANT_PAGE_SIZE: '2' });
    expect(all.code, all.stderr).toBe(0);
    expect(all.json.more).toBe(false);
    expect(all.json.items.map((u: { id: string }) => u.id).sort()).toEqual([...made].sort());
    const some = await attendant(['users', 'list', '--tenant', t, '--limit', '3'], { ATTENDANT_PAGE_SIZE: '2' });
    expect(some.code).toBe(0);
    expect(some.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(some.stdout).toContain('3 users (more with a higher --limit)');
    expect(some.stdout).toMatch(/^[0-9a-f-]{36} {2}[1-9]\d{6} {2}list\.\S+@example\.com {2}List \d$/m);
    expect((await attendant(['users', 'list', '--tenant', t, '--limit', 'all'])).code).toBe(2);
  });

  it('list --search finds users by name or email, in any case', async () => {
    const t = (await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'search', bridgeId: p.bridge.id }), 201)).id;
    const ada = await expectStatus(s.h.api.post(`/api/v1/tenants/${t}/users`, { email: freshEmail('ada'), displayName: 'Ada Lovelace', sendEmail: false }), 201);
    await expectStatus(s.h.api.post(`/api/v1/tenants/${t}/users`, { email: freshEmail('bob'), displayName: 'Bob Babbage', sendEmail: false }), 201);
    const r = await attendant(['users', 'list', '--tenant', t, '--search', 'LOVE', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.items.map((u: { id: string }) => u.id)).toEqual([ada.id]);
  });

  it('get takes an id or an email and prints the same user; an unknown one exits 1', async () => {
    const u = p.users[0]!;
    const byId = await attendant(['users', 'get', '--tenant', tenant, u.id, '--json']);
    expect(byId.code).toBe(0);
    expect(byId.json).toEqual(await apiUser(u.id));
    const byEmail = await attendant(['users', 'get', '--tenant', tenant, u.email.toUpperCase()]);
    expect(byEmail.code).toBe(0);
    expect(byEmail.stdout).toContain(`id             ${u.id}`);
    expect(byEmail.stdout).toContain(`conference ID  ${u.conferenceId}`);
    const missing = await attendant(['users', 'get', '--tenant', tenant, 'nobody@example.com', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error).toMatch(/no enabled user nobody@example.com/);
    expect((await attendant(['users', 'get', '--tenant', tenant, 'bob'])).code).toBe(2);
  });
});

describe('users disable', () => {
  it('disables by id and by email; users already gone are absent; the IDs are retired', async () => {
    const a = await expectStatus(s.h.api.post(`/api/v1/tenants/${tenant}/users`, { email: freshEmail('off'), displayName: 'Off A', sendEmail: false }), 201);
    const b = await expectStatus(s.h.api.post(`/api/v1/tenants/${tenant}/users`, { email: freshEmail('off'), displayName: 'Off B', sendEmail: false }), 201);
    const r = await attendant(['users', 'disable', '--tenant', tenant, a.id, b.email, 'gone@example.com', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.users).toEqual({ disabled: 2, absent: 1, failed: 0 });
    await expectStatus(s.h.api.get(`/api/v1/tenants/${tenant}/users/${a.id}`), 404);
    const again = await attendant(['users', 'disable', '--tenant', tenant, a.id, b.email]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('users: 0 disabled, 2 absent, 0 failed');
  });
});

describe('users reset-id, set-id, reset-pin, send-info', () => {
  it('reset-id gives a new ID and names both', async () => {
    const u = p.users[0]!;
    const before = (await apiUser(u.id)).conferenceId;
    const r = await attendant(['users', 'reset-id', '--tenant', tenant, u.email, '--no-send-email', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'reset', userId: u.id, previousConferenceId: before, conferenceId: expect.stringMatching(/^[1-9]\d{6}$/), emailQueued: false });
    expect(r.json.conferenceId).not.toBe(before);
    expect((await apiUser(u.id)).conferenceId).toBe(r.json.conferenceId);
    const human = await attendant(['users', 'reset-id', '--tenant', tenant, u.id, '--no-send-email']);
    expect(human.stdout).toMatch(new RegExp(`^reset     ${u.id}  conference ID ${r.json.conferenceId} -> [1-9]\\d{6}$`, 'm'));
  });

  it('set-id sets a chosen ID; again is unchanged (exit 0); an ID in use is refused (exit 1); a malformed one exits 2', async () => {
    const [u, other] = p.users;
    const taken = [(await apiUser(u!.id)).conferenceId, (await apiUser(other!.id)).conferenceId];
    const id = unusedId(taken);
    const r = await attendant(['users', 'set-id', '--tenant', tenant, u!.id, id, '--no-send-email', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'set', conferenceId: id });
    const again = await attendant(['users', 'set-id', '--tenant', tenant, u!.id, id, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ outcome: 'unchanged', conferenceId: id });
    const clash = await attendant(['users', 'set-id', '--tenant', tenant, other!.email, id, '--json']);
    expect(clash.code).toBe(1);
    expect(clash.json).toMatchObject({ outcome: 'failed', error: { status: 409, code: 'conference_id_unavailable' } });
    expect((await attendant(['users', 'set-id', '--tenant', tenant, u!.id, '0123456'])).code).toBe(2);
    expect((await attendant(['users', 'set-id', '--tenant', tenant, u!.id])).code).toBe(2);
  });

  it('reset-pin shows the PIN only with --show-pin, and warns when it went nowhere', async () => {
    const u = p.users[1]!;
    const shown = await attendant(['users', 'reset-pin', '--tenant', tenant, u.id, '--no-send-email', '--show-pin', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json).toMatchObject({ outcome: 'reset', userId: u.id, leaderPin: expect.stringMatching(/^\d{5}$/), emailQueued: false });
    const hidden = await attendant(['users', 'reset-pin', '--tenant', tenant, u.id, '--no-send-email']);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toContain(`reset     ${u.id}  leader PIN not shown`);
    expect(hidden.stdout).not.toMatch(/PIN \d/);
    expect(hidden.stderr).toMatch(/neither emailed nor shown/);
    const emailed = await attendant(['users', 'reset-pin', '--tenant', tenant, u.id, '--send-email', '--json']);
    expect(emailed.json).toEqual({ outcome: 'reset', userId: u.id, emailQueued: true });
  });

  it('send-info queues the email, to the user or another address', async () => {
    const u = p.users[1]!;
    const r = await attendant(['users', 'send-info', '--tenant', tenant, u.email, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ outcome: 'queued', userId: u.id, emailQueued: true });
    const to = await attendant(['users', 'send-info', '--tenant', tenant, u.id, '--to', 'assistant@example.com']);
    expect(to.stdout).toContain(`queued    ${u.id}  conference details to assistant@example.com`);
    const bad = await attendant(['users', 'send-info', '--tenant', tenant, u.id, '--to', 'nowhere', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.error).toMatchObject({ status: 422 });
  });

  it('a read-only key may look but not change (exit 3), and names the cause', async () => {
    const key = (await expectStatus(s.h.api.post('/api/v1/api-keys', { name: 'ro', tenantId: tenant, readOnly: true }), 201)).key;
    expect((await attendant(['users', 'get', '--tenant', tenant, p.users[0]!.id], {}, key)).code).toBe(0);
    const refused = await attendant(['users', 'reset-id', '--tenant', tenant, p.users[0]!.id, '--json'], {}, key);
    expect(refused.code).toBe(3);
    expect(refused.json).toMatchObject({ exitCode: 3, error: expect.stringMatching(/403/) });
  });
});
