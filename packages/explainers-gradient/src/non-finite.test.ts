// Models whose outputs (or gradients) leave float32's range: every gradient explainer refuses them with
// NON_FINITE naming the model output, its column and the rows of x, instead of returning Infinity / NaN
// attributions; on one thread and in a worker pool alike. Nothing leaks on either path.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sequential, tf, type Pool, type Sequential, type Tensor } from '@glassbox/tensors-ops';
import { createPool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { saliency } from './saliency.js';
import { inputXGradient } from './input-x-gradient.js';
import { integratedGradients } from './integrated-gradients.js';
import { gradientShap } from './gradient-shap.js';
import { deepLift } from './deep-lift.js';
import { gradCam } from './grad-cam.js';
import { guidedBackprop } from './guided-backprop.js';
import { guidedGradCam } from './guided-grad-cam.js';
import { noiseTunnel } from './noise-tunnel.js';
import { latentAttribution } from './latent-attribution.js';
import { latentJacobian } from './latent-jacobian.js';

/**
 * A 4x4 image model: 1x1 conv 'c' (2 channels, relu), flatten, dense 'out' (2 columns). Channel 0 is scaled by
 * 1e19 and column 0 reads it with weights 1e19, so column 0 is 16e38 (Infinity in float32) for a row of ones and
 * 1.6e9 for a row of 1e-30, while its gradient, 1e38 per pixel, stays finite; column 1 reads both channels with
 * weights 1e-3 and stays finite (1.6e17).
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

const OUTPUT_ROW_1 = /f must return finite outputs, got Infinity in output column 0 for row 1 of x; the model overflows float32 or divides by zero/;

describeBackends('gradient explainers refuse non-finite model outputs', (backend) => {
  let model: Sequential;
  let x: Tensor;
  let pool: Pool;

  beforeAll(async () => {
    model = overflowingCnn();
    // Row 0 is tiny (finite outputs), row 1 is ones (column 0 overflows).
    x = tf.concat([tf.fill([1, 4, 4, 1], 1e-30), tf.ones([1, 4, 4, 1])], 0);
    pool = await createPool({ workers: 1, backend });
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
    x?.dispose();
  });

  it('the test model really overflows in column 0 of row 1 only', () => {
    const y = tf.tidy(() => model.predict(x));
    const v = Array.from(y.dataSync());
    y.dispose();
    expect(Number.isFinite(v[0])).toBe(true);
    expect(v[2]).toBe(Infinity);
    expect(v.filter((_, i) => i !== 2).every(Number.isFinite)).toBe(true);
  });

  it('saliency, inputXGradient, integratedGradients, gradientShap, guidedBackprop, noiseTunnel: NON_FINITE naming column 0 and row 1', async () => {
    const runs: Array<[string, () => Promise<unknown>]> = [
      ['saliency', () => saliency(model, x, { target: 0 })],
      ['inputXGradient', () => inputXGradient(model, x, { target: 0, batchSize: 1 })],
      ['integratedGradients', () => integratedGradients(model, x, { target: 0, steps: 4 })],
      ['gradientShap', () => gradientShap(model, x, { target: 0, samples: 3 })],
      ['guidedBackprop', () => guidedBackprop(model, x, { target: 0 })],
    ];
    for (const [where, run] of runs) {
      const e = await expectGlassboxError(run, 'NON_FINITE', OUTPUT_ROW_1);
      expect(e.message.startsWith(`${where}: `), e.message).toBe(true);
    }
    // noiseTunnel names the rows of x the wrapped explainer's noisy copies came from.
    await expectGlassboxError(
      () => noiseTunnel(saliency, { samples: 2, stdev: 1e-3 })(model, x, { target: 0, batchSize: 2 }),
      'NON_FINITE',
      /^noiseTunnel: saliency: f must return finite outputs, got Infinity in output column 0 for row 2 of x \(non-finite on rows 2, 3 of x\); .* \(the wrapped explainer's x holds 2 noisy copies of each of rows 0\.\.1 of noiseTunnel's x, in order\)$/,
    );
  });

  it('deepLift, gradCam and guidedGradCam name the model', async () => {
    const named = /^(deepLift|gradCam|guidedGradCam): model must return finite outputs, got Infinity in output column 0 for row 1 of x;/;
    await expectGlassboxError(() => deepLift(model, x, { target: 0 }), 'NON_FINITE', named);
    await expectGlassboxError(() => gradCam(model, x, { target: 0, layer: 'c' }), 'NON_FINITE', named);
    await expectGlassboxError(() => guidedGradCam(model, x, { target: 0, layer: 'c' }), 'NON_FINITE', named);
  });

  it('a finite column of the same model is explained as usual (only the target column is checked)', async () => {
    for (const run of [
      () => saliency(model, x, { target: 1 }),
      () => integratedGradients(model, x, { target: 1, steps: 4 }),
      () => deepLift(model, x, { target: 1 }),
    ]) {
      await expectNoLeaks(async () => {
        const r = await run();
        expect(Array.from(r.attributions.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([r.attributions, r.delta ?? []]);
      });
    }
  });

  it('finite inputs of 3e38 that overflow a plain function are refused the same way', async () => {
    const f = (t: Tensor): Tensor => tf.mul(tf.sum(t, 1, true), 2); // [N, 1]
    const big = tf.tensor2d([
      [1, 2],
      [3e38, 0],
      [-3e38, 0],
    ]);
    await expectGlassboxError(
      () => integratedGradients(f, big, { steps: 2 }),
      'NON_FINITE',
      /^integratedGradients: f must return finite outputs, got Infinity in output for row 1 of x \(non-finite on rows 1, 2 of x\);/,
    );
    await expectGlassboxError(() => saliency(f, big), 'NON_FINITE', /^saliency: f must return finite outputs, got Infinity in output for row 1 of x \(non-finite on rows 1, 2 of x\);/);
    big.dispose();
  });

  it('a gradient that is not finite at x (sqrt at 0) is refused, naming the element', async () => {
    const f = (t: Tensor): Tensor => tf.sum(tf.sqrt(t), 1); // [N]: finite at 0, gradient 1 / (2 sqrt(0)) = Infinity
    const at = tf.tensor2d([
      [1, 4, 9],
      [1, 4, 0],
    ]);
    const gradient = /^saliency: the gradient of f's target output with respect to x must be finite, got Infinity at element 2 for row 1 of x; .*not differentiable there/;
    await expectGlassboxError(() => saliency(f, at, { abs: false }), 'NON_FINITE', gradient);
    await expectGlassboxError(
      () => integratedGradients(f, at, { steps: 3 }),
      'NON_FINITE',
      /^integratedGradients: the gradient of f's target output with respect to x must be finite, got Infinity at element 2 for row 1 of x;/,
    );
    at.dispose();
  });

  it('latent methods name the decoder and z', async () => {
    const decoder = (z: Tensor): Tensor => tf.square(tf.mul(z, 1e20)); // [N, D] -> [N, D]; Infinity where |z| >= 1.9e-1
    const z = tf.tensor2d([
      [0, 1e-30],
      [1, 0],
    ]);
    await expectGlassboxError(
      () => latentAttribution(decoder, z, [1, 1], { steps: 2 }),
      'NON_FINITE',
      /^latentAttribution: decoder must return finite outputs, got Infinity in output for row 1 of z;/,
    );
    await expectGlassboxError(
      () => latentJacobian(decoder, z),
      'NON_FINITE',
      /^latentJacobian: the Jacobian of decoder with respect to z must be finite, got Infinity at element 0 for row 1 of z;/,
    );
    z.dispose();
  });

  it('pooled runs give the same error as one thread, and the pool serves the next call', async () => {
    const cases: Array<[string, (p?: Pool) => Promise<unknown>]> = [
      ['saliency', (p) => saliency(model, x, { target: 0, batchSize: 1, ...(p ? { pool: p } : {}) })],
      ['integratedGradients', (p) => integratedGradients(model, x, { target: 0, steps: 4, batchSize: 2, ...(p ? { pool: p } : {}) })],
    ];
    for (const [, run] of cases) {
      const single = await expectGlassboxError(() => run(), 'NON_FINITE', OUTPUT_ROW_1);
      const pooled = await expectGlassboxError(() => run(pool), 'NON_FINITE', OUTPUT_ROW_1);
      expect(pooled.message).toBe(single.message);
    }
    await pool.idle();
    await expectNoLeaks(async () => {
      const r = await saliency(model, x, { target: 1, pool });
      expect(Array.from(r.attributions.dataSync()).every(Number.isFinite)).toBe(true);
      r.attributions.dispose();
    });
  });
});
