// End-to-end test of the demo's "explain" control (the kind adapters' objectives): an autoencoder's or VAE's
// explanation starts on the selected region of the output, and switches to the encoder's latent dimension (the
// adapter's default, what `glassbox explain` explains). Builds and serves the demo as demo.e2e.test.ts does
// (DEMO_E2E_SKIP_BUILD=1 reuses dist/; CHROMIUM_PATH, default /usr/bin/chromium).
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = join(root, 'vite.config.ts');
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let server: PreviewServer;
let browser: Browser;
let page: Page;
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

const runs = async (): Promise<number> => Number((await page.locator('#status').getAttribute('data-run')) ?? '0');

/** Waits until a run newer than `after` finished for this model (fails on an error status). */
async function waitForRun(after: number, model: string): Promise<void> {
  await page.waitForFunction(
    ({ after, model }) => {
      const s = document.getElementById('status')!;
      if (s.dataset['state'] === 'error') throw new Error(`the demo reports: ${s.textContent}`);
      return s.dataset['state'] === 'done' && Number(s.dataset['run'] ?? 0) > after && s.dataset['model'] === model;
    },
    { after, model },
    { timeout: 60_000, polling: 100 },
  );
}

const heatmap = (): Promise<string> => page.locator('#heatmap').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  if (process.env['DEMO_E2E_SKIP_BUILD'] !== '1') await build({ root, configFile, logLevel: 'error' });
  const port = await freePort();
  server = await preview({ root, configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  browser = await chromium.launch({ executablePath, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById('status')!.dataset['state'] === 'done', null, { timeout: 120_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the explain control (kind objectives)', () => {
  it('is hidden for a classifier, which has one objective', async () => {
    expect(await page.locator('#objective-row').isHidden()).toBe(true);
  });

  it("a VAE starts on the region of the output and switches to the encoder's latent dimension", async () => {
    let before = await runs();
    await page.selectOption('#model', 'digits-vae');
    await waitForRun(before, 'digits-vae');
    expect(await page.locator('#objective-row').isVisible()).toBe(true);
    expect(await page.inputValue('#objective')).toBe('region');
    expect(await page.locator('#heatmap-caption').textContent()).toBe('Saliency');
    const region = await heatmap();

    before = await runs();
    await page.selectOption('#objective', 'code');
    await waitForRun(before, 'digits-vae');
    expect(await page.locator('#heatmap-caption').textContent()).toMatch(/^Saliency · mean \(mu\) of latent dimension \d+$/);
    expect(await page.locator('#explains-title').textContent()).toBe("Explanation of the encoder's largest latent dimension");
    expect(await heatmap()).not.toBe(region);

    before = await runs();
    await page.selectOption('#objective', 'region');
    await waitForRun(before, 'digits-vae');
    expect(await page.locator('#heatmap-caption').textContent()).toBe('Saliency');
    expect(problems).toEqual([]);
  });
});
