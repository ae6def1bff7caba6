/**
 * The fast path of tfjs-layers models: a model whose layers tensors-ops understands runs as a ResidualModel with the
 * same weights. Each model here is wrapped twice, with the default (fast) path and with `fastPath: false`
 * (tfjs-layers' own `apply` and graph walk, the independent implementation), and the two must agree: outputs and
 * input gradients within 1e-5 of the output's (gradient's) scale, every layer's output by name, layer methods.
 * A model with a layer the translation does not know, or a skip it cannot express, falls back; the fast model goes
 * to a worker pool as a ResidualModel (no builder module) and gives the main thread's numbers there.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, tf, type Tensor } from '@glassbox/tensors-ops';
import { createPool, type Pool } from '@glassbox/tensors-ops/pool';
import { describeBackends, expectGlassboxError, expectNoLeaks } from '@glassbox/tensors-ops/testing';
import { deepLift, gradCam, guidedBackprop, integratedGradients } from '@glassbox/explainers-gradient';
import { fromLayersModel, loadLayersModel, type LayersTfjsModel } from '../src/index.js';

type ST = tfl.SymbolicTensor;

/** Seeded initializers, and batch-norm statistics away from the identity (so that inference-mode BN matters). */
function seeds(start: number) {
  let seed = start;
  return {
    kernel: () => tfl.initializers.heNormal({ seed: seed++ }),
    bias: () => tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ }),
    bn: (name: string) =>
      tfl.layers.batchNormalization({
        name,
        epsilon: 1e-3,
        gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
        betaInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ }),
        movingMeanInitializer: tfl.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ }),
        movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
      }),
  };
}

/**
 * A small MobileNetV2 at 32x32x3 (Sandler et al. 2018, arXiv:1801.04381): stem conv (stride 2) + BN + ReLU6,
 * inverted residuals (expand 1x1, depthwise 3x3, project 1x1, each with BN, ReLU6 but after the projection, Add
 * when the block keeps its shape), a stride-2 block padded the Keras way (ZeroPadding2D then a 'valid' depthwise
 * conv), a head conv, global average pooling, dropout and a Dense softmax of 5 classes.
 */
function mobileNetLike(): tfl.LayersModel {
  const s = seeds(1);
  const conv = (name: string, filters: number, kernelSize: number, strides = 1) =>
    tfl.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: s.kernel() });
  const dw = (name: string, strides: number, padding: 'same' | 'valid') =>
    tfl.layers.depthwiseConv2d({ name, kernelSize: 3, strides, padding, useBias: false, depthwiseInitializer: s.kernel() });
  const relu6 = (name: string) => tfl.layers.reLU({ name, maxValue: 6 });
  const ap = (layer: { apply(x: ST | ST[]): unknown }, x: ST | ST[]) => layer.apply(x) as ST;
  const input = tfl.input({ shape: [32, 32, 3] });
  let x = ap(relu6('stem_relu'), ap(s.bn('stem_bn'), ap(conv('stem', 8, 3, 2), input)));
  let channels = 8;
  const block = (name: string, out: number, stride: number, keras = false) => {
    const h = x;
    let y = ap(relu6(`${name}_expand_relu`), ap(s.bn(`${name}_expand_bn`), ap(conv(`${name}_expand`, channels * 4, 1), h)));
    if (keras) y = ap(tfl.layers.zeroPadding2d({ name: `${name}_pad`, padding: [[0, 1], [0, 1]] }), y);
    y = ap(relu6(`${name}_dw_relu`), ap(s.bn(`${name}_dw_bn`), ap(dw(`${name}_dw`, stride, keras ? 'valid' : 'same'), y)));
    y = ap(s.bn(`${name}_project_bn`), ap(conv(`${name}_project`, out, 1), y));
    x = stride === 1 && channels === out ? ap(tfl.layers.add({ name: `${name}_add` }), [h, y]) : y;
    channels = out;
  };
  block('b0', 8, 1);
  block('b1', 12, 2, true);
  block('b2', 12, 1);
  block('b3', 12, 1);
  x = ap(relu6('out_relu'), ap(s.bn('head_bn'), ap(conv('head', 32, 1), x)));
  x = ap(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  x = ap(tfl.layers.dropout({ name: 'dropout', rate: 0.2 }), x);
  x = ap(tfl.layers.dense({ name: 'predictions', units: 5, activation: 'softmax', kernelInitializer: s.kernel(), biasInitializer: s.bias() }), x);
  return tfl.model({ inputs: input, outputs: x, name: 'mobilenet_like' });
}

/** A Sequential CNN: conv relu, max pool, conv relu6, flatten, dropout, dense relu, dense. */
function sequentialCnn(act2: 'relu' | 'relu6' = 'relu6'): tfl.Sequential {
  const s = seeds(50);
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [12, 12, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: s.kernel(), biasInitializer: s.bias() }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tfl.layers.conv2d({ name: 'conv2', filters: 6, kernelSize: 3, padding: 'same', activation: act2, kernelInitializer: s.kernel(), biasInitializer: s.bias() }),
      tfl.layers.averagePooling2d({ name: 'pool2', poolSize: 2, padding: 'same' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dropout({ name: 'drop', rate: 0.5 }),
      tfl.layers.dense({ name: 'hidden', units: 10, activation: 'relu', kernelInitializer: s.kernel(), biasInitializer: s.bias() }),
      tfl.layers.dense({ name: 'logits', units: 3, kernelInitializer: s.kernel(), biasInitializer: s.bias() }),
    ],
  });
}

function take(t: Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** max |a - b| / max |b|: the gap relative to the scale of the reference (tfjs-layers). */
function relGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let gap = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return gap / scale;
}

/** d(sum of column `target` of f(x))/dx. */
function inputGradient(m: LayersTfjsModel, x: Tensor, target: number): Float32Array {
  return take(tf.tidy(() => tf.grad((xx: Tensor) => tf.sum(tf.slice(m.predict(xx), [0, target], [-1, 1])))(x)));
}

describeBackends('tfjs-layers models on the fast path (tensors-ops ResidualModel)', (backend) => {
  let net: tfl.LayersModel;
  let fast: LayersTfjsModel;
  let slow: LayersTfjsModel;
  let x: Tensor;
  beforeAll(async () => {
    net = mobileNetLike();
    fast = await fromLayersModel(net);
    slow = await fromLayersModel(net, { fastPath: false });
    x = tf.tensor4d(createRng(3).normalArray(3 * 32 * 32 * 3), [3, 32, 32, 3]);
    // tfjs-layers makes a tensor or so on a model's first call: make them before counting.
    tf.tidy(() => [slow.predict(x), slow.layerOutput(x, 'b1_pad')]);
  });
  afterAll(() => {
    fast.dispose();
    slow.dispose();
    net.dispose();
    x.dispose();
  });

  it('takes the fast path for the MobileNetV2-like model and says so; fastPath: false keeps tfjs-layers', () => {
    expect(fast.path).toBe('tensors-ops');
    expect(fast.fallbackReason).toBeNull();
    expect(slow.path).toBe('tfjs-layers');
    expect(slow.fallbackReason).toMatch(/fastPath is false/);
    expect(fast.layerNames).toEqual(slow.layerNames);
    expect(fast.layers).toEqual(slow.layers);
  });

  it('outputs (softmax and logits) and input gradients equal tfjs-layers within 1e-5 relative', async () => {
    await expectNoLeaks(async () => {
      expect(relGap(take(fast.predict(x)), take(slow.predict(x)))).toBeLessThan(1e-5);
      for (const target of [0, 3]) expect(relGap(inputGradient(fast, x, target), inputGradient(slow, x, target))).toBeLessThan(1e-5);
      const fl = await fromLayersModel(net, { logits: true });
      const sl = await fromLayersModel(net, { logits: true, fastPath: false });
      expect(fl.path).toBe('tensors-ops');
      expect(fl.layerNames).toEqual(sl.layerNames);
      expect(fl.layerNames.at(-1)).toBe('predictions_logits');
      const logits = take(fl.predict(x));
      expect(relGap(logits, take(sl.predict(x)))).toBeLessThan(1e-5);
      // Logits, not probabilities: rows do not sum to 1.
      expect(Math.abs(logits.slice(0, 5).reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1e-3);
      expect(relGap(inputGradient(fl, x, 2), inputGradient(sl, x, 2))).toBeLessThan(1e-5);
      fl.dispose();
      sl.dispose();
    });
  });

  it('every layer by name: layerOutput equals tfjs-layers (Adds and the merged padding included); replacing it by itself gives predict', async () => {
    await expectNoLeaks(() => {
      const want = take(slow.predict(x));
      for (const layer of fast.layerNames) {
        const a = take(fast.layerOutput(x, layer));
        const b = take(slow.layerOutput(x, layer));
        expect(relGap(a, b), layer).toBeLessThan(1e-5);
        const again = take(tf.tidy(() => fast.forwardWithLayer(x, layer, fast.layerOutput(x, layer))));
        expect(relGap(again, want), layer).toBeLessThan(1e-5);
      }
      // The input side, inside a residual body (its first layer reads the block's input) and after a merged padding.
      for (const layer of ['b2_expand', 'b1_dw', 'b2_project_bn', 'pool']) {
        expect(relGap(take(fast.layerInput!(x, layer)), take(slow.layerInput!(x, layer))), layer).toBeLessThan(1e-5);
      }
      // A replaced value inside a residual body: the skip still carries x's values on both paths.
      const v = tf.tidy(() => tf.mul(fast.layerOutput(x, 'b2_dw_relu'), 0.5));
      expect(relGap(take(fast.forwardWithLayer(x, 'b2_dw_relu', v)), take(slow.forwardWithLayer(x, 'b2_dw_relu', v)))).toBeLessThan(1e-5);
      const u = tf.tidy(() => tf.mul(fast.layerInput!(x, 'b2_expand'), -1));
      expect(relGap(take(fast.forwardWithLayerInput!(x, 'b2_expand', u)), take(slow.forwardWithLayerInput!(x, 'b2_expand', u)))).toBeLessThan(1e-5);
      tf.dispose([v, u]);
    });
  });

  it("gradCam at 'out_relu' by name equals the tfjs-layers path", async () => {
    const a: number[] = [];
    const b: number[] = [];
    for (const target of [0, 1, 2, 3, 4]) {
      a.push(...(await expectNoLeaks(async () => take((await gradCam(fast, x, { layer: 'out_relu', target })).attributions))));
      b.push(...take((await gradCam(slow, x, { layer: 'out_relu', target })).attributions));
    }
    expect(relGap(a, b)).toBeLessThan(1e-5);
  });

  it('new weights on the layers model (setWeights) reach the fast path before its next call', async () => {
    const m = mobileNetLike();
    try {
      const f = await fromLayersModel(m);
      const before = take(f.predict(x));
      const spec = f.toPooledModel!();
      const dense = m.getLayer('predictions');
      const doubled = dense.getWeights().map((w) => tf.mul(w, 2));
      dense.setWeights(doubled);
      tf.dispose(doubled);
      const after = take(f.predict(x));
      const want = take(tf.tidy(() => m.predict(x) as Tensor));
      expect(relGap(after, want)).toBeLessThan(1e-5);
      expect(relGap(after, before)).toBeGreaterThan(1e-3);
      expect(f.toPooledModel!()).not.toBe(spec);
      f.dispose();
    } finally {
      m.dispose();
    }
  });

  it('a Sequential CNN (conv relu, max pool, flatten, dropout, dense) takes the fast path with the same outputs and gradients', async () => {
    const seq = sequentialCnn();
    const xs = tf.tensor4d(createRng(8).normalArray(4 * 12 * 12 * 2), [4, 12, 12, 2]);
    try {
      const s = await fromLayersModel(seq, { fastPath: false });
      tf.tidy(() => s.predict(xs));
      await expectNoLeaks(async () => {
        const f = await fromLayersModel(seq);
        expect(f.path).toBe('tensors-ops');
        expect(f.layerNames).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flat', 'drop', 'hidden', 'logits']);
        expect(relGap(take(f.predict(xs)), take(s.predict(xs)))).toBeLessThan(1e-5);
        for (const target of [0, 2]) expect(relGap(inputGradient(f, xs, target), inputGradient(s, xs, target))).toBeLessThan(1e-5);
        for (const layer of f.layerNames) expect(relGap(take(f.layerOutput(xs, layer)), take(s.layerOutput(xs, layer))), layer).toBeLessThan(1e-5);
        f.dispose();
      });
      s.dispose();
    } finally {
      xs.dispose();
      seq.dispose();
    }
  });

  it('ResNet-style identity blocks, nested and followed by a ReLU, take the fast path with the same numbers', async () => {
    const k = seeds(70);
    const c = (name: string, activation?: 'relu') => tfl.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: k.kernel(), biasInitializer: k.bias(), ...(activation ? { activation } : {}) });
    const ap = (layer: { apply(x: ST | ST[]): unknown }, x: ST | ST[]) => layer.apply(x) as ST;
    const input = tfl.input({ shape: [8, 8, 2] });
    const t = ap(c('stem', 'relu'), input);
    // outer: t -> a -> inner(add(a, conv(a))) -> bn -> add(t, .)
    const a = ap(c('a', 'relu'), t);
    const inner = ap(tfl.layers.add({ name: 'inner_add' }), [a, ap(k.bn('inner_bn'), ap(c('inner_conv'), a))]);
    const outer = ap(tfl.layers.add({ name: 'outer_add' }), [ap(k.bn('outer_bn'), ap(c('b'), inner)), t]);
    const y = ap(tfl.layers.dense({ name: 'out', units: 3, kernelInitializer: k.kernel() }), ap(tfl.layers.globalAveragePooling2d({ name: 'gap' }), ap(tfl.layers.reLU({ name: 'outer_relu' }), outer)));
    const m = tfl.model({ inputs: input, outputs: y });
    const xs = tf.tensor4d(createRng(21).normalArray(2 * 8 * 8 * 2), [2, 8, 8, 2]);
    try {
      const s = await fromLayersModel(m, { fastPath: false });
      tf.tidy(() => s.predict(xs));
      await expectNoLeaks(async () => {
        const f = await fromLayersModel(m);
        expect(f.path).toBe('tensors-ops');
        expect(f.layerNames).toEqual(s.layerNames);
        expect(relGap(take(f.predict(xs)), take(s.predict(xs)))).toBeLessThan(1e-5);
        expect(relGap(inputGradient(f, xs, 1), inputGradient(s, xs, 1))).toBeLessThan(1e-5);
        for (const layer of f.layerNames) expect(relGap(take(f.layerOutput(xs, layer)), take(s.layerOutput(xs, layer))), layer).toBeLessThan(1e-5);
        const v = tf.tidy(() => tf.mul(f.layerOutput(xs, 'inner_conv'), 2));
        expect(relGap(take(f.forwardWithLayer(xs, 'inner_conv', v)), take(s.forwardWithLayer(xs, 'inner_conv', v)))).toBeLessThan(1e-5);
        v.dispose();
        f.dispose();
      });
      s.dispose();
    } finally {
      xs.dispose();
      m.dispose();
    }
  });

  it('rule-based gradients (guided backprop, DeepLIFT) give the same attributions on both paths (Sequential CNN with ReLUs)', async () => {
    // ReLU only: tfjs-layers computes relu6 as min(6, relu(z)), whose inner relu guided backprop guides, while
    // tensors-ops runs relu6 as one nonlinearity that keeps its plain gradient (as Captum's ReLU6); see the README.
    const seq = sequentialCnn('relu');
    const xs = tf.tensor4d(createRng(12).normalArray(2 * 12 * 12 * 2), [2, 12, 12, 2]);
    try {
      const f = await fromLayersModel(seq);
      const s = await fromLayersModel(seq, { fastPath: false });
      expect(f.path).toBe('tensors-ops');
      for (const method of [guidedBackprop, deepLift]) {
        const a = await expectNoLeaks(async () => {
          const r = await method(f, xs, { target: 1 });
          r.delta?.dispose();
          return take(r.attributions);
        });
        const r = await method(s, xs, { target: 1 });
        r.delta?.dispose();
        expect(relGap(a, take(r.attributions)), method.name).toBeLessThan(1e-5);
      }
      f.dispose();
      s.dispose();
    } finally {
      xs.dispose();
      seq.dispose();
    }
  });

  it('loadLayersModel (files saved by tfjs-layers) takes the fast path too, with the numbers of the model saved', async () => {
    const seq = sequentialCnn();
    const xs = tf.tensor4d(createRng(13).normalArray(2 * 12 * 12 * 2), [2, 12, 12, 2]);
    try {
      const files = new Map<string, Uint8Array>();
      await seq.save(
        tf.io.withSaveHandler(async (a) => {
          const { weightData, ...rest } = a;
          const data = new Uint8Array(weightData as ArrayBuffer);
          files.set('model.json', new TextEncoder().encode(JSON.stringify({ modelTopology: rest.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['w.bin'], weights: rest.weightSpecs }] })));
          files.set('w.bin', data);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const want = take(tf.tidy(() => seq.predict(xs) as Tensor));
      await expectNoLeaks(async () => {
        const m = await loadLayersModel(files);
        expect(m.path).toBe('tensors-ops');
        expect(relGap(take(m.predict(xs)), want)).toBeLessThan(1e-5);
        m.dispose();
      });
    } finally {
      xs.dispose();
      seq.dispose();
    }
  });

  it('falls back to tfjs-layers, naming why: an unknown layer, a projection shortcut, a padding that is not "same"', async () => {
    const input = tfl.input({ shape: [6, 6, 2] });
    const k = seeds(90);
    const c = (name: string, filters: number, kernelSize = 3) => tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', kernelInitializer: k.kernel() });
    const head = (h: ST) => tfl.layers.dense({ name: 'out', units: 2, kernelInitializer: k.kernel() }).apply(tfl.layers.flatten({ name: 'flat' }).apply(h) as ST) as ST;
    // An unknown layer type.
    const permuted = tfl.layers.permute({ name: 'perm', dims: [2, 1, 3] }).apply(c('c1', 3).apply(input) as ST) as ST;
    const m1 = tfl.model({ inputs: input, outputs: head(permuted) });
    // A skip through a 1x1 convolution of its own (not an identity skip).
    const a = c('a', 4).apply(input) as ST;
    const proj = c('proj', 4, 1).apply(input) as ST;
    const m2 = tfl.model({ inputs: input, outputs: head(tfl.layers.add({ name: 'join' }).apply([proj, a]) as ST) });
    // Symmetric zero padding before a stride-2 'valid' conv is not what 'same' pads there.
    const padded = tfl.layers.zeroPadding2d({ name: 'zpad', padding: 1 }).apply(input) as ST;
    const m3 = tfl.model({ inputs: input, outputs: head(tfl.layers.conv2d({ name: 's2', filters: 2, kernelSize: 3, strides: 2, kernelInitializer: k.kernel() }).apply(padded) as ST) });
    const xs = tf.tensor4d(createRng(2).normalArray(2 * 6 * 6 * 2), [2, 6, 6, 2]);
    try {
      for (const [m, reason] of [
        [m1, /'perm' is a Permute/],
        [m2, /read by 'a' and 'proj'|read by 'proj' and 'a'/],
        [m3, /ZeroPadding2D.*not the padding 'same' would add/],
      ] as const) {
        tf.tidy(() => m.predict(xs));
        await expectNoLeaks(async () => {
          const w = await fromLayersModel(m);
          expect(w.path).toBe('tfjs-layers');
          expect(w.fallbackReason).toMatch(reason);
          expect(w.toPooledModel!().kind).toBe('module');
          expect(relGap(take(w.predict(xs)), take(m.predict(xs) as Tensor))).toBe(0);
          w.dispose();
        });
      }
    } finally {
      xs.dispose();
      for (const m of [m1, m2, m3]) m.dispose();
    }
  });

  it('refuses a fastPath that is not a boolean; nothing leaks', async () => {
    await expectNoLeaks(() => expectGlassboxError(() => fromLayersModel(net, { fastPath: 'yes' as unknown as boolean }), 'INVALID_ARGUMENT', /options\.fastPath must be a boolean, got "yes"/));
  });

  it('goes to a worker pool as a ResidualModel (no builder module); pooled IG equals the main thread', async () => {
    const spec = fast.toPooledModel!();
    expect(spec.kind).toBe('residual');
    expect(JSON.stringify(spec)).not.toMatch(/pool-builder|"module"/);
    let pool: Pool | null = null;
    try {
      pool = await createPool({ workers: 1, backend, onWarning: (m) => { throw new Error(`unexpected pool warning: ${m}`); } });
      const p = pool;
      const opts = { target: [0, 2, 4], steps: 4, batchSize: 6 };
      const pooled = await expectNoLeaks(async () => {
        const r = await integratedGradients(fast, x, { ...opts, pool: p });
        r.delta?.dispose();
        return take(r.attributions);
      });
      const r = await integratedGradients(fast, x, opts);
      r.delta?.dispose();
      const main = take(r.attributions);
      expect(relGap(pooled, main)).toBeLessThan(1e-6);
      // The worker holds what the fast model holds on this thread: one tensor per parameter, plus the folded
      // kernel and bias of each convolution -> batch-norm pair (tensors-ops folds them in inference).
      const before = tf.memory().numTensors;
      const again = await fromLayersModel(net);
      const held = tf.memory().numTensors - before;
      again.dispose();
      expect(held).toBeGreaterThanOrEqual(Object.keys(spec.kind === 'residual' ? spec.weights : []).length);
      expect(await pool.workerTensors()).toEqual([held]);
    } finally {
      await pool?.close();
    }
  });
});
