// Models whose outputs leave float32's range: every perturbation explainer refuses them with NON_FINITE naming
// the model output, its column and the rows of x, instead of returning Infinity / NaN attributions; on one
// thread, on the incremental occlusion path and in a worker pool alike. Nothing leaks.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sequential, tf, type Pool, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { occlusion } from './occlusion.js';
import { kernelShap } from './kernel-shap.js';
import { lime } from './lime.js';
import { featureAblation } from './feature-ablation.js';
import { featurePermutation } from './feature-permutation.js';
import { shapleyValueSampling } from './shapley-value-sampling.js';
import { exactShapley } from './exact-shapley.js';
import { latentSensitivity } from './latent-sensitivity.js';
import { gridSegments } from './grid-segments.js';

/**
 * A 4x4 image model: 1x1 conv 'c' (2 channels, relu), flatten, dense 'out' (2 columns). Column 0 reads channel 0
 * (x scaled by 1e19) with weights 1e19: 16e38, Infinity in float32, for a row of ones, 1.6e9 for a row of 1e-30.
 * Column 1 reads both channels with weights 1e-3 and stays finite.
 */
function overflowingCnn(): Sequential {
  const model = sequential(
    [
      { type: 'conv2d', name: 'c', filters: 2, kernelSize: 1, activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', name: 'out', units: 2 },
    ],
    [4, 4, 1],
    { seed: 1 },
  );
  const out = new Float32Array(32 * 2);
  for (let i = 0; i < 32; i++) {
    out[i * 2] = i % 2 === 0 ? 1e19 : 0;
    out[i * 2 + 1] = 1e-3;
  }
  const w = {
    'c/kernel': tf.tensor4d([1e19, 1], [1, 1, 1, 2]),
    'c/bias': tf.zeros([2]),
    'out/kernel': tf.tensor2d(out, [32, 2]),
    'out/bias': tf.zeros([2]),
  };
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

const ROW_1 = /f must return finite outputs, got Infinity in output column 0 for row 1 of x; the model overflows float32 or divides by zero/;

describeBackends('perturbation explainers refuse non-finite model outputs', (backend) => {
  let model: Sequential;
  let x: Tensor;
  let pool: Pool;
  const mask = gridSegments([4, 4, 1], { cells: 2 });

  beforeAll(async () => {
    model = overflowingCnn();
    // Row 0 is tiny (finite outputs), row 1 is ones (column 0 overflows); the baseline 0 keeps every output finite.
    x = tf.concat([tf.fill([1, 4, 4, 1], 1e-30), tf.ones([1, 4, 4, 1])], 0);
    pool = await createPool({ workers: 1, backend });
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    tf.dispose([x, mask]);
  });

  it('occlusion (incremental and whole-model paths), kernelShap, lime, featureAblation, shapleyValueSampling, exactShapley', async () => {
    const runs: Array<[string, () => Promise<unknown>]> = [
      ['occlusion', () => occlusion(model, x, { target: 0, window: [2, 2, 1] })],
      ['occlusion', () => occlusion(model, x, { target: 0, window: [2, 2, 1], incremental: false })],
      ['kernelShap', () => kernelShap(model, x, { target: 0, featureMask: mask, samples: 16 })],
      ['lime', () => lime(model, x, { target: 0, featureMask: mask, samples: 16 })],
      ['featureAblation', () => featureAblation(model, x, { target: 0, featureMask: mask })],
      ['shapleyValueSampling', () => shapleyValueSampling(model, x, { target: 0, featureMask: mask, samples: 2 })],
      ['exactShapley', () => exactShapley(model, x, { target: 0, featureMask: mask })],
    ];
    for (const [where, run] of runs) {
      const e = await expectGlassboxError(run, 'NON_FINITE', ROW_1);
      expect(e.message.startsWith(`${where}: `), e.message).toBe(true);
    }
    // Permutation mixes rows of x, so any row may be named; the output and its column are.
    await expectGlassboxError(
      () => featurePermutation(model, x, { target: 0, featureMask: mask }),
      'NON_FINITE',
      /^featurePermutation: f must return finite outputs, got Infinity in output column 0 for row \d of x/,
    );
  });

  it('a finite column of the same model is explained as usual (only the target column is checked)', async () => {
    for (const run of [
      () => occlusion(model, x, { target: 1, window: [2, 2, 1] }),
      () => kernelShap(model, x, { target: 1, featureMask: mask, samples: 16 }),
    ]) {
      await expectNoLeaks(async () => {
        const r = await run();
        expect(Array.from(r.attributions.dataSync()).every(Number.isFinite)).toBe(true);
        r.attributions.dispose();
      });
    }
  });

  it('finite scores whose differences leave float32 are refused as attributions', async () => {
    // F(x) = 3e38 x_0: F(x) = 3e38 and F(baseline) = -3e38 are finite, the occlusion difference 6e38 is not.
    const f = (t: Tensor): Tensor => tf.mul(tf.slice(t, [0, 0], [-1, 1]), 3e38);
    const row = tf.tensor2d([[1, 5]]);
    await expectGlassboxError(
      () => occlusion(f, row, { window: [1], baseline: -1 }),
      'NON_FINITE',
      /^occlusion: the attributions must be finite, got Infinity at element 0 for row 0 of x; they leave the range of float32/,
    );
    await expectGlassboxError(
      () => featureAblation(f, row, { baseline: -1 }),
      'NON_FINITE',
      /^featureAblation: the attributions must be finite, got Infinity at element 0 for row 0 of x;/,
    );
    row.dispose();
  });

  it('finite inputs of 3e38 that overflow a plain function are refused like non-finite inputs', async () => {
    const f = (t: Tensor): Tensor => tf.mul(tf.sum(t, 1), 2); // [N]
    const big = tf.tensor2d([
      [1, 2],
      [3e38, 0],
    ]);
    await expectGlassboxError(
      () => kernelShap(f, big, { samples: 8 }),
      'NON_FINITE',
      /^kernelShap: f must return finite outputs, got Infinity in output for row 1 of x;/,
    );
    big.dispose();
  });

  it('latentSensitivity names the decoder and zs', async () => {
    const decoder = (z: Tensor): Tensor => tf.square(tf.mul(z, 1e20));
    const zs = tf.tensor2d([
      [0, 0],
      [0, 1],
    ]);
    await expectGlassboxError(
      () => latentSensitivity(decoder, zs, { delta: 1e-25 }),
      'NON_FINITE',
      /^latentSensitivity: decoder must return finite outputs, got Infinity in output column 1 for row 1 of zs;/,
    );
    zs.dispose();
  });

  it('pooled runs give the same error as one thread, and the pool serves the next call', async () => {
    const cases: Array<(p?: Pool) => Promise<unknown>> = [
      (p) => occlusion(model, x, { target: 0, window: [2, 2, 1], incremental: false, batchSize: 4, ...(p ? { pool: p } : {}) }),
      (p) => kernelShap(model, x, { target: 0, featureMask: mask, samples: 16, batchSize: 8, ...(p ? { pool: p } : {}) }),
    ];
    for (const run of cases) {
      const single = await expectGlassboxError(() => run(), 'NON_FINITE', ROW_1);
      const pooled = await expectGlassboxError(() => run(pool), 'NON_FINITE', ROW_1);
      expect(pooled.message).toBe(single.message);
    }
    await pool.idle();
    await expectNoLeaks(async () => {
      const r = await occlusion(model, x, { target: 1, window: [2, 2, 1], incremental: false, pool });
      expect(Array.from(r.attributions.dataSync()).every(Number.isFinite)).toBe(true);
      r.attributions.dispose();
    });
  });
});
