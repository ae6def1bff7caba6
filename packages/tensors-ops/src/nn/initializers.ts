import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import { checkSeed, sizeOf } from './common.js';

/** The parameter initializers of the nn blocks. */
export type InitializerName = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'zeros' | 'ones';

export const INITIALIZER_NAMES: readonly InitializerName[] = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros', 'ones'];

/**
 * The standard deviation of a standard normal truncated to [-2, 2]; dividing by it makes the truncated
 * normal's variance the one the papers ask for (as Keras' VarianceScaling does).
 */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/**
 * Fan-in and fan-out of a weight of this shape (the Keras convention):
 * - rank 0: 1 and 1; rank 1 [n]: n and n; rank 2 [in, out] (a dense kernel): in and out;
 * - rank >= 3, e.g. a conv kernel [kh, kw, in, out]: in * kh * kw and out * kh * kw (the receptive field
 *   is the product of all but the last two dimensions). For a conv2dTranspose kernel [kh, kw, out, in] the
 *   roles follow the shape, as in Keras.
 *
 * @example
 * ```ts
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 * ```
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape(shape, 'computeFans');
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: shape must be an array of integers >= 0, got ${describe(shape)}`);
  }
  return shape as number[];
}

function truncatedNormal(rng: Rng, n: number, stdev: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = z * stdev;
  }
  return out;
}

/**
 * The values of an initializer as a Float32Array (row-major for `shape`), drawn in plain JavaScript from the
 * seeded RNG, so the same seed gives the same numbers on every backend and platform.
 * See `glorotUniform`, `glorotNormal`, `heUniform`, `heNormal` for the formulas; 'zeros' and 'ones' ignore
 * the seed.
 *
 * @example
 * ```ts
 * const w = initializerValues('heNormal', [784, 128], 42); // Float32Array(100352)
 * ```
 */
export function initializerValues(name: InitializerName, shape: readonly number[], seed = 0): Float32Array {
  const where = 'initializerValues';
  const s = checkShape(shape, where);
  if (typeof name !== 'string' || !(INITIALIZER_NAMES as readonly string[]).includes(name)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: name must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(name)}`,
    );
  }
  checkSeed(seed, 'seed', where);
  const n = sizeOf(s);
  if (name === 'zeros') return new Float32Array(n);
  if (name === 'ones') return new Float32Array(n).fill(1);
  const { fanIn, fanOut } = computeFans(s);
  const rng = createRng(seed);
  const glorot = name === 'glorotUniform' || name === 'glorotNormal';
  const denominator = glorot ? (fanIn + fanOut) / 2 : fanIn / 2;
  // Variance scale / n with scale 1 (Glorot, n = average fan) or 2 (He, n = fan-in), written as 1 / denominator.
  const variance = denominator > 0 ? 1 / denominator : 0;
  if (name === 'glorotUniform' || name === 'heUniform') {
    // A uniform on [-limit, limit) has variance limit^2 / 3.
    const limit = Math.sqrt(3 * variance);
    return rng.uniformArray(n, -limit, limit);
  }
  return truncatedNormal(rng, n, Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV);
}

/**
 * A float32 tensor of `shape` filled by the named initializer from `seed`; the caller owns it.
 *
 * @param name one of 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros', 'ones'.
 * @param shape integers >= 0.
 * @param seed integer in 0..2^32-1 (default 0); ignored by 'zeros' and 'ones'.
 *
 * @example
 * ```ts
 * const kernel = initialize('glorotUniform', [3, 3, 1, 8], 7);
 * ```
 */
export function initialize(name: InitializerName, shape: readonly number[], seed = 0): Tensor {
  const values = initializerValues(name, shape, seed);
  return tf.tensor(values, shape.slice(), 'float32');
}

/**
 * Glorot (Xavier) uniform initializer: keeps the variance of activations and of gradients about the same
 * from layer to layer for tanh/sigmoid-like units, by scaling with the average of fan-in and fan-out.
 *
 * Formula: w ~ U[-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)) (fans from `computeFans`).
 *
 * Paper: Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks",
 * AISTATS.
 *
 * @param shape the weight's shape, e.g. [in, out] or [kh, kw, in, out].
 * @param seed integer in 0..2^32-1; same seed, same values on every backend.
 *
 * @example
 * ```ts
 * const w = glorotUniform([784, 10], 0); // values in [-0.0864, 0.0864)
 * ```
 */
export function glorotUniform(shape: readonly number[], seed: number): Tensor {
  return initialize('glorotUniform', shape, seed);
}

/**
 * Glorot (Xavier) normal initializer: the normal counterpart of `glorotUniform`, drawn from a normal
 * truncated at two (corrected) standard deviations, as Keras does, so the variance is the paper's.
 *
 * Formula: w ~ TruncatedNormal(0, s) on [-2s, 2s] with s = sqrt(2 / (fanIn + fanOut)) / 0.8796..., so
 * Var(w) = 2 / (fanIn + fanOut).
 *
 * Paper: Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks".
 *
 * @param shape the weight's shape.
 * @param seed integer in 0..2^32-1.
 *
 * @example
 * ```ts
 * const w = glorotNormal([128, 64], 1);
 * ```
 */
export function glorotNormal(shape: readonly number[], seed: number): Tensor {
  return initialize('glorotNormal', shape, seed);
}

/**
 * He (Kaiming) uniform initializer: for ReLU units, which zero half of their inputs, the variance is scaled
 * by 2 / fanIn so that activations keep their size through deep stacks.
 *
 * Formula: w ~ U[-limit, limit) with limit = sqrt(6 / fanIn).
 *
 * Paper: He, Zhang, Ren & Sun 2015, "Delving Deep into Rectifiers", arXiv:1502.01852.
 *
 * @param shape the weight's shape.
 * @param seed integer in 0..2^32-1.
 *
 * @example
 * ```ts
 * const w = heUniform([3, 3, 1, 32], 3);
 * ```
 */
export function heUniform(shape: readonly number[], seed: number): Tensor {
  return initialize('heUniform', shape, seed);
}

/**
 * He (Kaiming) normal initializer: the normal counterpart of `heUniform` (truncated at two corrected
 * standard deviations, as Keras does).
 *
 * Formula: w ~ TruncatedNormal(0, s) on [-2s, 2s] with s = sqrt(2 / fanIn) / 0.8796..., so Var(w) = 2 / fanIn.
 *
 * Paper: He, Zhang, Ren & Sun 2015, "Delving Deep into Rectifiers", arXiv:1502.01852.
 *
 * @param shape the weight's shape.
 * @param seed integer in 0..2^32-1.
 *
 * @example
 * ```ts
 * const w = heNormal([256, 128], 5);
 * ```
 */
export function heNormal(shape: readonly number[], seed: number): Tensor {
  return initialize('heNormal', shape, seed);
}

/**
 * All zeros (the default for biases, batch-norm offsets and moving means).
 *
 * @example
 * ```ts
 * const b = zerosInitializer([10]);
 * ```
 */
export function zerosInitializer(shape: readonly number[]): Tensor {
  return initialize('zeros', shape);
}

/**
 * All ones (the default for batch-norm scales and moving variances).
 *
 * @example
 * ```ts
 * const gamma = onesInitializer([32]);
 * ```
 */
export function onesInitializer(shape: readonly number[]): Tensor {
  return initialize('ones', shape);
}
