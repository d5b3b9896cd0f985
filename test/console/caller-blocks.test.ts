// Blocked callers on the dial-in numbers page (platform keys): a number blocked by real signed
// calls with wrong IDs is looked up, its block shown and lifted after a confirmation, and its
// next call is answered again. Offered only when the server has GET and DELETE /caller-blocks/{n}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { SimulatedCall } from '../../src/simulator/index.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, expectStatus, provision, type Provisioned } from '../support/harness.js';
import { NARROW, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

const blockRoute = (method: string) => ENDPOINTS.find((e) => e.method === method && /^\/caller-blocks\/:[A-Za-z]+$/.test(e.path));
const hasCallerBlocks = !!blockRoute('get') && !!blockRoute('delete');

describe('blocked callers', () => {
  let live: LiveConsole;
  let p: Provisioned;

  beforeAll(async () => {
    live = await startConsole('console_blocks');
    p = await provision(live.h, { users: 1, tenant: { name: 'Contoso' } });
  }, 120_000);
  afterAll(async () => { await live?.close(); });

  async function openNumbers(key = BOOTSTRAP_KEY, viewport?: { width: number; height: number }) {
    const w = await WatchedPage.open(live, viewport);
    await signIn(w.page, live.base, key, `#/t/${p.tenant.id}/numbers`);
    await w.page.getByRole('heading', { name: 'Dial-in numbers' }).waitFor();
    await w.page.waitForLoadState('networkidle');
    return w;
  }

  /** A caller from `from` who enters wrong IDs until the call ends. */
  async function wrongCall(from: string) {
    const c = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number, from });
    await c.dial();
    while (c.state === 'gathering') await c.press('1000001#');
    return c;
  }

  it.runIf(!hasCallerBlocks)('offers no lookup while the server has no caller-block routes', async () => {
    const w = await openNumbers();
    expect(await w.page.getByRole('heading', { name: 'Blocked callers' }).count()).toBe(0);
    w.expectOnly();
    await w.close();
  });

  it.runIf(hasCallerBlocks)('looks a blocked number up, lifts the block, and its next call is answered', async () => {
    const from = '+14155550199';
    for (let k = 0; k < 5; k++) await wrongCall(from);
    const blockedCall = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number, from });
    await blockedCall.dial();
    expect(blockedCall.state).toBe('ended'); // blocked: hung up without a prompt
    const path = `/api/v1/caller-blocks/${encodeURIComponent(from)}`;
    await expectStatus(live.h.api.get(path), 200);

    const w = await openNumbers();
    const form = w.page.getByRole('form', { name: 'Blocked callers' });
    await form.getByLabel('Calling number').fill(from);
    await form.getByLabel('Calling number').press('Enter');
    await expect.poll(() => form.locator('[data-ref=block-result]').innerText()).toBe(`${from} is blocked.`);
    const facts = form.locator('[data-ref=block-facts]');
    expect(await facts.isVisible()).toBe(true);
    const answer = (await expectStatus(live.h.api.get(path), 200));
    if (Array.isArray(answer.bridges)) { // per bridge, named: { caller, bridges: [{ bridgeId, failures, limit, blocked, blockedUntil }] }
      const bridgeName = (await expectStatus(live.h.api.get(`/api/v1/bridges/${p.bridge.id}`), 200)).name as string;
      expect(await facts.innerText()).toMatch(new RegExp(`${bridgeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(this tenant's bridge\\)\\s+blocked until .+; \\d+ failed entries \\(limit \\d+\\)`));
    }
    await form.getByRole('button', { name: 'Lift the block…' }).click();
    const confirm = w.page.getByRole('dialog', { name: `Lift the block of ${from}?` });
    await confirm.waitFor();
    await w.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await form.getByRole('button', { name: 'Lift the block…' }).click();
    await confirm.getByRole('button', { name: 'Lift the block' }).click();
    await expect.poll(() => form.locator('[data-ref=lift-result]').innerText()).toBe(`The block of ${from} is lifted: its calls are answered again.`);
    const after = await live.h.api.get(path);
    const lifted = after.status === 404 || after.body.blocked === false
      || (Array.isArray(after.body.bridges) && after.body.bridges.every((b: { blocked: boolean }) => !b.blocked));
    expect(lifted, JSON.stringify(after.body)).toBe(true);
    const answered = new SimulatedCall({ serviceUrl: live.base, publicBaseUrl: live.h.config.publicBaseUrl, authToken: AUTH_TOKEN, to: p.number, from });
    await answered.dial();
    expect(answered.state).toBe('gathering');

    // a number that is not blocked says so
    await form.getByLabel('Calling number').fill('+14155550100');
    await form.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => form.locator('[data-ref=block-result]').innerText()).toBe('+14155550100 is not blocked.');
    expect(await form.getByRole('button', { name: 'Lift the block…' }).isHidden()).toBe(true);
    w.expectOnly(/HTTP 404: GET \/api\/v1\/caller-blocks/, /status of 404/);
    await w.close();
  });

  it.runIf(hasCallerBlocks)('is not offered to tenant keys, and fits 390 pixels', async () => {
    const key = (await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id }), 201)).key;
    let w = await openNumbers(key);
    expect(await w.page.getByRole('heading', { name: 'Blocked callers' }).count()).toBe(0);
    w.expectOnly();
    await w.close();
    w = await openNumbers(BOOTSTRAP_KEY, NARROW);
    expect(await w.page.getByRole('heading', { name: 'Blocked callers' }).isVisible()).toBe(true);
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    w.expectOnly();
    await w.close();
  });
});
