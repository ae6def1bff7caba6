/** Tiny models with closed-form answers for the tests of this package (not built, not published). */
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng, tf } from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';

/** Seeded normal weights as a plain array. */
export function normals(seed: number, n: number, stdev = 1): Float32Array {
  return createRng(seed).normalArray(n, 0, stdev);
}

/** Seeded uniform values in [lo, hi). */
export function uniforms(seed: number, n: number, lo = 0, hi = 1): Float32Array {
  return createRng(seed).uniformArray(n, lo, hi);
}

/** A linear model f(x) = flat(x) W + c with W [P, K] (row-major), c [K]. */
export interface LinearModel {
  f: ForwardFn;
  w: Float32Array;
  c: Float32Array;
  p: number;
  k: number;
}

export function linearModel(p: number, k: number, seed = 1): LinearModel {
  const w = normals(seed, p * k);
  const c = normals(seed + 1, k);
  const f: ForwardFn = (x: Tensor) =>
    tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, p]), tf.tensor2d(w, [p, k])), tf.tensor1d(c)));
  return { f, w, c, p, k };
}

/**
 * A quadratic model f(x)_t = sum_j a_{t,j} x_j^2 + sum_j c_{t,j} x_j + d_t with K outputs; closed-form
 * gradient 2 a x + c, so integrated gradients have a closed form for every integration rule.
 */
export interface QuadraticModel {
  f: ForwardFn;
  a: Float32Array; // [K, P]
  c: Float32Array; // [K, P]
  d: Float32Array; // [K]
  p: number;
  k: number;
}

export function quadraticModel(p: number, k: number, seed = 3): QuadraticModel {
  const a = normals(seed, k * p, 0.5);
  const c = normals(seed + 1, k * p);
  const d = normals(seed + 2, k);
  const f: ForwardFn = (x: Tensor) =>
    tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0]!, p]);
      const sq = tf.matMul(tf.square(flat), tf.tensor2d(a, [k, p]), false, true);
      const lin = tf.matMul(flat, tf.tensor2d(c, [k, p]), false, true);
      return tf.add(tf.add(sq, lin), tf.tensor1d(d));
    });
  return { f, a, c, d, p, k };
}

/** Evaluates the quadratic model in float64 for row values xs (one row) and column t. */
export function quadraticValue(m: QuadraticModel, xs: ArrayLike<number>, t: number): number {
  let v = m.d[t]!;
  for (let j = 0; j < m.p; j++) v += m.a[t * m.p + j]! * xs[j]! * xs[j]! + m.c[t * m.p + j]! * xs[j]!;
  return v;
}

/** A smooth MLP [N, P] -> [N, K]: dense-tanh-dense-softplus-dense, seeded weights. */
export function smoothMlp(p: number, k: number, hidden = 8, seed = 5): ForwardFn {
  const w1 = tf.keep(tf.tensor2d(normals(seed, p * hidden, 1 / Math.sqrt(p)), [p, hidden]));
  const b1 = tf.keep(tf.tensor1d(normals(seed + 1, hidden, 0.1)));
  const w2 = tf.keep(tf.tensor2d(normals(seed + 2, hidden * hidden, 1 / Math.sqrt(hidden)), [hidden, hidden]));
  const b2 = tf.keep(tf.tensor1d(normals(seed + 3, hidden, 0.1)));
  const w3 = tf.keep(tf.tensor2d(normals(seed + 4, hidden * k, 1 / Math.sqrt(hidden)), [hidden, k]));
  return (x: Tensor) =>
    tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0]!, p]);
      const h1 = tf.tanh(tf.add(tf.matMul(flat, w1), b1));
      const h2 = tf.softplus(tf.add(tf.matMul(h1, w2), b2));
      return tf.matMul(h2, w3);
    });
}

/** The row-major values of a tensor as a plain Float64Array (for float64 reference computations). */
export function values(t: Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}

/** Gives every parameter of an nn Sequential seeded normal values (biases too, so ReLUs switch on and off). */
export function randomizeWeights(model: { getWeights(): Record<string, Tensor>; setWeights(w: Record<string, Tensor>): void }, seed: number, stdev = 0.5): void {
  const current = model.getWeights();
  const next: Record<string, Tensor> = {};
  let k = 0;
  for (const [name, t] of Object.entries(current)) {
    next[name] = tf.tensor(normals(seed + 17 * k++, t.size, name.endsWith('/bias') ? 0.3 : stdev), t.shape, 'float32');
  }
  model.setWeights(next);
  tf.dispose(current);
  tf.dispose(next);
}

/** A parameter's values as float64. */
export function weightValues(model: { getWeights(): Record<string, Tensor> }, name: string): Float64Array {
  const w = model.getWeights();
  const out = Float64Array.from(w[name]!.dataSync());
  tf.dispose(w);
  return out;
}
