import { afterEach, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import type { LayerSpec } from './layer-spec.js';
import { sequential, type Sequential } from './sequential.js';
import { residualModel } from './residual-model.js';
import { withNonlinearityRule } from './gradient-rule.js';
import { FUSED_CONV2D_KERNEL, FUSED_DEPTHWISE_CONV2D_KERNEL, fusedConv2dLayer, fusedDepthwiseConv2dLayer } from './fused.js';
import { FoldCache, findConvBnGroups, foldBatchNorm, setBatchNormFolding, type ConvBnGroup } from './fold-batch-norm.js';
import type { Conv2DConfig } from './layer-types.js';
import { RELU6_GRAD_FROM_OUTPUT_KERNEL } from '../kernels/relu6-grad.js';

afterEach(() => {
  setBatchNormFolding(true);
});

function maxAbs(t: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** |a - b| <= tol * max|b| everywhere (relative to the reference's scale), and the reference is not zero. */
function expectRelClose(a: Tensor, b: Tensor, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const scale = maxAbs(b);
  expect(scale).toBeGreaterThan(0);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  expect(diff, `max |diff| ${diff} at scale ${scale}`).toBeLessThanOrEqual(tol * scale);
}

async function kernelsOf(f: () => Tensor | Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => {
    tf.dispose(f());
  });
  return info.kernels.map((k) => k.name);
}

function uniform(seed: number, shape: number[], lo: number, hi: number): Tensor {
  return tf.tensor(createRng(seed).uniformArray(shape.reduce((a, b) => a * b, 1), lo, hi), shape, 'float32');
}

/** Batch-norm parameters and statistics drawn away from the identity (so that folding matters). */
function randomizeBatchNorms(model: { getWeights(): Record<string, Tensor>; setWeights(w: Record<string, Tensor>, o?: { allowPartial?: boolean }): void }, seed: number): void {
  const current = model.getWeights();
  const next: Record<string, Tensor> = {};
  let k = 0;
  for (const [name, t] of Object.entries(current)) {
    const key = name.slice(name.lastIndexOf('/') + 1);
    const s = seed * 100 + k++;
    if (key === 'gamma') next[name] = uniform(s, t.shape, 0.5, 1.5);
    else if (key === 'movingVariance') next[name] = uniform(s, t.shape, 0.3, 2);
    else if (key === 'beta' || key === 'movingMean') next[name] = uniform(s, t.shape, -0.5, 0.5);
    else if (key === 'bias') next[name] = uniform(s, t.shape, -0.3, 0.3);
  }
  model.setWeights(next, { allowPartial: true });
  tf.dispose([...Object.values(current), ...Object.values(next)]);
}

const CONFIG = (strides: [number, number], padding: 'same' | 'valid'): Conv2DConfig => ({ strides, padding, dilations: [1, 1], activation: { fn: 'linear' } });

describeBackends('fused conv / depthwise conv + bias + relu6', () => {
  it('equal the unfused ops (tf.conv2d / tf.depthwiseConv2d, add, relu6) forward and in every gradient', async () => {
    await expectNoLeaks(() => {
      // Inputs wide enough that many pre-activations fall below 0 and above 6.
      const x = uniform(1, [2, 7, 6, 3], -4, 4);
      const w = uniform(2, [3, 3, 3, 5], -1, 1);
      const b = uniform(3, [5], -1, 1);
      const dw = uniform(4, [3, 3, 3, 2], -1.5, 1.5);
      const db = uniform(5, [6], -1, 1);
      const cases = [
        {
          fused: (xx: Tensor, ww: Tensor, bb: Tensor) => fusedConv2dLayer(xx, ww, bb, CONFIG([2, 1], 'same'), { fn: 'relu6' })!,
          plain: (xx: Tensor, ww: Tensor, bb: Tensor) => tf.relu6(tf.add(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [2, 1], 'same'), bb)),
          w,
          b,
        },
        {
          fused: (xx: Tensor, ww: Tensor, bb: Tensor) => fusedDepthwiseConv2dLayer(xx, ww, bb, CONFIG([1, 2], 'valid'), { fn: 'relu6' })!,
          plain: (xx: Tensor, ww: Tensor, bb: Tensor) => tf.relu6(tf.add(tf.depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [1, 2], 'valid'), bb)),
          w: dw,
          b: db,
        },
      ];
      for (const c of cases) {
        const y = c.fused(x, c.w, c.b);
        const want = tf.tidy(() => c.plain(x, c.w, c.b));
        // Some outputs clipped at 6, some at 0, some in between.
        const counts = tf.tidy(() => [tf.sum(tf.equal(want, 6)), tf.sum(tf.equal(want, 0)), tf.sum(tf.logicalAnd(tf.greater(want, 0), tf.less(want, 6)))].map((t) => t.dataSync()[0]!));
        expect(Math.min(...counts)).toBeGreaterThan(0);
        expectRelClose(y, want);
        const dy = uniform(6, want.shape, -1, 1);
        const loss = (f: typeof c.fused) => (xx: Tensor, ww: Tensor, bb: Tensor) => tf.sum(tf.mul(f(xx, ww, bb), dy)) as tf.Scalar;
        const got = tf.grads(loss(c.fused))([x, c.w, c.b]);
        const ref = tf.grads(loss(c.plain))([x, c.w, c.b]);
        got.forEach((g, i) => expectRelClose(g, ref[i]!));
        tf.dispose([y, want, dy, ...got, ...ref]);
      }
      tf.dispose([x, w, b, dw, db]);
    });
  });

  it('a gradient to the input runs the backward convolution and one mask, no filter gradient', async () => {
    const x = uniform(7, [1, 6, 6, 4], -3, 3);
    const dw = uniform(8, [3, 3, 4, 1], -1, 1);
    const names = await kernelsOf(() => tf.grad((xx: Tensor) => tf.sum(fusedDepthwiseConv2dLayer(xx, dw, null, CONFIG([1, 1], 'same'), { fn: 'relu6' })!))(x));
    expect(names).toContain(FUSED_DEPTHWISE_CONV2D_KERNEL);
    expect(names).toContain('DepthwiseConv2dNativeBackpropInput');
    expect(names).not.toContain('DepthwiseConv2dNativeBackpropFilter');
    // The mask 0 < y < 6 from the output: one GlassboxRelu6GradFromOutput; no Relu6, no Step, no comparisons.
    expect(names.filter((n) => n === RELU6_GRAD_FROM_OUTPUT_KERNEL)).toHaveLength(1);
    expect(names).not.toContain('Step');
    expect(names).not.toContain('Relu6');
    expect(names).not.toContain('LessEqual');
    tf.dispose([x, dw]);
  });

  it('relu6 boundaries: the mask is 0 < y < 6; it agrees with tfjs-core at z <= 0 and z > 6, and gives 0 at z = 6 exactly', async () => {
    await expectNoLeaks(() => {
      // A 1x1 convolution with kernel 1 and no bias: z = x exactly.
      const z = [-1, 0, 1e-6, 3, 6 - 1e-5, 6, 6 + 1e-5, 9];
      const x = tf.tensor4d(z, [1, 1, z.length, 1]);
      const one = tf.ones([1, 1, 1, 1]);
      const fused = tf.grad((xx: Tensor) => tf.sum(fusedConv2dLayer(xx, one, null, CONFIG([1, 1], 'valid'), { fn: 'relu6' })!))(x);
      const plain = tf.grad((xx: Tensor) => tf.sum(tf.relu6(xx)))(x);
      // By definition of the documented mask (from the output y = min(max(z, 0), 6)): 1 where 0 < z < 6.
      expect(Array.from(fused.dataSync())).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
      // tfjs-core's relu6 gradient (mask 0 < z <= 6) differs only at z = 6.
      expect(Array.from(plain.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
      // relu: y > 0 is z > 0, the same at 0.
      const fusedRelu = tf.grad((xx: Tensor) => tf.sum(fusedConv2dLayer(xx, one, null, CONFIG([1, 1], 'valid'), { fn: 'relu' })!))(x);
      const plainRelu = tf.grad((xx: Tensor) => tf.sum(tf.relu(xx)))(x);
      expect(Array.from(fusedRelu.dataSync())).toEqual(Array.from(plainRelu.dataSync()));
      tf.dispose([x, one, fused, plain, fusedRelu, plainRelu]);
    });
  });

  it('under a gradient rule the relu6 runs as its own op and the rule sees its input', async () => {
    await expectNoLeaks(() => {
      const x = uniform(9, [1, 5, 5, 2], -4, 4);
      const w = uniform(10, [3, 3, 2, 1], -1, 1);
      const seen: Tensor[] = [];
      // A rule that lets the whole gradient through every relu6 (so the result is the linear layer's gradient).
      const passAll = (g: { activation: { fn: string }; z: Tensor; dy: Tensor }): Tensor | null => {
        if (g.activation.fn !== 'relu6') return null;
        seen.push(tf.keep(tf.clone(g.z)));
        return g.dy;
      };
      const fused = withNonlinearityRule(passAll, () => tf.grad((xx: Tensor) => tf.sum(fusedDepthwiseConv2dLayer(xx, w, null, CONFIG([1, 1], 'same'), { fn: 'relu6' })!))(x));
      const linear = tf.grad((xx: Tensor) => tf.sum(tf.depthwiseConv2d(xx as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(x);
      expect(seen).toHaveLength(1);
      const z = tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
      expectRelClose(seen[0]!, z);
      expectRelClose(fused, linear);
      tf.dispose([x, w, fused, linear, z, ...seen]);
    });
  });
});

const SEQ: LayerSpec[] = [
  { type: 'conv2d', name: 'c1', filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
  { type: 'batchNorm', name: 'bn1', epsilon: 1e-3 },
  { type: 'activation', name: 'a1', fn: 'relu6' },
  { type: 'depthwiseConv2d', name: 'd1', kernelSize: 3, depthMultiplier: 2, padding: 'same' },
  { type: 'batchNorm', name: 'bn2' },
  { type: 'activation', name: 'a2', fn: 'relu' },
  { type: 'conv2d', name: 'c2', filters: 4, kernelSize: 1 },
  { type: 'batchNorm', name: 'bn3' },
  { type: 'activation', name: 'a3', fn: 'tanh' },
  { type: 'globalAvgPool' },
  { type: 'dense', name: 'logits', units: 3 },
];

/** SEQ written out with tfjs-core ops on the model's variables: conv, batch norm, activation, unfolded. */
function reference(m: Sequential, x: Tensor): Tensor {
  const p = m.params;
  const w = (name: string): Tensor => p.get(name)!;
  const bn = (h: Tensor, name: string, eps: number): Tensor =>
    tf.batchNorm(h, w(`${name}/movingMean`), w(`${name}/movingVariance`), w(`${name}/beta`), w(`${name}/gamma`), eps);
  return tf.tidy(() => {
    let h: Tensor = tf.conv2d(x as tf.Tensor4D, w('c1/kernel') as tf.Tensor4D, 2, 'same');
    h = tf.relu6(bn(h, 'bn1', 1e-3));
    h = tf.add(tf.depthwiseConv2d(h as tf.Tensor4D, w('d1/kernel') as tf.Tensor4D, 1, 'same'), w('d1/bias'));
    h = tf.relu(bn(h, 'bn2', 1e-3));
    h = tf.add(tf.conv2d(h as tf.Tensor4D, w('c2/kernel') as tf.Tensor4D, 1, 'valid'), w('c2/bias'));
    h = tf.tanh(bn(h, 'bn3', 1e-3));
    const pooled = tf.mean(h, [1, 2]);
    return tf.add(tf.matMul(pooled, w('logits/kernel')), w('logits/bias'));
  });
}

describe('findConvBnGroups', () => {
  it('finds conv -> batchNorm [-> relu / relu6 / linear activation] runs and nothing else', () => {
    const m = sequential(SEQ, [9, 8, 3], { seed: 1 });
    const plans = (m as unknown as { plans: { name: string; op: never; activation: never }[] }).plans;
    const groups = findConvBnGroups(plans.map((p) => ({ path: p.name, op: p.op, activation: p.activation })));
    expect([...groups.values()].map((g) => [g.start, g.length, g.kind, g.activation?.fn ?? null])).toEqual([
      [0, 3, 'conv2d', 'relu6'],
      [3, 3, 'depthwiseConv2d', 'relu'],
      // tanh is not fused: the group is conv + batch norm, the activation layer runs after it
      [6, 2, 'conv2d', null],
    ]);
    m.dispose();
    // Not folded: a conv with its own activation before the batch norm, a dilated conv, a dense layer.
    const other = sequential(
      [
        { type: 'conv2d', filters: 2, kernelSize: 1, activation: 'relu' },
        { type: 'batchNorm' },
        { type: 'conv2d', filters: 2, kernelSize: 3, dilations: 2 },
        { type: 'batchNorm' },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
        { type: 'batchNorm' },
      ],
      [6, 6, 1],
      { seed: 1 },
    );
    const otherPlans = (other as unknown as { plans: { name: string; op: never; activation: never }[] }).plans;
    expect(findConvBnGroups(otherPlans.map((p) => ({ path: p.name, op: p.op, activation: p.activation }))).size).toBe(0);
    other.dispose();
  });
});

describeBackends('batch norm folded into the convolution (Sequential)', () => {
  it('predict runs no batch norm, equals the unfolded ops within 1e-5, and keeps two tensors per group', async () => {
    const before = tf.memory().numTensors;
    const m = sequential(SEQ, [9, 8, 3], { seed: 2 });
    // Variables plus a folded kernel and bias for each of the three groups.
    expect(tf.memory().numTensors - before).toBe(m.params.size + 6);
    randomizeBatchNorms(m, 3);
    const x = uniform(11, [3, 9, 8, 3], -2, 2);
    await expectNoLeaks(async () => {
      const names = await kernelsOf(() => m.predict(x));
      expect(names).not.toContain('FusedBatchNorm');
      expect(names.filter((n) => n === FUSED_CONV2D_KERNEL)).toHaveLength(2);
      expect(names.filter((n) => n === FUSED_DEPTHWISE_CONV2D_KERNEL)).toHaveLength(1);
      const got = m.predict(x);
      const want = reference(m, x);
      expectRelClose(got, want);
      setBatchNormFolding(false);
      expect(await kernelsOf(() => m.predict(x))).toContain('FusedBatchNorm');
      const unfolded = m.predict(x);
      setBatchNormFolding(true);
      expectRelClose(unfolded, want);
      // Training mode never folds.
      expect(await kernelsOf(() => m.apply(x, { training: true, updateStatistics: false }))).toContain('FusedBatchNorm');
      tf.dispose([got, want, unfolded]);
    });
    x.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients to the input and to every variable equal the unfolded ones', async () => {
    const m = sequential(SEQ, [9, 8, 3], { seed: 4 });
    randomizeBatchNorms(m, 5);
    const x = uniform(12, [2, 9, 8, 3], -2, 2);
    const pick = tf.tensor1d([1, -2, 0.5]);
    await expectNoLeaks(() => {
      const loss = (f: (xx: Tensor) => Tensor) => (xx: Tensor): tf.Scalar => tf.sum(tf.mul(f(xx), pick));
      const gx = tf.grad(loss((xx) => m.predict(xx)))(x);
      const gxWant = tf.grad(loss((xx) => reference(m, xx)))(x);
      expectRelClose(gx, gxWant);
      // Every trainable variable: kernels and biases through the folded kernel and bias, gamma and beta too.
      const vars = m.trainableVariables();
      const { value, grads } = tf.variableGrads(() => loss((xx) => m.predict(xx))(x), vars);
      const { value: value2, grads: want } = tf.variableGrads(() => loss((xx) => reference(m, xx))(x), vars);
      for (const v of vars) expectRelClose(grads[v.name]!, want[v.name]!, 1e-4);
      tf.dispose([gx, gxWant, value, value2, ...Object.values(grads), ...Object.values(want)]);
    });
    tf.dispose([x, pick]);
    m.dispose();
  });

  it('follows the weights: setWeights and training-mode statistics updates refold without changing the tensor count', async () => {
    const m = sequential(SEQ, [9, 8, 3], { seed: 6 });
    const x = uniform(13, [2, 9, 8, 3], -2, 2);
    await expectNoLeaks(() => {
      const first = m.predict(x);
      randomizeBatchNorms(m, 7);
      const second = m.predict(x);
      const want = reference(m, x);
      expectRelClose(second, want);
      expect(maxAbsDiff(first, second)).toBeGreaterThan(1e-3);
      // A training step moves the moving statistics (assigns new values): the next predict sees them.
      tf.dispose(m.apply(x, { training: true }));
      const third = m.predict(x);
      const want3 = reference(m, x);
      expectRelClose(third, want3);
      expect(maxAbsDiff(second, third)).toBeGreaterThan(1e-6);
      tf.dispose([first, second, want, third, want3]);
    });
    tf.dispose(x);
    m.dispose();
  });

  it('split and layer methods cut a group where they must and still agree with predict', async () => {
    const m = sequential(SEQ, [9, 8, 3], { seed: 8 });
    randomizeBatchNorms(m, 9);
    const x = uniform(14, [2, 9, 8, 3], -2, 2);
    await expectNoLeaks(() => {
      const want = m.predict(x);
      for (const layer of ['c1', 'bn1', 'a1', 'd1', 'bn2']) {
        const { features, head } = m.split(layer);
        const a = features(x);
        const got = head(a);
        expectRelClose(got, want);
        tf.dispose([a, got]);
      }
      tf.dispose(want);
    });
    tf.dispose(x);
    m.dispose();
  });
});

describeBackends('batch norm folded into the convolution (ResidualModel)', () => {
  const blocks = [
    { type: 'conv2d', name: 'stem', filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
    { type: 'batchNorm', name: 'stem_bn', epsilon: 1e-5 },
    { type: 'activation', name: 'stem_relu', fn: 'relu6' },
    {
      type: 'residual',
      name: 'r',
      body: [
        { type: 'conv2d', name: 'expand', filters: 16, kernelSize: 1, useBias: false },
        { type: 'batchNorm', name: 'expand_bn', epsilon: 1e-5 },
        { type: 'activation', name: 'expand_relu', fn: 'relu6' },
        { type: 'depthwiseConv2d', name: 'dw', kernelSize: 3, padding: 'same', useBias: false },
        { type: 'batchNorm', name: 'dw_bn', epsilon: 1e-5 },
        { type: 'activation', name: 'dw_relu', fn: 'relu6' },
        { type: 'conv2d', name: 'project', filters: 8, kernelSize: 1, useBias: false },
        { type: 'batchNorm', name: 'project_bn', epsilon: 1e-5 },
      ],
    },
    { type: 'globalAvgPool', name: 'pool' },
    { type: 'dense', name: 'logits', units: 3 },
  ] as never;

  it('layer methods that read or replace a block inside a group run that group unfolded, the others folded', async () => {
    const m = residualModel(blocks, [10, 10, 3], { seed: 3 });
    randomizeBatchNorms(m, 4);
    const x = uniform(15, [2, 10, 10, 3], -2, 2);
    await expectNoLeaks(async () => {
      const want = m.predict(x);
      setBatchNormFolding(false);
      const unfolded = m.predict(x);
      const dwUnfolded = m.layerOutput(x, 'r/dw');
      setBatchNormFolding(true);
      expectRelClose(want, unfolded);
      const dw = m.layerOutput(x, 'r/dw');
      expectRelClose(dw, dwUnfolded);
      const back = m.forwardWithLayer(x, 'r/dw', dw);
      expectRelClose(back, want);
      const names = await kernelsOf(() => m.forwardWithLayer(x, 'r/dw', dw));
      // Only the hooked group (dw, dw_bn, dw_relu) runs its batch norm; the other three are folded.
      expect(names.filter((n) => n === 'FusedBatchNorm')).toHaveLength(1);
      const acts = m.applyWithActivations(x);
      expectRelClose(acts.output, want);
      expectRelClose(acts.activations['r/dw']!, dwUnfolded);
      tf.dispose([want, unfolded, dwUnfolded, dw, back, acts]);
    });
    tf.dispose(x);
    const before = tf.memory().numTensors;
    const variables = m.params.size;
    m.dispose();
    // Its variables and a folded kernel and bias for each of its four groups.
    expect(before - tf.memory().numTensors).toBe(variables + 8);
  });
});

describeBackends('FoldCache under a gradient tape', () => {
  const groupOf = (kind: ConvBnGroup['kind'], useBias: boolean): ConvBnGroup => ({
    start: 0,
    length: 2,
    kind,
    paths: ['conv', 'bn'],
    config: CONFIG([1, 1], 'same'),
    useBias,
    epsilon: 1e-3,
    activation: null,
  });

  it.each([
    ['conv2d', true, [3, 3, 4, 5]],
    ['conv2d', false, [1, 1, 4, 5]],
    ['depthwiseConv2d', true, [3, 3, 5, 1]],
    ['depthwiseConv2d', false, [3, 3, 5, 2]],
  ] as const)('%s (bias %s): gradients to the kernel, bias, gamma, beta and moving statistics equal the autodiff of the float32 fold', async (kind, useBias, shape) => {
    const channels = kind === 'conv2d' ? shape[3] : shape[2] * shape[3];
    const kernel = uniform(1, [...shape], -1, 1);
    const bias = uniform(2, [channels], -0.3, 0.3);
    const gamma = uniform(3, [channels], 0.5, 1.5);
    const beta = uniform(4, [channels], -0.5, 0.5);
    const mean = uniform(5, [channels], -0.5, 0.5);
    const variance = uniform(6, [channels], 0.3, 2);
    // Random upstream gradients for the folded kernel and bias.
    const uK = uniform(7, [...shape], -1, 1);
    const uB = uniform(8, [channels], -1, 1);
    const group = groupOf(kind, useBias);
    const cache = new FoldCache();
    // The kept fold is made outside the leak check (the cache holds its two tensors until disposed).
    cache.get('conv', group, { kernel, bias: useBias ? bias : null, gamma, beta, movingMean: mean, movingVariance: variance });
    await expectNoLeaks(() => {
      const sources = useBias ? [kernel, gamma, beta, mean, variance, bias] : [kernel, gamma, beta, mean, variance];
      const lossWith = (fold: typeof foldBatchNorm) => (...t: Tensor[]): tf.Scalar => {
        const [k, g, b, m, v, bb] = t as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor | undefined];
        const f = fold(group, { kernel: k, bias: bb ?? null, gamma: g, beta: b, movingMean: m, movingVariance: v });
        return tf.add(tf.sum(tf.mul(f.kernel, uK)), tf.sum(tf.mul(f.bias, uB)));
      };
      const got = tf.grads(lossWith((g, v) => cache.get('conv', g, v)))(sources);
      const want = tf.grads(lossWith(foldBatchNorm))(sources);
      for (let i = 0; i < sources.length; i++) expectRelClose(got[i]!, want[i]!, 1e-5);
      tf.dispose([...got, ...want]);
    });
    cache.dispose();
    tf.dispose([kernel, bias, gamma, beta, mean, variance, uK, uB]);
  });

  it('a gradient to the input alone runs none of the fold (no Sqrt: only the fold takes one)', async () => {
    const m = sequential(SEQ, [9, 8, 3], { seed: 4 });
    randomizeBatchNorms(m, 5);
    const x = uniform(12, [2, 9, 8, 3], -2, 2);
    tf.dispose(m.predict(x)); // the folded weights are made (outside the measured call)
    const names = await kernelsOf(() => tf.grad((xx: Tensor) => tf.sum(m.predict(xx)))(x));
    expect(names).not.toContain('Sqrt');
    x.dispose();
    m.dispose();
  });
});
