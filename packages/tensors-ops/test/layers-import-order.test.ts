// Our gradients stay ours in plain Node too: a program that imports the BUILT @glassbox/tensors-ops and then
// @tensorflow/tfjs-layers (which registers tfjs-core's gradients again) still runs Glassbox's FusedBatchNorm
// gradient (no Tile) once it calls Glassbox. Runs in a `node` child process, like ./node-smoke.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgRoot = join(import.meta.dirname, '..');

function runNode(source: string): string {
  const dir = mkdtempSync(join(pkgRoot, '.smoke-'));
  try {
    const file = join(dir, 'order.mjs');
    writeFileSync(file, source);
    return execFileSync(process.execPath, [file], { cwd: pkgRoot, encoding: 'utf8', env: { ...process.env, GLASSBOX_BACKEND: '' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tfjs-layers imported after the built package, in plain Node', () => {
  beforeAll(() => {
    if (!existsSync(join(pkgRoot, 'dist', 'overrides.js'))) {
      execFileSync('node', ['scripts/prepare-vendor.mjs'], { cwd: pkgRoot });
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkgRoot });
    }
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`keeps Glassbox's FusedBatchNorm gradient in force on ${backend}`, () => {
      const out = runNode(`
        import { tf, initBackend, safeGrad, forEachBatch } from '@glassbox/tensors-ops';
        const ours = tf.getGradient('FusedBatchNorm').gradFunc;
        const tfl = await import('@tensorflow/tfjs-layers');
        const replaced = tf.getGradient('FusedBatchNorm').gradFunc !== ours;
        await initBackend({ backend: '${backend}', fallback: false });
        const afterInit = tf.getGradient('FusedBatchNorm').gradFunc === ours;
        const model = tfl.sequential({ layers: [
          tfl.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }),
          tfl.layers.batchNormalization({ movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 2 }) }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) }),
        ] });
        const x = tf.randomUniform([2, 5, 5, 2], 0, 1, 'float32', 4);
        const loss = (p) => tf.sum(model.predict(p));
        // tfjs-layers' registration again (as a second import would), then plain tf.grad: tfjs-core's gradient.
        tf.registerGradient({ ...tf.getGradient('FusedBatchNorm'), gradFunc: (...a) => { throw new Error('not ours'); } });
        let theirsRan = false;
        try { tf.grad(loss)(x); } catch { theirsRan = true; }
        // Through Glassbox (the leak-safe gradient, a batch loop): ours again.
        const before = tf.memory().numTensors;
        const profile = await tf.profile(() => safeGrad(loss, x, 'test'));
        profile.result.dispose();
        let inLoop = false;
        await forEachBatch(1, () => { inLoop = tf.getGradient('FusedBatchNorm').gradFunc === ours; });
        console.log(JSON.stringify({
          backend: tf.getBackend(), replaced, afterInit, theirsRan, inLoop,
          oursNow: tf.getGradient('FusedBatchNorm').gradFunc === ours,
          tile: profile.kernelNames.includes('Tile'),
          batchNorm: profile.kernelNames.includes('FusedBatchNorm'),
          leaked: tf.memory().numTensors - before,
        }));
      `);
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
        backend,
        replaced: true,
        afterInit: true,
        theirsRan: true,
        inLoop: true,
        oursNow: true,
        tile: false,
        batchNorm: true,
        leaked: 0,
      });
    });
  }
});
