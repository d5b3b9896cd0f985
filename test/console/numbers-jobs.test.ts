// Dial-in numbers and bridges in Chromium (changed by platform keys; tenant keys are told where
// to look, without requests the API would refuse), and jobs with live progress: a bulk reset
// followed while an outbox worker runs it, paused and resumed, until it succeeds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker } from '../../src/worker.js';
import { BOOTSTRAP_KEY, expectStatus, freshNumber, provision, type Provisioned } from '../support/harness.js';
import { eventually } from '../support/private-db.js';
import { screenshot, signIn, startConsole, WatchedPage, type LiveConsole } from './support.js';

describe('dial-in numbers, bridges and jobs', () => {
  let live: LiveConsole;
  let p: Provisioned;
  const workers: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    live = await startConsole('console_numbers');
    p = await provision(live.h, { users: 12, tenant: { name: 'Contoso' } });
  }, 120_000);
  afterEach(async () => { await Promise.all(workers.splice(0).map((w) => w.stop())); });
  afterAll(async () => { await live?.close(); });

  function startWorker() {
    const w = buildOutboxWorker(live.h.services, {
      mailer: null, idlePollMs: 30, sweepEveryMs: 3_600_000,
      backoff: { firstDelayMs: 100, maxDelayMs: 500, giveUpAfterMs: 60_000 },
      jobs: { batchSize: 1, parallelism: 1 },
    });
    w.worker.start();
    workers.push(w);
    return w;
  }

  async function openAs(key: string, page: string) {
    const w = await WatchedPage.open(live);
    await signIn(w.page, live.base, key, `#/t/${p.tenant.id}/${page}`);
    await w.page.locator('h1:focus').waitFor();
    return w;
  }
  const numberRow = (w: WatchedPage, n: string) => w.page.locator(`tr[data-number="${n}"]`);

  it('lets a platform key add, edit and delete numbers and set the bridge\'s defaults', async () => {
    const w = await openAs(BOOTSTRAP_KEY, 'numbers');
    await numberRow(w, p.number).waitFor();
    expect(await numberRow(w, p.number).innerText()).toMatch(/default[\s\S]*Toll[\s\S]*en-US[\s\S]*Springfield, US/);

    const added = freshNumber();
    await w.page.getByLabel('Number (E.164)').fill(added);
    await w.page.getByLabel('Type').selectOption('toll_free');
    await w.page.getByLabel('Other languages').fill('es-US, fr-CA');
    await w.page.getByLabel('City').fill('Shelbyville');
    await w.page.getByLabel('Country').fill('us');
    await w.page.getByRole('button', { name: 'Save number' }).click();
    await expect.poll(() => w.page.locator('[data-ref=number-result]').innerText()).toBe(`${added} is saved on this bridge.`);
    await numberRow(w, added).waitFor();
    expect(await expectStatus(live.h.api.get(`/api/v1/dial-in-numbers/${encodeURIComponent(added)}`), 200))
      .toMatchObject({ bridgeId: p.bridge.id, type: 'toll_free', primaryLanguage: 'en-US', secondaryLanguages: ['es-US', 'fr-CA'], city: 'Shelbyville', country: 'US' });

    // a refusal in words, next to the button: a language the prompts do not have
    await numberRow(w, added).getByRole('button', { name: `Edit ${added}` }).click();
    expect(await w.page.getByLabel('Number (E.164)').inputValue()).toBe(added);
    await w.page.getByLabel('Other languages').fill('xx-XX');
    await w.page.getByRole('button', { name: 'Save number' }).click();
    await expect.poll(() => w.page.locator('[data-ref=number-result]').innerText()).toBe('Please check: Other languages #1: XX is not an ISO 3166 country code.');
    w.expectOnly(/HTTP 422: PUT/, /status of 422/);
    await w.page.getByLabel('Other languages').fill('es-US');
    await w.page.getByRole('button', { name: 'Save number' }).click();
    await expect.poll(() => numberRow(w, added).locator('td[data-label=Languages]').innerText()).toBe('en-US, es-US');

    // the new number becomes the default toll-free number
    await w.page.getByLabel('Default toll-free number').selectOption(added);
    await w.page.getByRole('button', { name: 'Save bridge' }).click();
    await expect.poll(() => w.page.locator('[data-ref=bridge-result]').innerText()).toContain('The bridge is saved');
    expect((await expectStatus(live.h.api.get(`/api/v1/bridges/${p.bridge.id}`), 200)).defaultTollFreeNumber).toBe(added);
    expect((await expectStatus(live.h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}`), 200)).tollFreeNumber).toBe(added);

    // a default cannot be deleted: said in words; after clearing the default it can
    await numberRow(w, added).getByRole('button', { name: `Delete ${added}` }).click();
    await w.page.getByRole('dialog', { name: `Delete ${added}?` }).getByRole('button', { name: 'Delete number' }).click();
    await expect.poll(() => w.page.locator('[data-ref=rows-result]').innerText()).toMatch(/^Number in use: .+\.$/);
    w.expectOnly(/HTTP 409: DELETE/, /status of 409/);
    await w.page.getByLabel('Default toll-free number').selectOption('');
    await w.page.getByRole('button', { name: 'Save bridge' }).click();
    await expect.poll(() => w.page.locator('[data-ref=bridge-result]').innerText()).toContain('The bridge is saved');
    await numberRow(w, added).getByRole('button', { name: `Delete ${added}` }).click();
    await w.page.keyboard.press('Enter');
    await numberRow(w, added).waitFor({ state: 'detached' });
    expect(await w.page.locator('[data-ref=rows-result]').innerText()).toBe(`${added} is deleted.`);
    expect(await w.page.getByRole('heading', { name: 'Add a number' }).isVisible()).toBe(true); // no longer editing it
    expect(await w.page.getByLabel('Number (E.164)').inputValue()).toBe('');
    await expectStatus(live.h.api.get(`/api/v1/dial-in-numbers/${encodeURIComponent(added)}`), 404);
    await screenshot(w.page, 'console-numbers-1280', { fullPage: true });
    w.expectOnly();
    await w.close();
  });

  it('shows a tenant key its bridge and numbers, read only, asking the API nothing it would refuse', async () => {
    const added = freshNumber();
    await expectStatus(live.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(added)}`, { bridgeId: p.bridge.id, type: 'toll_free', primaryLanguage: 'fr-CA', city: 'Montréal', country: 'CA' }), 201);
    const key = await expectStatus(live.h.api.post('/api/v1/api-keys', { name: 'Contoso admin', tenantId: p.tenant.id, readOnly: true }), 201);
    const w = await openAs(key.key, 'numbers');
    await numberRow(w, added).waitFor();
    expect(await w.page.locator('[data-ref=intro]').innerText()).toContain('changed with a platform key');
    const { bridge, items } = await expectStatus(live.h.api.get(`/api/v1/tenants/${p.tenant.id}/dial-in-numbers`), 200);
    expect(await w.page.locator('[data-ref=intro]').innerText()).toContain(bridge.name);
    expect(await w.page.locator('[data-ref=readonly-rows] tr').count()).toBe(items.length);
    expect(await numberRow(w, added).innerText()).toMatch(/Toll-free[\s\S]*fr-CA[\s\S]*Montréal, CA/);
    if (bridge.defaultTollNumber) expect(await w.page.locator('[data-ref=readonly-defaults]').innerText()).toContain(bridge.defaultTollNumber);
    expect(await w.page.getByRole('button', { name: 'Save number' }).isHidden()).toBe(true);
    expect(await w.page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    await w.page.waitForLoadState('networkidle');
    w.expectOnly(); // no 403 from /bridges or /dial-in-numbers
    await screenshot(w.page, 'console-numbers-tenant', { fullPage: true });
    await w.close();
  });

  it('follows a job\'s progress live, and stops asking once it has finished or the page is left', async () => {
    const w = await openAs(BOOTSTRAP_KEY, 'jobs');
    expect(await w.page.locator('[data-ref=status]').innerText()).toContain('No jobs yet');
    const { jobId } = await expectStatus(live.h.api.post(`/api/v1/tenants/${p.tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
    await w.page.reload();
    const row = w.page.locator(`tr[data-job="${jobId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Bulk conference ID reset[\s\S]*queued[\s\S]*0 of 12 done/);
    const polls: string[] = [];
    w.page.on('request', (r) => { if (r.url().includes(`/api/v1/jobs/${jobId}`)) polls.push(r.url()); });

    // part of the job runs, then the worker stops: the page shows what the API says, without a reload
    const first = startWorker();
    const job = () => expectStatus(live.h.api.get(`/api/v1/jobs/${jobId}`), 200);
    await eventually(job, (j) => j.succeeded >= 3, 20_000, 5);
    await first.stop();
    const paused = await job();
    expect(paused.status).toBe('running');
    expect(paused.succeeded).toBeLessThan(12);
    await expect.poll(() => row.innerText(), { timeout: 5000 }).toContain(`${paused.succeeded} of 12 done`);
    expect(await row.getAttribute('data-status')).toBe('running');
    expect(await row.locator('progress').evaluate((el: HTMLProgressElement) => [el.value, el.max])).toEqual([paused.succeeded, 12]);
    await screenshot(w.page, 'console-jobs-1280');

    startWorker();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    expect(await row.innerText()).toContain('12 of 12 done');
    expect(polls.length).toBeGreaterThan(1);
    const asked = polls.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(polls.length).toBe(asked); // finished: no more polling

    // a queued job is polled only while its page is shown
    await Promise.all(workers.splice(0).map((x) => x.stop()));
    const next = await expectStatus(live.h.api.post(`/api/v1/tenants/${p.tenant.id}/conference-id-resets`, { userIds: [p.users[0]!.id], sendEmail: false }), 202);
    await w.page.reload();
    await w.page.locator(`tr[data-job="${next.jobId}"]`).waitFor();
    const nextPolls: string[] = [];
    w.page.on('request', (r) => { if (r.url().includes(`/api/v1/jobs/${next.jobId}`)) nextPolls.push(r.url()); });
    await expect.poll(() => nextPolls.length, { timeout: 5000 }).toBeGreaterThan(0);
    await w.page.getByRole('link', { name: 'Users' }).first().click();
    await w.page.getByRole('heading', { name: 'Users' }).waitFor();
    const afterLeaving = nextPolls.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(nextPolls.length).toBe(afterLeaving);
    w.expectOnly();
    await w.close();
  });

  it('starts a move of users to another default number from the numbers page, and follows it as a job', async () => {
    const spare = freshNumber();
    await expectStatus(live.h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(spare)}`, { bridgeId: p.bridge.id, type: 'toll' }), 201);
    startWorker();
    const w = await openAs(BOOTSTRAP_KEY, 'numbers');
    await numberRow(w, spare).waitFor();
    await w.page.getByLabel('From', { exact: true }).selectOption(p.number);
    await w.page.getByLabel('To', { exact: true }).selectOption(spare);
    await w.page.getByRole('button', { name: 'Move users' }).click();
    await expect.poll(() => w.page.locator('[data-ref=move-result]').innerText()).toContain(`from ${p.number} to ${spare}`);
    await w.page.getByRole('link', { name: 'Follow it on the Jobs page' }).click();
    const row = w.page.locator('tr', { hasText: 'Default number move' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await eventually(() => expectStatus(live.h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${p.users[5]!.id}`), 200), (u) => u.tollNumber === spare, 10_000);
    w.expectOnly();
    await w.close();
  });
});
