// `attendant numbers sync-twilio` and `attendant users import` against the real service (and
// the fake Twilio API), and the CLI as a process: exit codes, --json, npx.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, serveWithOwnDatabase, spawnCli, type Served } from '../support/cli.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { freePort } from '../support/private-services.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, expectStatus, freshEmail, freshNumber } from '../support/harness.js';

let s: Served;
let twilio: FakeTwilio;
let dir: string;
beforeAll(async () => {
  twilio = await new FakeTwilio(AUTH_TOKEN).start();
  s = await serveWithOwnDatabase({ env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_BASE_URL: twilio.url } });
  dir = mkdtempSync(path.join(tmpdir(), 'attendant-cli-'));
});
afterAll(async () => {
  await s.close();
  await twilio.stop();
});
beforeEach(() => twilio.reset());

const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const attendant = (...argv: string[]) => cli(argv, { url: s.url });
const bridge = async () => (await expectStatus(s.h.api.post('/api/v1/bridges', { name: 'cli' }), 201)).id as string;
async function numbersOn(b: string, count: number): Promise<string[]> {
  const ns = Array.from({ length: count }, () => freshNumber());
  for (const n of ns) await expectStatus(s.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: b, type: 'toll' }), 201);
  return ns;
}
describe('numbers sync-twilio', () => {
  it('updates named numbers, then reports them unchanged', async () => {
    const [n1, n2] = await numbersOn(await bridge(), 2);
    twilio.addNumber(n1!);
    twilio.addNumber(n2!, { voice_url: `https://attendant.example.com/voice/incoming`, voice_fallback_url: 'https://attendant.example.com/voice/fallback', status_callback: 'https://attendant.example.com/voice/status' });
    const first = await attendant('numbers', 'sync-twilio', n1!, n2!, '--json');
    expect(first.code).toBe(0);
    expect(first.json.twilio).toEqual({ updated: 1, unchanged: 1, failed: 0 });
    expect(first.json.items[0]).toMatchObject({ number: n1, outcome: 'updated', changed: ['voiceUrl', 'voiceFallbackUrl', 'statusCallback'] });
    const second = await attendant('numbers', 'sync-twilio', n1!, n2!);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('twilio: 0 updated, 2 unchanged, 0 failed');
  });

  it('--all syncs every number; one missing from the account fails (exit 1)', async () => {
    const listed = await expectStatus(s.h.api.get('/api/v1/dial-in-numbers'), 200);
    const all: string[] = listed.items.map((i: { number: string }) => i.number);
    const [missing] = await numbersOn(await bridge(), 1);
    for (const n of all) if (!twilio.byNumber(n)) twilio.addNumber(n);
    const r = await attendant('numbers', 'sync-twilio', '--all', '--json');
    expect(r.code).toBe(1);
    expect(r.json.items).toHaveLength(all.length + 1);
    expect(r.json.items.find((i: { number: string }) => i.number === missing)).toMatchObject({ outcome: 'failed', error: { status: 409, code: 'twilio_number_not_found' } });
    expect(r.json.twilio.failed).toBe(1);
  });

  it('stops after Twilio refuses the credentials, and says so', async () => {
    const ns = await numbersOn(await bridge(), 3);
    for (const n of ns) twilio.addNumber(n);
    twilio.failNext(401, 100);
    const r = await cli(['numbers', 'sync-twilio', ...ns, '--concurrency', '1'], { url: s.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped early/);
    expect(r.stdout).toMatch(/502 twilio_auth_failed/);
    expect(twilio.requests).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain(AUTH_TOKEN);
  });

  it('needs numbers or --all, not both (exit 2)', async () => {
    expect((await attendant('numbers', 'sync-twilio')).code).toBe(2);
    expect((await attendant('numbers', 'sync-twilio', '+14155550100', '--all')).code).toBe(2);
  });
});

describe('users import', () => {
  it('enables the listed users; a second run counts them unchanged', async () => {
    const b = await bridge();
    const [toll] = await numbersOn(b, 1);
    await expectStatus(s.h.api.patch(`/api/v1/bridges/${b}`, { defaultTollNumber: toll }), 200);
    const tenant = await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'import', bridgeId: b, sendEmailByDefault: false }), 201);
    const [a, c, t] = [freshEmail('a'), freshEmail('c'), freshEmail('t')];
    const csv = file('users.csv', [
      'email,displayName,provider,conferenceId,tollNumber',
      `${a},Ada Lovelace,,,`,
      `${c},"Cray, Seymour",builtin,4567123,`,
      `${t},Third Party,third_party,7654321,+442071838750`,
    ].join('\n'));
    const first = await cli(['users', 'import', csv, '--tenant', tenant.id, '--json'], { url: s.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.users).toEqual({ created: 3, unchanged: 0, failed: 0 });
    expect(first.json.items[1]).toMatchObject({ email: c, outcome: 'created', conferenceId: '4567123' });
    expect(first.stdout).not.toMatch(/leaderPin/);
    const users = await expectStatus(s.h.api.get(`/api/v1/tenants/${tenant.id}/users?email=${encodeURIComponent(t)}`), 200);
    expect(users.items[0]).toMatchObject({ provider: 'third_party', conferenceId: '7654321', tollNumber: '+442071838750' });

    const second = await cli(['users', 'import', csv, '--tenant', tenant.id], { url: s.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('users: 0 created, 3 unchanged, 0 failed');
  });

  it('reports bad rows with their fields, shows PINs only when asked, and refuses malformed files', async () => {
    const tenant = await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'import 2', sendEmailByDefault: false }), 201);
    const good = freshEmail('good');
    const json = file('users.json', JSON.stringify({ users: [
      { email: good, displayName: 'Good' },
      { email: 'not-an-email', displayName: 'Bad' },
      { email: freshEmail('tp'), displayName: 'Third', provider: 'third_party' },
    ] }));
    const r = await cli(['users', 'import', json, '--tenant', tenant.id, '--show-pins', '--json'], { url: s.url });
    expect(r.code).toBe(1);
    expect(r.json.users).toEqual({ created: 1, unchanged: 0, failed: 2 });
    expect(r.json.items[0].leaderPin).toMatch(/^\d{5}$/);
    expect(r.json.items[1].error.errors[0].path).toBe('email');
    expect(r.json.items[2].error.errors.map((e: { path: string }) => e.path).sort()).toEqual(['conferenceId', 'tollNumber']);

    const typo = file('typo.csv', 'email,name\nx@example.com,X\n');
    const bad = await cli(['users', 'import', typo, '--tenant', tenant.id], { url: s.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown field "name"/);
    expect((await cli(['users', 'import', json], { url: s.url })).stderr).toMatch(/--tenant ID is required/);
    expect((await cli(['users', 'import', json, '--tenant', tenant.id, '--send-email', '--no-send-email'], { url: s.url })).code).toBe(2);
  });

  it('an unknown tenant fails every row (exit 1)', async () => {
    const r = await cli(['users', 'import', file('one.csv', `email,displayName\n${freshEmail()},One\n`), '--tenant', '00000000-0000-4000-8000-000000000000', '--json'], { url: s.url });
    expect(r.code).toBe(1);
    expect(r.json.items[0].error.code).toBe('not_found');
  });
});

describe('exit codes and machine output', () => {
  it('3 when the service cannot be reached; 3 when it refuses the key; 2 without URL or key', async () => {
    const down = await cli(['numbers', 'list', '--retries', '0', '--json'], { url: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach/);
    expect(down.json).toMatchObject({ exitCode: 3 });
    const wrongKey = await cli(['numbers', 'list'], { url: s.url, key: 'att_wrong' });
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/401/);
    const tenant = await expectStatus(s.h.api.post('/api/v1/tenants', { name: 'keys' }), 201);
    const tenantKey = (await expectStatus(s.h.api.post('/api/v1/api-keys', { name: 'tk', tenantId: tenant.id }), 201)).key;
    const forbidden = await cli(['numbers', 'list'], { url: s.url, key: tenantKey });
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(/403/);
    expect((await cli(['numbers', 'list'], {})).code).toBe(2);
    expect((await cli(['numbers', 'list'], { url: s.url, key: '' })).stderr).toMatch(/ATTENDANT_API_KEY/);
    expect((await cli(['numbers', 'list', '--frobnicate'], { url: s.url })).code).toBe(2);
    expect((await cli(['numbers', 'list', '--concurrency', '0'], { url: s.url })).code).toBe(2);
    expect((await cli(['zones'], { url: s.url })).code).toBe(2);
  });

  it('as a process: bin/attendant.js and npx attendant, with --json on stdout only', async () => {
    const [n] = await numbersOn(await bridge(), 1);
    const env = { ATTENDANT_URL: s.url, ATTENDANT_API_KEY: BOOTSTRAP_KEY };
    const listed = await spawnCli(['numbers', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.items.map((i: { number: string }) => i.number)).toContain(n);
    const failed = await spawnCli(['numbers', 'delete', '+1', '--json'], env);
    expect(failed.code).toBe(1);
    expect(failed.json.numbers.failed).toBe(1);
    const usage = await spawnCli(['numbers', 'apply'], env);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    const viaNpx = await spawnCli(['--help'], {}, ['npx', '--no-install', 'attendant']);
    expect(viaNpx.code).toBe(0);
    expect(viaNpx.stdout).toMatch(/Exit codes:\n {2}0 {2}everything asked for is done/);
  }, 60_000);
});
