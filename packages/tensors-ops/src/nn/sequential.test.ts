import { describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { asForward } from '../contract/as-forward.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose } from '../testing/index.js';
import { activation } from './activations.js';
import { avgPool, maxPool } from './pooling.js';
import { batchNorm } from './batch-norm.js';
import { conv2d } from './conv2d.js';
import { conv2dTranspose } from './conv2d-transpose.js';
import { dense } from './dense.js';
import { flatten, reshapeRows } from './reshape.js';
import type { LayerSpec } from './layer-spec.js';
import { Sequential, sequential, sequentialOf, type SequentialJSON } from './sequential.js';

const SPECS: LayerSpec[] = [
  { type: 'conv2d', name: 'conv1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
  { type: 'batchNorm', name: 'bn1' },
  { type: 'maxPool', name: 'pool1' },
  { type: 'conv2dTranspose', name: 'up', filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.1 } },
  { type: 'avgPool', name: 'pool2', poolSize: 2 },
  { type: 'flatten', name: 'flat' },
  { type: 'dropout', name: 'drop', rate: 0.5 },
  { type: 'dense', name: 'fc1', units: 5, activation: 'tanh' },
  { type: 'activation', name: 'act', fn: 'elu' },
  { type: 'reshape', name: 'rs', shape: [5, 1] },
  { type: 'flatten' },
  { type: 'dense', name: 'logits', units: 3 },
];
const INPUT: number[] = [6, 6, 1];

function input(n = 2): Tensor {
  return tf.tensor4d(
    Array.from({ length: n * 36 }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.1)),
    [n, 6, 6, 1],
  );
}

/** The same network written with the functional blocks and the model's variables (inference mode). */
function byBlocks(m: Sequential, x: Tensor): Tensor {
  const p = (k: string) => m.params.get(k)!;
  return tf.tidy(() => {
    let h = conv2d(x, p('conv1/kernel'), p('conv1/bias'), { padding: 'same', activation: 'relu' });
    h = batchNorm(h, { gamma: p('bn1/gamma'), beta: p('bn1/beta'), movingMean: p('bn1/movingMean'), movingVariance: p('bn1/movingVariance') });
    h = maxPool(h);
    h = conv2dTranspose(h, p('up/kernel'), p('up/bias'), { strides: 2, padding: 'same', activation: { fn: 'leakyRelu', alpha: 0.1 } });
    h = avgPool(h, { poolSize: 2 });
    h = flatten(h);
    h = dense(h, p('fc1/kernel'), p('fc1/bias'), 'tanh');
    h = activation(h, 'elu');
    h = flatten(reshapeRows(h, [5, 1]));
    return dense(h, p('logits/kernel'), p('logits/bias'));
  });
}

describeBackends('sequential', () => {
  it('plans shapes and parameters', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 1 });
      expect(m.layers.map((l) => l.name)).toEqual(['conv1', 'bn1', 'pool1', 'up', 'pool2', 'flat', 'drop', 'fc1', 'act', 'rs', 'flatten_10', 'logits']);
      expect(m.layers.map((l) => l.outputShape)).toEqual([
        [6, 6, 4], [6, 6, 4], [3, 3, 4], [6, 6, 2], [3, 3, 2], [18], [18], [5], [5], [5, 1], [5], [3],
      ]);
      expect(m.outputShape).toEqual([3]);
      expect([...m.params.keys()]).toEqual([
        'conv1/kernel', 'conv1/bias', 'bn1/gamma', 'bn1/beta', 'bn1/movingMean', 'bn1/movingVariance',
        'up/kernel', 'up/bias', 'fc1/kernel', 'fc1/bias', 'logits/kernel', 'logits/bias',
      ]);
      expect(m.params.get('conv1/kernel')!.shape).toEqual([3, 3, 1, 4]);
      expect(m.params.get('up/kernel')!.shape).toEqual([3, 3, 2, 4]);
      expect(m.params.get('fc1/kernel')!.shape).toEqual([18, 5]);
      expect(m.trainableVariables()).toHaveLength(10);
      expect(m.nonTrainableVariables()).toEqual([m.params.get('bn1/movingMean'), m.params.get('bn1/movingVariance')]);
      // 3*3*1*4+4 + 4*4 + 3*3*2*4+2 + 18*5+5 + 5*3+3
      expect(m.countParams()).toBe(40 + 16 + 74 + 95 + 18);
      expect(m.layers.map((l) => l.activation)).toEqual([
        { fn: 'relu' }, null, null, { fn: 'leakyRelu', alpha: 0.1 }, null, null, null, { fn: 'tanh' }, { fn: 'elu', alpha: 1 }, null, null, { fn: 'linear' },
      ]);
      expect(m.layers[0]!.params).toEqual(['conv1/kernel', 'conv1/bias']);
      // Initial values: batch norm's ones/zeros, biases zeros, kernels Glorot uniform within the limit.
      expect(Array.from(m.params.get('bn1/movingVariance')!.dataSync())).toEqual([1, 1, 1, 1]);
      expect(Array.from(m.params.get('conv1/bias')!.dataSync())).toEqual([0, 0, 0, 0]);
      const limit = Math.sqrt(6 / (18 + 5));
      expect(Math.max(...Array.from(m.params.get('fc1/kernel')!.dataSync(), Math.abs))).toBeLessThanOrEqual(limit);
      m.dispose();
    });
  });

  it('predict equals the same network written with the functional blocks', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 2 });
      const x = input(3);
      const y = m.predict(x);
      const want = byBlocks(m, x);
      expect(y.shape).toEqual([3, 3]);
      expectTensorClose(y, want, 1e-6);
      const viaForward = asForward(m)(x);
      expectTensorClose(viaForward, y, 0);
      tf.dispose([x, y, want, viaForward]);
      m.dispose();
    });
  });

  it('computes a small MLP exactly as by hand', async () => {
    await expectNoLeaks(() => {
      const m = sequential(
        [
          { type: 'dense', name: 'h', units: 2, activation: 'relu' },
          { type: 'dense', name: 'o', units: 1, activation: 'sigmoid' },
        ],
        [2],
      );
      const w = {
        'h/kernel': tf.tensor2d([[1, -1], [2, 0.5]]),
        'h/bias': tf.tensor1d([0, 1]),
        'o/kernel': tf.tensor2d([[0.5], [-1]]),
        'o/bias': tf.tensor1d([0.25]),
      };
      m.setWeights(w);
      tf.dispose(Object.values(w));
      const x = tf.tensor2d([[1, 1], [-1, 2]]);
      // row 0: h = relu([1+2, -1+0.5+1]) = [3, 0.5]; o = sigmoid(1.5 - 0.5 + 0.25) = sigmoid(1.25)
      // row 1: h = relu([-1+4, 1+1+1]) = [3, 3];     o = sigmoid(1.5 - 3 + 0.25) = sigmoid(-1.25)
      const y = m.predict(x);
      const s = (v: number) => 1 / (1 + Math.exp(-v));
      expectTensorClose(y, [s(1.25), s(-1.25)], 1e-6);
      tf.dispose([x, y]);
      m.dispose();
    });
  });

  it('applyWithActivations returns every layer output by name and the pre-activations', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 3 });
      const x = input();
      const r = m.applyWithActivations(x);
      expect(Object.keys(r.activations)).toEqual(m.layers.map((l) => l.name));
      for (const l of m.layers) expect(r.activations[l.name]!.shape).toEqual([2, ...l.outputShape]);
      expect(r.output).toBe(r.activations.logits);
      expect(Object.keys(r.preActivations)).toEqual(['conv1', 'up', 'fc1', 'act']);
      const y = m.predict(x);
      expectTensorClose(r.output, y, 0);
      for (const name of Object.keys(r.preActivations)) {
        const layer = m.layers.find((l) => l.name === name)!;
        const again = activation(r.preActivations[name]!, layer.activation!);
        expectTensorClose(again, r.activations[name]!, 0);
        again.dispose();
      }
      // The activation layer's pre-activation is its input, a separate tensor.
      expect(r.preActivations.act).not.toBe(r.activations.fc1);
      expectTensorClose(r.preActivations.act!, r.activations.fc1!, 0);
      tf.dispose([x, y, r]);
      m.dispose();
    });
  });

  it('applyLayer and applyLayerLinear walk the model one layer at a time', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 4 });
      const x = input();
      let h = x.clone();
      for (let i = 0; i < m.layers.length; i++) {
        const layer = m.layers[i]!;
        const z = m.applyLayerLinear(i, h);
        const a = m.applyLayer(layer.name, h);
        expect(a.shape).toEqual([2, ...layer.outputShape]);
        const again = layer.activation === null ? z.clone() : activation(z, layer.activation);
        expectTensorClose(again, a, 0);
        tf.dispose([z, again, h]);
        h = a;
      }
      const y = m.predict(x);
      expectTensorClose(h, y, 0);
      tf.dispose([x, y, h]);
      m.dispose();
    });
  });

  it('split: head(features(x)) equals apply(x) exactly, at every layer', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 5 });
      const x = input();
      const y = m.predict(x);
      const opts = { training: true, seed: 17, updateStatistics: false };
      const yt = m.apply(x, opts);
      for (const layer of m.layers) {
        const { features, head, layerIndex, featuresShape } = m.split(layer.name);
        expect(layerIndex).toBe(layer.index);
        expect(featuresShape).toEqual(layer.outputShape);
        const f = features(x);
        expect(f.shape).toEqual([2, ...layer.outputShape]);
        const out = head(f);
        expectTensorClose(out, y, 0);
        const ft = features(x, opts);
        const outT = head(ft, opts);
        expectTensorClose(outT, yt, 0);
        tf.dispose([f, out, ft, outT]);
      }
      tf.dispose([x, y, yt]);
      m.dispose();
    });
  });

  it('toJSON / fromJSON round trip gives identical outputs', async () => {
    await expectNoLeaks(() => {
      const m = sequential(SPECS, INPUT, { seed: 6 });
      const json = JSON.parse(JSON.stringify(m.toJSON())) as SequentialJSON;
      expect(json.format).toBe('glassbox-sequential');
      expect(json.seed).toBe(6);
      expect(json.layers[0]).toEqual({
        type: 'conv2d', name: 'conv1', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', dilations: [1, 1],
        activation: 'relu', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros',
      });
      const x = input();
      const y = m.predict(x);
      const same = Sequential.fromJSON(json);
      const fromString = Sequential.fromJSON(JSON.stringify(json));
      const y2 = same.predict(x);
      const y3 = fromString.predict(x);
      expectTensorClose(y2, y, 0);
      expectTensorClose(y3, y, 0);
      expect(same.toJSON()).toEqual(json);
      // Another seed gives other weights, until the weights are copied over.
      const other = Sequential.fromJSON(json, { seed: 7 });
      const y4 = other.predict(x);
      expect(Array.from(y4.dataSync())).not.toEqual(Array.from(y.dataSync()));
      const w = m.getWeights();
      other.setWeights(w);
      tf.dispose(w);
      const y5 = other.predict(x);
      expectTensorClose(y5, y, 0);
      tf.dispose([x, y, y2, y3, y4, y5]);
      for (const s of [m, same, fromString, other]) s.dispose();
    });
  });

  it('batch norm: training uses batch statistics and updates the moving averages; inference uses them', async () => {
    await expectNoLeaks(() => {
      const m = sequential([{ type: 'batchNorm', name: 'bn', momentum: 0.9, epsilon: 1e-3 }], [2]);
      const x = tf.tensor2d([[1, 10], [3, 14], [5, 30]]);
      const mean = [3, 18];
      const variance = [8 / 3, (64 + 16 + 144) / 3];
      const y = m.apply(x, { training: true });
      expectTensorClose(y, [[1, 10], [3, 14], [5, 30]].flatMap((r) => r.map((v, c) => (v - mean[c]!) / Math.sqrt(variance[c]! + 1e-3))), 1e-4);
      expectTensorClose(m.params.get('bn/movingMean')!, [0.1 * 3, 0.1 * 18], 1e-5);
      expectTensorClose(m.params.get('bn/movingVariance')!, variance.map((v) => 0.9 + 0.1 * v), 1e-4);
      const mm = [0.3, 1.8];
      const mv = variance.map((v) => 0.9 + 0.1 * v);
      const p = m.predict(x);
      expectTensorClose(p, [[1, 10], [3, 14], [5, 30]].flatMap((r) => r.map((v, c) => (v - mm[c]!) / Math.sqrt(mv[c]! + 1e-3))), 1e-4);
      // updateStatistics: false leaves them alone; inference never touches them.
      const y2 = m.apply(x, { training: true, updateStatistics: false });
      const p2 = m.predict(x);
      expectTensorClose(m.params.get('bn/movingMean')!, [0.3, 1.8], 1e-5);
      // Inside a gradient tape the statistics are updated too, and the gradient is right (sum of a
      // normalised batch does not depend on x).
      const g = tf.grad((t: Tensor) => tf.sum(m.apply(t, { training: true })))(x);
      expectTensorClose(m.params.get('bn/movingMean')!, [0.9 * 0.3 + 0.1 * 3, 0.9 * 1.8 + 0.1 * 18], 1e-5);
      expectTensorClose(g, [0, 0, 0, 0, 0, 0], 1e-4);
      tf.dispose([x, y, p, y2, p2, g]);
      m.dispose();
    });
  });

  it('dropout: identity in inference, seeded masks in training', async () => {
    await expectNoLeaks(() => {
      const specs: LayerSpec[] = [{ type: 'dropout', name: 'd', rate: 0.5 }];
      const m = sequential(specs, [50], { seed: 3 });
      const x = tf.ones([4, 50]);
      const p = m.predict(x);
      expectTensorClose(p, x, 0);
      const a = m.apply(x, { training: true, seed: 1 });
      const b = m.apply(x, { training: true, seed: 1 });
      const c = m.apply(x, { training: true, seed: 2 });
      expectTensorClose(a, b, 0);
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      // Without a seed: a new mask per call, and the same sequence from a model with the same seed.
      const d1 = m.apply(x, { training: true });
      const d2 = m.apply(x, { training: true });
      expect(Array.from(d1.dataSync())).not.toEqual(Array.from(d2.dataSync()));
      const m2 = sequential(specs, [50], { seed: 3 });
      const e1 = m2.apply(x, { training: true });
      expectTensorClose(e1, d1, 0);
      tf.dispose([x, p, a, b, c, d1, d2, e1]);
      m.dispose();
      m2.dispose();
    });
  });

  it('trains a small MLP with SGD (dense gradients)', async () => {
    await expectNoLeaks(() => {
      const m = sequential(
        [
          { type: 'dense', name: 'h', units: 8, activation: 'tanh' },
          { type: 'batchNorm', name: 'bn' },
          { type: 'dropout', name: 'drop', rate: 0.1 },
          { type: 'dense', name: 'o', units: 1 },
        ],
        [2],
        { seed: 9 },
      );
      const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [0.2, 0.9]]);
      const t = tf.tensor2d([[0], [1], [1], [2], [1], [1.1]]);
      const loss = (training: boolean) => tf.losses.meanSquaredError(t, m.apply(x, { training, seed: 0 })) as tf.Scalar;
      const first = tf.tidy(() => loss(false).dataSync()[0]!);
      const opt = tf.train.sgd(0.1);
      for (let step = 0; step < 60; step++) tf.dispose(opt.minimize(() => loss(true), true, m.trainableVariables())!);
      opt.dispose();
      const last = tf.tidy(() => loss(false).dataSync()[0]!);
      expect(last).toBeLessThan(first * 0.5);
      tf.dispose([x, t]);
      m.dispose();
    });
  });

  // Conv-layer training needs Conv2DBackpropFilter on WASM (from the kernels work).
  it('trains a small conv net with SGD (conv and conv2dTranspose gradients)', async () => {
    await expectNoLeaks(() => {
      const m = sequential(
        [
          { type: 'conv2d', name: 'c', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
          { type: 'conv2dTranspose', name: 'u', filters: 1, kernelSize: 2, strides: 1, padding: 'same' },
          { type: 'flatten' },
          { type: 'dense', name: 'o', units: 1 },
        ],
        [4, 4, 1],
        { seed: 4 },
      );
      const x = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 64, 1, 'float32'), [4, 4, 4, 1]), 64));
      const t = tf.tensor2d([[1], [-1], [0.5], [2]]);
      const loss = () => tf.losses.meanSquaredError(t, m.apply(x, { training: true })) as tf.Scalar;
      const first = tf.tidy(() => loss().dataSync()[0]!);
      const before = m.params.get('c/kernel')!.dataSync().slice();
      const opt = tf.train.sgd(0.05);
      for (let step = 0; step < 40; step++) tf.dispose(opt.minimize(loss, true, m.trainableVariables())!);
      opt.dispose();
      const last = tf.tidy(() => loss().dataSync()[0]!);
      expect(last).toBeLessThan(first);
      expect(Array.from(m.params.get('c/kernel')!.dataSync())).not.toEqual(Array.from(before));
      tf.dispose([x, t]);
      m.dispose();
    });
  });

  it('setWeights checks everything before changing anything', async () => {
    await expectNoLeaks(async () => {
      const m = sequential(SPECS, INPUT, { seed: 8 });
      const good = m.getWeights();
      const wrongShape = tf.zeros([3, 3, 1, 5]);
      const ints = tf.zeros([3, 3, 1, 4], 'int32');
      const nan = tf.fill([4], NaN);
      const negative = tf.fill([4], -1);
      const kernelBefore = Array.from(m.params.get('conv1/kernel')!.dataSync());
      const zerosK = tf.zerosLike(good['conv1/kernel']!);
      await expectGlassboxError(() => m.setWeights({ ...good, 'conv1/kernel': zerosK, 'extra/w': wrongShape }), 'BAD_WEIGHTS', /unknown weight 'extra\/w'/);
      await expectGlassboxError(() => m.setWeights({ ...good, 'conv1/kernel': wrongShape }), 'BAD_WEIGHTS', /'conv1\/kernel' must have shape \[3, 3, 1, 4\], got \[3, 3, 1, 5\]/);
      await expectGlassboxError(() => m.setWeights({ ...good, 'conv1/kernel': ints }), 'BAD_WEIGHTS', /float32/);
      await expectGlassboxError(() => m.setWeights({ ...good, 'conv1/kernel': zerosK, 'bn1/gamma': nan }), 'BAD_WEIGHTS', /'bn1\/gamma' must hold finite values, got NaN/);
      await expectGlassboxError(() => m.setWeights({ ...good, 'bn1/movingVariance': negative }), 'BAD_WEIGHTS', />= 0, got -1/);
      await expectGlassboxError(() => m.setWeights({ 'conv1/kernel': zerosK }), 'BAD_WEIGHTS', /missing weights 'conv1\/bias'/);
      await expectGlassboxError(() => m.setWeights(null as never), 'BAD_WEIGHTS', /record of tensors/);
      expect(Array.from(m.params.get('conv1/kernel')!.dataSync())).toEqual(kernelBefore);
      // Partial updates are allowed when asked for; a Map works too.
      m.setWeights(new Map([['conv1/kernel', zerosK]]), { allowPartial: true });
      expect(Array.from(m.params.get('conv1/kernel')!.dataSync()).every((v) => v === 0)).toBe(true);
      tf.dispose([good, wrongShape, ints, nan, negative, zerosK]);
      m.dispose();
    });
  });

  it('refuses inputs that do not fit and use after dispose', async () => {
    const m = sequential(SPECS, INPUT);
    const bad = tf.zeros([2, 5, 6, 1]);
    const ints = tf.zeros([2, 6, 6, 1], 'int32');
    const empty = tf.zeros([0, 6, 6, 1]);
    const x = input();
    await expectGlassboxError(() => m.apply(bad), 'SHAPE_MISMATCH', /x must have shape \[N, 6, 6, 1\] with N >= 1, got \[2, 5, 6, 1\]/);
    await expectGlassboxError(() => m.predict(ints), 'INVALID_ARGUMENT', /float32/);
    await expectGlassboxError(() => m.predict(empty), 'SHAPE_MISMATCH', /N >= 1/);
    await expectGlassboxError(() => m.apply(x, { training: 'yes' as never }), 'INVALID_ARGUMENT', /options.training/);
    await expectGlassboxError(() => m.apply(x, { seed: -3 }), 'INVALID_ARGUMENT', /options.seed/);
    await expectGlassboxError(() => m.applyLayer(99, x), 'INVALID_ARGUMENT', /layer index/);
    await expectGlassboxError(() => m.applyLayer('nope', x), 'INVALID_ARGUMENT', /layer must be one of 'conv1'/);
    await expectGlassboxError(() => m.applyLayer('fc1', x), 'SHAPE_MISMATCH', /\[N, 18\]/);
    await expectGlassboxError(() => m.split('nope'), 'INVALID_ARGUMENT', /layer must be one of/);
    const { head } = m.split('pool1');
    await expectGlassboxError(() => head(x), 'SHAPE_MISMATCH', /a must have shape \[N, 3, 3, 4\]/);
    const before = tf.memory().numTensors;
    m.dispose();
    expect(tf.memory().numTensors).toBe(before - 12);
    expect(m.isDisposed).toBe(true);
    await expectGlassboxError(() => m.predict(x), 'INVALID_ARGUMENT', /disposed/);
    await expectGlassboxError(() => m.getWeights(), 'INVALID_ARGUMENT', /disposed/);
    m.dispose();
    tf.dispose([bad, ints, empty, x]);
  });
});

describe('sequential specs', () => {
  const bad = async (specs: unknown, inputShape: unknown, code: 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH', message: RegExp) =>
    expectGlassboxError(() => sequential(specs as LayerSpec[], inputShape as number[]), code, message);

  it('refuses bad specs without making variables', async () => {
    await bad([], [2], 'INVALID_ARGUMENT', /non-empty array of layer specs/);
    await bad([{ type: 'dense', units: 2 }], [], 'INVALID_ARGUMENT', /inputShape/);
    await bad([{ type: 'lstm' }], [2], 'INVALID_ARGUMENT', /layers\[0\].type must be one of/);
    await bad([{ type: 'dense', units: 2, activaton: 'relu' }], [2], 'INVALID_ARGUMENT', /unknown key 'activaton'/);
    await bad([{ type: 'dense', units: 0 }], [2], 'INVALID_ARGUMENT', /units must be an integer >= 1/);
    await bad([{ type: 'dense', units: 2, activation: 'swish' }], [2], 'INVALID_ARGUMENT', /activation must be one of/);
    await bad([{ type: 'dense', name: 'a/b', units: 2 }], [2], 'INVALID_ARGUMENT', /without '\/'/);
    await bad([{ type: 'dense', name: 'x', units: 2 }, { type: 'dense', name: 'x', units: 2 }], [2], 'INVALID_ARGUMENT', /already uses/);
    await bad([{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'dense', units: 2 }], [4, 4, 1], 'SHAPE_MISMATCH', /add a flatten layer/);
    await bad([{ type: 'conv2d', filters: 2, kernelSize: 5 }], [4, 4, 1], 'SHAPE_MISMATCH', /must fit/);
    await bad([{ type: 'conv2d', filters: 2, kernelSize: 3 }], [16], 'SHAPE_MISMATCH', /rank 3/);
    await bad([{ type: 'reshape', shape: [3, 3] }], [8], 'SHAPE_MISMATCH', /has 9 elements/);
    await bad([{ type: 'dropout', rate: 1 }], [8], 'INVALID_ARGUMENT', /rate must be a number in \[0, 1\)/);
    await bad([{ type: 'batchNorm', momentum: 2 }], [8], 'INVALID_ARGUMENT', /momentum/);
    await bad([{ type: 'dense', units: 2, kernelInitializer: 'orthogonal' }], [2], 'INVALID_ARGUMENT', /kernelInitializer/);
    await bad([{ type: 'conv2d', filters: 2, kernelSize: 3, strides: 2, dilations: 2 }], [8, 8, 1], 'INVALID_ARGUMENT', /cannot both be > 1/);
    await bad([{ type: 'activation', fn: 'relu', alpha: 0.1 }], [2], 'INVALID_ARGUMENT', /only used by/);
    await expectGlassboxError(() => sequential([{ type: 'flatten' }], [2], { seed: 1.5 }), 'INVALID_ARGUMENT', /options.seed/);
    await expectGlassboxError(() => Sequential.fromJSON({ format: 'x' } as never), 'INVALID_ARGUMENT', /json.format/);
    await expectGlassboxError(() => Sequential.fromJSON('{not json'), 'INVALID_ARGUMENT', /not valid JSON/);
  });

  it('layer info is frozen data', () => {
    const m = sequential([{ type: 'dense', name: 'd', units: 2 }], [3]);
    expect(Object.isFrozen(m.layers[0])).toBe(true);
    expect(Object.isFrozen(m.layers[0]!.spec)).toBe(true);
    m.dispose();
  });
});

describe('sequential across backends', () => {
  it('initialises the same weights and predicts the same on cpu and wasm', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend, fallback: false });
      const m = sequential(SPECS, INPUT, { seed: 21 });
      const w = m.getWeights();
      const weights = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, Array.from(t.dataSync())]));
      const x = input();
      const y = m.predict(x);
      const out = { weights, y: Array.from(y.dataSync()) };
      tf.dispose([w, x, y]);
      m.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.weights).toEqual(cpu.weights);
    for (let i = 0; i < cpu.y.length; i++) expect(Math.abs(wasm.y[i]! - cpu.y[i]!)).toBeLessThan(1e-5);
  });
});

describe('sequentialOf', () => {
  it('finds the Sequential of a model, of a classifier-like wrapper, and nothing in a plain function', () => {
    const m = sequential([{ type: 'dense', units: 2 }], [3], { seed: 1 });
    expect(sequentialOf(m)).toBe(m);
    expect(sequentialOf({ kind: 'classifier', network: m, predict: (x: Tensor) => m.predict(x) })).toBe(m);
    expect(sequentialOf({ kind: 'other', network: m })).toBeNull();
    expect(sequentialOf((x: Tensor) => m.predict(x))).toBeNull();
    expect(sequentialOf({ toJSON: () => ({ format: 'something-else' }), predict: () => null })).toBeNull();
    // A Sequential of another copy of the package: the same shape, not the same class.
    const copy = Object.assign(Object.create(null), {
      layers: m.layers,
      inputShape: m.inputShape,
      params: m.params,
      predict: (x: Tensor) => m.predict(x),
      getWeights: () => m.getWeights(),
      toJSON: () => m.toJSON(),
    });
    expect(sequentialOf(copy)).toBe(copy);
    m.dispose();
  });
});
