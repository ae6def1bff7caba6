// End-to-end test of the demo's "Your model" panel in a real browser: builds the app with Vite into e2e/out/,
// serves it with `vite preview` (cross-origin isolated, with the Content-Security-Policy header) and drives
// Debian's chromium with playwright-core. The models are made by the test: the adapters' pytorch-cnn fixture
// (a small CNN exported from PyTorch to ONNX, NCHW 3x32x32 -> 5 outputs) and the same network as a tfjs-layers
// model (model.json + weights, written with tfjs-layers' model.save by the fixture script); the photo is a PNG
// made from the fixture's first sample. They are handed to the page with setInputFiles, as a user's drop would be.
// The predicted class and the explanation shown must equal the same calls in Node (same options, WASM backend)
// within 1e-4, and no request may leave the page's origin (the files are read in the browser).
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '@glassbox/tensors-ops';
import type { Attribution, Tensor } from '@glassbox/tensors-ops';
import { loadImage, loadLayersModel, loadOnnx } from '@glassbox/adapters';
import type { GlassboxModel } from '@glassbox/adapters';
import { methodRegistry } from '@glassbox/report';
import { fromPixels, toPNG } from '@glassbox/viz';
import { ONNX_PATH, readPytorchCnn, writePytorchCnnForms } from '../../../packages/adapters/test/fixtures/pytorch-cnn-forms.js';
import { userMethodNames, userMethodOptions } from '../src/byom/options.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'vite.config.ts');
const outRoot = fileURLToPath(new URL('./out/', import.meta.url));
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let server: PreviewServer;
let browser: Browser;
let page: Page;
let origin = '';
let work = '';
let layersFiles: string[] = [];
let photo = '';
let photoBytes: Uint8Array;
const offOrigin: string[] = [];
const errors: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The same call as the panel's worker, in Node. */
async function inNode(model: GlassboxModel, method: string): Promise<{ scores: number[]; predicted: number; attributions: number[] }> {
  const { x } = await loadImage(photoBytes, { size: [32, 32], preprocess: '0-1' });
  let a: Attribution | null = null;
  try {
    const y = await model.predict(x);
    const scores = Array.from(await y.data());
    y.dispose();
    const predicted = scores.indexOf(Math.max(...scores));
    const entry = methodRegistry.get(method);
    a = await (entry.fn as unknown as (f: unknown, x: Tensor, o: Record<string, unknown>) => Promise<Attribution>)(model, x, { ...userMethodOptions(method, 32, 32), target: predicted });
    return { scores, predicted, attributions: Array.from(await a.attributions.data()) };
  } finally {
    tf.dispose([x, a?.attributions, a?.delta].filter((t): t is Tensor => t != null));
  }
}

/** Picks a method in the panel, runs it, and reads what it shows. */
async function explainInPage(method: string): Promise<{ scores: number[]; predicted: number; attributions: number[]; text: string }> {
  await page.selectOption('#byom-method', method);
  await page.click('#byom-run');
  await page.waitForFunction((m) => {
    const s = document.getElementById('byom-status')!.dataset['state'];
    return s === 'error' || (s === 'explained' && document.getElementById('byom-prediction')!.dataset['method'] === m);
  }, method, { timeout: 120_000 });
  const state = await page.getAttribute('#byom-status', 'data-state');
  if (state === 'error') throw new Error(`the panel reported: ${await page.textContent('#byom-status')}`);
  const p = page.locator('#byom-prediction');
  return {
    scores: JSON.parse((await p.getAttribute('data-scores'))!),
    predicted: Number(await p.getAttribute('data-predicted')),
    attributions: JSON.parse((await p.getAttribute('data-attributions'))!),
    text: (await p.textContent())!,
  };
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  mkdirSync(outRoot, { recursive: true });
  work = mkdtempSync(join(outRoot, 'your-model-'));
  await initBackend();
  const forms = await writePytorchCnnForms(tfl, join(work, 'forms'));
  const dir = forms.layers.replace(/model\.json$/, '');
  layersFiles = readdirSync(dir).map((f) => join(dir, f));
  const first = readPytorchCnn().inputsNhwc.subarray(0, 32 * 32 * 3);
  const lo = Math.min(...first);
  const hi = Math.max(...first);
  const pixels = Uint8Array.from(first, (v) => Math.round((255 * (v - lo)) / (hi - lo)));
  photoBytes = toPNG(fromPixels(pixels, [32, 32, 3], { maxValue: 255 }));
  photo = join(work, 'photo.png');
  writeFileSync(photo, photoBytes);
  writeFileSync(join(work, 'labels.txt'), 'cat\ndog\nbird\nfish\nfrog\n');

  const outDir = join(work, 'dist');
  await build({ root, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  server = await preview({ root, configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offOrigin.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('demo: Your model (vite preview build, Debian chromium)', () => {
  it('loads the ONNX form, offers only the methods that call the model, and explains the photo as Node does (1e-4)', async () => {
    await page.selectOption('#byom-layout', 'NCHW');
    await page.setInputFiles('#byom-model', ONNX_PATH);
    await page.waitForFunction(() => ['loaded', 'error'].includes(document.getElementById('byom-status')!.dataset['state'] ?? ''), null, { timeout: 120_000 });
    expect(await page.textContent('#byom-status')).toMatch(/^Loaded a onnx model: input \[\?, 32, 32, 3\], 5 outputs/);
    const offered = await page.locator('#byom-method option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(userMethodNames(true));
    expect(offered).toContain('occlusion');
    expect(offered).not.toContain('saliency');
    await page.setInputFiles('#byom-image', photo);
    await page.setInputFiles('#byom-labels', join(work, 'labels.txt'));
    const shown = await explainInPage('occlusion');
    const onnx = await loadOnnx(ONNX_PATH, { layout: 'NCHW' });
    try {
      const want = await inNode(onnx, 'occlusion');
      expect(shown.predicted).toBe(want.predicted);
      expect(maxDiff(shown.scores, want.scores)).toBeLessThan(1e-4);
      expect(maxDiff(shown.attributions, want.attributions)).toBeLessThan(1e-4);
      expect(want.attributions.some((v) => v !== 0)).toBe(true);
      expect(shown.text).toContain(['cat', 'dog', 'bird', 'fish', 'frog'][want.predicted]!);
    } finally {
      await onnx.dispose();
    }
    expect(await page.locator('#byom-canvas').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([32, 32]);
  }, 300_000);

  it('loads the layers form (model.json + weights) and explains it with a gradient method as Node does (1e-4)', async () => {
    await page.setInputFiles('#byom-model', layersFiles);
    await page.waitForFunction(() => {
      const s = document.getElementById('byom-status')!;
      return s.dataset['state'] === 'error' || (s.dataset['state'] === 'loaded' && (s.textContent ?? '').includes('layers'));
    }, null, { timeout: 120_000 });
    expect(await page.textContent('#byom-status')).toMatch(/^Loaded a layers model/);
    const offered = await page.locator('#byom-method option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(userMethodNames(false));
    expect(offered).toContain('integratedGradients');
    const shown = await explainInPage('integratedGradients');
    const layers = await loadLayersModel(Object.fromEntries(layersFiles.map((f) => [f.split('/').pop()!, new Uint8Array(readFileSync(f))])));
    try {
      const want = await inNode(layers, 'integratedGradients');
      expect(shown.predicted).toBe(want.predicted);
      expect(maxDiff(shown.scores, want.scores)).toBeLessThan(1e-4);
      expect(maxDiff(shown.attributions, want.attributions)).toBeLessThan(1e-4);
    } finally {
      layers.dispose();
    }
  }, 300_000);

  it('reports a bad labels file in the panel, and nothing left the page', async () => {
    writeFileSync(join(work, 'four.txt'), 'a\nb\nc\nd\n');
    await page.setInputFiles('#byom-labels', join(work, 'four.txt'));
    await page.selectOption('#byom-method', 'occlusion');
    await page.click('#byom-run');
    await page.waitForFunction(() => document.getElementById('byom-status')!.dataset['state'] === 'error', null, { timeout: 60_000 });
    expect(await page.textContent('#byom-status')).toMatch(/labels file names 4 classes .* 5 outputs/);
    expect(offOrigin).toEqual([]);
    expect(errors.filter((e) => /CSP violation/.test(e))).toEqual([]);
  }, 120_000);
});
