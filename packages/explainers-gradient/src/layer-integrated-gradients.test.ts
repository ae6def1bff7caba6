import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sequential, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { integratedGradients } from './integrated-gradients.js';
import { layerIntegratedGradients } from './layer-integrated-gradients.js';
import { randomizeWeights, uniforms } from './testing-internal/models.js';

/** x [., 3] -> h = tanh(x W1 + b1) [., 4] -> g = tanh(h W2 + b2) [., 5] -> out = g W3 + b3 [., 3]. */
function mlp(seed = 4) {
  const model = sequential(
    [
      { type: 'dense', name: 'h', units: 4, activation: 'tanh' },
      { type: 'dense', name: 'g', units: 5, activation: 'tanh' },
      { type: 'dense', name: 'out', units: 3 },
    ],
    [3],
    { seed },
  );
  randomizeWeights(model, seed + 1, 0.8);
  return model;
}

/** The layers by hand, from the model's weights. */
function byHand(model: ReturnType<typeof mlp>) {
  const w = model.getWeights();
  const dense = (t: Tensor, name: string) => tf.add(tf.matMul(t, w[`${name}/kernel`]!), w[`${name}/bias`]!);
  return {
    h: (x: Tensor) => tf.tanh(dense(x, 'h')),
    /** The model after 'h', as a function of h's output. */
    afterH: (a: Tensor) => dense(tf.tanh(dense(a, 'g')), 'out'),
    /** The output of 'g' as a function of x. */
    g: (x: Tensor) => tf.tanh(dense(tf.tanh(dense(x, 'h')), 'g')),
    /** The model after 'g' (linear in g's output): out = g W3 + b3. */
    w3: w['out/kernel']!,
    dispose: () => tf.dispose(w),
  };
}

describeBackends('layerIntegratedGradients', () => {
  it("of a layer followed by a linear head is (a(x) - a(b)) * w_t, and sums to F(x) - F(b)", async () => {
    const model = mlp();
    const hand = byHand(model);
    const x = tf.tensor2d(uniforms(1, 2 * 3, -1, 1), [2, 3]);
    const b = tf.tensor2d(uniforms(2, 3, -1, 1), [1, 3]);
    await expectNoLeaks(async () => {
      const { attributions, delta, method } = await layerIntegratedGradients(model, x, { layer: 'g', target: 2, baseline: b, steps: 3 });
      expect(method).toBe('layerIntegratedGradients');
      expect(attributions.shape).toEqual([2, 5]);
      const expected = tf.tidy(() => {
        const ag = hand.g;
        const col = tf.reshape(tf.slice(hand.w3, [0, 2], [5, 1]), [1, 5]);
        return tf.mul(tf.sub(ag(x), ag(tf.tile(b, [2, 1]))), col);
      });
      expectTensorClose(attributions, expected, 1e-5);
      expectTensorClose(delta!, [0, 0], 1e-5);
      tf.dispose([attributions, delta!, expected]);
    });
    hand.dispose();
    tf.dispose([x, b]);
    model.dispose();
  });

  it('equals integratedGradients of the rest of the model from a(b) to a(x) (its path is in the layer space)', async () => {
    const model = mlp(7);
    const hand = byHand(model);
    const x = tf.tensor2d(uniforms(3, 3 * 3, -1.5, 1.5), [3, 3]);
    await expectNoLeaks(async () => {
      const lig = await layerIntegratedGradients(model, x, { layer: 'h', target: [0, 1, 2], steps: 20, baseline: 0.25 });
      const ax = tf.tidy(() => hand.h(x));
      const ab = tf.tidy(() => hand.h(tf.fill([3, 3], 0.25)));
      const ig = await integratedGradients(hand.afterH, ax, { target: [0, 1, 2], steps: 20, baseline: ab });
      expectTensorClose(lig.attributions, ig.attributions, 1e-5);
      expectTensorClose(lig.delta!, ig.delta!, 1e-5);
      tf.dispose([lig.attributions, lig.delta!, ig.attributions, ig.delta!, ax, ab]);
    });
    hand.dispose();
    x.dispose();
    model.dispose();
  });

  it('is complete within 1e-3 of F(x) - F(b) at 64 Gauss-Legendre steps on a nonlinear model', async () => {
    const model = mlp(11);
    const x = tf.tensor2d(uniforms(5, 4 * 3, -2, 2), [4, 3]);
    const { attributions, delta } = await layerIntegratedGradients(model, x, { layer: 'h', target: 1, steps: 64 });
    const f = tf.tidy(() => tf.sub(tf.slice(model.predict(x), [0, 1], [4, 1]), tf.slice(model.predict(tf.zerosLike(x)), [0, 1], [4, 1])).dataSync());
    const sums = tf.tidy(() => tf.sum(attributions, 1).dataSync());
    const d = delta!.dataSync();
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(f[i]!)).toBeGreaterThan(0.05);
      expect(Math.abs(sums[i]! - f[i]!)).toBeLessThanOrEqual(1e-3 * Math.abs(f[i]!));
      expect(d[i]!).toBeCloseTo(sums[i]! - f[i]!, 5);
    }
    tf.dispose([attributions, delta!, x]);
    model.dispose();
  });

  it("attributes to a layer's input (attributeToLayerInput): the input of 'g' is the output of 'h'", async () => {
    const model = mlp(13);
    const x = tf.tensor2d(uniforms(6, 2 * 3, -1, 1), [2, 3]);
    await expectNoLeaks(async () => {
      const a = await layerIntegratedGradients(model, x, { layer: 'g', attributeToLayerInput: true, target: 0, steps: 8 });
      const b = await layerIntegratedGradients(model, x, { layer: 'h', target: 0, steps: 8 });
      expect(a.attributions.shape).toEqual([2, 4]);
      expectTensorClose(a.attributions, b.attributions, 1e-6);
      tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!]);
    });
    x.dispose();
    model.dispose();
  });

  it('does not depend on the batch size, and reports progress in model rows', async () => {
    const model = mlp(17);
    const x = tf.tensor2d(uniforms(7, 3 * 3, -1, 1), [3, 3]);
    const seen: Array<[number, number]> = [];
    const a = await layerIntegratedGradients(model, x, { layer: 'g', target: [2, 0, 1], steps: 7, batchSize: 2, onProgress: (d, t) => seen.push([d, t]) });
    const b = await layerIntegratedGradients(model, x, { layer: 'g', target: [2, 0, 1], steps: 7 });
    expectTensorClose(a.attributions, b.attributions, 1e-6);
    expectTensorClose(a.delta!, b.delta!, 1e-6);
    expect(seen.at(-1)).toEqual([2 * 3 + 3 * 7, 2 * 3 + 3 * 7]);
    tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!, x]);
    model.dispose();
  });

  it('refuses bad models, layers and options, leaking nothing', async () => {
    const model = mlp();
    const x = tf.tensor2d(uniforms(8, 3), [1, 3]);
    const fn = (t: Tensor) => tf.sum(t, 1);
    const wrongBaseline = tf.zeros([2, 2]);
    const noLayers = { layerNames: [], layerOutput: (t: Tensor) => t, forwardWithLayer: (_t: Tensor, _l: string, v: Tensor) => tf.sum(v, 1) };
    await expectNoLeaks(async () => {
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { layer: 'nope', target: 0 }), 'INVALID_ARGUMENT', /one of 'h', 'g', 'out', got 'nope'/);
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { target: 0 }), 'INVALID_ARGUMENT', /options\.layer must name the layer.*'h', 'g', 'out'/);
      await expectGlassboxError(() => layerIntegratedGradients(noLayers, x, { layer: 'h' }), 'INVALID_ARGUMENT', /lists no layers/);
      await expectGlassboxError(() => layerIntegratedGradients(fn as never, x, { layer: 'h' }), 'INVALID_ARGUMENT', /named layers/);
      await expectGlassboxError(
        () => layerIntegratedGradients({ features: (t: Tensor) => t, head: fn }, x, { attributeToLayerInput: true }),
        'INVALID_ARGUMENT',
        /attributeToLayerInput needs/,
      );
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { layer: 'h', target: 0, steps: 0 }), 'INVALID_ARGUMENT', /options\.steps/);
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { layer: 'h', target: 3 }), 'TARGET_OUT_OF_RANGE');
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { layer: 'h', target: 0, baseline: wrongBaseline }), 'SHAPE_MISMATCH');
      await expectGlassboxError(() => layerIntegratedGradients(model, x, { layer: 'h', target: 0, stpes: 3 } as never), 'INVALID_ARGUMENT', /'stpes'.*'steps'/);
      // A layer whose value has the wrong number of rows (x and the baseline go through in one batch of 2).
      const bad = { features: (t: Tensor) => tf.concat([t, t], 0), head: fn };
      await expectGlassboxError(() => layerIntegratedGradients(bad, x, {}), 'SHAPE_MISMATCH', /features must return \[2, \.\.\.\] \(one row per model input row\), got shape \[4, 3\]/);
    });
    tf.dispose([x, wrongBaseline]);
    model.dispose();
  });
});
