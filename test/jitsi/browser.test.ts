// Jitsi Meet's dial-in requests made by a real browser (headless Chromium), from a page at an
// allowed origin and from one at another origin: the browser, not a model of it, enforces CORS
// and sends the fetch metadata. The page does what jitsi-meet's client does (_utils.ts
// getDialInConferenceID / getDialInNumbers through httpUtils.ts doGetJSON: fetch, then JSON).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { expectStatus } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';
import { local, MUC, setupJitsi, type JitsiSetup } from './support.js';

// What the page runs: the client's two requests (room not encoded, as Jitsi Meet sends it).
const PAGE = `<!doctype html><meta charset="utf-8"><title>meet</title><script>
async function doGetJSON(url) {
  const response = await fetch(url);
  const json = await response.json();
  if (response.ok) return json;
  throw json;
}
window.dialIn = async (confCodeUrl, numbersUrl, room, muc) => {
  const settle = (p) => p.then((value) => ({ value }), (e) => ({ error: e instanceof Error ? e.name + ': ' + e.message : e }));
  const [numbers, mapped] = await Promise.all([
    settle(doGetJSON(numbersUrl + '?conference=' + room + '@' + muc)),
    settle(doGetJSON(confCodeUrl + '?conference=' + room + '@' + muc + '&url=' + location.origin + '/' + room)),
  ]);
  return { numbers, mapped };
};
window.image = (src) => new Promise((resolve) => { const i = new Image(); i.onload = i.onerror = () => resolve(); i.src = src; });
</script>`;

describe('the dial-in requests in Chromium', () => {
  let h: VoiceHarness;
  let pages: Server;
  let port: number;
  let browser: Browser;
  let s: JitsiSetup;

  beforeAll(async () => {
    h = await createVoiceHarness();
    pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
    port = (pages.address() as AddressInfo).port;
    s = await setupJitsi(h, { integration: { allowedOrigins: [`http://127.0.0.1:${port}`] } });
    browser = await launchChromium(); // fails, never skips, without Chromium
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => pages?.close(r));
    await h?.close();
  });

  async function fromPage(origin: string, room: string) {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/${room}`);
      return await page.evaluate(([c, n, r, m]) => (window as unknown as { dialIn: (...a: string[]) => Promise<unknown> }).dialIn(c!, n!, r!, m!),
        [local(h, s.integration.dialInConfCodeUrl), local(h, s.integration.dialInNumbersUrl), room, MUC]) as { numbers: { value?: unknown; error?: unknown }; mapped: { value?: unknown; error?: unknown } };
    } finally {
      await page.close();
    }
  }

  const rooms = async () => (await expectStatus(h.api.get(`/api/v1/tenants/${s.tenant.id}/jitsi-integrations/${s.integration.id}/rooms`), 200)).items as { conference: string }[];

  it('a page at the allowed origin reads the conference ID and the numbers', async () => {
    const { numbers, mapped } = await fromPage(`http://127.0.0.1:${port}`, 'browserroom');
    expect(mapped.error).toBeUndefined();
    expect(mapped.value).toMatchObject({ conference: `browserroom@${MUC}`, id: expect.any(Number) });
    expect(numbers.value).toEqual([expect.objectContaining({ countryCode: 'US', tollFree: false, default: true })]);
  }, 60_000);

  it('a page at any other origin reads nothing, and makes the service store nothing', async () => {
    const before = (await rooms()).length;
    // localhost is another origin (and another site) than 127.0.0.1
    const { numbers, mapped } = await fromPage(`http://localhost:${port}`, 'strangerroom');
    expect(mapped.error).toMatch(/^TypeError/);
    expect(numbers.error).toMatch(/^TypeError/);
    // nor can it make a browser ask without CORS (an image needs none, and has no Origin on a GET)
    const page = await browser.newPage();
    await page.goto(`http://localhost:${port}/x`);
    await page.evaluate((src) => (window as unknown as { image: (s: string) => Promise<void> }).image(src), `${local(h, s.integration.dialInConfCodeUrl)}?conference=imageroom@${MUC}`);
    await page.close();
    expect((await rooms()).map((r) => r.conference)).not.toEqual(expect.arrayContaining([`strangerroom@${MUC}`]));
    expect((await rooms()).map((r) => r.conference)).not.toEqual(expect.arrayContaining([`imageroom@${MUC}`]));
    expect((await rooms()).length).toBe(before);
  }, 60_000);
});
