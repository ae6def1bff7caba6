// Importing tensors-ops must make tf.grad work inside a bundle too: bundlers drop modules they believe have
// no side effects, and gradient registration is a side effect. Build real Vite bundles of a script that only
// imports tensors-ops and differentiates, then run it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const pkgRoot = join(import.meta.dirname, '..');
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
      `import { tf, initBackend } from '@glassbox/tensors-ops';
       export async function run() {
         await initBackend({ backend: 'cpu' });
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
  }, 120_000);
});
