// The API documentation page (/docs) in Chromium: it renders under its own policy (an inline
// stylesheet allowed by its hash) with no violations.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.js';
import { launchChromium } from '../support/chromium.js';

describe('the API documentation page in Chromium', () => {
  it('renders under its policy with no violations', async () => {
    const h = await createHarness();
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const browser = await launchChromium();
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
