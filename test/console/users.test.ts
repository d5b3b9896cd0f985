// The users list in Chromium: every user's conference ID, provider, default numbers and last
// change as the API has them; paging with the cursor; search as you type; enabling a user
// through the dialog (PIN shown once); a bulk reset of the selected users. Screenshots at 1280
// and 390 pixels for docs/console.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../web/console/capabilities.js';
import { verifyPin } from '../../src/domain/pins.js';
import { BOOTSTRAP_KEY, expectStatus, freshNumber, provision, type Provisioned, TEST_PIN_KEY } from '../support/harness.js';
import { NARROW, screenshot, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

const PEOPLE = [
  'Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth',
  'Margaret Hamilton', 'John Backus', 'Frances Allen', 'Ken Thompson', 'Radia Perlman', 'Dennis Ritchie', 'Hedy Lamarr',
  'Tim Berners-Lee', 'Shafi Goldwasser', 'Leslie Lamport', 'Annie Easley', 'Niklaus Wirth', 'Jean Bartik', 'Tony Hoare',
  'Adele Goldberg', 'Vint Cerf', 'Sophie Wilson', 'Claude Shannon', 'Mary Allen Wilkes', 'Bjarne Stroustrup', 'Evelyn Boyd Granville',
  'Butler Lampson', 'Karen Spärck Jones',
];
const emailOf = (name: string) => `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ /g, '.')}@contoso.example`;

describe('the users list', () => {
  let live: LiveConsole;
  let p: Provisioned;
  let caps: ReturnType<typeof capabilitiesOf>;
  const users = () => `/api/v1/tenants/${p.tenant.id}/users`;

  beforeAll(async () => {
    live = await startConsole('console_users');
    p = await provision(live.h, { users: 0, tenant: { name: 'Contoso', sendEmailByDefault: false } });
    const tollFree = freshNumber();
    await expectStatus(live.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(tollFree)}`, { bridgeId: p.bridge.id, type: 'toll_free', city: 'Springfield', country: 'US' }), 201);
    await expectStatus(live.h.api.patch(`/api/v1/bridges/${p.bridge.id}`, { defaultTollFreeNumber: tollFree }), 200);
    for (const name of PEOPLE) await expectStatus(live.h.api.post(users(), { email: emailOf(name), displayName: name, sendEmail: false }), 201);
    await expectStatus(live.h.api.post(users(), {
      email: 'guest.speaker@partner.example', displayName: 'Guest Speaker', provider: 'third_party', conferenceId: '5550123', tollNumber: freshNumber(), sendEmail: false,
    }), 201);
    caps = capabilitiesOf((await expectStatus(live.h.api.get('/openapi.json'), 200)).paths);
  }, 180_000);
  afterAll(async () => { await live?.close(); });

  async function openUsers(viewport?: { width: number; height: number }) {
    const w = await WatchedPage.open(live, viewport);
    await signIn(w.page, live.base, BOOTSTRAP_KEY, `#/t/${p.tenant.id}/users`);
    await w.page.locator('[data-ref=rows] tr').first().waitFor();
    return w;
  }
  const rowTexts = (w: WatchedPage) => w.page.locator('[data-ref=rows] tr').allInnerTexts();

  it('shows each user with their conference ID, provider, default numbers and last change, page by page', async () => {
    const w = await openUsers();
    const first = await expectStatus(live.h.api.get(`${users()}?limit=25`), 200);
    const rows = await rowTexts(w);
    expect(rows).toHaveLength(25);
    for (const [k, u] of first.items.entries()) {
      const row = rows[k]!;
      expect(row).toContain(u.displayName);
      expect(row).toContain(u.email);
      expect(row).toContain(u.conferenceId);
      expect(row).toContain(u.provider === 'builtin' ? 'This service' : 'Third-party provider');
      expect(row).toContain(u.tollNumber);
      if (u.tollFreeNumber) expect(row).toContain(`${u.tollFreeNumber} (toll-free)`);
      expect(row).toContain(new Date(u.conferenceIdUpdatedAt ?? u.createdAt).getFullYear().toString());
    }
    expect(rows.join('\n')).toContain(p.number);

    // the next page follows the cursor; back again shows the first page
    const previous = w.page.getByRole('button', { name: 'Previous page' });
    const next = w.page.getByRole('button', { name: 'Next page' });
    expect(await previous.isDisabled()).toBe(true);
    await next.click();
    await expect.poll(() => rowTexts(w).then((r) => r.length)).toBe(PEOPLE.length + 1 - 25);
    const second = await rowTexts(w);
    expect(await next.isDisabled()).toBe(true);
    expect(await w.page.locator('[data-ref=page-no]').innerText()).toBe('Page 2');
    const names = [...rows, ...second].map((r) => r.split('\n')[0]!.trim());
    expect(new Set(names).size).toBe(PEOPLE.length + 1); // every user once, on one page or the other
    expect([...rows, ...second].join('\n')).toContain('Guest Speaker');
    await previous.click();
    await expect.poll(() => rowTexts(w)).toEqual(rows);
    w.expectOnly();
    await w.close();
  });

  it('searches as you type, asking the server once typing pauses', async () => {
    const w = await openUsers();
    const asked: string[] = [];
    w.page.on('request', (r) => { if (r.url().includes('/users?')) asked.push(new URL(r.url()).search); });
    const search = w.page.getByLabel('Search users');
    const target = 'Grace Hopper';
    if (caps.userSearch) {
      await search.pressSequentially('hopp', { delay: 40 });
      await expect.poll(() => rowTexts(w)).toEqual([expect.stringContaining(target)]);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('q=hopp');
    } else {
      // this server finds by whole address: a partial one asks nothing and says so
      await search.pressSequentially('grace.hop', { delay: 40 });
      await expect.poll(() => w.page.locator('[data-ref=status]').innerText()).toContain('whole email address');
      expect(await rowTexts(w)).toEqual([]);
      expect(asked).toEqual([]);
      await search.pressSequentially('per@CONTOSO.example', { delay: 40 });
      await expect.poll(() => rowTexts(w)).toEqual([expect.stringContaining(target)]);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('email=grace.hopper%40CONTOSO.example');
    }
    await search.fill('nobody.at.all@nowhere.example');
    await expect.poll(() => w.page.locator('[data-ref=status]').innerText()).toContain('No user matches');
    await search.fill('');
    await expect.poll(() => rowTexts(w).then((r) => r.length)).toBe(25);
    w.expectOnly();
    await w.close();
  });

  it('enables a user through the dialog: Escape cancels, Enter submits, the PIN is shown once', async () => {
    const w = await openUsers();
    const open = w.page.getByRole('button', { name: 'Enable a user…' });
    const dialog = w.page.getByRole('dialog', { name: 'Enable a user for audio conferencing' });
    await open.click();
    await dialog.waitFor();
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute('data-ref'))).toBe('new-email');
    await w.page.keyboard.type('someone@contoso.example');
    await w.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await w.page.evaluate(() => document.activeElement?.textContent)).toBe('Enable a user…');
    expect((await expectStatus(live.h.api.get(`${users()}?email=someone@contoso.example`), 200)).items).toEqual([]);

    // a refusal in words: the address is taken
    await open.click();
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(emailOf('Ada Lovelace'));
    await dialog.getByLabel('Display name').fill('Ada again');
    await dialog.getByLabel('Display name').press('Enter');
    await expect.poll(() => dialog.locator('[data-ref=enable-result]').innerText()).toMatch(/^User exists: .+\.$/);
    w.expectOnly(/HTTP 409: POST/, /status of 409/);

    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill('lin.clark@contoso.example');
    await dialog.getByLabel('Display name').fill('Lin Clark');
    await dialog.getByLabel('Display name').press('Enter');
    await expect.poll(() => dialog.locator('[data-ref=enable-result]').innerText()).toMatch(/^Enabled Lin Clark with conference ID [1-9]\d{6}\.$/);
    const pin = await dialog.locator('[data-ref=enable-pin-value]').innerText();
    expect(pin).toMatch(/^\d{5}$/);
    const [created] = (await expectStatus(live.h.api.get(`${users()}?email=lin.clark@contoso.example`), 200)).items;
    expect(await dialog.locator('[data-ref=enable-result]').innerText()).toContain(created.conferenceId);
    const { rows } = await live.h.services.db.query('SELECT leader_pin_hash FROM users WHERE id = $1', [created.id]);
    expect(await verifyPin(pin, rows[0]!.leader_pin_hash, TEST_PIN_KEY)).toBe(true);
    const { rows: mail } = await live.h.services.db.query("SELECT count(*)::int AS n FROM outbox WHERE payload->>'userId' = $1", [created.id]);
    expect(mail[0]!.n).toBe(0); // the tenant does not email by default, and the box was left unticked

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await w.page.locator('[data-ref=enable-pin-value]').textContent()).toBe(''); // forgotten
    w.expectOnly();
    await w.close();
  });

  it('enables a third-party user with the provider\'s ID and number', async () => {
    const w = await openUsers();
    await w.page.getByRole('button', { name: 'Enable a user…' }).click();
    const dialog = w.page.getByRole('dialog');
    expect(await dialog.getByLabel('Provider\'s toll number').isVisible()).toBe(false);
    await dialog.getByRole('combobox', { name: /^Provider/ }).selectOption('third_party');
    expect(await dialog.getByLabel('Provider\'s toll number').isVisible()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill('outside@partner.example');
    await dialog.getByLabel('Display name').fill('Outside Counsel');
    await dialog.getByLabel(/Conference ID/).fill('5550777');
    const toll = freshNumber();
    await dialog.getByLabel('Provider\'s toll number').fill(toll);
    await dialog.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => dialog.locator('[data-ref=enable-result]').innerText()).toContain('conference ID 5550777');
    expect(await dialog.locator('[data-ref=enable-pin]').isHidden()).toBe(true); // the provider keeps the PIN
    const [created] = (await expectStatus(live.h.api.get(`${users()}?email=outside@partner.example`), 200)).items;
    expect(created).toMatchObject({ provider: 'third_party', conferenceId: '5550777', tollNumber: toll });
    w.expectOnly();
    await w.close();
  });

  it('starts a bulk reset of the selected users, confirmed in a dialog', async () => {
    const w = await openUsers();
    const bulk = w.page.getByRole('button', { name: /Reset IDs of/ });
    expect(await bulk.isDisabled()).toBe(true);
    // third-party users keep their provider's ID: they cannot be selected
    const rows = w.page.locator('[data-ref=rows] tr');
    for (const row of await rows.all()) {
      expect(await row.getByRole('checkbox').isDisabled()).toBe((await row.innerText()).includes('Third-party provider'));
    }
    const selectable = rows.locator('input[type=checkbox]:not(:disabled)');
    await selectable.nth(0).check();
    await selectable.nth(1).check();
    expect(await bulk.innerText()).toBe('Reset IDs of 2 selected…');
    await bulk.click();
    const confirm = w.page.getByRole('dialog', { name: 'Reset the conference IDs of 2 users?' });
    await confirm.waitFor();
    await w.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    expect((await expectStatus(live.h.api.get(`/api/v1/tenants/${p.tenant.id}/jobs`), 200)).items).toEqual([]);

    await bulk.click();
    await confirm.waitFor();
    await w.page.keyboard.press('Enter'); // the confirm button has the focus
    await expect.poll(() => w.page.locator('[data-ref=bulk-result]').innerText()).toContain('A job resets 2 conference IDs');
    const jobs = (await expectStatus(live.h.api.get(`/api/v1/tenants/${p.tenant.id}/jobs`), 200)).items;
    expect(jobs).toEqual([expect.objectContaining({ kind: 'conference_id_reset', total: 2 })]);
    await w.page.getByRole('link', { name: 'Follow it on the Jobs page' }).click();
    await w.page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await expect.poll(() => w.page.locator(`tr[data-job="${jobs[0].id}"]`).innerText()).toContain('0 of 2 done');
    w.expectOnly();
    await w.close();
  });

  it('at 1280 and 390 pixels (screenshots)', async () => {
    for (const [name, viewport] of [['console-users-1280', undefined], ['console-users-390', NARROW]] as const) {
      const w = await openUsers(viewport);
      await w.page.waitForLoadState('networkidle');
      await screenshot(w.page, name, { forDocs: true });
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      w.expectOnly();
      await w.close();
    }
  });
});
