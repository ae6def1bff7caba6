// End-to-end test of the demo's Text tab in a real browser: builds the app with Vite, serves it with `vite preview`
// (cross-origin isolated, with the Content-Security-Policy header) and drives Debian's chromium with
// playwright-core. names-gpt: generate a name, click a generated character, check its token heatmap (one token per
// character before it), the generation matrix and the attention pictures, and an error for unknown characters.
// spam-encoder: pick a held-out e-mail, check p(spam) against the same computation in Node (1e-4), the
// heatmap's tokens, the deletion curve, and an error for an empty text. Screenshots go to the ignored
// e2e/out/screenshots/ (DEMO_UPDATE_SCREENSHOTS=1: to the committed e2e/screenshots/).
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); DEMO_E2E_SKIP_BUILD=1 reuses an existing dist/.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadPretrained } from '@glassbox/models-transformer';
import type { GPT, TextClassifier } from '@glassbox/models-transformer';
import samplesFile from '../src/text/spam-samples.json';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'vite.config.ts');
const shots = process.env['DEMO_UPDATE_SCREENSHOTS'] === '1' ? join(root, 'e2e', 'screenshots') : join(root, 'e2e', 'out', 'screenshots');
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SAMPLES = (samplesFile as { emails: { text: string; label: number }[] }).emails;

let server: PreviewServer;
let browser: Browser;
let page: Page;
let origin = '';
let gpt: GPT;
let clf: TextClassifier;
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

async function runs(): Promise<number> {
  return Number((await page.locator('#text-status').getAttribute('data-run')) ?? '0');
}

/** Waits for a finished run newer than `after` of this kind ('generate', 'explain', 'spam'), or for an error when `error`. */
async function waitForText(after: number, kind: string, state: 'done' | 'error' = 'done', timeout = 90_000): Promise<void> {
  await page
    .waitForFunction(
      ({ after, kind, state }) => {
        const s = document.getElementById('text-status')!;
        if (state === 'done' && s.dataset['state'] === 'error') throw new Error(`the demo reports: ${s.textContent}`);
        return s.dataset['state'] === state && Number(s.dataset['run'] ?? 0) > after && s.dataset['kind'] === kind;
      },
      { after, kind, state },
      { timeout, polling: 100 },
    )
    .catch(async (e: Error) => {
      const status = await page.locator('#text-status').evaluate((s) => `${s.textContent} ${JSON.stringify(s.dataset)}`);
      throw new Error(`waiting for ${kind} (${state}) after run ${after}: ${e.message.split('\n')[0]}; status: ${status}`);
    });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name), type: 'jpeg', quality: 75, fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(shots, { recursive: true });
  // Node on the same (WASM) backend, for the numbers the page must match.
  await initBackend();
  gpt = await loadPretrained('names-gpt');
  clf = await loadPretrained('spam-encoder');
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
    const text = m.text();
    if (/Content Security Policy|CSP violation/i.test(text)) problems.push(`CSP: ${text}`);
    // The errors the tab is asked to show are also logged by the worker: they are expected.
    else if (m.type() === 'error' && !/Failed to load resource|not in the vocabulary|at least one word|must be a non-empty|must not be empty|at most 16 tokens/.test(text)) problems.push(`console error: ${text}`);
  });
  await page.goto(`${origin}/?tab=text`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  gpt?.dispose();
  clf?.dispose();
});

describe('demo Text tab (vite preview build, Debian chromium)', () => {
  it('names-gpt: generate, click a generated character, its attribution, the generation matrix and attention', async () => {
    await page.waitForFunction(() => !(document.getElementById('gpt-generate') as HTMLButtonElement).disabled, null, { timeout: 90_000 });
    expect(await page.locator('#text-main').isVisible()).toBe(true);
    expect(await page.locator('#images-main').isVisible()).toBe(false);

    // An unknown character is refused, and the page says so.
    let before = await runs();
    await page.fill('#gpt-prefix', 'Ma!');
    await page.click('#gpt-generate');
    await waitForText(before, 'generate', 'error');
    expect(await page.locator('#text-status').textContent()).toMatch(/"M".*not in the vocabulary/);

    before = await runs();
    await page.fill('#gpt-prefix', 'ma');
    await page.fill('#gpt-seed', '3');
    await page.click('#gpt-generate');
    await waitForText(before, 'explain');
    const expected = gpt.generate('ma', { seed: 3, temperature: 1 });
    const buttons = page.locator('#gpt-text button');
    const labels = await buttons.allTextContents();
    expect(labels.slice(0, 3)).toEqual(['[START]', 'm', 'a']);
    expect(labels.length).toBe(expected.ids.length);
    expect(labels.filter((l) => !l.startsWith('[')).join('')).toBe(expected.text);
    const generated = page.locator('#gpt-text button.generated');
    const count = await generated.count();
    expect(count).toBe(expected.ids.length - 3);
    expect(count).toBeGreaterThanOrEqual(2);
    // The first generated character is shown at first: 3 tokens before it ([START] m a).
    expect(await page.locator('#gpt-heatmap g.token').count()).toBe(3);

    // Click the second generated character: its attribution over the 4 tokens before it.
    await generated.nth(1).click();
    await expect.poll(() => page.locator('#gpt-heatmap').getAttribute('data-position')).toBe('4');
    expect(await page.locator('#gpt-heatmap g.token').count()).toBe(4);
    expect(await page.locator('#gpt-text button[aria-pressed="true"]').getAttribute('data-position')).toBe('4');
    expect(await page.locator('#gpt-heat-title').textContent()).toContain(`“${labels[4]}” at position 4`);
    // The last generated character ([END] when the model ended the name): every token before it.
    await generated.nth(count - 1).click();
    expect(await page.locator('#gpt-heatmap g.token').count()).toBe(expected.ids.length - 1);

    // The generation matrix: one row per generated character.
    const matrixRows = await page.locator('#gpt-matrix rect.cell').evaluateAll((cells) => new Set(cells.map((c) => c.getAttribute('data-row'))).size);
    expect(matrixRows).toBe(count);
    // Attention per layer and head, and the rollout: T x T cells each.
    const T = expected.ids.length;
    expect(await page.locator('#gpt-attention rect.cell').count()).toBe(T * T);
    expect(await page.locator('#gpt-rollout rect.cell').count()).toBe(T * T);
    const layer1 = await page.locator('#gpt-attention').innerHTML();
    await page.selectOption('#gpt-layer', '1');
    await page.selectOption('#gpt-head', '2');
    expect(await page.locator('#gpt-attention').innerHTML()).not.toBe(layer1);
    expect(await page.locator('#gpt-attention svg').textContent()).toContain('layer 2, head 3');

    // Another method re-explains the same generation; the selected character stays.
    await generated.nth(1).click();
    const ig = await page.locator('#gpt-heatmap').innerHTML();
    before = await runs();
    await page.selectOption('#text-method', 'kernelShap');
    await waitForText(before, 'explain');
    expect(await page.locator('#gpt-heatmap g.token').count()).toBe(4);
    expect(await page.locator('#gpt-heatmap').innerHTML()).not.toBe(ig);
    // Every other method of the select re-explains it too: a heatmap of the 4 tokens before that character.
    const methods = await page.locator('#text-method option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(methods.length).toBeGreaterThanOrEqual(13);
    for (const m of methods.filter((v) => v !== 'kernelShap' && v !== 'integratedGradients')) {
      before = await runs();
      await page.selectOption('#text-method', m);
      await waitForText(before, 'explain');
      expect([m, await page.locator('#gpt-heatmap g.token').count()]).toEqual([m, 4]);
    }
    before = await runs();
    await page.selectOption('#text-method', 'integratedGradients');
    await waitForText(before, 'explain');
    await page.locator('#gpt-panel').scrollIntoViewIfNeeded();
    await shot('text-gpt.jpg');
  });

  it('spam-encoder: a held-out e-mail, p(spam) as in Node, highlighted tokens and the deletion curve', async () => {
    await page.click('#text-models button[data-text-model="spam"]');
    expect(await page.locator('#spam-input').isVisible()).toBe(true);
    expect(await page.locator('#spam-sample option').count()).toBe(SAMPLES.length + 1);

    // An empty text is refused, and the page says so.
    let before = await runs();
    await page.fill('#spam-text', '   ');
    await page.click('#spam-classify');
    await waitForText(before, 'spam', 'error');
    expect(await page.locator('#text-status').textContent()).toContain('text');

    const index = SAMPLES.findIndex((s) => s.label === 1);
    const sample = SAMPLES[index]!;
    before = await runs();
    await page.selectOption('#spam-sample', String(index));
    await waitForText(before, 'spam');
    expect(await page.inputValue('#spam-text')).toBe(sample.text);

    const { ids, tokens } = clf.encode(sample.text);
    const pSpam = tf.tidy(() => tf.softmax(clf.predict(tf.tensor2d(ids, [1, ids.length], 'int32'))).dataSync()[1]!);
    const shown = Number(await page.locator('#spam-p').getAttribute('data-value'));
    expect(Math.abs(shown - pSpam)).toBeLessThan(1e-4);
    expect(await page.locator('#spam-p').textContent()).toContain(`p(spam) = ${pSpam.toFixed(4)}`);
    expect(await page.locator('#spam-heatmap g.token').count()).toBe(tokens.length);
    // Its colorbar's gradient is its own (the names-gpt panel, hidden now, has an equal one).
    const ownGradient = await page.locator('#spam-heatmap').evaluate((c) => {
      const id = /url\(#(.+)\)/.exec(c.querySelector('rect.colorbar-bar')?.getAttribute('fill') ?? '')?.[1];
      return id !== undefined && c.querySelector(`linearGradient[id="${id}"]`) !== null && document.querySelectorAll(`[id="${id}"]`).length === 1;
    });
    expect(ownGradient).toBe(true);
    expect(await page.locator('#spam-deletion path.line').count()).toBe(2);
    expect(await page.locator('#spam-deletion svg').textContent()).toContain('Deletion curve of p(spam)');

    // A pasted e-mail, explained with another method.
    const pasted = 'Subject: meeting notes\n\nhi all, the notes from tuesday are attached. see you next week';
    before = await runs();
    await page.fill('#spam-text', pasted);
    await page.selectOption('#text-method', 'occlusion');
    await page.click('#spam-classify');
    await waitForText(before, 'spam');
    const p2 = clf.encode(pasted);
    const pSpam2 = tf.tidy(() => tf.softmax(clf.predict(tf.tensor2d(p2.ids, [1, p2.ids.length], 'int32'))).dataSync()[1]!);
    expect(Math.abs(Number(await page.locator('#spam-p').getAttribute('data-value')) - pSpam2)).toBeLessThan(1e-4);
    expect(await page.locator('#spam-heatmap g.token').count()).toBe(p2.tokens.length);

    // Exact Shapley refuses an e-mail of more than 16 tokens, and the page says which methods to use.
    expect(p2.tokens.length).toBeGreaterThan(16);
    before = await runs();
    await page.selectOption('#text-method', 'exactShapley');
    await page.click('#spam-classify');
    await waitForText(before, 'spam', 'error');
    expect(await page.locator('#text-status').textContent()).toMatch(/at most 16 tokens.*Shapley value sampling/);

    before = await runs();
    await page.selectOption('#text-method', 'integratedGradients');
    await page.selectOption('#spam-sample', String(index));
    await waitForText(before, 'spam');
    await shot('text-spam.jpg');
  });

  it('stayed offline and within its Content-Security-Policy', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});
