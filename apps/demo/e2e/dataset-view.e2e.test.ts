// End-to-end test of the Images tab's "Whole test set" panel in a real browser: builds the app with Vite, serves
// it with `vite preview` (with the Content-Security-Policy header) and drives Debian's chromium with
// playwright-core. Opening the panel shows one mean-attribution picture per digit class (10), captioned with the
// class counts of the committed summary, and the explainer ranking, with no CSP violation and no external request.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); DEMO_E2E_SKIP_BUILD=1 reuses an existing dist/.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import summary from '../src/dataset/digits-test-summary.json';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'vite.config.ts');
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let server: PreviewServer;
let browser: Browser;
let page: Page;
let origin = '';
const external: string[] = [];
const problems: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  if (process.env['DEMO_E2E_SKIP_BUILD'] !== '1') await build({ root, configFile, logLevel: 'error' });
  const port = await freePort();
  server = await preview({ root, configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.route(
    (url) => !url.href.startsWith(origin) && url.protocol !== 'blob:' && url.protocol !== 'data:',
    (route) => {
      external.push(route.request().url());
      return route.abort();
    },
  );
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|CSP violation/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  await page.goto(`${origin}/`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('demo Whole test set panel (vite preview build, Debian chromium)', () => {
  it('opening the panel shows 10 class maps with their counts and the explainer ranking', async () => {
    const body = page.locator('#dataset-view-body');
    expect(await body.getAttribute('data-state')).toBe('idle');
    await page.click('#dataset-view > summary');
    await page.waitForFunction(() => document.getElementById('dataset-view-body')!.dataset['state'] !== 'loading' && document.getElementById('dataset-view-body')!.dataset['state'] !== 'idle', null, { timeout: 60_000 });
    expect(await body.getAttribute('data-state'), (await body.textContent()) ?? '').toBe('ready');

    const figures = page.locator('#dataset-view .ds-class');
    expect(await figures.count()).toBe(10);
    const classes = await figures.evaluateAll((fs) => fs.map((f) => (f as HTMLElement).dataset['class']));
    expect(classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = await page.locator('#dataset-view .ds-count').allTextContents();
    expect(counts.map(Number)).toEqual(classes.map((c) => summary.perClass[c as keyof typeof summary.perClass].count));
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(200);
    // Every picture decoded in the page: a 28x28 map drawn larger.
    const sizes = await page.locator('#dataset-view .ds-class img').evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight, (i as HTMLImageElement).complete]));
    expect(sizes).toEqual(Array.from({ length: 10 }, () => [28, 28, true]));

    const ranking = page.locator('#dataset-view table.ds-ranking tbody tr');
    expect(await ranking.count()).toBe(summary.ranking.length);
    const methods = await page.locator('#dataset-view table.ds-ranking tbody tr td:nth-child(2)').allTextContents();
    const expected = [...summary.ranking].sort((a, b) => a.deletionAuc.mean - b.deletionAuc.mean).map((r) => r.method);
    expect(methods).toEqual(expected);

    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
