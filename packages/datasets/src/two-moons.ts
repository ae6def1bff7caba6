import { createRng, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { checkBoolean, checkInt, checkNonNegative, checkOptionsObject, checkSeed } from './validate.js';

/** Options of `twoMoons` and `twoMoonsArrays`. */
export interface TwoMoonsOptions {
  /** Points, >= 1: floor(n/2) on the upper moon (label 0), the rest on the lower moon (label 1). Required. */
  n: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default 0. */
  noise?: number;
  /** Seed of every random draw. Default 0. */
  seed?: number;
  /** Shuffle the points (default true); false keeps all of moon 0, then moon 1, each in angle order. */
  shuffle?: boolean;
}

/** The keys of TwoMoonsOptions. */
export const TWO_MOONS_OPTION_KEYS = optionKeys<TwoMoonsOptions>({ n: true, noise: true, seed: true, shuffle: true });

/** Two moons as typed arrays. */
export interface TwoMoonsArrays {
  /** n*2 float32 coordinates, row-major [n, 2]. */
  x: Float32Array;
  /** n labels 0 (upper moon) or 1 (lower moon). */
  y: Int32Array;
  /** [n, 2]. */
  shape: [number, 2];
}

/** Two moons with x as a tensor; the caller owns `x` and disposes it. */
export interface TwoMoons {
  /** float32 [n, 2]. */
  x: Tensor2D;
  y: Int32Array;
}

/**
 * Two interleaving half circles, the classic small non-linear classification problem (as scikit-learn's
 * make_moons): the upper moon (cos t, sin t) and the lower moon (1 - cos t, 1/2 - sin t), t evenly spaced in
 * [0, pi], plus Gaussian noise. Typed-array form.
 *
 * @param options `n` (required, >= 1), `noise` (>= 0, default 0), `seed` (default 0), `shuffle` (default true).
 * @throws GlassboxError INVALID_ARGUMENT naming the bad option.
 *
 * @example
 * ```ts
 * const { x, y } = twoMoonsArrays({ n: 200, noise: 0.1, seed: 3 });
 * ```
 */
export function twoMoonsArrays(options: TwoMoonsOptions): TwoMoonsArrays {
  return moonsImpl(options, 'twoMoonsArrays');
}

function moonsImpl(options: unknown, where: string): TwoMoonsArrays {
  const o = checkOptionsObject<TwoMoonsOptions>(options, where, false, TWO_MOONS_OPTION_KEYS);
  const n = checkInt(o.n, 'options.n', where, 1);
  const noise = checkNonNegative(o.noise, 'options.noise', where, 0);
  const seed = checkSeed(o.seed, where);
  const shuffle = checkBoolean(o.shuffle, 'options.shuffle', where, true);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const label = new Int32Array(n);
  const angle = (k: number, m: number) => (m === 1 ? 0 : (Math.PI * k) / (m - 1));
  for (let k = 0; k < nOut; k++) {
    const t = angle(k, nOut);
    px[k] = Math.cos(t);
    py[k] = Math.sin(t);
  }
  for (let k = 0; k < nIn; k++) {
    const t = angle(k, nIn);
    px[nOut + k] = 1 - Math.cos(t);
    py[nOut + k] = 0.5 - Math.sin(t);
    label[nOut + k] = 1;
  }
  const rng = createRng(seed);
  if (noise > 0) {
    const e = rng.fork(1);
    for (let i = 0; i < n; i++) {
      px[i] += noise * e.normal();
      py[i] += noise * e.normal();
    }
  }
  const order = shuffle ? rng.fork(2).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    x[2 * j] = px[i]!;
    x[2 * j + 1] = py[i]!;
    y[j] = label[i]!;
  }
  return { x, y, shape: [n, 2] };
}

/**
 * Two moons with x as a float32 tensor [n, 2]; see `twoMoonsArrays`.
 *
 * @example
 * ```ts
 * const { x, y } = twoMoons({ n: 200, noise: 0.1, seed: 3 });
 * x.dispose();
 * ```
 */
export function twoMoons(options: TwoMoonsOptions): TwoMoons {
  const a = moonsImpl(options, 'twoMoons');
  return { x: tf.tensor2d(a.x, a.shape, 'float32'), y: a.y };
}
