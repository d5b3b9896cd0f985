// The tenant's settings and audit log in Chromium: settings changed by a write key (and what
// changed recorded, before and after), refused in words, shown disabled to read-only keys; the
// audit log in words, filtered by user and action, paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, provision, type Provisioned } from '../support/harness.js';
import { screenshot, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

describe('tenant settings and the audit log', () => {
  let live: LiveConsole;
  let p: Provisioned;
  let adminKey: string;
  const tenantPath = () => `/api/v1/tenants/${p.tenant.id}`;

  beforeAll(async () => {
    live = await startConsole('console_settings');
    p = await provision(live.h, { users: 2, tenant: { name: 'Contoso', pinLength: 5, entryExitAnnouncements: 'tones', allowCallersToStartMeeting: false } });
    adminKey = (await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id }), 201)).key;
  }, 120_000);
  afterAll(async () => { await live?.close(); });

  async function openAs(key: string, page: string) {
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, key, `#/t/${p.tenant.id}/${page}`);
    await w.page.locator('h1:focus').waitFor();
    return w;
  }

  it('changes the settings a write key is allowed to, sending only what changed', async () => {
    const w = await openAs(adminKey, 'settings');
    const patches: unknown[] = [];
    w.page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.postDataJSON()); });
    expect(await w.page.getByLabel('Leader PIN length').inputValue()).toBe('5');
    await w.page.getByLabel('Leader PIN length').fill('6');
    await w.page.getByLabel('Entry and exit announcements').selectOption('off');
    await w.page.getByLabel('Callers may start a meeting before its organizer').check();
    await w.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => w.page.locator('[data-ref=result]').innerText()).toBe('Saved: 3 settings changed, in effect for the next call.');
    expect(patches).toEqual([{ pinLength: 6, entryExitAnnouncements: 'off', allowCallersToStartMeeting: true }]);
    expect(await expectStatus(live.h.api.get(tenantPath()), 200)).toMatchObject({ pinLength: 6, entryExitAnnouncements: 'off', allowCallersToStartMeeting: true, sendEmailByDefault: true });
    // the next PIN has the new length
    const reset = await expectStatus(live.h.api.post(`${tenantPath()}/users/${p.users[0]!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    expect(reset.leaderPin).toMatch(/^\d{6}$/);

    await w.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => w.page.locator('[data-ref=result]').innerText()).toBe('Nothing to save: no setting was changed.');
    expect(patches).toHaveLength(1);

    await w.page.getByLabel('Tenant name').fill('Contoso Ltd');
    await w.page.getByLabel('Tenant name').press('Enter');
    await expect.poll(() => w.page.locator('#tenant-name').innerText()).toBe('Contoso Ltd');
    await screenshot(w.page, 'console-settings-1280');
    w.expectOnly();
    await w.close();
  });

  it('explains a refused change, and lets the browser refuse a PIN length out of range', async () => {
    const w = await openAs(adminKey, 'settings');
    await w.page.getByLabel('Conference ID mode').selectOption('dynamic');
    await w.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => w.page.locator('[data-ref=result]').innerText())
      .toBe('Not supported: conferenceIdMode can only change while the tenant has no enabled users.');
    expect((await expectStatus(live.h.api.get(tenantPath()), 200)).conferenceIdMode).toBe('static');
    w.expectOnly(/HTTP 409: PATCH/, /status of 409/);

    await w.page.getByLabel('Conference ID mode').selectOption('static');
    await w.page.getByLabel('Leader PIN length').fill('3');
    await w.page.getByRole('button', { name: 'Save settings' }).click();
    expect(await w.page.getByLabel('Leader PIN length').evaluate((el: HTMLInputElement) => el.validationMessage)).not.toBe('');
    w.expectOnly(); // nothing was sent
    await w.close();
  });

  it('shows a read-only key the settings, disabled', async () => {
    const ro = await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'auditor', tenantId: p.tenant.id, readOnly: true }), 201);
    const w = await openAs(ro.key, 'settings');
    expect(await w.page.getByText('This key is read-only').isVisible()).toBe(true);
    for (const label of ['Tenant name', 'Leader PIN length', 'Entry and exit announcements', 'Conference ID mode']) {
      expect(await w.page.getByLabel(label).isDisabled(), label).toBe(true);
    }
    expect(await w.page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
    w.expectOnly();
    await w.close();
  });

  it('reads the audit log in words: who, what, before and after', async () => {
    const w = await openAs(adminKey, 'audit');
    const row = w.page.locator('tr[data-action="tenant.updated"]').last(); // the first change, oldest
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1)).toEqual([
      'Contoso admin',
      'Changed tenant settings',
      'PIN length 5; callers may start meetings off; announcements tones',
      'PIN length 6; callers may start meetings on; announcements off',
    ]);
    const reset = await w.page.locator('tr[data-action="leader_pin.reset"]').first().locator('td').allInnerTexts();
    expect(reset.slice(1)).toEqual(['bootstrap', expect.stringMatching(/^Reset the leader PIN: (Organizer 0|user [0-9a-f]{8}…)$/), 'the old PIN', 'a new PIN (never recorded)']);
    await screenshot(w.page, 'console-audit-1280');
    w.expectOnly();
    await w.close();
  });

  it('filters the audit log by action and by user, and pages through it', async () => {
    const [a, b] = p.users as [Provisioned['users'][0], Provisioned['users'][0]];
    for (let k = 0; k < 60; k++) {
      await expectStatus(live.h.api.post(`${tenantPath()}/users/${(k % 2 ? a : b).id}/conference-info/send`, {}), 202);
    }
    const w = await openAs(adminKey, 'audit');
    const rows = w.page.locator('[data-ref=rows] tr');
    await expect.poll(() => rows.count()).toBe(50); // a page
    const all = (await expectStatus(live.h.api.get(`${tenantPath()}/audit-events?limit=500`), 200)).items;
    await w.page.getByRole('button', { name: 'Older events' }).click();
    await expect.poll(() => rows.count()).toBe(all.length);
    expect(await w.page.getByRole('button', { name: 'Older events' }).isHidden()).toBe(true);

    await w.page.getByLabel('Action').selectOption('leader_pin.reset');
    await expect.poll(() => w.page.url()).toContain('action=leader_pin.reset');
    await expect.poll(() => rows.evaluateAll((tr) => tr.map((r) => r.getAttribute('data-action')))).toEqual(['leader_pin.reset']);
    expect(await w.page.locator('[data-ref=filter-note]').innerText()).toBe('Showing only events “Reset the leader PIN”.');

    await w.page.getByLabel('Action').selectOption('');
    await w.page.getByLabel('User\'s email').fill(a.email);
    await w.page.getByLabel('User\'s email').press('Enter');
    await expect.poll(() => w.page.url()).toContain(`user=${a.id}`);
    const expected = all.filter((e: { target: { id: string } }) => e.target.id === a.id).length;
    await expect.poll(() => rows.count()).toBe(expected);
    expect(new Set(await rows.evaluateAll((tr) => tr.map((r) => r.querySelector('a')?.textContent)))).toEqual(new Set(['Organizer 0']));

    await w.page.getByLabel('User\'s email').fill('nobody@nowhere.example');
    await w.page.getByLabel('User\'s email').press('Enter');
    await expect.poll(() => w.page.locator('[data-ref=filter-note]').innerText()).toBe('No enabled user has the address nobody@nowhere.example.');

    await w.page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(50);
    w.expectOnly();
    await w.close();
  });
});
