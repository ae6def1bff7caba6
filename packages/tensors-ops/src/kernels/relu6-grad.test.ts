import { expect, it } from 'vitest';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { ensureOverrides } from '../overrides.js';
import { withNonlinearityRule } from '../nn/gradient-rule.js';
import { isOurGradient, originalGradient, registerGradientFixes } from './fused-batch-norm-grad.js';
import { RELU6_GRAD_KERNEL, relu6GradConfig } from './relu6-grad.js';

type T = tf.Tensor;

const ULP6 = 2 ** -21; // float32 spacing between 4 and 8
/** The values where the mask changes or is special, and some ordinary ones. */
const SPECIAL_X = [0, -0, 6, 6 - ULP6, 6 + ULP6, 1e-45, -1e-45, -1, -7, 7, 5.5, 3, Infinity, -Infinity, NaN, 1e30, -1e30];
const SPECIAL_DY = [1.5, -0.75, 0, -0, Infinity, -Infinity, NaN];

/** x and dy: every special x with every special dy, then seeded random ones (x in [-3, 9), dy in [-2, 2)). */
function inputs(seed: number, random = 200): { x: Float32Array; dy: Float32Array } {
  const rng = createRng(seed);
  const n = SPECIAL_X.length * SPECIAL_DY.length + random;
  const x = new Float32Array(n);
  const dy = new Float32Array(n);
  let k = 0;
  for (const a of SPECIAL_X) for (const d of SPECIAL_DY) [x[k], dy[k++]] = [a, d];
  const rx = rng.uniformArray(random, -3, 9);
  const rd = rng.uniformArray(random, -2, 2);
  for (let i = 0; i < random; i++) [x[k], dy[k++]] = [rx[i]!, rd[i]!];
  return { x, dy };
}

/** Runs fn in a scope that frees every tensor made in it and returns a copy of the tensor's values. */
function valuesOf(fn: () => T): Float32Array {
  tf.engine().startScope();
  try {
    return Float32Array.from(fn().dataSync() as Float32Array);
  } finally {
    tf.engine().endScope();
  }
}

/** Bit-identical, except that a NaN only has to meet a NaN (its sign and payload are not specified anywhere). */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i])) expect(Number.isNaN(got[i]), `${what} at ${i}: want NaN, got ${got[i]}`).toBe(true);
    else if (g[i] !== w[i]) expect(got[i], `${what} at ${i} (bits ${g[i]!.toString(16)} vs ${w[i]!.toString(16)})`).toBe(want[i]);
  }
}

/** The gradient registered as Relu6's while fn runs (tfjs-core's or ours), then ours again. */
function withRelu6Gradient<R>(config: GradConfig, fn: () => R): R {
  tf.registerGradient(config);
  try {
    return fn();
  } finally {
    registerGradientFixes();
  }
}

const core = (): GradConfig => originalGradient('Relu6')!;
const relu6Vjp = (x: T, dy: T): T => tf.grad((z: T) => tf.relu6(z))(x, dy);

describeBackends('the gradient of Relu6 in one pass (GlassboxRelu6Grad)', () => {
  it("is registered over tfjs-core's, which is kept as the original", () => {
    expect(isOurGradient('Relu6')).toBe(true);
    expect(tf.getGradient('Relu6')!.gradFunc).toBe(relu6GradConfig.gradFunc);
    expect(core().gradFunc).not.toBe(relu6GradConfig.gradFunc);
    expect(tf.getKernel(RELU6_GRAD_KERNEL, tf.getBackend())).toBeDefined();
  });

  it('is dy · m(x), m = 1 on (0, 6], 0 elsewhere, NaN at NaN (closed form, with ±0, ±∞ and NaN in dy)', () => {
    const { x, dy } = inputs(1);
    const want = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const m = Number.isNaN(x[i]) ? NaN : x[i]! > 0 && x[i]! <= 6 ? 1 : 0;
      want[i] = dy[i]! * m;
    }
    const got = valuesOf(() => relu6Vjp(tf.tensor1d(x), tf.tensor1d(dy)));
    expectSameBits(got, want, 'closed form');
    // Spot checks of the definition: the kink at 0 passes nothing, 6 itself passes dy, just above 6 nothing.
    const at = (a: number, d: number) => valuesOf(() => relu6Vjp(tf.tensor1d([a]), tf.tensor1d([d])))[0];
    expect(at(0, 2)).toBe(0);
    expect(at(6, 2)).toBe(2);
    expect(at(6 + ULP6, 2)).toBe(0);
    expect(at(6 - ULP6, 2)).toBe(2);
    expect(at(1e-45, 2)).toBe(2);
    expect(at(-1, -2)).toBe(-0);
    expect(at(NaN, 2)).toBeNaN();
  });

  it("is tfjs-core's gradient bit for bit, at the special values and on random tensors of every rank", () => {
    for (const shape of [[SPECIAL_X.length * SPECIAL_DY.length + 200], [7, 47], [1, 17, 3, 7], [2, 3, 1, 7, 17]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const { x, dy } = inputs(shape.length, size - SPECIAL_X.length * SPECIAL_DY.length);
      const run = () => valuesOf(() => relu6Vjp(tf.tensor(x, shape), tf.tensor(dy, shape)));
      const ours = run();
      const theirs = withRelu6Gradient(core(), run);
      expectSameBits(ours, theirs, `shape [${shape.join(', ')}]`);
    }
  });

  it("runs as one GlassboxRelu6Grad kernel (none of tfjs-core's LessEqual, Step, Mul, Cast) and leaks nothing", async () => {
    const { x, dy } = inputs(3);
    const xs = tf.tensor1d(x);
    const dys = tf.tensor1d(dy);
    try {
      await expectNoLeaks(async () => {
        const profile = await tf.profile(() => relu6Vjp(xs, dys));
        (profile.result as T).dispose();
        const backward = profile.kernelNames.filter((k) => k !== 'Relu6' && k !== 'Identity');
        expect(backward).toEqual([RELU6_GRAD_KERNEL]);
      });
    } finally {
      tf.dispose([xs, dys]);
    }
  });

  it("gives tfjs-core's gradient for a non-float32 x and when the backend lacks the kernel", () => {
    const x = [-2, 0, 3, 6, 9];
    const dy = [1, 2, 3, 4, 5];
    const viaGradFunc = (config: GradConfig) => valuesOf(() => (config.gradFunc(tf.tensor1d(dy), [tf.tensor1d(x, 'int32')], {}) as { x: () => T }).x());
    expect(Array.from(viaGradFunc(relu6GradConfig))).toEqual(Array.from(viaGradFunc(core())));
    expect(Array.from(viaGradFunc(relu6GradConfig))).toEqual([0, 0, 3, 4, 0]);
    // Without the kernel on the active backend, tfjs-core's ops.
    const backendName = tf.getBackend();
    const kernel = tf.getKernel(RELU6_GRAD_KERNEL, backendName);
    tf.unregisterKernel(RELU6_GRAD_KERNEL, backendName);
    try {
      const got = valuesOf(() => relu6Vjp(tf.tensor1d([-1, 0, 2, 6, 7, NaN]), tf.tensor1d([3, 3, 3, 3, 3, 3])));
      expect(Array.from(got)).toEqual([0, 0, 3, 3, 0, NaN]);
    } finally {
      tf.registerKernel(kernel);
    }
  });

  it('has a gradient itself: the mask with respect to dy, zero with respect to x (gradients of gradients)', () => {
    const rng = createRng(4);
    const x = rng.uniformArray(64, -3, 9);
    const dy = rng.uniformArray(64, -2, 2);
    const w = rng.uniformArray(64, -1, 1);
    const xs = tf.tensor1d(x);
    const dys = tf.tensor1d(dy);
    const ws = tf.tensor1d(w);
    try {
      const byDy = valuesOf(() => tf.grad((d: T) => tf.sum(tf.mul(ws, relu6Vjp(xs, d))))(dys));
      expect(Array.from(byDy)).toEqual(Array.from(w, (v, i) => Math.fround(v * (x[i]! > 0 && x[i]! <= 6 ? 1 : 0))));
      const byX = valuesOf(() => tf.grad((z: T) => tf.sum(tf.mul(ws, relu6Vjp(z, dys))))(xs));
      expect(Array.from(byX)).toEqual(new Array(64).fill(0));
    } finally {
      tf.dispose([xs, dys, ws]);
    }
  });

  it('leaves a nonlinearity rule in force, also when a Glassbox call puts the fixes back inside its scope', () => {
    const x = tf.tensor1d([-1, 2, 5, 7]);
    const dy = tf.tensor1d([1, 1, 1, 1]);
    try {
      // A rule that doubles the ordinary gradient of every relu6.
      const doubled = withNonlinearityRule(
        (g) => (g.activation.fn === 'relu6' ? tf.mul(g.ordinary(), 2) : null),
        () => {
          expect(ensureOverrides()).toEqual([]);
          return valuesOf(() => relu6Vjp(x, dy));
        },
      );
      expect(Array.from(doubled)).toEqual([0, 2, 2, 0]);
      // A rule that declines gives the ordinary numbers; afterwards ours is registered again.
      const declined = withNonlinearityRule(() => null, () => valuesOf(() => relu6Vjp(x, dy)));
      expect(Array.from(declined)).toEqual([0, 1, 1, 0]);
      expect(tf.getGradient('Relu6')!.gradFunc).toBe(relu6GradConfig.gradFunc);
    } finally {
      tf.dispose([x, dy]);
    }
  });
});
