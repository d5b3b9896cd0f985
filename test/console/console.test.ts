// The admin console, driven in headless Chromium as an admin would use it: sign in, find a user,
// reset the conference ID through the confirmation dialog, and more; the outcome is checked
// through the API and the directory callers read. Needs Debian's chromium (/usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPin } from '../../src/domain/pins.js';
import { SimulatedCall } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, createHarness, expectStatus, provision, type Harness, type Provisioned } from '../support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`SKIPPED the admin console browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('the admin console in Chromium', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  let p: Provisioned;
  const problems: string[] = [];

  beforeAll(async () => {
    // the console's browser code, as `npm run build` compiles it
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.web.json'], { cwd: ROOT });
    h = await createHarness();
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    p = await provision(h, { users: 2, tenant: { sendEmailByDefault: true } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage();
    // a Content-Security-Policy violation or a script error is a failure
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  const text = (selector: string) => page.locator(selector).innerText();

  /** A simulated caller (signed webhooks, as Twilio sends them) entering `conferenceId`. */
  async function callWith(conferenceId: string) {
    const c = new SimulatedCall({ serviceUrl: base, publicBaseUrl: h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number });
    await c.dial();
    await c.press(`${conferenceId}#`);
    if (c.state === 'gathering' && c.gathering?.node.attrs.action?.includes('/voice/leader')) await c.press('#');
    return c;
  }

  async function signIn(key: string) {
    await page.goto(`${base}/admin`);
    await page.fill('#api-key', key);
    await page.click('#sign-in-form button[type=submit]');
  }

  async function findUser(email: string, tenantId?: string) {
    if (tenantId) await page.fill('#tenant-id', tenantId);
    await page.fill('#email', email);
    await page.click('#search-form button[type=submit]');
    await page.locator('#user').waitFor({ state: 'visible' });
  }

  it('is served under a strict Content-Security-Policy', async () => {
    const res = await fetch(`${base}/admin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await fetch(`${base}/admin/console.js`)).headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses a wrong key', async () => {
    await signIn('att_aaaaaaaaaa_' + 'x'.repeat(43));
    await expect.poll(() => text('#sign-in-error')).toContain('not accepted');
    expect(await page.locator('#workspace').isHidden()).toBe(true);
  });

  it('signs in, finds the user, and resets the conference ID through the dialog: callers follow', async () => {
    const u = p.users[0]!;
    expect((await callWith(u.conferenceId!)).state).toBe('conference');
    await signIn(BOOTSTRAP_KEY);
    await page.locator('#workspace').waitFor({ state: 'visible' });
    expect(await text('#who')).toContain('platform key');
    await findUser(u.email, p.tenant.id);
    expect(await text('#user-conference-id')).toBe(u.conferenceId);
    expect(await text('#user-toll')).toBe(p.number);
    expect(await text('#user-provider')).toContain('builtin');

    // Cancel changes nothing
    await page.click('#reset-id');
    const dialog = page.locator('#confirm-reset');
    await dialog.waitFor({ state: 'visible' });
    await page.click('#confirm-reset button[value=cancel]');
    await dialog.waitFor({ state: 'hidden' });
    expect((await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${u.id}`), 200)).conferenceId).toBe(u.conferenceId);

    await page.click('#reset-id');
    await dialog.waitFor({ state: 'visible' });
    expect(await page.locator('#confirm-reset-title').innerText()).toBe('Reset conference ID?');
    expect(await text('#confirm-old-id')).toBe(u.conferenceId);
    const sendEmail = page.locator('#confirm-send-email');
    expect(await sendEmail.isChecked()).toBe(true); // the tenant's sendEmailByDefault
    await sendEmail.uncheck();
    await page.click('#confirm-reset-button');
    await expect.poll(() => text('#user-conference-id')).not.toBe(u.conferenceId);
    const shown = await text('#user-conference-id');
    expect(shown).toMatch(/^[1-9]\d{6}$/);
    expect(await text('#status')).toContain(`${u.conferenceId} is refused from now on`);

    const user = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${u.id}`), 200);
    expect(user.conferenceId).toBe(shown);
    expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(u.conferenceId))).toMatchObject({ status: 'retired' });
    expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(shown))).toMatchObject({ status: 'active', ownerKind: 'user', ownerId: u.id });
    // what a caller can join changed with the click
    const refused = await callWith(u.conferenceId!);
    expect(refused.state).not.toBe('conference');
    expect(refused.transcript()).toMatch(/has changed/);
    expect((await callWith(shown)).state).toBe('conference');
    const audit = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/audit-events?limit=20`), 200);
    const event = audit.items.find((e: { action: string; target: { id: string } }) => e.action === 'conference_id.reset' && e.target.id === u.id);
    expect(event).toBeDefined();
    const { rows } = await h.services.db.query("SELECT count(*)::int AS n FROM outbox WHERE payload->>'userId' = $1", [u.id]);
    expect(rows[0]!.n).toBe(0); // "send email" was unticked
    await expect.poll(() => page.locator('#audit tbody').innerText()).toContain('conference_id.reset');
  });

  it('sets a chosen ID, sends the details and resets the PIN (shown once)', async () => {
    const u = p.users[0]!;
    let chosen = '';
    for (let attempt = 0; attempt < 5 && !chosen; attempt++) {
      const candidate = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
      await page.fill('#chosen-id', candidate);
      await page.click('#set-id-form button[type=submit]');
      await expect.poll(async () => (await text('#status')) + (await text('#user-conference-id'))).toMatch(new RegExp(`${candidate}|unavailable|active or quarantined`));
      if ((await text('#user-conference-id')) === candidate) chosen = candidate;
    }
    expect(chosen).not.toBe('');
    expect((await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${u.id}`), 200)).conferenceId).toBe(chosen);

    await page.click('#send-info-form button[type=submit]');
    await expect.poll(() => text('#status')).toContain(`queued for ${u.email}`);

    await page.click('#reset-pin');
    await page.locator('#confirm-pin').waitFor({ state: 'visible' });
    await page.locator('#confirm-pin-email').uncheck();
    await page.click('#confirm-pin-button');
    await page.locator('#pin-once').waitFor({ state: 'visible' });
    const pin = await text('#new-pin');
    expect(pin).toMatch(/^\d{5}$/);
    const { rows } = await h.services.db.query('SELECT leader_pin_hash FROM users WHERE id = $1', [u.id]);
    expect(await verifyPin(pin, rows[0]!.leader_pin_hash)).toBe(true);
    await page.click('#pin-dismiss');
    expect(await page.locator('#pin-once').isHidden()).toBe(true);
    expect(await text('#new-pin')).toBe('');
  });

  it('keeps the key for the tab only, and signs out', async () => {
    await page.reload();
    await page.locator('#workspace').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('attendant.apiKey'))).toBe(BOOTSTRAP_KEY);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.click('#sign-out');
    expect(await page.evaluate(() => sessionStorage.getItem('attendant.apiKey'))).toBeNull();
    await page.locator('#sign-in').waitFor({ state: 'visible' });
  });

  it('gives a tenant key its own tenant, and a read-only key no buttons that write', async () => {
    const key = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'console tenant key', tenantId: p.tenant.id }), 201);
    await signIn(key.key);
    await page.locator('#workspace').waitFor({ state: 'visible' });
    expect(await page.inputValue('#tenant-id')).toBe(p.tenant.id);
    expect(await page.locator('#tenant-id').getAttribute('readonly')).not.toBeNull();
    await findUser(p.users[1]!.email);
    expect(await page.locator('#reset-id').isEnabled()).toBe(true);
    await page.click('#sign-out');

    const ro = await expectStatus(h.api.post('/api/v1/api-keys', { name: 'console read-only', tenantId: p.tenant.id, readOnly: true }), 201);
    await signIn(ro.key);
    await page.locator('#workspace').waitFor({ state: 'visible' });
    await findUser(p.users[1]!.email);
    expect(await text('#user-conference-id')).toBe(p.users[1]!.conferenceId);
    for (const selector of ['#reset-id', '#reset-pin', '#set-id-form button', '#send-info-form button']) {
      expect(await page.locator(selector).isDisabled(), selector).toBe(true);
    }
  });

  it('raised no script errors or policy violations', () => {
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!haveChromium)('the API documentation page in Chromium', () => {
  it('renders under its policy with no violations', async () => {
    const h = await createHarness();
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 404/.test(m.text())) errors.push(m.text()); });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/docs`);
      expect(await page.locator('h2#tag-Users').isVisible()).toBe(true);
      // the inline stylesheet is allowed by its hash: the header is styled
      expect(await page.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 35, 48)');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
      await h.close();
    }
  }, 60_000);
});
