/**
 * MobileNetV2 as a ResidualModel (depthwiseConv2d, batchNorm in inference mode, relu6, residual adds,
 * globalAvgPool) against the same architecture built with tfjs-layers (DepthwiseConv2D, BatchNormalization,
 * ReLU(maxValue 6), Add), an independent implementation, with the same weights: logits and the gradients of a
 * logit with respect to the input agree. 32x32 inputs keep it fast (the 224x224 model is in bench/).
 */
import { beforeAll, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '../src/rng.js';
import { residualModel, type ResidualModel } from '../src/nn/residual-model.js';
import { describeBackends, expectNoLeaks } from '../src/testing/index.js';
import { MOBILENET_V2_STAGES, copyWeightsToLayers, mobileNetV2Layers, mobileNetV2Spec, randomizeMobileNetV2 } from '../../../bench/mobilenet-v2.mjs';

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

it('the spec has torchvision MobileNetV2 layout: 17 inverted residuals, 10 of them with a residual add, 3.5 M parameters at 1000 classes', () => {
  const spec = mobileNetV2Spec({ size: 224, classes: 1000 });
  const all = spec.blocks.flatMap((b) => (b.type === 'residual' ? b.body : [b]));
  expect(all.filter((b) => b.type === 'depthwiseConv2d')).toHaveLength(MOBILENET_V2_STAGES.reduce((s, st) => s + st[2], 0));
  expect(all.filter((b) => b.type === 'depthwiseConv2d')).toHaveLength(17);
  expect(spec.blocks.filter((b) => b.type === 'residual')).toHaveLength(10);
  // torchvision's mobilenet_v2() has 3,504,872 parameters, 34,112 of them batch-norm running statistics
  // (buffers, not parameters there; variables here) and its 1000-class classifier has a bias; ours also counts
  // the 34,112 moving statistics: 3,504,872 + 34,112 = 3,538,984.
  const model = residualModel(spec.blocks, spec.inputShape, { seed: 1 });
  try {
    expect(model.countParams()).toBe(3_538_984);
    expect(model.outputShape).toEqual([1000]);
  } finally {
    model.dispose();
  }
  // About 300 M multiply-adds at 224x224 (the paper's table: 300 M).
  expect(spec.flops / 2 / 1e6).toBeGreaterThan(290);
  expect(spec.flops / 2 / 1e6).toBeLessThan(320);
});

describeBackends('MobileNetV2: ResidualModel against tfjs-layers', () => {
  const spec = mobileNetV2Spec({ size: 32, classes: 5 });
  let model: ResidualModel;
  let layers: tfl.LayersModel;

  beforeAll(() => {
    model = residualModel(spec.blocks, spec.inputShape, { seed: 11 });
    randomizeMobileNetV2({ tf, createRng }, model, 12);
    layers = mobileNetV2Layers(tfl, spec);
    copyWeightsToLayers({ tf }, model, layers);
    // tfjs-layers keeps a few tensors it makes on a model's first call: make them before counting.
    const warm = tf.zeros([1, 32, 32, 3]);
    tf.dispose([layers.predict(warm) as tf.Tensor, warm]);
    return () => {
      model.dispose();
      layers.dispose();
    };
  });

  it('gives the same logits within 1e-4', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(createRng(5).uniformArray(3 * 32 * 32 * 3, -1, 1), [3, 32, 32, 3]);
      const ours = model.predict(x);
      const theirs = layers.predict(x) as tf.Tensor;
      expect(ours.shape).toEqual([3, 5]);
      const a = ours.dataSync();
      const b = theirs.dataSync();
      // Not a trivial network: the logits differ between rows and are not tiny.
      expect(maxAbs(b)).toBeGreaterThan(0.05);
      expect(maxAbsDiff(a.slice(0, 5), a.slice(5, 10))).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      tf.dispose([x, ours, theirs]);
    });
  });

  it('gives the same gradients of a logit with respect to the input (within 1e-4 of their largest value)', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(createRng(6).uniformArray(2 * 32 * 32 * 3, -1, 1), [2, 32, 32, 3]);
      const pick = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 3], 'int32'), 5));
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(model.apply(t), pick)))(x);
      const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layers.apply(t, { training: false }) as tf.Tensor, pick)))(x);
      const a = ours.dataSync();
      const b = theirs.dataSync();
      const scale = maxAbs(b);
      expect(scale).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4 * scale);
      tf.dispose([x, pick, ours, theirs]);
    });
  });
});
