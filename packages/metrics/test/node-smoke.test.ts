// vitest transforms imports that plain Node cannot load, so a green vitest run can hide a package that is
// broken in Node. This test runs the BUILT package in a plain `node` child process.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgRoot = join(import.meta.dirname, '..');

function runNode(source: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: pkgRoot,
    encoding: 'utf8',
    env: { ...process.env, GLASSBOX_BACKEND: '' },
  });
}

describe('the built package in plain Node ESM', () => {
  beforeAll(() => {
    if (!existsSync(join(pkgRoot, 'dist', 'index.js'))) {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkgRoot });
    }
  });

  it('imports by package name and runs deletionCurve on a tiny linear model on WASM', () => {
    const out = runNode(`
      import { tf, initBackend } from '@glassbox/tensors-ops';
      import { deletionCurve, sparseness } from '@glassbox/metrics';
      const info = await initBackend();
      const w = tf.tensor2d([[3], [1], [2], [0]]);
      const f = (x) => tf.matMul(x, w);
      const x = tf.tensor2d([[1, 1, 1, 1]]);
      const a = tf.tensor2d([[3, 1, 2, 0]]);              // the exact attributions w * x
      const before = tf.memory().numTensors;
      const res = await deletionCurve(f, x, a, { steps: 4, seed: 1 });
      const after = tf.memory().numTensors;
      console.log(JSON.stringify({ backend: info.backend, curve: res.curves[0], auc: res.auc[0], random: res.randomAuc[0], gini: sparseness(a)[0], leaked: after - before }));
    `);
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last.backend).toBe('wasm');
    // removing 3, then 2, then 1, then 0 from F(x) = 6
    expect(last.curve).toEqual([6, 3, 1, 0, 0]);
    // trapezoid over 0, 1/4, ..., 1 of [6, 3, 1, 0, 0], divided by 6
    expect(last.auc).toBeCloseTo((0.25 * (6 + 3 + 3 + 1 + 1 + 0 + 0 + 0)) / 2 / 6, 6);
    expect(last.random).toBeGreaterThanOrEqual(last.auc);
    // |a| = [3, 1, 2, 0]: sorted [0, 1, 2, 3], Gini = sum (2k - n - 1) v_k / (n sum v) = (-3*0 - 1 + 2 + 9) / 24
    expect(last.gini).toBeCloseTo(10 / 24, 6);
    expect(last.leaked).toBe(0);
  });
});
