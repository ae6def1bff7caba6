import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sequential, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { deepLift } from './deep-lift.js';
import { integratedGradients } from './integrated-gradients.js';
import { noiseTunnel } from './noise-tunnel.js';
import { randomizeWeights, uniforms, weightValues } from './testing-internal/models.js';

describeBackends('deepLift', () => {
  it('matches the rescale rule computed by hand (float64) on dense-relu-dense, and sums to F(x) - F(b)', async () => {
    const P = 5;
    const H = 6;
    const K = 3;
    const model = sequential(
      [
        { type: 'dense', name: 'h', units: H, activation: 'relu' },
        { type: 'dense', name: 'out', units: K },
      ],
      [P],
      { seed: 1 },
    );
    randomizeWeights(model, 3);
    const W1 = weightValues(model, 'h/kernel');
    const b1 = weightValues(model, 'h/bias');
    const W2 = weightValues(model, 'out/kernel');
    const b2 = weightValues(model, 'out/bias');
    const n = 4;
    const xv = uniforms(5, n * P, -2, 2);
    const bv = uniforms(6, P, -0.5, 0.5);
    const x = tf.tensor2d(xv, [n, P]);
    const base = tf.tensor1d(bv);
    const t = 2;
    await expectNoLeaks(async () => {
      const { attributions, delta, method } = await deepLift(model, x, { target: t, baseline: base, batchSize: 3 });
      expect(method).toBe('deepLift');
      const expected = new Float64Array(n * P);
      const expectedGap = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let fx = b2[t]!;
        let fb = b2[t]!;
        for (let h = 0; h < H; h++) {
          let z = b1[h]!;
          let zb = b1[h]!;
          for (let j = 0; j < P; j++) {
            z += xv[i * P + j]! * W1[j * H + h]!;
            zb += bv[j]! * W1[j * H + h]!;
          }
          const m = Math.abs(z - zb) > 1e-10 ? (Math.max(z, 0) - Math.max(zb, 0)) / (z - zb) : z > 0 ? 1 : 0;
          fx += Math.max(z, 0) * W2[h * K + t]!;
          fb += Math.max(zb, 0) * W2[h * K + t]!;
          for (let j = 0; j < P; j++) expected[i * P + j] += (xv[i * P + j]! - bv[j]!) * W1[j * H + h]! * m * W2[h * K + t]!;
        }
        expectedGap[i] = fx - fb;
      }
      expectTensorClose(attributions, expected, 1e-4, 1e-4);
      const sums = tf.tidy(() => tf.sum(attributions, 1).dataSync());
      for (let i = 0; i < n; i++) expect(sums[i]).toBeCloseTo(expectedGap[i]!, 3);
      expectTensorClose(delta!, new Float32Array(n), 1e-4);
      attributions.dispose();
      delta!.dispose();
    });
    x.dispose();
    base.dispose();
    model.dispose();
  });

  it('sums to F(x) - F(b) (delta ~ 0) on a CNN with relu, tanh, sigmoid, softplus, elu, leakyRelu, avgPool', async () => {
    const model = sequential(
      [
        { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', name: 'c2', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' },
        { type: 'avgPool', poolSize: 2 },
        { type: 'activation', fn: 'leakyRelu' },
        { type: 'flatten' },
        { type: 'dense', units: 6, activation: 'tanh' },
        { type: 'dense', units: 6, activation: 'softplus' },
        { type: 'dense', units: 5, activation: 'sigmoid' },
        { type: 'dense', units: 3 },
      ],
      [8, 8, 1],
      { seed: 2 },
    );
    randomizeWeights(model, 7, 0.6);
    const x = tf.tensor4d(uniforms(8, 3 * 64), [3, 8, 8, 1]);
    const { attributions, delta } = await deepLift(model, x, { target: [0, 1, 2], baseline: 0.1 });
    expect(attributions.shape).toEqual([3, 8, 8, 1]);
    const out = tf.tidy(() => model.predict(x).dataSync());
    const outB = tf.tidy(() => model.predict(tf.fill([1, 8, 8, 1], 0.1)).dataSync());
    const sums = tf.tidy(() => tf.sum(attributions, [1, 2, 3]).dataSync());
    const dv = delta!.dataSync();
    for (let i = 0; i < 3; i++) {
      const gap = out[i * 3 + i]! - outB[i]!;
      expect(Math.abs(sums[i]! - gap)).toBeLessThan(1e-4 + 1e-4 * Math.abs(gap));
      expect(dv[i]).toBeCloseTo(sums[i]! - gap, 4);
    }
    attributions.dispose();
    delta!.dispose();
    x.dispose();
    model.dispose();
  });

  it('equals integrated gradients on a model whose only activations are linear', async () => {
    const model = sequential([{ type: 'dense', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }], [3], { seed: 4 });
    randomizeWeights(model, 9);
    const x = tf.tensor2d(uniforms(10, 6, -1, 1), [2, 3]);
    const dl = await deepLift(model, x, { target: 1, baseline: 0.3 });
    const ig = await integratedGradients(model, x, { target: 1, baseline: 0.3, steps: 2 });
    expectTensorClose(dl.attributions, ig.attributions, 1e-5);
    for (const t of [dl.attributions, dl.delta!, ig.attributions, ig.delta!, x]) t.dispose();
    model.dispose();
  });

  it('does not depend on batchSize, and works inside the noise tunnel', async () => {
    const model = sequential([{ type: 'dense', units: 5, activation: 'relu' }, { type: 'dense', units: 2 }], [4], { seed: 5 });
    randomizeWeights(model, 11);
    const x = tf.tensor2d(uniforms(12, 5 * 4, -1, 1), [5, 4]);
    const ref = await deepLift(model, x, { target: 0 });
    for (const batchSize of [1, 2]) {
      const r = await deepLift(model, x, { target: 0, batchSize });
      expectTensorClose(r.attributions, ref.attributions, 1e-6);
      expectTensorClose(r.delta!, ref.delta!, 1e-6);
      r.attributions.dispose();
      r.delta!.dispose();
    }
    const smooth = await noiseTunnel(deepLift, { samples: 3, stdev: 0.1, seed: 1 })(model, x, { target: 0 });
    expect(smooth.attributions.shape).toEqual([5, 4]);
    expectTensorClose(smooth.delta!, new Float32Array(5), 1e-4);
    for (const t of [ref.attributions, ref.delta!, smooth.attributions, smooth.delta!, x]) t.dispose();
    model.dispose();
  });

  it('rejects a model that is not layered, a bad eps, a bad baseline and an out-of-range target', async () => {
    const model = sequential([{ type: 'dense', units: 2, activation: 'relu' }], [3], { seed: 6 });
    const x = tf.tensor2d([[1, 2, 3]]);
    await expectGlassboxError(() => deepLift(((t: Tensor) => t) as never, x), 'INVALID_ARGUMENT', /model must be a layered model/);
    await expectGlassboxError(() => deepLift(model, x, { eps: -1 }), 'INVALID_ARGUMENT', /options\.eps/);
    await expectGlassboxError(() => deepLift(model, x, { target: 2 }), 'TARGET_OUT_OF_RANGE', /options\.target/);
    const bad = tf.zeros([2, 2]);
    await expectGlassboxError(() => deepLift(model, x, { target: 0, baseline: bad }), 'SHAPE_MISMATCH', /options\.baseline/);
    const wrongWidth = tf.zeros([1, 4]);
    await expectGlassboxError(() => deepLift(model, wrongWidth, { target: 0 }), 'SHAPE_MISMATCH');
    for (const t of [x, bad, wrongWidth]) t.dispose();
    model.dispose();
  });
});
