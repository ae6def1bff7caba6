/**
 * The layer methods on a residual graph (a tensors-ops ResidualModel, a LayerModel): at a layer inside a
 * residual block, where no features/head split exists (the block's skip connection reads the block's input),
 * Grad-CAM must equal the map computed by hand with tf.grad of the network written out with the layer's output
 * substituted, and the layer attributions must not depend on the batch size.
 */
import { expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { residualModel, tf } from '@glassbox/tensors-ops';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '@glassbox/tensors-ops/testing';
import { gradCam } from './grad-cam.js';
import { guidedBackprop } from './guided-backprop.js';
import { guidedGradCam } from './guided-grad-cam.js';
import { layerActivation } from './layer-activation.js';
import { layerConductance } from './layer-conductance.js';
import { layerIntegratedGradients } from './layer-integrated-gradients.js';
import { randomizeWeights, uniforms } from './testing-internal/models.js';

/** stem (3x3 conv, stride 2, relu) -> res = h + c2(c1(h)) (two 3x3 convs) -> flatten -> logits (3). */
function residualCnn() {
  const model = residualModel(
    [
      { type: 'conv2d', name: 'stem', filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      {
        type: 'residual',
        name: 'res',
        body: [
          { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
          { type: 'conv2d', name: 'c2', filters: 3, kernelSize: 3, padding: 'same' },
        ],
      },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', name: 'logits', units: 3 },
    ],
    [6, 6, 2],
    { seed: 3 },
  );
  randomizeWeights(model, 21, 0.6);
  return model;
}

/** The same network written with tf ops; `scores(x, c1)` runs it with c1's output replaced by c1. */
function byHand(model: ReturnType<typeof residualCnn>) {
  const w = model.getWeights();
  const conv = (t: Tensor, name: string, strides: number) => tf.add(tf.conv2d(t as tf.Tensor4D, w[`${name}/kernel`] as tf.Tensor4D, strides, 'same'), w[`${name}/bias`]!);
  const stem = (x: Tensor) => tf.relu(conv(x, 'stem', 2));
  const c1 = (x: Tensor) => tf.relu(conv(stem(x), 'res/c1', 1));
  const scores = (x: Tensor, a: Tensor) => {
    const r = tf.add(stem(x), conv(a, 'res/c2', 1)); // the skip connection reads stem(x), not a
    return tf.add(tf.matMul(tf.reshape(r, [r.shape[0]!, -1]), w['logits/kernel']!), w['logits/bias']!);
  };
  return { c1, scores, dispose: () => tf.dispose(w) };
}

describeBackends('layer methods on a residual graph', () => {
  it('gradCam at a layer inside a residual block equals the map from tf.grad of the hand-built substitution', async () => {
    const model = residualCnn();
    const hand = byHand(model);
    const x = tf.tensor4d(uniforms(5, 3 * 72, -1, 1), [3, 6, 6, 2]);
    const targets = [0, 2, 1];
    expect(model.layerNames).toContain('res/c1');
    // A split is only possible between top-level blocks.
    await expectGlassboxError(() => model.split('res/c1'), 'INVALID_ARGUMENT', /blockName/);
    await expectNoLeaks(async () => {
      const { attributions } = await gradCam(model, x, { layer: 'res/c1', target: targets });
      const expected = tf.tidy(() => {
        const a = hand.c1(x); // [3, 3, 3, 4]
        const pick = tf.oneHot(tf.tensor1d(targets, 'int32'), 3);
        const g = tf.grad((t: Tensor) => tf.sum(tf.mul(hand.scores(x, t), pick)))(a);
        const weights = tf.mean(g, [1, 2], true); // [3, 1, 1, 4]
        const cam = tf.relu(tf.sum(tf.mul(a, weights), 3, true)) as tf.Tensor4D;
        return tf.mul(tf.onesLike(x), tf.image.resizeBilinear(cam, [6, 6], false, true));
      });
      expect(attributions.shape).toEqual([3, 6, 6, 2]);
      expect(Math.max(...expected.dataSync())).toBeGreaterThan(0);
      expectTensorClose(attributions, expected, 1e-5);
      tf.dispose([attributions, expected]);
    });
    hand.dispose();
    x.dispose();
    model.dispose();
  });

  it('guidedGradCam there is gradCam times the guided gradient of the whole model', async () => {
    const model = residualCnn();
    const x = tf.tensor4d(uniforms(6, 2 * 72, -1, 1), [2, 6, 6, 2]);
    await expectNoLeaks(async () => {
      const ggc = await guidedGradCam(model, x, { layer: 'res/c1', target: 1, batchSize: 1 });
      const cam = await gradCam(model, x, { layer: 'res/c1', target: 1 });
      const gb = await guidedBackprop(model, x, { target: 1 });
      const expected = tf.mul(cam.attributions, gb.attributions);
      expectTensorClose(ggc.attributions, expected, 1e-5);
      tf.dispose([ggc.attributions, cam.attributions, gb.attributions, expected]);
    });
    x.dispose();
    model.dispose();
  });

  it('layer attributions inside the residual block do not depend on the batch size; at a top-level block they are complete', async () => {
    const model = residualCnn();
    const x = tf.tensor4d(uniforms(7, 3 * 72, -1, 1), [3, 6, 6, 2]);
    await expectNoLeaks(async () => {
      for (const method of [layerIntegratedGradients, layerConductance]) {
        const a = await method(model, x, { layer: 'res/c1', target: [0, 1, 2], steps: 5, batchSize: 4 });
        const b = await method(model, x, { layer: 'res/c1', target: [0, 1, 2], steps: 5 });
        expect(a.attributions.shape).toEqual([3, 3, 3, 4]);
        expectTensorClose(a.attributions, b.attributions, 1e-6);
        expectTensorClose(a.delta!, b.delta!, 1e-6);
        tf.dispose([a.attributions, a.delta!, b.attributions, b.delta!]);
      }
      // After the top-level block 'res' the model reads only its output: layer IG there is complete.
      const top = await layerIntegratedGradients(model, x, { layer: 'res', target: 2, steps: 64 });
      const f = tf.tidy(() => tf.sub(model.predict(x), model.predict(tf.zerosLike(x))).arraySync() as number[][]);
      const d = top.delta!.dataSync();
      for (let i = 0; i < 3; i++) expect(Math.abs(d[i]!)).toBeLessThanOrEqual(1e-3 * Math.max(Math.abs(f[i]![2]!), 1e-2));
      tf.dispose([top.attributions, top.delta!]);
    });
    x.dispose();
    model.dispose();
  });

  it('gradCam and guidedGradCam refuse an unknown layer (naming the known ones), a missing one and a model without layers, leaking nothing', async () => {
    const model = residualCnn();
    const x = tf.tensor4d(uniforms(9, 72, -1, 1), [1, 6, 6, 2]);
    const noLayers = { layerNames: [] as string[], layerOutput: (t: Tensor) => t, forwardWithLayer: (_t: Tensor, _l: string, v: Tensor) => tf.sum(v, [1, 2, 3]) };
    await expectNoLeaks(async () => {
      for (const method of [gradCam, guidedGradCam]) {
        await expectGlassboxError(() => method(model, x, { layer: 'res/c9', target: 0 }), 'INVALID_ARGUMENT', /one of 'stem', 'res\/c1', 'res\/c2', 'res', 'flat', 'logits', got 'res\/c9'/);
        await expectGlassboxError(() => method(model, x, { target: 0 }), 'INVALID_ARGUMENT', /options\.layer must name the layer/);
        await expectGlassboxError(() => method(noLayers, x, { layer: 'a' }), 'INVALID_ARGUMENT', /lists no layers/);
        // A target out of range is found once the model has run (after the layer): still nothing leaks.
        await expectGlassboxError(() => method(model, x, { layer: 'res', target: 3 }), 'TARGET_OUT_OF_RANGE');
      }
      const ok = await gradCam(model, x, { layer: 'stem', target: 0 });
      ok.attributions.dispose();
    });
    x.dispose();
    model.dispose();
  });

  it('layerActivation reads a layer by name (its input too), batch by batch', async () => {
    const model = residualCnn();
    const hand = byHand(model);
    const x = tf.tensor4d(uniforms(8, 3 * 72, -1, 1), [3, 6, 6, 2]);
    await expectNoLeaks(async () => {
      const a = await layerActivation(model, x, { layer: 'res/c1', batchSize: 2 });
      const expected = tf.tidy(() => hand.c1(x));
      expectTensorClose(a, expected, 1e-5);
      const input = await layerActivation(model, x, { layer: 'res/c2', attributeToLayerInput: true });
      expectTensorClose(input, expected, 1e-5);
      tf.dispose([a, input, expected]);
      await expectGlassboxError(() => layerActivation(model, x, {}), 'INVALID_ARGUMENT', /options\.layer must name the layer to explain, one of 'stem', 'res\/c1', 'res\/c2', 'res', 'flat', 'logits'/);
      await expectGlassboxError(() => layerActivation(model, x, { layer: 'res/c3' }), 'INVALID_ARGUMENT', /got 'res\/c3'/);
      await expectGlassboxError(() => layerActivation(model, x, { layer: 'res', batchsize: 2 } as never), 'INVALID_ARGUMENT', /'batchsize'.*'batchSize'/);
    });
    hand.dispose();
    x.dispose();
    model.dispose();
  });
});
