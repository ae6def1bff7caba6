import { describe, expect, it } from 'vitest';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectGlassboxError, expectNoLeaks, expectTensorClose, isGlassboxError } from '../testing/index.js';
import type { ActivationConfig } from './activations.js';
import { FUSED_CONV2D_KERNEL, FUSED_DENSE_KERNEL } from './fused.js';
import { NONLINEARITY_KERNELS, activeNonlinearityRule, withNonlinearityRule, type NonlinearityRule } from './gradient-rule.js';
import type { LayerSpec } from './layer-spec.js';
import { sequential, type Sequential } from './sequential.js';

/** Guided backpropagation's relu rule (Springenberg et al. 2014), the example of the doc comment. */
const guided: NonlinearityRule = (g) => (g.activation.fn === 'relu' ? tf.mul(tf.relu(g.dy), tf.step(g.z)) : null);

/** A 12x12 CNN whose relus all run fused in inference (conv and dense with relu). */
const CNN: LayerSpec[] = [
  { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'conv2d', name: 'c2', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'avgPool', name: 'pool', poolSize: 2 },
  { type: 'flatten', name: 'flat' },
  { type: 'dense', name: 'd1', units: 10, activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'logits', units: 3, biasInitializer: 'glorotUniform' },
];

/** Every covered nonlinearity once, fused relus included, and elu with alpha != 1 (built from several ops). */
const ALL: LayerSpec[] = [
  { type: 'conv2d', name: 'c1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'conv2d', name: 'c2', filters: 3, kernelSize: 3, strides: 2, activation: { fn: 'leakyRelu', alpha: 0.1 }, biasInitializer: 'glorotUniform' },
  { type: 'flatten', name: 'flat' },
  { type: 'dense', name: 'd1', units: 8, activation: 'relu', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd2', units: 8, activation: 'sigmoid', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd3', units: 8, activation: 'tanh', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd4', units: 8, activation: 'softplus', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd5', units: 8, activation: 'elu', biasInitializer: 'glorotUniform' },
  { type: 'dense', name: 'd6', units: 8, activation: { fn: 'elu', alpha: 0.5 }, biasInitializer: 'glorotUniform' },
  { type: 'activation', name: 'a7', fn: 'relu' },
  { type: 'dense', name: 'logits', units: 3, biasInitializer: 'glorotUniform' },
];

function images(seed: number, n: number, size: number): Tensor {
  return tf.tensor4d(createRng(seed).uniformArray(n * size * size, -1, 1), [n, size, size, 1]);
}

/** d/dx sum(f(x) * w) for a fixed output weighting w [K]. */
function gradOf(f: (x: Tensor) => Tensor, x: Tensor, w: number[]): Tensor {
  return tf.grad((t: Tensor) => tf.sum(tf.mul(f(t), tf.tensor1d(w))))(x);
}

/**
 * The backward pass of a Sequential written out layer by layer, with `rule(dy, z)` in place of each relu's
 * gradient and tfjs-core's ordinary gradients only through the linear parts (vector-Jacobian products of
 * applyLayerLinear): an implementation of the rule that does not use withNonlinearityRule.
 */
function layerwise(m: Sequential, x: Tensor, w: number[], rule: (dy: Tensor, z: Tensor) => Tensor): Tensor {
  return tf.tidy(() => {
    const inputs: Tensor[] = [];
    let h = x;
    for (let i = 0; i < m.layers.length; i++) {
      inputs.push(h);
      h = m.applyLayer(i, h);
    }
    let g: Tensor = tf.mul(tf.onesLike(h), tf.tensor1d(w));
    for (let i = m.layers.length - 1; i >= 0; i--) {
      const act = m.layers[i]!.activation;
      const nonlinear = act !== null && act.fn !== 'linear';
      if (nonlinear) {
        expect(act.fn).toBe('relu');
        g = rule(g, m.applyLayerLinear(i, inputs[i]!));
      }
      const dy = g;
      const part = (t: Tensor): Tensor => (nonlinear ? m.applyLayerLinear(i, t) : m.applyLayer(i, t));
      g = tf.grad((t: Tensor) => tf.sum(tf.mul(part(t), dy)))(inputs[i]!);
    }
    return g;
  });
}

/** The CNN as plain tfjs-core ops on the Sequential's weights, with tfjs-core's own fused ops (relu fused in). */
function cnnAsFunction(m: Sequential): { f: (x: Tensor) => Tensor; dispose: () => void } {
  const w = m.getWeights();
  const f = (x: Tensor): Tensor =>
    tf.tidy(() => {
      let h = tf.fused.conv2d({ x: x as Tensor4D, filter: w['c1/kernel'] as Tensor4D, strides: 1, pad: 'same', bias: w['c1/bias'], activation: 'relu' });
      h = tf.relu(tf.add(tf.conv2d(h, w['c2/kernel'] as Tensor4D, 2, 'same'), w['c2/bias']!)) as Tensor4D;
      h = tf.avgPool(h, 2, 2, 'valid');
      const flat = tf.reshape(h, [h.shape[0]!, -1]);
      const d1 = tf.fused.matMul({ a: flat as tf.Tensor2D, b: w['d1/kernel'] as tf.Tensor2D, bias: w['d1/bias'], activation: 'relu' });
      return tf.add(tf.matMul(d1, w['logits/kernel']!), w['logits/bias']!);
    });
  return { f, dispose: () => tf.dispose(w) };
}

async function kernelsOf(f: () => Tensor): Promise<string[]> {
  const info = await tf.profile(() => {
    tf.dispose(f());
  });
  return info.kernels.map((k) => k.name);
}

const guidedRelu = (dy: Tensor, z: Tensor): Tensor => tf.mul(tf.relu(dy), tf.step(z));
const plainRelu = (dy: Tensor, z: Tensor): Tensor => tf.mul(dy, tf.step(z));

describeBackends('withNonlinearityRule', () => {
  it('guided backprop on the fused Sequential and on the same network as plain ops equals the layer-wise rule', async () => {
    const m = sequential(CNN, [12, 12, 1], { seed: 7 });
    const x = images(3, 3, 12);
    const w = [0.5, -1, 2];
    const { f, dispose } = cnnAsFunction(m);
    await expectNoLeaks(async () => {
      // Without a rule the Sequential runs its relus inside the fused kernels.
      const names = await kernelsOf(() => m.predict(x));
      expect(names.filter((n) => n === FUSED_CONV2D_KERNEL)).toHaveLength(2);
      expect(names.filter((n) => n === FUSED_DENSE_KERNEL)).toHaveLength(2);
      expect(names).not.toContain('Relu');
      const want = layerwise(m, x, w, guidedRelu);
      const plain = layerwise(m, x, w, plainRelu);
      // The rule matters on this input: guided differs clearly from the ordinary gradient.
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(want, plain))).dataSync()[0]!);
      expect(gap).toBeGreaterThan(1e-2);
      const ordinary = gradOf((t) => m.predict(t), x, w);
      expectTensorClose(ordinary, plain, 1e-5, 1e-4);
      const viaSequential = withNonlinearityRule(guided, () => gradOf((t) => m.predict(t), x, w));
      const viaFunction = withNonlinearityRule(guided, () => gradOf(f, x, w));
      expectTensorClose(viaSequential, want, 1e-5, 1e-4);
      expectTensorClose(viaFunction, want, 1e-5, 1e-4);
      // Under a rule the relus run as their own ops, so the rule sees their inputs.
      const ruled = await kernelsOf(() => withNonlinearityRule(guided, () => m.predict(x)));
      expect(ruled.filter((n) => n === 'Relu')).toHaveLength(3);
      tf.dispose([want, plain, ordinary, viaSequential, viaFunction]);
    });
    dispose();
    x.dispose();
    m.dispose();
  });

  it('every nonlinearity reaches the rule once, as the nn activation it is, with its input z', async () => {
    const m = sequential(ALL, [7, 7, 1], { seed: 11 });
    const x = images(4, 2, 7);
    const w = [1, -0.5, 0.25];
    await expectNoLeaks(() => {
      const seen: Array<{ activation: ActivationConfig; z: Float32Array }> = [];
      const record: NonlinearityRule = (g) => {
        seen.push({ activation: { ...g.activation }, z: Float32Array.from(g.z.dataSync()) });
        return null;
      };
      const declined = withNonlinearityRule(record, () => gradOf((t) => m.predict(t), x, w));
      // Backward order: the last nonlinearity first.
      expect(seen.map((s) => s.activation)).toEqual([
        { fn: 'relu' },
        { fn: 'elu', alpha: 0.5 },
        { fn: 'elu', alpha: 1 },
        { fn: 'softplus' },
        { fn: 'tanh' },
        { fn: 'sigmoid' },
        { fn: 'relu' },
        { fn: 'leakyRelu', alpha: 0.1 },
        { fn: 'relu' },
      ]);
      const pre = m.applyWithActivations(x);
      const names = ['a7', 'd6', 'd5', 'd4', 'd3', 'd2', 'd1', 'c2', 'c1'];
      names.forEach((name, i) => expectTensorClose(pre.preActivations[name]!, seen[i]!.z, 1e-5, 1e-5));
      tf.dispose(pre);
      // A rule that declines gives the ordinary gradient.
      const ordinary = gradOf((t) => m.predict(t), x, w);
      expectTensorClose(declined, ordinary, 1e-6, 1e-5);
      // A rule that doubles every nonlinearity's gradient doubles the whole gradient once per nonlinearity:
      // each was routed through the rule exactly once (2^9).
      const doubled = withNonlinearityRule((g) => tf.mul(g.ordinary(), 2), () => gradOf((t) => m.predict(t), x, w));
      const expected = tf.mul(ordinary, 512);
      expectTensorClose(doubled, expected, 1e-4, 1e-5);
      tf.dispose([declined, ordinary, doubled, expected]);
    });
    x.dispose();
    m.dispose();
  });

  it('a rule that declines gives bit-identical gradients on plain ops; y(), derivative() and ordinary() follow their definitions', async () => {
    const x = tf.tensor2d(createRng(9).uniformArray(24, -2, 2), [4, 6]);
    const f = (t: Tensor): Tensor =>
      tf.tidy(() => tf.add(tf.add(tf.relu(t), tf.leakyRelu(t, 0.3)), tf.add(tf.add(tf.sigmoid(t), tf.tanh(t)), tf.add(tf.softplus(t), tf.elu(t)))));
    const w = [1, 2, 3, 4, 5, 6];
    await expectNoLeaks(() => {
      const ordinary = gradOf(f, x, w);
      const declined = withNonlinearityRule(() => null, () => gradOf(f, x, w));
      expect(Array.from(declined.dataSync())).toEqual(Array.from(ordinary.dataSync()));
      // Rebuild the gradient from y() and derivative() and compare with closed forms of each activation.
      const checked = new Set<string>();
      const check: NonlinearityRule = (g) => {
        const z = Float64Array.from(g.z.dataSync());
        const y = g.y().dataSync();
        const d = g.derivative().dataSync();
        const o = g.ordinary().dataSync();
        const dy = g.dy.dataSync();
        const a = g.activation.alpha ?? 0;
        for (let i = 0; i < z.length; i++) {
          const v = z[i]!;
          const [yy, dd] =
            g.activation.fn === 'relu'
              ? [Math.max(v, 0), v > 0 ? 1 : 0]
              : g.activation.fn === 'leakyRelu'
                ? [v > 0 ? v : a * v, v > 0 ? 1 : a]
                : g.activation.fn === 'sigmoid'
                  ? [1 / (1 + Math.exp(-v)), Math.exp(-v) / (1 + Math.exp(-v)) ** 2]
                  : g.activation.fn === 'tanh'
                    ? [Math.tanh(v), 1 - Math.tanh(v) ** 2]
                    : g.activation.fn === 'softplus'
                      ? [Math.log1p(Math.exp(v)), 1 / (1 + Math.exp(-v))]
                      : [v > 0 ? v : Math.exp(v) - 1, v > 0 ? 1 : Math.exp(v)];
          expect(Math.abs(y[i]! - yy)).toBeLessThan(1e-5);
          expect(Math.abs(d[i]! - dd)).toBeLessThan(1e-5);
          expect(Math.abs(o[i]! - dy[i]! * dd)).toBeLessThan(1e-4);
        }
        checked.add(g.activation.fn);
        return null;
      };
      tf.dispose(withNonlinearityRule(check, () => gradOf(f, x, w)));
      expect([...checked].sort()).toEqual(['elu', 'leakyRelu', 'relu', 'sigmoid', 'softplus', 'tanh']);
      tf.dispose([ordinary, declined]);
    });
    x.dispose();
  });
});

describe('withNonlinearityRule: scope', () => {
  it('restores the registry after success, after fn throws and after the rule throws; nested scopes apply the innermost rule', async () => {
    const originals = NONLINEARITY_KERNELS.map((k) => tf.getGradient(k));
    const same = (): void => NONLINEARITY_KERNELS.forEach((k, i) => expect(tf.getGradient(k)).toBe(originals[i]));
    expect(activeNonlinearityRule()).toBeNull();
    const x = tf.tensor1d([-1, 2, -3, 4]);
    await expectNoLeaks(() => {
      const g = withNonlinearityRule(guided, () => {
        expect(activeNonlinearityRule()).toBe(guided);
        return tf.grad((t: Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor1d([1, -1, 1, 1]))))(x);
      });
      // relu(dy) * [z > 0] with z = [-1, 2, -3, 4], dy = [1, -1, 1, 1] (the ordinary gradient is [0, -1, 0, 1])
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 1]);
      g.dispose();
    });
    same();
    expect(activeNonlinearityRule()).toBeNull();
    expect(() => withNonlinearityRule(guided, () => {
      throw new Error('boom');
    })).toThrow('boom');
    same();
    const failing: NonlinearityRule = () => {
      throw new Error('rule failed');
    };
    expect(() => withNonlinearityRule(failing, () => tf.dispose(tf.grad((t: Tensor) => tf.sum(tf.relu(t)))(x)))).toThrow('rule failed');
    same();
    // Nested: the inner rule applies inside, the outer one again after it.
    const zero: NonlinearityRule = (g) => tf.zerosLike(g.z);
    const [inner, outer] = withNonlinearityRule(guided, () => {
      const a = withNonlinearityRule(zero, () => tf.grad((t: Tensor) => tf.sum(tf.relu(t)))(x));
      const b = tf.grad((t: Tensor) => tf.sum(tf.relu(t)))(x);
      return [a, b];
    });
    expect(Array.from(inner!.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(outer!.dataSync())).toEqual([0, 1, 0, 1]);
    tf.dispose([inner!, outer!, x]);
    same();
    expect(activeNonlinearityRule()).toBeNull();
  });

  it('refuses bad arguments, a Promise from fn and a gradient of the wrong shape, without leaking', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectGlassboxError(() => withNonlinearityRule(null as never, () => 1), 'INVALID_ARGUMENT', /rule must be a function/);
    await expectGlassboxError(() => withNonlinearityRule(guided, 3 as never), 'INVALID_ARGUMENT', /fn must be a synchronous function/);
    await expectGlassboxError(() => withNonlinearityRule(guided, async () => 1), 'INVALID_ARGUMENT', /returned a Promise/);
    // A rule error inside the backward pass: tfjs-core's tf.grad keeps its tape's saved tensors when the backward
    // pass throws (explainers compute gradients with a wrapper that frees them), so only the error is checked here.
    let error: unknown = null;
    try {
      withNonlinearityRule(() => tf.zeros([3]), () => tf.dispose(tf.grad((t: Tensor) => tf.sum(tf.relu(t)))(x)));
    } catch (e) {
      error = e;
    }
    expect(isGlassboxError(error) && error.code).toBe('SHAPE_MISMATCH');
    expect((error as Error).message).toMatch(/shape \[2\].*got shape \[3\]/);
    expect(activeNonlinearityRule()).toBeNull();
    x.dispose();
  });
});
