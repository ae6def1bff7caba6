// End-to-end test of a user's model in a worker pool of a bundled browser app: @glassbox/adapters' models cross to
// the workers as their files, and a bundled worker cannot import the adapters' builder module at run time, so the
// app starts its pool from the adapters' worker entry, which registers the builder by name:
//   createPool({ workers: 2, worker: () => new Worker(new URL('@glassbox/adapters/pool-worker', import.meta.url), { type: 'module' }) })
// The test writes the pytorch-cnn fixture as a tfjs-layers model (model.json + weights, tfjs-layers' own
// model.save), builds the page e2e/adapters-pool-page/ with Vite (default options: Vite bundles the worker entry),
// serves the build and the model's files from a small static server on localhost, and drives Debian's chromium with
// playwright-core. Occlusion on the pool must equal the main thread's (1e-5) and Node's (1e-4), pool.stats() must
// show the model sent to each worker once, and a pool of tensors-ops' default workers must refuse the model with a
// message that says what to do.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium). Without chromium the suite is skipped with a message.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page, Worker } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '@glassbox/tensors-ops';
import { loadLayersModel } from '@glassbox/adapters';
import { occlusion } from '@glassbox/explainers-perturbation';
import { readPytorchCnn, writePytorchCnnForms } from '../../../packages/adapters/test/fixtures/pytorch-cnn-forms.js';
import type { Outcome, PooledRun } from './adapters-pool-page/main.js';

const pageRoot = fileURLToPath(new URL('./adapters-pool-page/', import.meta.url));
const outRoot = fileURLToPath(new URL('./out/', import.meta.url));
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const haveChromium = existsSync(executablePath);
const skipReason = `chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
if (!haveChromium) console.warn(`[adapters pool e2e] SKIPPED: ${skipReason}`);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves `dir` (the build, with the model's files in model/). */
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** What the page exposes (e2e/adapters-pool-page/main.ts). */
interface AdaptersPoolPage {
  setup(values: number[], n: number): Promise<{ backend: string; outputs: number[] }>;
  explainMain(target: number[]): Promise<number[]>;
  explainPooled(workers: number, target: number[], secondTarget: number[]): Promise<PooledRun>;
  explainOnDefaultPool(target: number[]): Promise<Outcome & { leaked: number }>;
}
type Call<K extends keyof AdaptersPoolPage> = AdaptersPoolPage[K] extends (...args: infer A) => infer R ? { args: A; result: Awaited<R> } : never;

function call<K extends keyof AdaptersPoolPage>(page: Page, name: K, ...args: Call<K>['args']): Promise<Call<K>['result']> {
  return page.evaluate(
    ([name, args]) => {
      const api = (window as unknown as { adaptersPoolPage: Record<string, (...a: unknown[]) => unknown> }).adaptersPoolPage;
      return api[name as string]!(...(args as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Call<K>['result']>;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const N = 2;
const TARGET = [1, 3];
const SECOND_TARGET = [4, 0];
/** The page's occlusion options (main.ts), for the same call in Node. */
const OPTIONS = { window: [8, 8, 3], strides: [8, 8, 3], batchSize: 4 };
/** The adapters' pool worker as Vite emits it. */
const ADAPTERS_WORKER = /\/assets\/worker-[\w-]+\.js$/;

let work = '';
let out = '';
let modelDir = '';
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let origin = '';
const seen: Array<{ url: string }> = [];
const problems: string[] = [];
const external: string[] = [];
const inputs = Array.from(readPytorchCnn().inputsNhwc.subarray(0, N * 32 * 32 * 3));

describe.skipIf(!haveChromium)(`an adapters model in a worker pool of a Vite-bundled page (Debian chromium)${haveChromium ? '' : ` [skipped: ${skipReason}]`}`, () => {
  beforeAll(async () => {
    mkdirSync(outRoot, { recursive: true });
    work = mkdtempSync(join(outRoot, 'adapters-pool-'));
    out = join(work, 'dist');
    await initBackend({ backend: 'wasm', fallback: false });
    const forms = await writePytorchCnnForms(tfl, join(work, 'forms'));
    modelDir = forms.layers.replace(/model\.json$/, '');
    await build({
      root: pageRoot,
      base: './',
      configFile: false,
      logLevel: 'error',
      // Vite's defaults otherwise (the worker too): the pool must work in an app that did not configure its workers.
      build: { outDir: out, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, rolldownOptions: { checks: { bundlerTimings: false } } },
    });
    cpSync(modelDir, join(out, 'model'), { recursive: true });
    server = await serve(out);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath, args: ARGS });
    page = await browser.newPage();
    await page.route(
      (url) => !url.href.startsWith(origin) && url.protocol !== 'blob:' && url.protocol !== 'data:',
      (route) => {
        external.push(route.request().url());
        return route.abort();
      },
    );
    page.on('worker', (w: Worker) => seen.push({ url: w.url() }));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset['state'] === 'ready', null, { timeout: 60_000 });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it("the build bundles the adapters' worker entry (the builder and tfjs-layers inside, no import left to resolve)", () => {
    const assets = readdirSync(join(out, 'assets'));
    const bundles = assets.filter((f) => /\.js$/.test(f)).map((f) => ({ f, source: readFileSync(join(out, 'assets', f), 'utf8') }));
    // The adapters' worker: it registers the builder and holds the layers loader.
    const adapters = bundles.filter((b) => b.source.includes('@glassbox/adapters pool-builder') && b.source.includes('registerPoolBuilder'));
    expect(adapters.map((b) => b.f)).toHaveLength(1);
    expect(ADAPTERS_WORKER.test(`/assets/${adapters[0]!.f}`)).toBe(true);
    expect(adapters[0]!.source).not.toMatch(/\bfrom\s*['"]@(glassbox|tensorflow)\//);
    expect(adapters[0]!.source).not.toMatch(/\bimport\(\s*['"]@(glassbox|tensorflow)\//);
  });

  it('loads the layers model on the page (WASM) with the outputs Node computes for it', async () => {
    const r = await call(page, 'setup', inputs, N);
    expect(r.backend).toBe('wasm');
    const model = await loadLayersModel(forms());
    const x = tf.tensor4d(inputs, [N, 32, 32, 3]);
    try {
      const y = await model.predict(x);
      expect(maxDiff(r.outputs, Array.from(await y.data()))).toBeLessThan(1e-4);
      y.dispose();
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  let main: number[] = [];
  it('occlusion on the main thread equals Node (1e-4)', async () => {
    main = await call(page, 'explainMain', TARGET);
    expect(main).toHaveLength(N * 32 * 32 * 3);
    expect(main.some((v) => v !== 0)).toBe(true);
    const model = await loadLayersModel(forms());
    const x = tf.tensor4d(inputs, [N, 32, 32, 3]);
    try {
      const r = await occlusion(model, x, { ...OPTIONS, target: TARGET });
      expect(maxDiff(main, Array.from(await r.attributions.data()))).toBeLessThan(1e-4);
      r.attributions.dispose();
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it("occlusion on 2 workers started from @glassbox/adapters/pool-worker equals the main thread's (1e-5); the model's files go to each worker once", async () => {
    const before = seen.length;
    const r = await call(page, 'explainPooled', 2, TARGET, SECOND_TARGET);
    expect(maxDiff(r.attributions, main)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(r.second, r.secondMain)).toBeLessThanOrEqual(1e-5);
    expect(r.second.some((v) => v !== 0)).toBe(true);
    // Each worker holds the adapters' builder, and both computed batches.
    expect(r.workerInfo.map((i) => ({ backend: i.backend, builders: i.builders }))).toEqual([
      { backend: 'wasm', builders: ['@glassbox/adapters'] },
      { backend: 'wasm', builders: ['@glassbox/adapters'] },
    ]);
    expect(r.statsAfterFirst.batchesPerWorker.every((b) => b > 0)).toBe(true);
    // The model was sent to each of the 2 workers with the first call, and not again for the second.
    expect(r.statsAfterFirst.modelsSent).toBe(2);
    expect(r.statsAfterSecond.modelsSent).toBe(2);
    expect(r.statsAfterSecond.jobs).toBe(r.statsAfterFirst.jobs + 1);
    // Each worker holds the model's 6 weights (2 convolutions, 1 dense layer) and nothing else.
    expect(r.workerTensors).toEqual([6, 6]);
    expect(r.leaked).toBe(0);
    // The workers are the bundled entry.
    const started = seen.slice(before).map((w) => w.url);
    expect(started).toHaveLength(2);
    expect(started.every((u) => u.startsWith(`${origin}/assets/`) && ADAPTERS_WORKER.test(u))).toBe(true);
  });

  it("a pool of tensors-ops' default workers (no builder registered) refuses the model, saying how to start the workers", async () => {
    const r = await call(page, 'explainOnDefaultPool', TARGET);
    expect(r.code).toBe('INVALID_ARGUMENT');
    expect(r.message).toMatch(/no builder registered as "@glassbox\/adapters".*createPool\(\{ worker:/);
    expect(r.leaked).toBe(0);
  });

  it('nothing left the page, and no error was reported', () => {
    expect(external).toEqual([]);
    // The default pool's import of the builder module fails with a 404, which chromium logs; nothing else.
    expect(problems.filter((p) => !/404|Failed to fetch dynamically imported module|Failed to load resource/.test(p))).toEqual([]);
  });
});

/** The layers model's files, for the Node side. */
function forms(): Map<string, Uint8Array> {
  return new Map(readdirSync(modelDir).map((f) => [f, new Uint8Array(readFileSync(join(modelDir, f)))]));
}
