import { GlassboxError, createRng, describe, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { checkInt, checkNonNegative, checkOptionsObject, checkSeed } from './validate.js';

/** Options of `linearData` and `linearDataArrays`. */
export interface LinearDataOptions {
  /** Rows, >= 1. Required. */
  n: number;
  /** Features per row, >= 1. Required. */
  d: number;
  /** Seed of every random draw (integer 0..2^32-1). Default 0. */
  seed?: number;
  /** Standard deviation of the Gaussian noise added to y. Default 0 (y = Xw + b exactly, up to float32). */
  noise?: number;
  /** The coefficients w (d finite numbers). Default: d standard normals drawn from the seed. */
  weights?: ArrayLike<number>;
  /** The intercept b. Default: one standard normal drawn from the seed. */
  bias?: number;
}

/** The keys of LinearDataOptions. */
export const LINEAR_DATA_OPTION_KEYS = optionKeys<LinearDataOptions>({ n: true, d: true, seed: true, noise: true, weights: true, bias: true });

/** A linear regression problem as typed arrays. */
export interface LinearDataArrays {
  /** n*d float32 features, row-major [n, d], standard normal. */
  x: Float32Array;
  /** n float32 targets y_i = sum_j x_ij w_j + b + noise * e_i. */
  y: Float32Array;
  /** The d coefficients w (float32). */
  weights: Float32Array;
  /** The intercept b. */
  bias: number;
  /** [n, d]. */
  shape: [number, number];
}

/** A linear regression problem with x as a tensor; the caller owns `x` and disposes it. */
export interface LinearData {
  /** float32 [n, d]. */
  x: Tensor2D;
  y: Float32Array;
  weights: Float32Array;
  bias: number;
}

/**
 * Linear data with known coefficients, typed-array form: rows x_i ~ N(0, I_d) and targets
 * y_i = x_i . w + b + noise * e_i with e_i ~ N(0, 1). The ground truth for attribution axioms: a linear
 * model's Shapley values are w_j (x_ij - baseline_j), which KernelSHAP and LIME must recover.
 *
 * Each part comes from its own stream of the seed, so the same seed gives the same weights for every n, and
 * row i is the same for every n.
 *
 * @param options `n` and `d` (required, >= 1), `seed` (default 0), `noise` (>= 0, default 0), `weights`
 *   (length d, default drawn), `bias` (default drawn).
 * @throws GlassboxError INVALID_ARGUMENT naming the bad option.
 *
 * @example
 * ```ts
 * const { x, y, weights, bias } = linearDataArrays({ n: 100, d: 3, seed: 1 });
 * ```
 */
export function linearDataArrays(options: LinearDataOptions): LinearDataArrays {
  const where = 'linearDataArrays';
  return linearImpl(options, where);
}

function linearImpl(options: unknown, where: string): LinearDataArrays {
  const o = checkOptionsObject<LinearDataOptions>(options, where, false, LINEAR_DATA_OPTION_KEYS);
  const n = checkInt(o.n, 'options.n', where, 1);
  const d = checkInt(o.d, 'options.d', where, 1);
  const seed = checkSeed(o.seed, where);
  const noise = checkNonNegative(o.noise, 'options.noise', where, 0);
  const rng = createRng(seed);
  let weights: Float32Array;
  if (o.weights === undefined) {
    weights = rng.fork(1).normalArray(d);
  } else {
    const w = o.weights as unknown;
    const ok =
      w != null && typeof (w as ArrayLike<number>).length === 'number' && (w as ArrayLike<number>).length === d &&
      Array.from(w as ArrayLike<number>).every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.weights must be ${d} finite numbers (options.d), got ${describe(w)}`);
    }
    weights = Float32Array.from(w as ArrayLike<number>);
  }
  const bias = o.bias === undefined ? rng.fork(2).normal() : checkFinite(o.bias, 'options.bias', where);
  const x = rng.fork(3).normalArray(n * d);
  const y = new Float32Array(n);
  const noiseRng = rng.fork(4);
  for (let i = 0; i < n; i++) {
    let s = bias;
    for (let j = 0; j < d; j++) s += x[i * d + j]! * weights[j]!;
    y[i] = noise > 0 ? s + noise * noiseRng.normal() : s;
  }
  return { x, y, weights, bias, shape: [n, d] };
}

function checkFinite(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/**
 * Linear data with known coefficients, x as a float32 tensor [n, d]; see `linearDataArrays`.
 *
 * @example
 * ```ts
 * const { x, y, weights, bias } = linearData({ n: 200, d: 5, seed: 7 });
 * const f = (t: Tensor) => tf.add(tf.matMul(t, tf.tensor2d(weights, [5, 1])), bias);
 * x.dispose();
 * ```
 */
export function linearData(options: LinearDataOptions): LinearData {
  const a = linearImpl(options, 'linearData');
  return { x: tf.tensor2d(a.x, a.shape, 'float32'), y: a.y, weights: a.weights, bias: a.bias };
}
