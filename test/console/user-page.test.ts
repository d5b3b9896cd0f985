// A user's page in Chromium: every action the API offers, each result beside its button, and
// the outcome checked where it matters (the API, the directory callers read, simulated calls,
// the outbox, the audit log). Screenshots at 1280 and 390 pixels for docs/console.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { verifyPin } from '../../src/domain/pins.js';
import { SimulatedCall } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, expectStatus, freshNumber, provision, type Provisioned, TEST_PIN_KEY } from '../support/harness.js';
import { NARROW, screenshot, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

const hasUnlock = ENDPOINTS.some((e) => e.method === 'post' && e.path.endsWith('/leader-pin/unlock'));

describe('a user\'s page', () => {
  let live: LiveConsole;
  let p: Provisioned;
  let w: WatchedPage;
  const userPath = (id: string) => `/api/v1/tenants/${p.tenant.id}/users/${id}`;
  const result = (name: string) => w.page.locator(`[data-ref=${name}-result]`).innerText();

  beforeAll(async () => {
    live = await startConsole('console_user');
    p = await provision(live.h, { users: 3, tenant: { name: 'Contoso', sendEmailByDefault: true } });
    w = await WatchedPage.open(live);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await live?.close();
  });

  async function open(userId: string, page = w) {
    await page.page.goto(`${live.base}/admin#/t/${p.tenant.id}/users/${userId}`);
    if (await page.page.getByLabel('API key').isVisible()) {
      await page.page.getByLabel('API key').fill(BOOTSTRAP_KEY);
      await page.page.getByLabel('API key').press('Enter');
    }
    await page.page.locator('[data-ref=conference-id]').filter({ hasText: /\S/ }).waitFor();
  }

  /** A simulated caller (signed webhooks, as Twilio sends them) entering `conferenceId`. */
  async function callWith(conferenceId: string) {
    const c = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number });
    await c.dial();
    await c.press(`${conferenceId}#`);
    if (c.state === 'gathering' && c.gathering?.node.attrs.action?.includes('/voice/leader')) await c.press('#');
    return c;
  }

  it('resets the conference ID through the confirmation dialog, and callers follow at once', async () => {
    const u = p.users[0]!;
    expect((await callWith(u.conferenceId!)).state).toBe('conference');
    await open(u.id);
    expect(await w.page.locator('[data-ref=conference-id]').innerText()).toBe(u.conferenceId);
    expect(await w.page.locator('[data-ref=toll]').innerText()).toBe(p.number);
    expect(await w.page.locator('[data-ref=provider]').innerText()).toBe('This service');

    const button = w.page.getByRole('button', { name: 'Reset conference ID…' });
    const dialog = w.page.getByRole('dialog', { name: 'Reset conference ID?' });
    const unchanged = async () => expect((await expectStatus(live.h.api.get(userPath(u.id)), 200)).conferenceId).toBe(u.conferenceId);
    // Escape, and Cancel, change nothing
    await button.click();
    await dialog.waitFor();
    await w.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await button.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await unchanged();

    await button.click();
    expect(await dialog.innerText()).toContain(`The current ID ${u.conferenceId} stops working at once`);
    const email = dialog.getByRole('checkbox', { name: 'Email the new ID to the user' });
    expect(await email.isChecked()).toBe(true); // the tenant's default
    await email.uncheck();
    await dialog.getByRole('button', { name: 'Reset ID' }).focus();
    await w.page.keyboard.press('Enter');
    await expect.poll(() => result('reset-id')).toMatch(/^New ID [1-9]\d{6}; \d{7} is refused from now on\.$/);
    const shown = await w.page.locator('[data-ref=conference-id]').innerText();
    expect(await result('reset-id')).toBe(`New ID ${shown}; ${u.conferenceId} is refused from now on.`);

    expect((await expectStatus(live.h.api.get(userPath(u.id)), 200)).conferenceId).toBe(shown);
    expect(await live.h.services.directory.lookupConferenceId(p.bridge.id, Number(u.conferenceId))).toMatchObject({ status: 'retired' });
    const refused = await callWith(u.conferenceId!);
    expect(refused.state).not.toBe('conference');
    expect(refused.transcript()).toMatch(/has changed/);
    expect((await callWith(shown)).state).toBe('conference');
    const { rows } = await live.h.services.db.query("SELECT count(*)::int AS n FROM outbox WHERE payload->>'userId' = $1", [u.id]);
    expect(rows[0]!.n).toBe(0); // "email" was unticked
    // the user's recent changes say it in words
    await expect.poll(() => w.page.locator('[data-ref=audit-rows] tr').first().innerText())
      .toMatch(new RegExp(`Reset the conference ID.*ID ${u.conferenceId}.*ID ${shown}`, 's'));
    u.conferenceId = shown;
    w.expectOnly();
  });

  it('sets a chosen ID, and explains a refusal next to the button', async () => {
    const u = p.users[0]!;
    const taken = p.users[1]!.conferenceId!;
    const field = w.page.getByLabel('Chosen conference ID');
    const set = w.page.getByRole('button', { name: 'Set ID' });
    await field.fill('0123456'); // not an ID: the form refuses it before asking the server
    await set.click();
    expect(await field.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
    expect(await result('set-id')).toBe('');

    await field.fill(taken);
    await set.click();
    await expect.poll(() => result('set-id')).toMatch(new RegExp(`^Conference ID unavailable: .*${taken} is active or quarantined on this bridge\\.$`));
    expect(await w.page.locator('[data-ref=set-id-result]').getAttribute('data-outcome')).toBe('error');
    w.expectOnly(/HTTP 409: PUT/, /status of 409/);

    let chosen = '';
    for (let attempt = 0; attempt < 5 && !chosen; attempt++) {
      const candidate = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
      await field.fill(candidate);
      await w.page.getByRole('checkbox', { name: 'Email the user' }).uncheck();
      await field.press('Enter');
      await expect.poll(() => result('set-id')).not.toBe('Working…');
      if ((await result('set-id')).startsWith(`The ID is now ${candidate}`)) chosen = candidate;
    }
    expect(chosen).not.toBe('');
    expect(await w.page.locator('[data-ref=conference-id]').innerText()).toBe(chosen);
    expect((await expectStatus(live.h.api.get(userPath(u.id)), 200)).conferenceId).toBe(chosen);
    u.conferenceId = chosen;
    w.expectOnly(/HTTP 409: PUT/, /status of 409/);
  });

  it('resets the leader PIN and shows it once, clearly', async () => {
    const u = p.users[0]!;
    await w.page.getByRole('button', { name: 'Reset leader PIN…' }).click();
    const dialog = w.page.getByRole('dialog', { name: 'Reset leader PIN?' });
    await dialog.getByRole('checkbox').uncheck();
    await dialog.getByRole('button', { name: 'Reset PIN' }).click();
    const box = w.page.locator('[data-ref=pin-once]');
    await box.waitFor();
    const pin = await w.page.locator('[data-ref=new-pin]').innerText();
    expect(pin).toMatch(/^\d{5}$/);
    expect(await box.innerText()).toContain('Shown once');
    expect(await result('reset-pin')).toBe('The PIN was reset; the old one no longer starts meetings.');
    const { rows } = await live.h.services.db.query('SELECT leader_pin_hash FROM users WHERE id = $1', [u.id]);
    expect(await verifyPin(pin, rows[0]!.leader_pin_hash, TEST_PIN_KEY)).toBe(true);
    await screenshot(w.page, 'console-user-pin-1280');

    await w.page.getByRole('button', { name: 'I have noted it' }).click();
    expect(await box.isHidden()).toBe(true);
    expect(await w.page.locator('[data-ref=new-pin]').textContent()).toBe('');
    expect(await w.page.evaluate(() => document.activeElement?.textContent)).toBe('Reset leader PIN…');
    w.expectOnly();
  });

  it.runIf(hasUnlock)('unlocks the leader step, saying beside the button what the server cleared', async () => {
    const u = p.users[0]!;
    // wrong PINs at the leader step, from a signed call
    const c = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number });
    await c.dial();
    await c.press(`${u.conferenceId}#`);
    await c.press('*#');
    expect(c.transcript()).toMatch(/enter your leader PIN/);
    for (let k = 0; k < 2 && c.state === 'gathering'; k++) await c.press('0000#'); // wrong, and asked again
    const answered = w.page.waitForResponse((r) => r.url().endsWith('/leader-pin/unlock'));
    await w.page.getByRole('button', { name: 'Unlock leader step' }).click();
    const answer = await (await answered).json() as { wasLocked: boolean; wrongPinsCleared: number };
    expect(answer.wrongPinsCleared).toBeGreaterThan(0);
    const n = answer.wrongPinsCleared;
    const entries = `${n} wrong PIN ${n === 1 ? 'entry' : 'entries'}`;
    await expect.poll(() => result('unlock')).toBe(answer.wasLocked
      ? `The leader step is unlocked (${entries} cleared): the organizer can start meetings with their PIN again.`
      : `The leader step was not locked; ${entries} ${n === 1 ? 'was' : 'were'} cleared: the organizer can start meetings with their PIN.`);
    // nothing left to clear
    await w.page.getByRole('button', { name: 'Unlock leader step' }).click();
    await expect.poll(() => result('unlock')).toBe('The leader step was not locked: the organizer can start meetings with their PIN.');
    await expect.poll(() => w.page.locator('[data-ref=audit-rows] tr').first().getAttribute('data-action')).toBe('leader_pin.unlocked');
    w.expectOnly();
  });

  it.runIf(!hasUnlock)('offers no unlock while the server has no such action', async () => {
    expect(await w.page.getByRole('button', { name: 'Unlock leader step' }).isHidden()).toBe(true);
  });

  it('sends the conference info to the user, or to another address', async () => {
    const u = p.users[0]!;
    const queued = async () => (await live.h.services.db.query<{ to: string }>(
      "SELECT payload->>'to' AS to FROM outbox WHERE payload->>'userId' = $1 AND payload->>'template' = 'conference_info' ORDER BY id", [u.id])).rows.map((r) => r.to);
    await w.page.getByRole('button', { name: 'Send conference info' }).click();
    await expect.poll(() => result('send-info')).toBe(`The conference info is queued for ${u.email}.`);
    await w.page.getByLabel('Send to').fill('assistant@contoso.example');
    await w.page.getByLabel('Send to').press('Enter');
    await expect.poll(() => result('send-info')).toBe('The conference info is queued for assistant@contoso.example.');
    expect(await queued()).toEqual([u.email, 'assistant@contoso.example']);
    await expect.poll(() => w.page.locator('[data-ref=audit-rows] tr').first().innerText()).toMatch(/Sent the conference info.*emailed to assistant@contoso\.example/s);
    w.expectOnly();
  });

  it('at 1280 and 390 pixels (screenshots)', async () => {
    const ada = await expectStatus(live.h.api.post(`/api/v1/tenants/${p.tenant.id}/users`, { email: 'ada.lovelace@contoso.example', displayName: 'Ada Lovelace', sendEmail: false }), 201);
    for (const [k, [name, viewport]] of ([['console-user-1280', undefined], ['console-user-390', NARROW]] as const).entries()) {
      const shot = await WatchedPage.open(live, viewport);
      await open(ada.id, shot);
      // a reset, so that its result shows beside its button
      await shot.page.getByRole('button', { name: 'Reset conference ID…' }).click();
      await shot.page.getByRole('checkbox', { name: 'Email the new ID to the user' }).uncheck();
      await shot.page.getByRole('button', { name: 'Reset ID' }).click();
      await shot.page.locator('[data-ref=reset-id-result]').filter({ hasText: 'refused from now on' }).waitFor();
      await expect.poll(() => shot.page.locator('[data-ref=audit-rows] tr').filter({ hasText: 'Reset the conference ID' }).count()).toBe(k + 1);
      await screenshot(shot.page, name, { forDocs: true, fullPage: viewport === undefined });
      expect(await shot.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      shot.expectOnly();
      await shot.close();
    }
  });

  it('disables the user after a confirmation: the ID is refused at once', async () => {
    const u = p.users[2]!;
    await open(u.id);
    await w.page.getByRole('button', { name: 'Disable audio conferencing…' }).click();
    const dialog = w.page.getByRole('dialog', { name: 'Disable Organizer 2?' });
    expect(await dialog.innerText()).toContain(`The ID ${u.conferenceId} is refused from now on.`);
    await w.page.keyboard.press('Enter');
    await expect.poll(() => result('disable')).toBe('Organizer 2 is disabled.');
    expect(await w.page.getByRole('button', { name: 'Reset conference ID…' }).isDisabled()).toBe(true);
    await expectStatus(live.h.api.get(userPath(u.id)), 404);
    expect(await live.h.services.directory.lookupConferenceId(p.bridge.id, Number(u.conferenceId))).toMatchObject({ status: 'retired' });
    expect((await callWith(u.conferenceId!)).state).not.toBe('conference');
    w.expectOnly();
  });

  it('sends a tenant key\'s conference info to the user\'s own address only', async () => {
    const u = p.users[1]!;
    const key = (await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id }), 201)).key;
    const page = await WatchedPage.open(live);
    await signIn(page.page, live.base, key, `#/t/${p.tenant.id}/users/${u.id}`);
    await page.page.locator('[data-ref=conference-id]').filter({ hasText: u.conferenceId! }).waitFor();
    expect(await page.page.getByLabel('Send to').isHidden()).toBe(true);
    expect(await page.page.locator('[data-ref=info-to-hint]').innerText()).toContain('another address needs a platform key');
    await page.page.getByRole('button', { name: 'Send conference info' }).click();
    await expect.poll(() => page.page.locator('[data-ref=send-info-result]').innerText()).toBe(`The conference info is queued for ${u.email}.`);
    const { rows } = await live.h.services.db.query<{ to: string | null }>(
      "SELECT payload->>'to' AS to FROM outbox WHERE payload->>'userId' = $1 AND payload->>'template' = 'conference_info'", [u.id]);
    expect(rows.map((r) => r.to ?? u.email)).toEqual([u.email]);
    page.expectOnly();
    await page.close();
  });

  it('shows a read-only key the user with every action disabled, saying why', async () => {
    const ro = await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'auditor', tenantId: p.tenant.id, readOnly: true }), 201);
    const page = await WatchedPage.open(live);
    await signIn(page.page, live.base, ro.key, `#/t/${p.tenant.id}/users/${p.users[1]!.id}`);
    await page.page.locator('[data-ref=conference-id]').filter({ hasText: p.users[1]!.conferenceId! }).waitFor();
    expect(await page.page.locator('[data-ref=why-not]').innerText()).toContain('read-only');
    for (const name of ['Reset conference ID…', 'Set ID', 'Reset leader PIN…', 'Send conference info', 'Disable audio conferencing…']) {
      expect(await page.page.getByRole('button', { name }).isDisabled(), name).toBe(true);
    }
    page.expectOnly();
    await page.close();
  });

  it('tells why a third-party user\'s ID and PIN cannot be changed here', async () => {
    const third = await expectStatus(live.h.api.post(`/api/v1/tenants/${p.tenant.id}/users`, {
      email: 'outside@partner.example', displayName: 'Outside Counsel', provider: 'third_party', conferenceId: '5550999', tollNumber: freshNumber(), sendEmail: false,
    }), 201);
    await open(third.id);
    expect(await w.page.locator('[data-ref=provider]').innerText()).toBe('Third-party provider');
    expect(await w.page.locator('[data-ref=why-not]').innerText()).toContain('third-party provider manages');
    for (const name of ['Reset conference ID…', 'Set ID', 'Reset leader PIN…']) expect(await w.page.getByRole('button', { name }).isDisabled(), name).toBe(true);
    expect(await w.page.getByRole('button', { name: 'Send conference info' }).isEnabled()).toBe(true);
    w.expectOnly();
  });
});
