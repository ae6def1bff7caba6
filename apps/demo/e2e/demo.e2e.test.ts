// End-to-end test of the demo in a real browser: builds the app with Vite, serves the build with `vite preview`
// (cross-origin isolated, with the Content-Security-Policy header) on a free localhost port, and drives Debian's
// chromium with playwright-core (no browser download). It picks every model and several explainers, waits for the
// results, checks the pictures and the backend line, and saves screenshots under the ignored e2e/out/screenshots/.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); DEMO_E2E_SKIP_BUILD=1 reuses an existing dist/;
// DEMO_UPDATE_SCREENSHOTS=1 (`pnpm --filter @glassbox/demo screenshots`) writes them to the committed
// e2e/screenshots/ instead, to refresh the READMEs' pictures on purpose.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'vite.config.ts');
const shots = process.env['DEMO_UPDATE_SCREENSHOTS'] === '1' ? join(root, 'e2e', 'screenshots') : join(root, 'e2e', 'out', 'screenshots');
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

/** Watches a page: requests leaving localhost are blocked and recorded, errors and CSP reports are recorded. */
async function watch(p: Page): Promise<void> {
  await p.route(
    (url) => !url.href.startsWith(origin) && url.protocol !== 'blob:' && url.protocol !== 'data:',
    (route) => {
      external.push(route.request().url());
      return route.abort();
    },
  );
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|CSP violation/i.test(text)) problems.push(`CSP: ${text}`);
    else if (m.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console error: ${text}`);
  });
}

async function runs(): Promise<number> {
  return Number((await page.locator('#status').getAttribute('data-run')) ?? '0');
}

/** Waits until a run newer than `after` finished for this model and method (or fails on an error status). */
async function waitForRun(after: number, model: string, method: string, timeout = 60_000): Promise<void> {
  await page
    .waitForFunction(
    ({ after, model, method }) => {
      const s = document.getElementById('status')!;
      if (s.dataset['state'] === 'error') throw new Error(`the demo reports: ${s.textContent}`);
      return s.dataset['state'] === 'done' && Number(s.dataset['run'] ?? 0) > after && s.dataset['model'] === model && s.dataset['method'] === method;
    },
      { after, model, method },
      { timeout, polling: 100 },
    )
    .catch(async (e: Error) => {
      const status = await page.locator('#status').evaluate((s) => `${s.textContent} ${JSON.stringify(s.dataset)}`);
      throw new Error(`waiting for ${model}/${method} after run ${after}: ${e.message.split('\n')[0]}; status: ${status}`);
    });
}

interface Pixels {
  width: number;
  height: number;
  /** Distinct colours on the whole canvas. */
  colors: number;
  /** RGB of the centre of each cell of a 28 x 28 grid over the canvas (the heatmaps are 28 x 28 maps, enlarged). */
  sample: number[];
}

async function canvasPixels(id: string): Promise<Pixels> {
  return page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colors = new Set<number>();
    for (let i = 0; i < d.length; i += 4) colors.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    const sample: number[] = [];
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const o = (Math.floor(((y + 0.5) * c.height) / 28) * c.width + Math.floor(((x + 0.5) * c.width) / 28)) * 4;
        sample.push(d[o]!, d[o + 1]!, d[o + 2]!);
      }
    }
    return { width: c.width, height: c.height, colors: colors.size, sample };
  }, id);
}

/** The fraction of the 784 sampled pixels whose colour differs between two pictures of the same canvas. */
function differingFraction(a: Pixels, b: Pixels): number {
  let n = 0;
  for (let i = 0; i < a.sample.length; i += 3) if (a.sample[i] !== b.sample[i] || a.sample[i + 1] !== b.sample[i + 1] || a.sample[i + 2] !== b.sample[i + 2]) n++;
  return n / (a.sample.length / 3);
}

/** The metrics table: the cells after the first, by the first cell's text. */
async function metricsRows(): Promise<Map<string, string[]>> {
  const rows = await page.locator('#metrics tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? '')));
  return new Map(rows.map((r) => [r[0]!, r.slice(1)]));
}

/**
 * The curve chart and the metrics table show the same normalised numbers: the chart's axis is the
 * normalisation, its deletion AUC is the table's, and the table's reading of the AUCs fits F(x) and F(b).
 */
async function expectHonestCurves(): Promise<void> {
  const rows = await metricsRows();
  const del = rows.get('deletion AUC')!;
  const ins = rows.get('insertion AUC')!;
  const ends = /^F\(x\) (\S+) · F\(b\) (\S+)$/.exec(rows.get('curve ends')![0]!)!;
  expect(ends).not.toBeNull();
  const rises = Number(ends[1]) < Number(ends[2]);
  expect(del[1]).toContain('lower is better');
  expect(ins[1]).toContain('higher is better');
  expect(del[1]).toContain(rises ? 'curve runs −1 → 0 as F(x) < F(b)' : '1 = no drop, 0 = whole drop at once');
  const texts = await page.locator('#curves svg text').allTextContents();
  expect(texts).toContain('(F − F(b)) / |F(x) − F(b)|');
  const legend = texts.map((t) => /^deletion \(AUC (\S+)\)$/.exec(t)).find((m) => m !== null)!;
  expect(Number(legend[1])).toBeCloseTo(Number(del[0]!.split(' ')[0]), 2);
}

async function expectPicture(id: string): Promise<Pixels> {
  const px = await canvasPixels(id);
  expect(px.width, `#${id} width`).toBeGreaterThan(20);
  expect(px.colors, `#${id} is blank`).toBeGreaterThan(3);
  return px;
}

async function explainWith(model: string, method: string, options: Record<string, string> = {}): Promise<Pixels> {
  const before = await runs();
  if ((await page.locator('#method').inputValue()) !== method) await page.selectOption('#method', method);
  for (const [key, value] of Object.entries(options)) {
    const input = page.locator(`[data-option="${key}"]`);
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
    await input.dispatchEvent('change');
  }
  await waitForRun(before, model, method);
  return expectPicture('heatmap');
}

/** Picks a model, waits for the explanation it starts (with the explainer kept from before), then picks `method`. */
async function pickModel(model: string, method = 'saliency'): Promise<void> {
  const before = await runs();
  await page.selectOption('#model', model);
  await page.waitForFunction((m) => document.getElementById('status')!.dataset['model'] === m, model);
  await waitForRun(before, model, await page.locator('#method').inputValue());
  if ((await page.locator('#method').inputValue()) !== method) await explainWith(model, method);
}

async function dragOnOutput(from: [number, number], to: [number, number]): Promise<void> {
  await page.locator('#output').scrollIntoViewIfNeeded();
  const box = await page.locator('#output').boundingBox();
  if (box === null) throw new Error('#output is not visible');
  const at = ([x, y]: [number, number]): [number, number] => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 6 });
  await page.mouse.up();
}

// Where each model's weights ship: when the package has them, the demo must have bundled and loaded them.
const WEIGHTS: Record<string, string> = {
  'digits-cnn': 'models-classifier',
  'digits-ae': 'models-ae-vae',
  'digits-conv-ae': 'models-ae-vae',
  'digits-vae': 'models-ae-vae',
  'digits-gan': 'models-gan',
  'digits-cyclegan': 'models-gan',
};
const pretrained: Record<string, boolean> = {};

async function expectPretrainedIfShipped(model: string): Promise<void> {
  const shipped = existsSync(join(root, 'node_modules', '@glassbox', WEIGHTS[model]!, 'weights', model, 'model.json'));
  const loaded = (await page.locator('#model-info').getAttribute('data-pretrained')) === 'true';
  pretrained[model] = loaded;
  if (shipped) expect(loaded, `${model}: the package ships weights, the demo must load them (${await page.locator('#model-note').textContent()})`).toBe(true);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name), type: 'jpeg', quality: 70 });
}

const started = Date.now();

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(shots, { recursive: true });
  if (process.env['DEMO_E2E_SKIP_BUILD'] !== '1') await build({ root, configFile, logLevel: 'error' });
  const port = await freePort();
  server = await preview({ root, configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, acceptDownloads: true });
  await watch(page);
  await page.goto(`${origin}/`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  const untrained = Object.keys(pretrained).filter((m) => !pretrained[m]);
  console.log(
    `demo e2e: ${((Date.now() - started) / 1000).toFixed(1)} s in all (build included)` +
      (untrained.length > 0 ? `; no pretrained weights shipped yet for ${untrained.join(', ')} (untrained models shown)` : ''),
  );
});

describe('demo (vite preview build, Debian chromium)', () => {
  it('runs on the WASM backend with SIMD, multithreaded when cross-origin isolated', async () => {
    await page.waitForFunction(() => ['wasm', 'cpu', 'fallback', 'error'].includes(document.getElementById('backend')!.dataset['state'] ?? ''), null, {
      timeout: 60_000,
    });
    const backend = page.locator('#backend');
    expect(await backend.textContent()).toMatch(/^Backend: wasm · SIMD on · \d+ threads? · cross-origin isolated$/);
    expect(await backend.getAttribute('data-backend')).toBe('wasm');
    expect(await backend.getAttribute('data-simd')).toBe('true');
    // `vite preview` sends COOP/COEP, so the page is isolated and the threaded SIMD build runs; the production
    // build keeps the backend's thread-worker factory intact (a compressing minifier breaks it).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await backend.getAttribute('data-isolated')).toBe('true');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Number(await backend.getAttribute('data-threads'));
    expect(threads).toBe(Math.max(1, Math.min(cores, 8)));
    if (cores >= 2) expect(threads).toBeGreaterThanOrEqual(2);
  });

  it('classifier: saliency, integrated gradients, occlusion and KernelSHAP with metrics and a deletion curve', async () => {
    await waitForRun(0, 'digits-cnn', 'saliency');
    await expectPretrainedIfShipped('digits-cnn');
    const sal = await expectPicture('heatmap');
    await expectPicture('overlay');
    await expectPicture('colorbar');
    expect(await page.locator('#probs .bar').count()).toBe(10);
    const ig = await explainWith('digits-cnn', 'integratedGradients');
    expect(differingFraction(sal, ig)).toBeGreaterThan(0.05);
    await expect.poll(() => page.locator('#curves svg').count()).toBe(1);
    const table = await page.locator('#metrics').textContent();
    for (const name of ['deletion AUC', 'insertion AUC', 'curve ends', 'infidelity', 'sparseness', 'completeness']) expect(table).toContain(name);
    await expectHonestCurves();
    await shot('classifier-ig.jpg');
    const occ = await explainWith('digits-cnn', 'occlusion');
    expect(differingFraction(ig, occ)).toBeGreaterThan(0.05);
    const shap = await explainWith('digits-cnn', 'kernelShap');
    expect(differingFraction(occ, shap)).toBeGreaterThan(0.05);
    expect(await page.locator('#extra').textContent()).toContain('score F(x)');
    await shot('classifier-kernelshap.jpg');

    // The metrics that re-run the explainer, on saliency (cheap).
    await page.selectOption('#method', 'saliency');
    const before = await runs();
    await page.check('#flag-sensitivity');
    await page.check('#flag-sanity');
    await waitForRun(before, 'digits-cnn', 'saliency');
    const metrics = await page.locator('#metrics').textContent();
    expect(metrics).toContain('max-sensitivity');
    expect(metrics).toContain('sanity: up to');
    const last = await runs();
    await page.uncheck('#flag-sensitivity');
    await page.uncheck('#flag-sanity');
    await waitForRun(last, 'digits-cnn', 'saliency');

    // @glassbox/report's HTML page, downloaded from the page.
    const download = page.waitForEvent('download', { timeout: 120_000 });
    const n = await runs();
    await page.click('#report');
    await waitForRun(n, 'digits-cnn', 'report', 120_000);
    const file = await (await download).path();
    expect(file).toBeTruthy();
  });

  it('classifier: a digit drawn with the mouse, and a long run cancelled', async () => {
    expect(await page.locator('#method').inputValue()).toBe('saliency');
    let before = await runs();
    await page.click('#input-kinds button[data-kind="draw"]');
    await waitForRun(before, 'digits-cnn', 'saliency');
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const pad = await page.locator('#pad').boundingBox();
    if (pad === null) throw new Error('#pad is not visible');
    before = await runs();
    // A "7": a bar and a slanted stroke.
    await page.mouse.move(pad.x + pad.width * 0.3, pad.y + pad.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.72, pad.y + pad.height * 0.25, { steps: 10 });
    await page.mouse.move(pad.x + pad.width * 0.45, pad.y + pad.height * 0.8, { steps: 14 });
    await page.mouse.up();
    await waitForRun(before, 'digits-cnn', 'saliency');
    expect(await page.locator('#input-caption').textContent()).toBe('your drawing');
    await expectPicture('input');
    await expectPicture('heatmap');

    // Integrated gradients with 4096 steps takes long enough to be cancelled; the page keeps responding.
    await page.selectOption('#method', 'integratedGradients');
    await page.locator('[data-option="steps"]').fill('4096');
    await page.locator('[data-option="steps"]').dispatchEvent('change');
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value > 0 && document.getElementById('status')!.dataset['state'] === 'running', null, {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => 1 + 1)).toBe(2); // the main thread answers while the worker computes
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status')!.dataset['state'] === 'cancelled', null, { timeout: 30_000 });
    before = await runs();
    await page.selectOption('#method', 'saliency');
    await page.click('#input-kinds button[data-kind="gallery"]');
    await waitForRun(before, 'digits-cnn', 'saliency');
  });

  for (const model of ['digits-ae', 'digits-conv-ae', 'digits-vae'] as const) {
    it(`${model}: reconstruction, region attribution, latent traversal`, async () => {
      await pickModel(model, 'saliency');
      await expectPretrainedIfShipped(model);
      await expectPicture('output');
      await expectPicture('heatmap');
      await expectPicture('traversal');
      await expectPicture('jacobian');
      await expect.poll(() => page.locator('#latent-bars svg').count()).toBe(1);
      const whole = await canvasPixels('heatmap');
      const before = await runs();
      await dragOnOutput([4, 4], [16, 14]);
      await waitForRun(before, model, 'saliency');
      expect(await page.locator('#output').getAttribute('data-region')).toMatch(/^\d+,\d+,\d+,\d+$/);
      const region = await expectPicture('heatmap');
      expect(differingFraction(whole, region)).toBeGreaterThan(0.01);
      if (model === 'digits-vae') {
        // The picture for the READMEs: a region of the reconstruction explained by integrated gradients, with
        // its metrics and the latent panel.
        await explainWith(model, 'integratedGradients');
        await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
      }
    });
  }

  it('GAN: a random latent code, the discriminator explained, latent attribution of a dragged region', async () => {
    await pickModel('digits-gan', 'saliency');
    await expectPretrainedIfShipped('digits-gan');
    await expectPicture('input');
    await expectPicture('heatmap');
    await expectPicture('traversal');
    expect(await page.locator('#output-caption').textContent()).toContain('D logit');
    // The discriminator's logit can be below a black image's: the AUCs still read the right way round.
    await expectHonestCurves();
    // The latent chart names the code z0..z99 and the conditional GAN's one-hot entries after it by class.
    const names = await page.locator('#latent-bars text.label').allTextContents();
    expect(names.length).toBeGreaterThan(1);
    for (const n of names) expect(n).toMatch(/^(z\d+|class \d|\d+ other features?)$/);
    for (const n of names.filter((q) => /^z\d+$/.test(q))) expect(Number(n.slice(1))).toBeLessThan(100);
    if (await page.locator('#gan-class-row').isVisible()) expect(names).toContain(`class ${await page.inputValue('#gan-class')}`);
    const bars = await page.locator('#latent-bars').innerHTML();
    let before = await runs();
    await dragOnOutput([14, 14], [26, 26]);
    await waitForRun(before, 'digits-gan', 'latent');
    expect(await page.locator('#latent-bars').innerHTML()).not.toBe(bars);
    before = await runs();
    await page.fill('#seed', '7');
    await page.locator('#seed').dispatchEvent('change');
    await waitForRun(before, 'digits-gan', 'saliency');
    if (await page.locator('#gan-class-row').isVisible()) {
      // A conditional GAN: generate another digit.
      before = await runs();
      await page.selectOption('#gan-class', '3');
      await waitForRun(before, 'digits-gan', 'saliency');
    }
    await explainWith('digits-gan', 'gradCam');
    await shot('gan.jpg');
  });

  it('CycleGAN: translation, cycle, explanation of a region of the translation', async () => {
    await pickModel('digits-cyclegan', 'saliency');
    await expectPretrainedIfShipped('digits-cyclegan');
    await expectPicture('output');
    await expectPicture('cycle');
    const sal = await expectPicture('heatmap');
    const lime = await explainWith('digits-cyclegan', 'lime');
    expect(differingFraction(sal, lime)).toBeGreaterThan(0.05);
    await shot('cyclegan.jpg');
  });

  it('falls back to cpu with a visible note when WebAssembly cannot start', async () => {
    const p = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await watch(p);
    const before = problems.length;
    await p.goto(`${origin}/?break-wasm`);
    await p.waitForFunction(() => document.getElementById('status')!.dataset['state'] === 'done', null, { timeout: 60_000 });
    expect(await p.locator('#backend').getAttribute('data-state')).toBe('fallback');
    expect(await p.locator('#backend').textContent()).toMatch(/^Backend: cpu · fallback: /);
    await p.close();
    // The broken WASM files are expected to fail to load there; nothing else may.
    problems.splice(before).forEach((m) => expect(m).toMatch(/wasm|WebAssembly|fallback|Aborted/i));
  });

  it('stayed offline and within its Content-Security-Policy', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});
