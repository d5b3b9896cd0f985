// The console's frame in Chromium: how it is served, signing in and out (the key in this tab's
// session storage only), the tenant picker of platform keys and the fixed tenant of tenant keys,
// keyboard navigation, and both widths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { BOOTSTRAP_KEY, expectStatus, provision, type Provisioned } from '../support/harness.js';
import { NARROW, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

const hasTenantList = ENDPOINTS.some((e) => e.method === 'get' && e.path === '/tenants');

describe('the admin console frame', () => {
  let live: LiveConsole;
  let p: Provisioned;
  let other: Provisioned;

  beforeAll(async () => {
    live = await startConsole('console_shell');
    p = await provision(live.h, { users: 2, tenant: { name: 'Contoso' } });
    other = await provision(live.h, { users: 1, tenant: { name: 'Fabrikam' } });
  }, 120_000);
  afterAll(async () => { await live?.close(); });

  it('is served under a strict Content-Security-Policy, its modules and nothing else', async () => {
    const res = await fetch(`${live.base}/admin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/);
    for (const module of ['console.js', 'api.js', 'pages/users.js', 'pages/user.js']) {
      const m = await fetch(`${live.base}/admin/${module}`);
      expect(m.status, module).toBe(200);
      expect(m.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(m.headers.get('content-security-policy')).toBe(csp);
    }
    for (const bad of ['nope.js', 'pages/nope.js', '..%2Fsrc%2Fmain.js', 'pages/../../package.json', 'Console.js']) {
      expect((await fetch(`${live.base}/admin/${bad}`)).status, bad).toBe(404);
    }
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(html).not.toMatch(/\sstyle=|<style/); // no inline style
  });

  it('refuses a wrong key and keeps it nowhere', async () => {
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, 'att_aaaaaaaaaa_' + 'x'.repeat(43));
    await expect.poll(() => w.page.locator('#sign-in-error').innerText()).toContain('not accepted');
    expect(await w.page.locator('#view').isHidden()).toBe(true);
    expect(await w.page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    w.expectOnly(/HTTP 401: GET \/api\/v1\/me/, /status of 401/);
    await w.close();
  });

  it('signs a platform key in, keeps the key for the tab only, never in the URL, and signs out', async () => {
    const w = await WatchedPage.open(live);
    const urls: string[] = [];
    w.page.on('request', (r) => urls.push(r.url()));
    await signIn(w.page, live.base, BOOTSTRAP_KEY);
    await w.page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(await w.page.locator('#who').innerText()).toContain('platform key');
    expect(await w.page.evaluate(() => sessionStorage.getItem('attendant.apiKey'))).toBe(BOOTSTRAP_KEY);
    expect(await w.page.evaluate(() => localStorage.length)).toBe(0);
    expect(await w.page.getByLabel('API key').inputValue()).toBe('');

    await w.page.reload(); // still signed in, in this tab
    await w.page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(urls.some((u) => u.includes(BOOTSTRAP_KEY))).toBe(false);
    expect(w.page.url()).not.toContain(BOOTSTRAP_KEY);

    // another tab of its own (a new browser context) is not signed in
    const other = await WatchedPage.open(live);
    await other.page.goto(`${live.base}/admin`);
    await other.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await other.close();

    await w.page.getByRole('button', { name: 'Sign out' }).click();
    await w.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await w.page.evaluate(() => sessionStorage.getItem('attendant.apiKey'))).toBeNull();
    w.expectOnly();
    await w.close();
  });

  it.runIf(hasTenantList)('lets a platform key pick a tenant from the list, searching by name', async () => {
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, BOOTSTRAP_KEY);
    await w.page.getByRole('link', { name: 'Fabrikam' }).waitFor();
    await w.page.getByLabel('Search tenants').fill('conto');
    await expect.poll(() => w.page.locator('[data-ref=rows] tr').allInnerTexts()).toEqual([expect.stringContaining('Contoso')]);
    await w.page.getByRole('link', { name: 'Contoso' }).click();
    await w.page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await w.page.locator('#tenant-name').innerText()).toBe('Contoso');
    w.expectOnly();
    await w.close();
  });

  it.runIf(!hasTenantList)('lets a platform key open a tenant by its ID while the server cannot list tenants', async () => {
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, BOOTSTRAP_KEY);
    await w.page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(await w.page.locator('[data-ref=by-id-hint]').innerText()).toContain('does not list tenants');
    expect(await w.page.locator('table').isHidden()).toBe(true);
    await w.page.getByLabel('Tenant ID').fill(p.tenant.id);
    await w.page.getByLabel('Tenant ID').press('Enter');
    await w.page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await w.page.locator('#tenant-name').innerText()).toBe('Contoso');
    expect(w.page.url()).toContain(`#/t/${p.tenant.id}/users`);
    await w.page.getByRole('link', { name: 'Change tenant' }).click();
    await w.page.getByLabel('Tenant ID').fill(other.tenant.id);
    await w.page.getByRole('button', { name: 'Open tenant' }).click();
    await expect.poll(() => w.page.locator('#tenant-name').innerText()).toBe('Fabrikam');
    w.expectOnly(); // the console never asked for the list the server does not have
    await w.close();
  });

  it('gives a tenant key its own tenant only', async () => {
    const key = await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id }), 201);
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, key.key, `#/t/${other.tenant.id}/settings`);
    // another tenant's page is replaced by the same page of its own
    await w.page.getByRole('heading', { name: 'Audio conferencing' }).waitFor();
    expect(w.page.url()).toContain(`#/t/${p.tenant.id}/settings`);
    expect(await w.page.locator('#tenant-name').innerText()).toBe('Contoso');
    expect(await w.page.locator('#who').innerText()).toContain('Contoso admin · tenant key');
    expect(await w.page.getByRole('link', { name: 'Change tenant' }).isHidden()).toBe(true);
    await w.page.goto(`${live.base}/admin#/tenants`);
    await w.page.getByRole('heading', { name: 'Users' }).waitFor();
    w.expectOnly();

    // revoked while signed in: the next request signs the tab out, saying why
    await expectStatus(live.h.api.del(`/api/v1/api-keys/${key.id}`), 204);
    await w.page.getByRole('link', { name: 'Jobs' }).click();
    await expect.poll(() => w.page.locator('#sign-in-error').innerText()).toContain('no longer accepted');
    expect(await w.page.evaluate(() => sessionStorage.getItem('attendant.apiKey'))).toBeNull();
    w.expectOnly(/HTTP 401/, /status of 401/);
    await w.close();
  });

  it('is usable from the keyboard: sign-in, the navigation in order, and the focus on each new page', async () => {
    const w = await WatchedPage.open(live);
    await w.page.goto(`${live.base}/admin#/t/${p.tenant.id}/users`);
    expect(await w.page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await w.page.keyboard.type(BOOTSTRAP_KEY);
    await w.page.keyboard.press('Enter');
    await w.page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.textContent)).toBe('Users');

    // from the top: the header's controls, then the navigation in its visual order, then the page
    await w.page.mouse.click(2, 2);
    const order: string[] = [];
    for (let k = 0; k < 10; k++) {
      await w.page.keyboard.press('Tab');
      order.push(await w.page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return (el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim();
      }));
    }
    expect(order).toEqual(['Change tenant', 'Sign out', 'Users', 'Audio conferencing', 'Meeting destinations', 'Dial-in numbers', 'Jobs', 'Audit log', 'Search users', 'Enable a user…']);
    // Enter on a navigation link opens the page and moves the focus to its heading
    for (let k = 0; k < 2; k++) await w.page.keyboard.press('Shift+Tab');
    await w.page.keyboard.press('Enter');
    await w.page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await w.page.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
    w.expectOnly();
    await w.close();
  });

  it('fits a 390-pixel-wide screen on every page', async () => {
    const w = await WatchedPage.open(live, NARROW);
    await signIn(w.page, live.base, BOOTSTRAP_KEY, `#/t/${p.tenant.id}/users`);
    for (const [link, heading] of [['Users', 'Users'], ['Audio conferencing', 'Audio conferencing'], ['Meeting destinations', 'Meeting destinations'], ['Dial-in numbers', 'Dial-in numbers'], ['Jobs', 'Jobs'], ['Audit log', 'Audit log']] as const) {
      await w.page.getByRole('navigation').getByRole('link', { name: link }).click();
      await w.page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await w.page.waitForLoadState('networkidle');
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${heading} is wider than the screen`).toBeLessThanOrEqual(0);
    }
    const user = p.users[0]!;
    await w.page.goto(`${live.base}/admin#/t/${p.tenant.id}/users/${user.id}`);
    await w.page.getByRole('heading', { name: 'Organizer 0' }).waitFor();
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    w.expectOnly();
    await w.close();
  });
});
