// Importing tensors-ops must make tf.grad work inside a bundle too: bundlers drop modules they believe have
// no side effects, and gradient registration is a side effect. Build real Vite bundles of a script that only
// imports tensors-ops and differentiates, then run it.
// The worker pool is opt-in: an app that imports only '@glassbox/tensors-ops' must not get the pool's worker
// bundle (about 1.3 MB: a second copy of TensorFlow.js and the WASM backend); one that imports
// '@glassbox/tensors-ops/pool' gets it, bundled.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const pkgRoot = join(import.meta.dirname, '..');
/** A message of the pool worker's source (src/pool/worker.ts), found in any build of it. */
const POOL_WORKER_MARK = 'pool worker has no model';
let dir = '';

describe('tensors-ops inside a Vite bundle', () => {
  beforeAll(() => {
    if (!existsSync(join(pkgRoot, 'dist', 'index.js'))) {
      execFileSync('node', ['scripts/prepare-vendor.mjs'], { cwd: pkgRoot });
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkgRoot });
    }
    dir = mkdtempSync(join(pkgRoot, '.smoke-vite-'));
    writeFileSync(
      join(dir, 'entry.mjs'),
      // What an explainer uses of the pool (as explainers-gradient does): this must not pull the pool in.
      `import { tf, initBackend, isPool, resolvePool, autoBatchSize, estimateRowBytes } from '@glassbox/tensors-ops';
       export async function run() {
         await initBackend({ backend: 'cpu' });
         const f = (x) => x;
         if (resolvePool(undefined, f, 'run') !== null || isPool({}) || autoBatchSize(10, { rowBytes: estimateRowBytes(f) }) !== 64) throw new Error('pool helpers');
         const g = tf.grad((x) => tf.sum(tf.sigmoid(tf.matMul(x, tf.ones([3, 1])))))(tf.zeros([2, 3]));
         return Array.from(g.dataSync());
       }
       if (typeof process !== 'undefined' && process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
         run().then((v) => console.log(JSON.stringify(v)));
       }`,
    );
  });
  afterAll(() => { if (!process.env.KEEP_SMOKE) rmSync(dir, { recursive: true, force: true }); });

  it('keeps gradient registration in a fully bundled build that runs in Node', async () => {
    await build({
      root: dir,
      logLevel: 'silent',
      configFile: false,
      ssr: { noExternal: true, target: 'node' },
      build: { ssr: join(dir, 'entry.mjs'), outDir: join(dir, 'out-node'), minify: true, rollupOptions: { output: { format: 'es', entryFileNames: 'bundle.mjs' } } },
    });
    const out = execFileSync(process.execPath, [join(dir, 'out-node', 'bundle.mjs')], { encoding: 'utf8' });
    // d/dx sum(sigmoid(x . 1)) at x = 0 is sigmoid'(0) = 0.25 for every element.
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  }, 120_000);

  it('emits the WASM binaries as assets of a browser app build', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./entry.mjs"></script>');
    await build({
      root: dir,
      logLevel: 'silent',
      configFile: false,
      build: { outDir: join(dir, 'out-web'), assetsInlineLimit: 0 },
    });
    const files = readdirSync(join(dir, 'out-web'), { recursive: true }).map(String);
    expect(files.some((f) => /tfjs-backend-wasm-simd.*\.wasm$/.test(f))).toBe(true);
    expect(files.some((f) => /tfjs-backend-wasm-threaded-simd.*\.wasm$/.test(f))).toBe(true);
    // No pool worker: neither bundled (worker-*.js) nor copied as a raw asset, and no code that starts one.
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => /(^|\/)worker-[\w-]+\.js$/.test(f))).toEqual([]);
    for (const f of js) {
      const text = readFileSync(join(dir, 'out-web', f), 'utf8');
      expect(text, f).not.toContain(POOL_WORKER_MARK);
      expect(text, f).not.toContain('glassbox-pool-');
    }
  }, 120_000);

  it("bundles the pool's worker into an app that imports '@glassbox/tensors-ops/pool'", async () => {
    const app = join(dir, 'pool-app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'entry.mjs'),
      `import { initBackend, isPool } from '@glassbox/tensors-ops';
       import { createPool } from '@glassbox/tensors-ops/pool';
       await initBackend();
       const pool = await createPool({ workers: 2 });
       console.log(isPool(pool));
       await pool.close();`,
    );
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./entry.mjs"></script>');
    await build({
      root: app,
      logLevel: 'silent',
      configFile: false,
      build: { outDir: join(app, 'out'), assetsInlineLimit: 0, target: 'es2022' },
    });
    const files = readdirSync(join(app, 'out'), { recursive: true }).map(String);
    const workers = files.filter((f) => /(^|\/)worker-[\w-]+\.js$/.test(f));
    expect(workers).toHaveLength(1);
    const worker = readFileSync(join(app, 'out', workers[0]!), 'utf8');
    // The worker is a bundle of its own (TensorFlow.js inside, no relative imports), not dist/pool/worker.js.
    expect(worker).toContain(POOL_WORKER_MARK);
    expect(worker).not.toMatch(/from\s*['"]\.\.?\//);
    expect(worker.length).toBeGreaterThan(500_000);
    // It creates no pool itself, and the app's own chunk starts the workers.
    expect(worker).not.toContain('glassbox-pool-');
    const main = files.filter((f) => f.endsWith('.js') && !workers.includes(f)).map((f) => readFileSync(join(app, 'out', f), 'utf8'));
    expect(main.some((text) => text.includes('glassbox-pool-'))).toBe(true);
  }, 120_000);
});
