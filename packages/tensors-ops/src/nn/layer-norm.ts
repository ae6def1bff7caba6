import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { checkOptionKeys } from '../contract/option-keys.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor, assertNumber } from '../contract/validate.js';
import { formatShape } from './common.js';
import { checkParam } from './block-common.js';

/** The two vectors of a layer normalisation, each [D] for features on the last axis of x. */
export interface LayerNormParams {
  /** Scale (trainable, initialised to ones). */
  gamma: Tensor;
  /** Offset (trainable, initialised to zeros). */
  beta: Tensor;
}

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance before the square root, > 0 (default 1e-5, as PyTorch and GPT-2). */
  epsilon?: number;
}

export const LAYER_NORM_EPSILON = 1e-5;

/** Layer normalisation over the last axis, without checks. */
export function layerNormImpl(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axis, true);
    const normalised = tf.mul(centred, tf.rsqrt(tf.add(variance, tf.scalar(epsilon))));
    return tf.add(tf.mul(normalised, gamma), beta);
  });
}

/**
 * Layer normalisation: each position's feature vector (the last axis) is shifted to mean 0 and scaled to
 * variance 1 on its own, then rescaled by a learned gamma and shifted by a learned beta. Unlike batch
 * normalisation it uses no batch statistics, so training and inference compute the same thing and one row
 * never depends on another; Transformers normalise with it before (pre-norm) or after each sub-layer.
 *
 * Formula: y = gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta, with mu = (1/D) Σ_d x[..., d] and
 * sigma^2 = (1/D) Σ_d (x[..., d] - mu)^2 (the biased variance) taken over the last axis.
 *
 * Paper: Ba, Kiros & Hinton 2016, "Layer Normalization", arXiv:1607.06450.
 *
 * @param x float32 [..., D] (rank >= 1).
 * @param params `{ gamma, beta }`, each float32 [D].
 * @param options `epsilon` (number > 0, default 1e-5).
 * @returns float32 of x's shape that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when gamma or beta is not [D], INVALID_ARGUMENT for bad options.
 *
 * @example
 * ```ts
 * const y = layerNorm(tf.tensor2d([[1, 2, 3]]), { gamma: tf.ones([3]), beta: tf.zeros([3]) });
 * // [[-1.2247, 0, 1.2247]]
 * ```
 */
export function layerNorm(x: Tensor, params: LayerNormParams, options: LayerNormOptions = {}): Tensor {
  const where = 'layerNorm';
  assertFloatTensor(x, 'x', where);
  if (x.rank < 1) throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have rank >= 1 ([..., D]), got shape ${formatShape(x.shape)}`);
  const d = x.shape[x.rank - 1]!;
  if (params === null || typeof params !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: params must be { gamma, beta }, got ${describe(params)}`);
  }
  const hint = ` (one value per feature on the last axis of x, shape ${formatShape(x.shape)})`;
  const gamma = checkParam(params.gamma, 'params.gamma', [d], where, hint);
  const beta = checkParam(params.beta, 'params.beta', [d], where, hint);
  const o = checkOptionKeys<LayerNormOptions>(options, ['epsilon'], where);
  const epsilon = assertNumber(o.epsilon ?? LAYER_NORM_EPSILON, 'options.epsilon', where, { gt: 0 });
  return layerNormImpl(x, gamma, beta, epsilon);
}
