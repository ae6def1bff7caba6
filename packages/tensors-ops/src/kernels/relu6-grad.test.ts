import { expect, it } from 'vitest';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';
import { ensureOverrides } from '../overrides.js';
import { withNonlinearityRule } from '../nn/gradient-rule.js';
import { isOurGradient, originalGradient, registerGradientFixes } from './fused-batch-norm-grad.js';
import { RELU6_GRAD_FROM_OUTPUT_KERNEL, RELU6_GRAD_KERNEL, relu6GradConfig, relu6GradFromOutput } from './relu6-grad.js';
import { simdMasksFor, simdMasksModuleBytes, wasmMemoryOf } from './simd-masks.js';

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

/** The four native passes the fused layers' relu6 gradient ran before the kernel: dy · step(y (6 − y)). */
const nativeFromOutput = (dy: T, y: T): T => tf.mul(dy, tf.step(tf.mul(y, tf.sub(tf.scalar(6), y))));
const fromOutputKernel = (dy: T, y: T): T => tf.engine().runKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL, { dy, y }) as T;

describeBackends("ReLU6's gradient from its output in one pass (GlassboxRelu6GradFromOutput)", () => {
  it('runs the SIMD module on wasm (a valid module, instantiated on the backend memory)', () => {
    expect(WebAssembly.validate(simdMasksModuleBytes())).toBe(true);
    expect(tf.getKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL, tf.getBackend())).toBeDefined();
    if (tf.getBackend() === 'wasm') {
      const backend = tf.backend() as unknown as { wasm: unknown };
      expect(simdMasksFor(wasmMemoryOf(backend))).not.toBeNull();
    }
  });

  it('is dy · n(y), n = 1 on the open interval (0, 6), 0 elsewhere, NaN at NaN (closed form, every length mod 4)', () => {
    const { x: y, dy } = inputs(5);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 118, 119, y.length]) {
      // Lengths below 4 run only the scalar tail; the rest the SIMD groups and a tail of n mod 4.
      const ys = y.subarray(y.length - n);
      const dys = dy.subarray(dy.length - n);
      const want = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const m = Number.isNaN(ys[i]) ? NaN : ys[i]! > 0 && ys[i]! < 6 ? 1 : 0;
        want[i] = dys[i]! * m;
      }
      expectSameBits(valuesOf(() => fromOutputKernel(tf.tensor1d(dys), tf.tensor1d(ys))), want, `closed form, n = ${n}`);
    }
    const at = (v: number, d: number) => valuesOf(() => fromOutputKernel(tf.tensor1d([d, d, d, d, d]), tf.tensor1d([v, v, v, v, v])));
    for (const lane of [0, 4]) {
      // lane 0 comes from the SIMD groups, lane 4 from the tail.
      expect(at(6, 2)[lane]).toBe(0);
      expect(at(6 - ULP6, 2)[lane]).toBe(2);
      expect(at(0, 2)[lane]).toBe(0);
      expect(at(1e-45, 2)[lane]).toBe(2);
      expect(at(-1, -2)[lane]).toBe(-0);
      expect(at(NaN, 2)[lane]).toBeNaN();
      expect(at(3, Infinity)[lane]).toBe(Infinity);
      expect(at(7, Infinity)[lane]).toBeNaN();
    }
  });

  it('is the four native passes dy · step(y (6 − y)) bit for bit, at the special values and on random tensors', () => {
    for (const shape of [[SPECIAL_X.length * SPECIAL_DY.length + 201], [7, 47], [1, 17, 3, 7], [2, 3, 1, 7, 17]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const { x: y, dy } = inputs(shape.length + 10, size - SPECIAL_X.length * SPECIAL_DY.length);
      const ours = valuesOf(() => fromOutputKernel(tf.tensor(dy, shape), tf.tensor(y, shape)));
      const theirs = valuesOf(() => nativeFromOutput(tf.tensor(dy, shape), tf.tensor(y, shape)));
      expectSameBits(ours, theirs, `shape [${shape.join(', ')}]`);
    }
  });

  it('relu6GradFromOutput falls back to the native passes without the kernel or for non-float32 input, and leaks nothing', async () => {
    const { x: y, dy } = inputs(6);
    const ys = tf.tensor1d(y);
    const dys = tf.tensor1d(dy);
    const backendName = tf.getBackend();
    try {
      await expectNoLeaks(async () => {
        const profile = await tf.profile(() => relu6GradFromOutput(dys, ys));
        (profile.result as T).dispose();
        expect(profile.kernelNames).toEqual([RELU6_GRAD_FROM_OUTPUT_KERNEL]);
      });
      const want = valuesOf(() => nativeFromOutput(dys, ys));
      const kernel = tf.getKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL, backendName);
      tf.unregisterKernel(RELU6_GRAD_FROM_OUTPUT_KERNEL, backendName);
      try {
        expectSameBits(valuesOf(() => relu6GradFromOutput(dys, ys)), want, 'without the kernel');
      } finally {
        tf.registerKernel(kernel);
      }
      const ints = valuesOf(() => relu6GradFromOutput(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([-1, 0, 3, 6], 'int32')));
      expect(Array.from(ints)).toEqual([0, 0, 3, 0]);
    } finally {
      tf.dispose([ys, dys]);
    }
  });

  it('has a gradient itself: the mask with respect to dy, zero with respect to y', () => {
    const rng = createRng(8);
    const y = rng.uniformArray(63, -3, 9);
    const dy = rng.uniformArray(63, -2, 2);
    const w = rng.uniformArray(63, -1, 1);
    const ys = tf.tensor1d(y);
    const dys = tf.tensor1d(dy);
    const ws = tf.tensor1d(w);
    try {
      const byDy = valuesOf(() => tf.grad((d: T) => tf.sum(tf.mul(ws, fromOutputKernel(d, ys))))(dys));
      expect(Array.from(byDy)).toEqual(Array.from(w, (v, i) => Math.fround(v * (y[i]! > 0 && y[i]! < 6 ? 1 : 0))));
      const byY = valuesOf(() => tf.grad((z: T) => tf.sum(tf.mul(ws, fromOutputKernel(dys, z))))(ys));
      expect(Array.from(byY)).toEqual(new Array(63).fill(0));
    } finally {
      tf.dispose([ys, dys, ws]);
    }
  });

  it('rejects dy and y of different shapes or dtypes', () => {
    expect(() => tf.tidy(() => fromOutputKernel(tf.tensor1d([1, 2]), tf.tensor1d([1, 2, 3])))).toThrow(/same shape/);
    expect(() => tf.tidy(() => fromOutputKernel(tf.tensor1d([1, 2]), tf.tensor1d([1, 2], 'int32')))).toThrow(/float32/);
  });
});
