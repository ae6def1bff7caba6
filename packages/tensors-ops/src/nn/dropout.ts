import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { createRng } from '../rng.js';
import { assertFloatTensor, assertNumber } from '../contract/validate.js';
import { checkRate, checkSeed, sizeOf } from './common.js';

/**
 * The dropout multipliers for `n` elements: 0 where dropped, 1 / (1 - rate) where kept. Drawn in plain
 * JavaScript from the seeded RNG (element i is dropped when the i-th uniform of `createRng(seed)` is below
 * rate), so the mask is the same on every backend.
 *
 * @param n number of elements (integer >= 0).
 * @param rate probability of dropping, in [0, 1).
 * @param seed integer in 0..2^32-1.
 *
 * @example
 * ```ts
 * dropoutMask(4, 0.5, 1); // e.g. Float32Array [2, 0, 0, 2]
 * ```
 */
export function dropoutMask(n: number, rate: number, seed: number): Float32Array {
  const where = 'dropoutMask';
  assertNumber(n, 'n', where, { integer: true, min: 0 });
  checkRate(rate, 'rate', where);
  checkSeed(seed, 'seed', where);
  return dropoutMaskImpl(n, rate, seed);
}

function dropoutMaskImpl(n: number, rate: number, seed: number): Float32Array {
  const u = createRng(seed).uniformArray(n);
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = u[i]! < rate ? 0 : keep;
  return mask;
}

/** Dropout without checks; rate 0 returns a clone. */
export function dropoutImpl(x: Tensor, rate: number, seed: number): Tensor {
  if (rate === 0) return tf.clone(x);
  return tf.tidy(() => tf.mul(x, tf.tensor(dropoutMaskImpl(sizeOf(x.shape), rate, seed), x.shape, 'float32')));
}

/**
 * Inverted dropout: in training, each element is zeroed with probability `rate` and the survivors are
 * scaled by 1 / (1 - rate), so the expected value is unchanged and inference needs no rescaling (at
 * inference simply do not call it, as `Sequential` does). The mask comes from the seed, the same on every
 * backend; gradients flow through the kept elements.
 *
 * Formula: y = x * m / (1 - rate), m_i ~ Bernoulli(1 - rate) independently per element.
 *
 * Paper: Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov 2014, "Dropout: A Simple Way to Prevent
 * Neural Networks from Overfitting", JMLR 15; Hinton et al. 2012, arXiv:1207.0580.
 *
 * @param x float32 tensor of any shape.
 * @param rate probability of dropping an element, in [0, 1).
 * @param seed integer in 0..2^32-1; the same seed gives the same mask.
 * @returns float32 of x's shape that the caller owns.
 *
 * @example
 * ```ts
 * const y = dropout(h, 0.5, step); // a new mask for every training step
 * ```
 */
export function dropout(x: Tensor, rate: number, seed: number): Tensor {
  const where = 'dropout';
  assertFloatTensor(x, 'x', where);
  checkRate(rate, 'rate', where);
  checkSeed(seed, 'seed', where);
  return dropoutImpl(x, rate, seed);
}
