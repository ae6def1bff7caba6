// vitest transforms imports that plain Node cannot load, so a green vitest run can hide a package that is
// broken in Node. These tests run the BUILT package in a plain `node` child process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgRoot = join(import.meta.dirname, '..');

function runNode(source: string): string {
  const dir = mkdtempSync(join(pkgRoot, '.smoke-'));
  try {
    const file = join(dir, 'smoke.mjs');
    writeFileSync(file, source);
    return execFileSync(process.execPath, [file], { cwd: pkgRoot, encoding: 'utf8', env: { ...process.env, GLASSBOX_BACKEND: '' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the built package in plain Node ESM', () => {
  beforeAll(() => {
    if (!existsSync(join(pkgRoot, 'dist', 'index.js')) || !existsSync(join(pkgRoot, 'dist', 'vendor', 'register-gradients.js'))) {
      execFileSync('node', ['scripts/prepare-vendor.mjs'], { cwd: pkgRoot });
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkgRoot });
    }
  });

  it('imports by package name, starts WASM with SIMD and computes gradients of a conv net', () => {
    const out = runNode(`
      import { tf, initBackend, createRng } from '@glassbox/tensors-ops';
      const info = await initBackend();
      const rng = createRng(1);
      const w = tf.tensor4d(rng.normalArray(3 * 3 * 1 * 4, 0, 0.3), [3, 3, 1, 4]);
      const v = tf.tensor2d(rng.normalArray(4 * 4 * 4, 0, 0.3), [64, 1]);
      const f = (x) => tf.sum(tf.matMul(tf.reshape(tf.relu(tf.conv2d(x, w, 2, 'same')), [x.shape[0], 64]), v));
      const x = tf.tensor4d(rng.uniformArray(2 * 8 * 8), [2, 8, 8, 1]);
      const g = tf.grad(f)(x);
      const gw = tf.grad((k) => tf.sum(tf.relu(tf.conv2d(x, k, 1, 'same'))))(w);
      console.log(JSON.stringify({ info, shape: g.shape, finite: g.isFinite().all().dataSync()[0], gw: gw.shape, numTensors: tf.memory().numTensors }));
    `);
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last.info).toEqual({ backend: 'wasm', simd: true, threads: 1 });
    expect(last.shape).toEqual([2, 8, 8, 1]);
    expect(last.gw).toEqual([3, 3, 1, 4]);
    expect(last.finite).toBe(1);
  });

  it("keeps createPool out of the main entry and serves it from '@glassbox/tensors-ops/pool'", () => {
    const out = runNode(`
      import * as main from '@glassbox/tensors-ops';
      import * as poolEntry from '@glassbox/tensors-ops/pool';
      const pool = await poolEntry.createPool({ workers: 1, backend: 'cpu' });
      const info = pool.workerInfo.map((i) => i.backend);
      const branded = main.isPool(pool);
      await pool.close();
      console.log(JSON.stringify({
        mainHasCreatePool: 'createPool' in main,
        mainHasPool: 'Pool' in main,
        helpers: ['isPool', 'resolvePool', 'autoBatchSize', 'estimateRowBytes', 'poolable'].every((k) => typeof main[k] === 'function'),
        poolExports: Object.keys(poolEntry).sort(),
        info,
        branded,
        closed: pool.closed,
      }));
    `);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      mainHasCreatePool: false,
      mainHasPool: false,
      helpers: true,
      poolExports: ['Pool', 'createPool', 'isPool'],
      info: ['cpu'],
      branded: true,
      closed: true,
    });
  });

  it('starts a pool from `node --input-type=module -e` (the workers must not inherit --input-type)', () => {
    const script = `
      import { createPool } from '@glassbox/tensors-ops/pool';
      const pool = await createPool({ workers: 1, backend: 'cpu' });
      console.log(pool.liveWorkers());
      await pool.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgRoot, encoding: 'utf8', env: { ...process.env, GLASSBOX_BACKEND: '' } });
    expect(out.trim()).toBe('1');
  });

  it('exposes the testing entry point and the GlassboxError class', () => {
    const out = runNode(`
      import { GlassboxError, selectTarget, tf } from '@glassbox/tensors-ops';
      let code = null;
      try { selectTarget(tf.zeros([2, 3]), [0, 5]); } catch (e) { code = e instanceof GlassboxError ? e.code : String(e); }
      console.log(code);
    `);
    expect(out.trim()).toBe('TARGET_OUT_OF_RANGE');
  });
});
