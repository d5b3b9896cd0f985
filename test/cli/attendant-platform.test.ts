// `attendant tenants | bridges | keys` against the real service: platform keys create and list,
// keys are shown once and never listed with their secret, tenant keys are refused (exit 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, serveWithOwnDatabase, type Served } from '../support/cli.js';
import { expectStatus, freshNumber } from '../support/harness.js';

let s: Served;
beforeAll(async () => { s = await serveWithOwnDatabase(); });
afterAll(async () => { await s?.close(); });

const attendant = (argv: string[], { env = {}, key }: { env?: Record<string, string>; key?: string } = {}) => cli(argv, { url: s.url, env, ...(key ? { key } : {}) });
const tenantKey = async (tenantId: string, readOnly = false) => (await expectStatus(s.h.api.post('/api/v1/api-keys', { name: 'tenant key', tenantId, readOnly }), 201)).key as string;

describe('bridges', () => {
  it('create makes a bridge; list shows it with its default numbers', async () => {
    const r = await attendant(['bridges', 'create', '--name', 'Europe', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'created', bridge: { id: expect.any(String), name: 'Europe', defaultTollNumber: null } });
    const id = r.json.bridge.id;
    const n = freshNumber();
    await expectStatus(s.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: id, type: 'toll' }), 201);
    await expectStatus(s.h.api.patch(`/api/v1/bridges/${id}`, { defaultTollNumber: n }), 200);
    const listed = await attendant(['bridges', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.items).toContainEqual(expect.objectContaining({ id, name: 'Europe', defaultTollNumber: n }));
    const human = await attendant(['bridges', 'list']);
    expect(human.stdout).toMatch(new RegExp(`^${id}  \\${n} +- +Europe$`, 'm'));
    expect((await attendant(['bridges', 'create', '--name', ' '])).code).toBe(2);
    expect((await attendant(['bridges', 'create'])).code).toBe(2);
  });
});

describe('tenants', () => {
  it('create takes the settings; bad ones exit 2; an unknown bridge is refused by the service (exit 1)', async () => {
    const b = (await expectStatus(s.h.api.post('/api/v1/bridges', { name: 'for tenants' }), 201)).id;
    const r = await attendant(['tenants', 'create', '--name', 'Contoso', '--bridge', b, '--pin-length', '6', '--id-mode', 'dynamic',
      '--emails-by-default', 'off', '--callers-may-start', 'on', '--announcements', 'off', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.tenant).toMatchObject({ name: 'Contoso', bridgeId: b, pinLength: 6, conferenceIdMode: 'dynamic', sendEmailByDefault: false, allowCallersToStartMeeting: true, entryExitAnnouncements: 'off' });
    expect(await expectStatus(s.h.api.get(`/api/v1/tenants/${r.json.tenant.id}`), 200)).toEqual(r.json.tenant);
    const own = await attendant(['tenants', 'create', '--name', 'Fabrikam']);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^created   tenant [0-9a-f-]{36}  Fabrikam  bridge [0-9a-f-]{36}$/m);
    expect((await attendant(['tenants', 'create', '--name', 'X', '--pin-length', '99'])).code).toBe(2);
    expect((await attendant(['tenants', 'create', '--name', 'X', '--id-mode', 'sometimes'])).code).toBe(2);
    expect((await attendant(['tenants', 'create', '--name', 'X', '--callers-may-start', 'maybe'])).code).toBe(2);
    const unknown = await attendant(['tenants', 'create', '--name', 'X', '--bridge', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json).toMatchObject({ outcome: 'failed', error: { status: 422 } });
  });

  it('list shows every tenant across pages, and --search by name', async () => {
    const made: string[] = [];
    for (const name of ['Northwind One', 'Northwind Two', 'Northwind Three']) made.push((await expectStatus(s.h.api.post('/api/v1/tenants', { name }), 201)).id);
    const all = await attendant(['tenants', 'list', '--json'], { env: { ATTENDANT_PAGE_SIZE: '2' } });
    expect(all.code, all.stderr).toBe(0);
    const ids = all.json.items.map((t: { id: string }) => t.id);
    for (const id of made) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length); // no page seen twice
    const found = await attendant(['tenants', 'list', '--search', 'northwind t', '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect(found.json.items.map((t: { name: string }) => t.name).sort()).toEqual(['Northwind Three', 'Northwind Two']);
  });

  it('a tenant key cannot create tenants or bridges (exit 3)', async () => {
    const t = (await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'refused' }), 201)).id;
    const key = await tenantKey(t);
    const r = await attendant(['tenants', 'create', '--name', 'Nope', '--json'], { key });
    expect(r.code).toBe(3);
    expect(r.json.error).toMatch(/403 .*platform key/);
    expect((await attendant(['bridges', 'create', '--name', 'Nope'], { key })).code).toBe(3);
  });
});

describe('keys', () => {
  it('create shows the key once and it works; revoke stops it; an unknown id is absent', async () => {
    const t = (await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'keys' }), 201)).id;
    const made = await attendant(['keys', 'create', '--name', 'script', '--tenant', t, '--read-only', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.json).toMatchObject({ outcome: 'created', key: { id: expect.any(String), key: expect.any(String), name: 'script', tenantId: t, readOnly: true } });
    const { id, key } = made.json.key;
    expect((await attendant(['users', 'list', '--tenant', t], { key })).code).toBe(0);
    const human = await attendant(['keys', 'create', '--name', 'platform script']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^created   key [0-9a-f-]{36}  write  platform  platform script\nkey: \S{20,}\n\(shown once/m);

    const revoked = await attendant(['keys', 'revoke', id, '--json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.json.keys).toEqual({ revoked: 1, absent: 0, failed: 0 });
    expect((await attendant(['users', 'list', '--tenant', t], { key })).code).toBe(3);
    const unknown = await attendant(['keys', 'revoke', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('keys: 0 revoked, 1 absent, 0 failed');
    expect((await attendant(['keys', 'create', '--name', 'x', '--tenant', 'not-a-uuid'])).code).toBe(2);
  });

  it('list follows the pages, never shows a secret, and keeps one tenant\'s with --tenant', async () => {
    const t = (await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'listed keys' }), 201)).id;
    const made = await attendant(['keys', 'create', '--name', 'listed', '--tenant', t, '--json']);
    const { id, key } = made.json.key;
    for (let k = 0; k < 3; k++) await attendant(['keys', 'create', '--name', `filler ${k}`]);
    const listed = await attendant(['keys', 'list', '--json'], { env: { ATTENDANT_PAGE_SIZE: '2' } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.items).toContainEqual(expect.objectContaining({ id, name: 'listed', tenantId: t, readOnly: false }));
    expect(listed.json.items.length).toBeGreaterThanOrEqual(5); // the bootstrap key, these four
    expect(listed.stdout).not.toContain(key);
    const mine = await attendant(['keys', 'list', '--tenant', t, '--json']);
    expect(mine.json.items.map((k: { id: string }) => k.id)).toEqual([id]);
    const human = await attendant(['keys', 'list', '--tenant', t]);
    expect(human.stdout).toMatch(new RegExp(`^${id}  \\S+ +write {6}tenant ${t}  listed$`, 'm'));
  });
});
