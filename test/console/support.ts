// The admin console in headless Chromium against a live service (the app on a real port, over
// a database of the file's own): starting it, pages that record every script error, policy
// violation and failed request, signing in, and screenshots. Chromium must be at
// /usr/bin/chromium (test/support/chromium.ts): without it these tests fail, never skip.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { launchChromium, requireChromium } from '../support/chromium.js';
import { privateDatabase } from '../support/private-db.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };

/**
 * Compiles the console's modules as `npm run build` does, into dist/web/console. Test files run
 * in parallel, so each compiles into a folder of its own and moves the files in one by one
 * (a rename is atomic: the server never reads a half-written module).
 */
export function buildConsole(): void {
  const out = mkdtempSync(path.join(tmpdir(), 'console-build-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.web.json', '--outDir', out], { cwd: ROOT });
    const copy = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const entry of readdirSync(from, { withFileTypes: true })) {
        if (entry.isDirectory()) copy(path.join(from, entry.name), path.join(to, entry.name));
        else {
          const staged = path.join(to, `.${entry.name}.${process.pid}`);
          copyFileSync(path.join(from, entry.name), staged);
          renameSync(staged, path.join(to, entry.name));
        }
      }
    };
    copy(out, path.join(ROOT, 'dist/web'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface LiveConsole {
  h: Harness;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The service on a real port over a private database, and a browser. */
export async function startConsole(tag: string): Promise<LiveConsole> {
  requireChromium();
  buildConsole();
  const db = await privateDatabase(tag);
  const h = await createHarness({ databaseUrl: db.url });
  const server: Server = h.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  return {
    h, base, browser,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      await h.close();
      await db.drop();
    },
  };
}

/** A tab that records what an admin must never meet: script errors, policy violations, failed requests. */
export class WatchedPage {
  readonly problems: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') this.problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => this.problems.push(`script error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // ERR_ABORTED is a request cancelled on purpose: the console aborts a page's requests when
      // the admin leaves it or signs out, and a reload cancels them too. Nothing an admin meets.
      const why = r.failure()?.errorText ?? '';
      if (why !== 'net::ERR_ABORTED') this.problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
    });
    page.on('response', (r) => { if (r.status() >= 400) this.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${new URL(r.url()).pathname}`); });
  }

  static async open(live: LiveConsole, viewport = WIDE): Promise<WatchedPage> {
    const context = await live.browser.newContext({ viewport });
    return new WatchedPage(await context.newPage());
  }

  /** Takes the problems seen so far that match `expected` (a deliberate refusal); any other fails. */
  expectOnly(...expected: RegExp[]): void {
    const unexpected = this.problems.filter((p) => !expected.some((e) => e.test(p)));
    this.problems.length = 0;
    expect(unexpected).toEqual([]);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

export async function signIn(page: Page, base: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${base}/admin${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Saves a screenshot under test-results/console/; with UPDATE_SCREENSHOTS=1 also under
 * docs/images/ (the ones docs/console.md shows), so a run refreshes them on purpose only.
 */
export async function screenshot(page: Page, name: string, { forDocs = false, fullPage = false } = {}): Promise<string> {
  const dir = path.join(ROOT, 'test-results/console');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (forDocs && process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
    copyFileSync(file, path.join(ROOT, 'docs/images', `${name}.png`));
  }
  return file;
}
