import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { activation, sequential, tf } from '@glassbox/tensors-ops';
import type { LayerSpec } from '@glassbox/tensors-ops';
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

  it('a plain function with every rescaled activation (elu with alpha 0.5 as one) gives the numbers of the Sequential, and delta ~ 0', async () => {
    const specs: LayerSpec[] = [
      { type: 'dense', name: 'a', units: 6, activation: { fn: 'leakyRelu', alpha: 0.1 } },
      { type: 'dense', name: 'b', units: 6, activation: 'sigmoid' },
      { type: 'dense', name: 'c', units: 6, activation: 'tanh' },
      { type: 'dense', name: 'd', units: 6, activation: 'softplus' },
      { type: 'dense', name: 'e', units: 6, activation: { fn: 'elu', alpha: 0.5 } },
      { type: 'dense', name: 'f', units: 6, activation: 'relu' },
      { type: 'dense', name: 'out', units: 2 },
    ];
    const model = sequential(specs, [5], { seed: 8 });
    randomizeWeights(model, 13, 0.8);
    const w = model.getWeights();
    const fn = (t: Tensor): Tensor =>
      tf.tidy(() => {
        let h = t;
        for (const l of model.layers) h = activation(tf.add(tf.matMul(h, w[`${l.name}/kernel`]!), w[`${l.name}/bias`]!), l.activation!);
        return h;
      });
    const x = tf.tensor2d(uniforms(14, 4 * 5, -2, 2), [4, 5]);
    await expectNoLeaks(async () => {
      const a = await deepLift(model, x, { target: 1, baseline: 0.2 });
      const b = await deepLift(fn, x, { target: 1, baseline: 0.2 });
      expectTensorClose(b.attributions, a.attributions, 1e-5, 1e-4);
      const out = tf.tidy(() => tf.sub(tf.slice(fn(x), [0, 1], [-1, 1]), tf.slice(fn(tf.fill([4, 5], 0.2)), [0, 1], [-1, 1])).dataSync());
      const sums = tf.tidy(() => tf.sum(b.attributions, 1).dataSync());
      for (let i = 0; i < 4; i++) expect(Math.abs(sums[i]! - out[i]!)).toBeLessThan(1e-4 + 1e-4 * Math.abs(out[i]!));
      expectTensorClose(b.delta!, new Float32Array(4), 1e-4);
      tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!]);
    });
    tf.dispose([x, ...Object.values(w)]);
    model.dispose();
  });

  it('pairs rows folded into the leading axis ([N, T, D] -> [N * T, D] before a relu), by hand in float64', async () => {
    const T = 3;
    const D = 2;
    const H = 4;
    const W = uniforms(31, D * H, -1, 1);
    const v = uniforms(32, H, -1, 1);
    // F(x) = sum_t sum_h v_h relu(sum_d x[t, d] W[d, h])
    const f = (t: Tensor): Tensor =>
      tf.tidy(() => {
        const n = t.shape[0]!;
        const h = tf.relu(tf.matMul(tf.reshape(t, [n * T, D]), tf.tensor2d(W, [D, H])));
        return tf.sum(tf.reshape(tf.matMul(h, tf.tensor2d(v, [H, 1])), [n, T]), 1);
      });
    const n = 3;
    const xv = uniforms(33, n * T * D, -2, 2);
    const x = tf.tensor3d(xv, [n, T, D]);
    const bv = 0.3;
    await expectNoLeaks(async () => {
      const { attributions, delta } = await deepLift(f, x, { baseline: bv, batchSize: 2 });
      const expected = new Float64Array(n * T * D);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < H; h++) {
            let z = 0;
            let zb = 0;
            for (let d = 0; d < D; d++) {
              z += xv[(i * T + t) * D + d]! * W[d * H + h]!;
              zb += bv * W[d * H + h]!;
            }
            const m = Math.abs(z - zb) > 1e-10 ? (Math.max(z, 0) - Math.max(zb, 0)) / (z - zb) : z > 0 ? 1 : 0;
            for (let d = 0; d < D; d++) expected[(i * T + t) * D + d] += (xv[(i * T + t) * D + d]! - bv) * W[d * H + h]! * m * v[h]!;
          }
        }
      }
      expectTensorClose(attributions, expected, 1e-5, 1e-4);
      expectTensorClose(delta!, new Float32Array(n), 1e-4);
      tf.dispose([attributions, delta!]);
    });
    x.dispose();
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

  it('rejects something that is not a model, a bad eps, a bad baseline and an out-of-range target', async () => {
    const model = sequential([{ type: 'dense', units: 2, activation: 'relu' }], [3], { seed: 6 });
    const x = tf.tensor2d([[1, 2, 3]]);
    await expectGlassboxError(() => deepLift({ layers: [] } as never, x), 'INVALID_ARGUMENT', /model must be a function .*or a layered model/);
    await expectGlassboxError(() => deepLift(42 as never, x), 'INVALID_ARGUMENT', /model must be a function/);
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
