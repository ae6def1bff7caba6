// End-to-end test of @glassbox/tensors-ops' worker pool in a real browser: the Web Worker branch of createPool.
// Builds the page e2e/pool-page/ with Vite (main thread: tensors-ops, explainers-gradient, explainers-perturbation;
// the pool's module worker bundled by Vite from `new Worker(new URL('./worker.js', import.meta.url))`), serves the
// build from a small static server on localhost twice, as a plain page and as a cross-origin isolated one
// (COOP/COEP: SharedArrayBuffer, the threaded WASM build on the main thread), and drives Debian's chromium with
// playwright-core. For each page: the same explanations on the main thread and on `createPool({ workers: 2 })`
// must be identical; errors raised in a worker, a worker's death and abort must behave as in Node; `close()`
// must terminate the workers (seen from the browser's side: playwright's worker 'close' events).
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium). Without chromium the suite is skipped with a message.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page, Worker } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pageRoot = fileURLToPath(new URL('./pool-page/', import.meta.url));
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const haveChromium = existsSync(executablePath);
const skipReason = `chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
if (!haveChromium) console.warn(`[pool e2e] SKIPPED: ${skipReason}`);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Serves `dir` under /plain/ and, with the cross-origin isolation headers, under /isolated/. */
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const [, mode, ...rest] = path.split('/');
    const file = normalize(join(dir, rest.join('/') || 'index.html'));
    if ((mode !== 'plain' && mode !== 'isolated') || !file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...(mode === 'isolated' ? ISOLATION : {}) });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

interface Outcome {
  code: string | null;
  message: string;
}
interface PoolReport {
  size: number;
  live: number;
  closed: boolean;
  isPool: boolean;
  workerInfo: Array<{ backend: string; simd: boolean; threads: number }>;
  stats: { workers: number; jobs: number; batchesPerWorker: number[]; started: number };
}
/** What the page exposes (e2e/pool-page/main.ts); typed here, since the page's module is not imported. */
interface PoolPage {
  setup(threads?: number): Promise<{ backend: { backend: string; simd: boolean; threads: number }; isolated: boolean; cores: number; multithread: boolean }>;
  explain(pooled: boolean): Promise<{ results: Record<string, number[]>; numTensors: number }>;
  startPool(workers: number): Promise<PoolReport>;
  poolReport(): PoolReport;
  abortRun(after: number): Promise<Outcome & { total: number; beforeAbort: number; afterAbort: number; live: number; leaked: number }>;
  abortThenExplain(
    method: 'integratedGradients' | 'occlusion' | 'kernelShap',
    how: 'progress' | 'timer' | 'before',
    after?: number,
  ): Promise<Outcome & { next: Record<string, number[]>; leaked: number; computedBeforeStart: number; workerTensors: number[]; workerTensorsBefore: number[] }>;
  abortWithFullQueues(): Promise<Outcome & { next: Record<string, number[]>; leaked: number }>;
  closeWhileRunning(): Promise<{ running: Outcome; afterClose: Outcome; live: number }>;
  workerError(): Promise<{ main: Outcome; pooled: Outcome }>;
  dyingWorker(): Promise<{ died: Outcome; liveAfterDeath: number; next: { same: boolean; live: number; started: number } }>;
  closePool(): Promise<PoolReport & { afterClose: Outcome }>;
}
type Call<K extends keyof PoolPage> = PoolPage[K] extends (...args: infer A) => infer R ? { args: A; result: Awaited<R> } : never;

/** Calls window.poolPage[name](...args) in the page. */
function call<K extends keyof PoolPage>(page: Page, name: K, ...args: Call<K>['args']): Promise<Call<K>['result']> {
  return page.evaluate(
    ([name, args]) => {
      const api = (window as unknown as { poolPage: Record<string, (...a: unknown[]) => unknown> }).poolPage;
      return api[name as string]!(...(args as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Call<K>['result']>;
}

/** A worker of the page as playwright reports it (dedicated workers, nested ones included). */
interface Seen {
  url: string;
  closed: boolean;
}

const POOL_WORKER = /\/assets\/worker-[\w-]+\.js$/;

let out = '';
let server: Server | undefined;
let browser: Browser | undefined;
let origin = '';

describe.skipIf(!haveChromium)(`tensors-ops worker pool in Debian chromium (Vite build)${haveChromium ? '' : ` [skipped: ${skipReason}]`}`, () => {
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'glassbox-pool-e2e-'));
    await build({
      root: pageRoot,
      base: './',
      configFile: false,
      logLevel: 'error',
      // Vite's defaults otherwise, also for the worker (iife, minified with compression): the pool must work in an
      // app that did not configure its worker bundle. The page's own bundle runs the threaded WASM build when
      // isolated, whose thread factory a compressing minifier breaks (see apps/demo/README.md), so that one bundle
      // is minified without compression.
      build: {
        outDir: out,
        emptyOutDir: true,
        target: 'es2022',
        chunkSizeWarningLimit: 4096,
        rolldownOptions: { checks: { bundlerTimings: false }, output: { minify: { compress: false, mangle: true, codegen: true } } },
      },
    });
    server = await serve(out);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (out !== '') rmSync(out, { recursive: true, force: true });
  });

  it('the build has one bundled pool worker, next to the WASM binaries', () => {
    const files = readdirSync(join(out, 'assets'));
    const workers = files.filter((f) => POOL_WORKER.test(`/assets/${f}`));
    expect(workers).toHaveLength(1);
    const source = readFileSync(join(out, 'assets', workers[0]!), 'utf8');
    // Bundled (tfjs inside, no relative imports left), not the package's dist/pool/worker.js copied as an asset.
    expect(source).toContain('pool worker has no model');
    expect(source).not.toMatch(/from\s*['"]\.\.?\//);
    expect(source.length).toBeGreaterThan(200_000);
    expect(files.some((f) => /^tfjs-backend-wasm-simd-[\w-]+\.wasm$/.test(f))).toBe(true);
  });

  for (const mode of ['plain', 'isolated'] as const) {
    describe(`${mode === 'plain' ? 'a plain page' : 'a cross-origin isolated page'}`, () => {
      let page: Page;
      const seen: Seen[] = [];
      const external: string[] = [];
      const problems: string[] = [];
      let main: Record<string, number[]> = {};
      let tensorsAfterMain = 0;

      const poolWorkers = (): Seen[] => seen.filter((w) => POOL_WORKER.test(w.url));
      const threadWorkers = (): Seen[] => seen.filter((w) => w.url.startsWith('blob:'));

      beforeAll(async () => {
        page = await browser!.newPage();
        await page.route(
          (url) => !url.href.startsWith(origin) && url.protocol !== 'blob:' && url.protocol !== 'data:',
          (route) => {
            external.push(route.request().url());
            return route.abort();
          },
        );
        page.on('worker', (w: Worker) => {
          const entry: Seen = { url: w.url(), closed: false };
          seen.push(entry);
          w.on('close', () => (entry.closed = true));
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error' || /worker sent an error/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
        });
        await page.goto(`${origin}/${mode}/`);
        await page.waitForFunction(() => document.getElementById('status')?.dataset['state'] === 'ready', null, { timeout: 60_000 });
      });

      afterAll(async () => {
        await page?.close();
      });

      it(`starts the page's backend: WASM with SIMD${mode === 'isolated' ? ', threaded build with 2 threads' : ', one thread'}`, async () => {
        const info = await call(page, 'setup', mode === 'isolated' ? 2 : 1);
        expect(info.isolated).toBe(mode === 'isolated');
        expect(info.multithread).toBe(mode === 'isolated');
        expect(info.backend).toEqual({ backend: 'wasm', simd: true, threads: mode === 'isolated' ? 2 : 1 });
      });

      it('explains on the main thread', async () => {
        const r = await call(page, 'explain', false);
        main = r.results;
        tensorsAfterMain = r.numTensors;
        expect(main['integratedGradients']).toHaveLength(192);
        expect(main['delta']).toHaveLength(3);
        for (const [name, values] of Object.entries(main)) {
          expect(values.every(Number.isFinite), name).toBe(true);
          expect(values.some((v) => v !== 0), name).toBe(true);
        }
      });

      it('createPool({ workers: 2 }) starts two module Web Workers, each on single-threaded WASM with SIMD', async () => {
        const threadsBefore = threadWorkers().length;
        const r = await call(page, 'startPool', 2);
        expect(r).toMatchObject({ size: 2, live: 2, closed: false, isPool: true });
        expect(r.workerInfo.map(({ backend, simd, threads }) => ({ backend, simd, threads }))).toEqual([
          { backend: 'wasm', simd: true, threads: 1 },
          { backend: 'wasm', simd: true, threads: 1 },
        ]);
        await expect.poll(() => poolWorkers().length).toBe(2);
        expect(poolWorkers().every((w) => w.url.startsWith(`${origin}/${mode}/assets/`))).toBe(true);
        // No WASM pthread workers of their own, even where SharedArrayBuffer would allow the threaded build.
        await page.waitForTimeout(300);
        expect(threadWorkers().length).toBe(threadsBefore);
      });

      it('integratedGradients (with delta), saliency and occlusion: identical numbers on the pool and on the main thread', async () => {
        const r = await call(page, 'explain', true);
        for (const name of Object.keys(main)) expect(r.results[name], name).toEqual(main[name]);
        expect(r.numTensors).toBe(tensorsAfterMain);
        const stats = (await call(page, 'poolReport')).stats;
        expect(stats.batchesPerWorker.every((b) => b > 0)).toBe(true);
      });

      it('a model error raised in a worker rejects as on the main thread (same code and message)', async () => {
        const r = await call(page, 'workerError');
        expect(r.main.code).toBe('TARGET_OUT_OF_RANGE');
        expect(r.pooled).toEqual(r.main);
      });

      it('abort rejects with ABORTED, leaks nothing, stops the workers within their queued batches; the pool stays usable', async () => {
        const r = await call(page, 'abortRun', 40);
        expect(r.code).toBe('ABORTED');
        expect(r.message).toBe("integratedGradients: aborted by the caller's AbortSignal");
        expect(r.leaked).toBe(0);
        expect(r.live).toBe(2);
        // After the abort, each worker finishes at most the batches it had (inflight 2): far fewer than the 384.
        expect(r.afterAbort).toBeLessThanOrEqual(2 * 2);
        expect(r.beforeAbort + r.afterAbort).toBeLessThan(r.total / 4);
        const again = await call(page, 'explain', true);
        for (const name of Object.keys(main)) expect(again.results[name], name).toEqual(main[name]);
      });

      for (const method of ['integratedGradients', 'occlusion', 'kernelShap'] as const) {
        for (const how of ['progress', 'timer', 'before'] as const) {
          it(`${method}: an abort (${how === 'before' ? 'before the start' : `from ${how === 'progress' ? 'onProgress' : 'a timer'}`}) rejects with ABORTED, leaks nothing on either side; the next call settles at once, same numbers`, async () => {
            const r = await call(page, 'abortThenExplain', method, how, 40);
            expect(r.code).toBe('ABORTED');
            expect(r.message).toBe(`${method}: aborted by the caller's AbortSignal`);
            expect(r.leaked).toBe(0);
            // Without pool.idle() in between.
            for (const name of Object.keys(main)) expect(r.next[name], name).toEqual(main[name]);
            expect(r.workerTensors).toEqual(r.workerTensorsBefore);
            if (how === 'before') expect(r.computedBeforeStart).toBe(0);
          });
        }
      }

      it.runIf(mode === 'isolated')('an abort while both workers are inside a batch and every queue is full: the next call settles', async () => {
        const r = await call(page, 'abortWithFullQueues');
        expect(r.code).toBe('ABORTED');
        expect(r.leaked).toBe(0);
        for (const name of Object.keys(main)) expect(r.next[name], name).toEqual(main[name]);
      });

      it('a worker that dies (uncaught error) rejects with BACKEND_UNAVAILABLE; the next job starts fresh workers', async () => {
        const before = problems.length;
        const r = await call(page, 'dyingWorker');
        expect(r.died.code).toBe('BACKEND_UNAVAILABLE');
        expect(r.died.message).toMatch(/^integratedGradients: pool worker \d \(thread \d+\) died.*dying-model: uncaught error on call 3, as asked/);
        expect(r.liveAfterDeath).toBe(0);
        expect(r.next).toEqual({ same: true, live: 2, started: 4 });
        // The dead worker's error was handled by the pool (not reported as a page error).
        expect(problems.slice(before)).toEqual([]);
        await expect.poll(() => poolWorkers().length).toBe(4);
        await expect.poll(() => poolWorkers().slice(0, 2).every((w) => w.closed)).toBe(true);
      });

      it('close() terminates every worker; a closed pool is refused', async () => {
        expect(poolWorkers().filter((w) => !w.closed)).toHaveLength(2);
        const r = await call(page, 'closePool');
        expect(r).toMatchObject({ closed: true, live: 0, isPool: true });
        expect(r.afterClose).toEqual({ code: 'INVALID_ARGUMENT', message: 'saliency: options.pool has been closed' });
        await expect.poll(() => poolWorkers().filter((w) => !w.closed).map((w) => w.url), { timeout: 10_000 }).toEqual([]);
      });

      it('a pool closed while a call runs: that call and later ones reject, nothing is thrown out of band', async () => {
        const before = problems.length;
        const r = await call(page, 'closeWhileRunning');
        expect(r.running).toEqual({ code: 'BACKEND_UNAVAILABLE', message: 'integratedGradients: the pool was closed while the job ran' });
        expect(r.afterClose).toEqual({ code: 'INVALID_ARGUMENT', message: 'integratedGradients: options.pool has been closed' });
        expect(r.live).toBe(0);
        expect(problems.slice(before)).toEqual([]);
      });

      it('stayed offline and error-free', () => {
        expect(external).toEqual([]);
        expect(problems).toEqual([]);
      });
    });
  }
});
