// The meeting destinations page in Chromium: a tenant's SIP destination with write-only
// credentials (and the bridge's, for platform keys), checked where it matters: the API, the
// stored row (passwords sealed) and signed simulated calls that are put through to the SIP
// address; Jitsi integrations added, shown with their config.js URLs, edited and deleted; the
// mapper's rooms with their IDs reset (refused at once). Screenshots at 1280 and 390 pixels.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCall } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, expectStatus, provision, type Provisioned } from '../support/harness.js';
import { NARROW, screenshot, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

const JIGASI = 'sip:jigasi@pbx.example.com;transport=tls';
const BRIDGE_SIP = 'sip:bbb@freeswitch.example.com';
const MUC = 'conference.meet.example.com';
const ORIGIN = 'https://meet.example.com';

describe('meeting destinations and Jitsi integrations', () => {
  let live: LiveConsole;
  let p: Provisioned;
  let adminKey: string;
  const tenantPath = () => `/api/v1/tenants/${p.tenant.id}`;

  beforeAll(async () => {
    live = await startConsole('console_meetings');
    p = await provision(live.h, { users: 1, tenant: { name: 'Contoso' } });
    adminKey = (await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id }), 201)).key;
  }, 120_000);
  afterAll(async () => { await live?.close(); });

  async function openAs(key: string, viewport?: { width: number; height: number }) {
    const w = await WatchedPage.open(live, viewport);
    await signIn(w.page, live.base, key, `#/t/${p.tenant.id}/meetings`);
    await w.page.getByRole('heading', { name: 'Meeting destinations' }).waitFor();
    await w.page.locator('[data-ref=current]').first().filter({ hasText: /\S/ }).waitFor();
    return w;
  }

  /** A signed simulated call entering the user's ID (and joining without the leader PIN). */
  async function call() {
    const c = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number });
    await c.dial();
    await c.press(`${p.users[0]!.conferenceId}#`);
    if (c.state === 'gathering' && c.gathering?.node.attrs.action?.includes('/voice/leader')) await c.press('#');
    return c;
  }
  const stored = async () => (await live.h.services.db.query('SELECT * FROM meeting_destinations WHERE tenant_id = $1', [p.tenant.id])).rows[0];

  it('lets a tenant key send callers to a SIP address, with credentials that are written and never shown', async () => {
    expect((await call()).state).toBe('conference'); // Twilio rooms, the default
    const w = await openAs(adminKey);
    const puts: unknown[] = [];
    w.page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.postDataJSON()); });
    const form = w.page.getByRole('form', { name: 'This tenant\'s destination' });
    expect(await form.locator('[data-ref=current]').innerText()).toBe('This tenant has no destination of its own and neither has its bridge: callers meet in Twilio conference rooms.');
    expect(await w.page.getByRole('form', { name: 'The bridge\'s destination' }).count()).toBe(0); // platform keys only
    expect(await form.getByLabel('SIP URI').isVisible()).toBe(false);
    expect(await form.getByRole('button', { name: 'Use the bridge\'s destination…' }).isDisabled()).toBe(true);

    await form.getByLabel('Callers go to').selectOption('sip');
    expect(await form.getByLabel('Room header').inputValue()).toBe('X-Jitsi-Conference-Room');
    // a refusal, in words beside the button, and nothing stored
    await form.getByLabel('SIP URI').fill('https://not-sip.example.com');
    await form.getByRole('button', { name: 'Save destination' }).click();
    await expect.poll(() => form.locator('[data-ref=result]').innerText()).toMatch(/^Please check: SIP URI: .+\.$/);
    expect(await stored()).toBeUndefined();
    w.expectOnly(/HTTP 422: PUT/, /status of 422/);

    await form.getByLabel('SIP URI').fill(JIGASI);
    await form.getByLabel('SIP username').fill('attendant');
    await form.getByLabel('SIP password').fill('sip-secret-4711');
    await form.getByLabel('SIP password').press('Enter');
    await expect.poll(() => form.locator('[data-ref=result]').innerText()).toBe(`Saved. This tenant sends callers to ${JIGASI} (room in X-Jitsi-Conference-Room).`);
    expect(puts.at(-1)).toEqual({ kind: 'sip', uriTemplate: JIGASI, roomHeader: 'X-Jitsi-Conference-Room', roleHeader: null, sipAuth: { username: 'attendant', password: 'sip-secret-4711' } });
    expect(await form.getByLabel('SIP password').inputValue()).toBe(''); // never shown again
    expect(await form.locator('[data-ref=auth-state]').innerText()).toContain('a password is set');
    expect(await expectStatus(live.h.api.get(`${tenantPath()}/destination`), 200)).toMatchObject({ scope: 'tenant', kind: 'sip', uriTemplate: JIGASI, sipAuth: { username: 'attendant' } });
    expect(JSON.stringify(await stored())).not.toContain('sip-secret-4711'); // sealed at rest
    let c = await call();
    expect(c.state).toBe('sip');
    expect(c.sip!.uri.split('?')[0]).toBe(JIGASI);
    expect(c.sip!.sipAttrs).toEqual({ username: 'attendant', password: 'sip-secret-4711' });

    // a change that leaves the password empty keeps it; a room password is added beside it
    await form.getByLabel('Room-password header').fill('X-Jitsi-Conference-Room-Pass');
    await form.getByLabel('Room password', { exact: true }).fill('room-pass-99');
    await form.getByRole('button', { name: 'Save destination' }).click();
    await expect.poll(() => form.locator('[data-ref=room-password-state]').innerText()).toContain('a password is set');
    expect(puts.at(-1)).toEqual({
      kind: 'sip', uriTemplate: JIGASI, roomHeader: 'X-Jitsi-Conference-Room', roleHeader: null, roomPassword: { header: 'X-Jitsi-Conference-Room-Pass', password: 'room-pass-99' },
    });
    c = await call();
    expect(c.sip!.sipAttrs).toEqual({ username: 'attendant', password: 'sip-secret-4711' });
    expect(c.sip!.headers['X-Jitsi-Conference-Room-Pass']).toBe('room-pass-99');

    // a new username without its password is said before anything is sent
    const sent = puts.length;
    await form.getByLabel('SIP username').fill('someone-else');
    await form.getByRole('button', { name: 'Save destination' }).click();
    await expect.poll(() => form.locator('[data-ref=result]').innerText()).toContain('Type the SIP password that goes with the username');
    expect(puts).toHaveLength(sent);

    // removing the credentials
    await form.getByLabel('Remove the SIP credentials').check();
    expect(await form.getByLabel('SIP username').isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Save destination' }).click();
    await expect.poll(() => form.locator('[data-ref=auth-state]').innerText()).toBe('(none set)');
    expect((await expectStatus(live.h.api.get(`${tenantPath()}/destination`), 200)).sipAuth).toBeNull();
    expect((await call()).sip!.sipAttrs).toEqual({});
    const audit = (await expectStatus(live.h.api.get(`${tenantPath()}/audit-events?limit=50`), 200)).items.filter((e: { action: string }) => e.action === 'destination.updated');
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toMatch(/sip-secret-4711|room-pass-99/);
    w.expectOnly();
    await w.close();
  });

  it('shows a platform key the bridge\'s destination too: the tenant\'s own wins, and removing it falls back', async () => {
    const w = await openAs(BOOTSTRAP_KEY);
    const tenantForm = w.page.getByRole('form', { name: 'This tenant\'s destination' });
    const bridgeForm = w.page.getByRole('form', { name: 'The bridge\'s destination' });
    await bridgeForm.waitFor();
    expect(await bridgeForm.locator('[data-ref=current]').innerText()).toContain('The bridge has no destination');
    await bridgeForm.getByLabel('Callers go to').selectOption('sip');
    await bridgeForm.getByLabel('SIP URI').fill(BRIDGE_SIP);
    await bridgeForm.getByLabel('Room header').fill('X-Room-Name');
    await bridgeForm.getByRole('button', { name: 'Save destination' }).click();
    await expect.poll(() => bridgeForm.locator('[data-ref=result]').innerText()).toBe(`Saved. The bridge sends callers to ${BRIDGE_SIP} (room in X-Room-Name).`);
    expect(await expectStatus(live.h.api.get(`/api/v1/bridges/${p.bridge.id}/destination`), 200)).toMatchObject({ scope: 'bridge', uriTemplate: BRIDGE_SIP });
    expect((await call()).sip!.uri.split('?')[0]).toBe(JIGASI); // the tenant's own still wins

    await tenantForm.getByRole('button', { name: 'Use the bridge\'s destination…' }).click();
    const confirm = w.page.getByRole('dialog', { name: 'Use the bridge\'s destination?' });
    await confirm.waitFor();
    await w.page.keyboard.press('Enter');
    await expect.poll(() => tenantForm.locator('[data-ref=current]').innerText()).toBe(`This tenant has no destination of its own: it uses its bridge's, ${BRIDGE_SIP} (room in X-Room-Name).`);
    expect((await expectStatus(live.h.api.get(`${tenantPath()}/destination`), 200)).scope).toBe('bridge');
    const c = await call();
    expect(c.sip!.uri.split('?')[0]).toBe(BRIDGE_SIP);
    expect(Object.keys(c.sip!.headers)).toEqual(['X-Room-Name']);

    await bridgeForm.getByRole('button', { name: 'Remove the bridge\'s destination…' }).click();
    await w.page.getByRole('dialog', { name: 'Remove the bridge\'s destination?' }).getByRole('button', { name: 'Remove destination' }).click();
    await expect.poll(() => bridgeForm.locator('[data-ref=result]').innerText()).toContain('Removed.');
    expect((await expectStatus(live.h.api.get(`${tenantPath()}/destination`), 200)).scope).toBe('default');
    expect((await call()).state).toBe('conference');
    w.expectOnly();
    await w.close();
  });

  it('adds a Jitsi integration, shows the two config.js URLs, edits it, resets a room\'s ID and deletes it', async () => {
    const w = await openAs(adminKey);
    const form = w.page.getByRole('form', { name: 'Add a Jitsi integration' });
    expect(await w.page.locator('[data-ref=integration-rows]').innerText()).toContain('No Jitsi deployment uses this tenant yet');
    await form.getByLabel('Integration name').fill('meet.example.com');
    await form.getByLabel('MUC domains').fill('not a domain');
    await form.getByRole('button', { name: 'Add integration' }).click();
    await expect.poll(() => form.locator('[data-ref=integration-result]').innerText()).toMatch(/^Please check: MUC domains #1: must be a MUC domain/);
    w.expectOnly(/HTTP 422: POST/, /status of 422/);

    await form.getByLabel('MUC domains').fill(MUC);
    await form.getByLabel('Allowed origins').fill(ORIGIN);
    await form.getByRole('button', { name: 'Add integration' }).click();
    await expect.poll(() => w.page.locator('[data-ref=integration-result]').innerText()).toBe('meet.example.com is added. Its config.js lines are shown above.');
    const [made] = (await expectStatus(live.h.api.get(`${tenantPath()}/jitsi-integrations`), 200)).items;
    expect(made).toMatchObject({ name: 'meet.example.com', mucDomains: [MUC], allowedOrigins: [ORIGIN] });
    expect(await w.page.locator('[data-ref=config-text]').innerText())
      .toBe(`dialInConfCodeUrl: '${made.dialInConfCodeUrl}',\ndialInNumbersUrl: '${made.dialInNumbersUrl}',`);
    expect(made.dialInConfCodeUrl).toBe(`https://attendant.example.com/jitsi/${made.id}/conferenceMapper`);
    const row = w.page.locator(`tr[data-integration="${made.id}"]`);
    await row.getByRole('button', { name: 'The config.js lines of meet.example.com' }).press('Enter');
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute('data-ref'))).toBe('config-text');
    expect(await row.innerText()).toMatch(new RegExp(`${MUC}.*${ORIGIN.replace(/\./g, '\\.')}.*0 of [\\d,]+`, 's'));

    // Jitsi Meet asks for two rooms' IDs; the console lists them and resets one
    const mapper = async (room: string) => (await expectStatus(
      supertest(live.h.app).get(`/jitsi/${made.id}/conferenceMapper?conference=${room}@${MUC}`).set('origin', ORIGIN), 200)).id as number;
    const weekly = await mapper('weeklyplanning');
    const standup = await mapper('standup');
    await row.getByRole('button', { name: 'The rooms of meet.example.com' }).click();
    const rooms = w.page.locator('[data-ref=room-rows] tr');
    await expect.poll(() => rooms.count()).toBe(2);
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.textContent)).toBe('Rooms of meet.example.com');
    const weeklyRow = rooms.filter({ hasText: `weeklyplanning@${MUC}` });
    expect(await weeklyRow.innerText()).toContain(String(weekly));
    await weeklyRow.getByRole('button', { name: `Reset the ID of weeklyplanning@${MUC}` }).click();
    const confirm = w.page.getByRole('dialog', { name: `Reset the conference ID of weeklyplanning@${MUC}?` });
    await confirm.waitFor();
    await w.page.keyboard.press('Escape'); // nothing happens
    await confirm.waitFor({ state: 'hidden' });
    const roomsApi = async () => (await expectStatus(live.h.api.get(`${tenantPath()}/jitsi-integrations/${made.id}/rooms`), 200)).items as { conference: string; conferenceId: string | null }[];
    expect((await roomsApi()).every((r) => r.conferenceId !== null)).toBe(true);
    await weeklyRow.getByRole('button', { name: `Reset the ID of weeklyplanning@${MUC}` }).click();
    await confirm.getByRole('button', { name: 'Reset ID' }).click();
    await expect.poll(() => w.page.locator('[data-ref=rooms-result]').innerText())
      .toBe(`${weekly} of weeklyplanning@${MUC} is refused from now on; the room gets a new ID at its next lookup.`);
    expect(await weeklyRow.locator('td').nth(1).innerText()).toBe('– (reset)');
    expect(await weeklyRow.getByRole('button', { name: `Reset the ID of weeklyplanning@${MUC}` }).isDisabled()).toBe(true);
    expect(Object.fromEntries((await roomsApi()).map((r) => [r.conference, r.conferenceId]))).toEqual({ [`weeklyplanning@${MUC}`]: null, [`standup@${MUC}`]: String(standup) });
    expect(await live.h.services.directory.lookupConferenceId(p.bridge.id, weekly)).toMatchObject({ status: 'retired' });

    // edit: only what changed is sent
    const patches: unknown[] = [];
    w.page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.postDataJSON()); });
    await row.getByRole('button', { name: 'Edit meet.example.com' }).click();
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute('data-ref'))).toBe('integration-name');
    const editForm = w.page.getByRole('form', { name: 'Edit meet.example.com' });
    await editForm.getByLabel('Allowed origins').fill(`${ORIGIN}\nhttps://meet2.example.com`);
    await editForm.getByRole('button', { name: 'Save integration' }).click();
    await expect.poll(() => w.page.locator('[data-ref=integration-result]').innerText()).toBe('meet.example.com is saved. Its config.js lines are shown above.');
    expect(patches).toEqual([{ allowedOrigins: [ORIGIN, 'https://meet2.example.com'] }]);
    expect((await expectStatus(live.h.api.get(`${tenantPath()}/jitsi-integrations/${made.id}`), 200)).allowedOrigins).toEqual([ORIGIN, 'https://meet2.example.com']);
    await expect.poll(() => row.innerText()).toContain('https://meet2.example.com');
    await screenshot(w.page, 'console-meetings-1280', { forDocs: true, fullPage: true });

    // delete: confirmed, the rooms' IDs are refused at once
    await row.getByRole('button', { name: 'Delete meet.example.com' }).click();
    const del = w.page.getByRole('dialog', { name: 'Delete the integration meet.example.com?' });
    expect(await del.innerText()).toContain('the 1 conference IDs its rooms hold are refused at once');
    await del.getByRole('button', { name: 'Delete integration' }).click();
    await expect.poll(() => w.page.locator('[data-ref=integrations-result]').innerText()).toBe('meet.example.com is deleted; its rooms\' conference IDs are refused from now on.');
    expect((await expectStatus(live.h.api.get(`${tenantPath()}/jitsi-integrations`), 200)).items).toEqual([]);
    expect(await live.h.services.directory.lookupConferenceId(p.bridge.id, standup)).toMatchObject({ status: 'retired' });
    expect(await w.page.locator('[data-ref=rooms]').isHidden()).toBe(true);
    expect(await w.page.locator('[data-ref=config]').isHidden()).toBe(true);
    w.expectOnly();
    await w.close();
  });

  it('shows a read-only key everything, changing nothing, and the audit log in words', async () => {
    await expectStatus(live.h.api.post(`${tenantPath()}/jitsi-integrations`, { name: 'meet.example.com', mucDomains: [MUC], allowedOrigins: [ORIGIN] }), 201);
    const ro = (await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'auditor', tenantId: p.tenant.id, readOnly: true }), 201)).key;
    const w = await openAs(ro);
    expect(await w.page.getByText('This key is read-only').isVisible()).toBe(true);
    const form = w.page.getByRole('form', { name: 'This tenant\'s destination' });
    expect(await form.getByLabel('Callers go to').isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Save destination' }).isDisabled()).toBe(true);
    await w.page.locator('[data-ref=integration-rows] tr[data-integration]').waitFor();
    expect(await w.page.getByRole('button', { name: 'Edit meet.example.com' }).isDisabled()).toBe(true);
    expect(await w.page.getByRole('button', { name: 'Delete meet.example.com' }).isDisabled()).toBe(true);
    expect(await w.page.getByLabel('Integration name').isDisabled()).toBe(true);
    expect(await w.page.locator('[data-ref=config-text]').innerText()).toContain('dialInConfCodeUrl');

    // the audit log says what changed, in words, with passwords only as set, kept or removed
    await w.page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const cells = async (action: string) => w.page.locator(`tr[data-action="${action}"]`).first().locator('td').allInnerTexts();
    await w.page.locator('tr[data-action="destination.updated"]').first().waitFor();
    expect((await cells('destination.updated')).slice(1)).toEqual([
      'Contoso admin', 'Changed the meeting destination', '–', `${JIGASI}, room in X-Jitsi-Conference-Room; SIP credentials removed; room password kept`,
    ]);
    expect((await cells('destination.removed')).slice(1, 3)).toEqual(['bootstrap', 'Removed the meeting destination']);
    expect((await cells('conference_id.reset')).slice(1)).toEqual([
      'Contoso admin', 'Reset the conference ID', expect.stringMatching(new RegExp(`^ID \\d{7} of weeklyplanning@${MUC}$`)), 'a new ID at the room\'s next lookup',
    ]);
    expect((await cells('jitsi_integration.deleted')).slice(2)).toEqual(['Deleted a Jitsi integration', '–', 'deleted; 1 conference IDs refused from now on']);
    expect((await cells('jitsi_integration.updated')).slice(4)).toEqual([`origins ${ORIGIN}, https://meet2.example.com`]);
    w.expectOnly();
    await w.close();
  });

  it('at 1280 and 390 pixels (screenshots), usable from the keyboard', async () => {
    for (const [name, viewport] of [['console-meetings-1280-top', undefined], ['console-meetings-390', NARROW]] as const) {
      const w = await openAs(BOOTSTRAP_KEY, viewport);
      await w.page.locator('[data-ref=integration-rows] tr[data-integration]').waitFor();
      await w.page.waitForLoadState('networkidle');
      await screenshot(w.page, name, { forDocs: name.endsWith('390') });
      await screenshot(w.page, `${name}-full`, { fullPage: true });
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      w.expectOnly();
      await w.close();
    }
    // from the heading, Tab reaches the destination form's first control
    const w = await openAs(adminKey);
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await w.page.keyboard.press('Tab');
    expect(await w.page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.labels?.[0]?.textContent?.split('\n')[0]?.trim())).toBe('Callers go to');
    await w.page.keyboard.press('Tab');
    expect(await w.page.evaluate(() => document.activeElement?.textContent)).toBe('Save destination');
    w.expectOnly();
    await w.close();
  });
});
