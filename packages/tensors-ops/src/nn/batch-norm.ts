import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor, assertNumber, checkOptionKeys, optionKeys } from '../contract/validate.js';
import { formatShape } from './common.js';

/** The four vectors of a batch-normalisation layer, each [C] for C channels (the last axis of x). */
export interface BatchNormParams {
  /** Scale (trainable, initialised to ones). */
  gamma: Tensor;
  /** Offset (trainable, initialised to zeros). */
  beta: Tensor;
  /** Running mean used in inference mode (not trainable, initialised to zeros). */
  movingMean: Tensor;
  /** Running variance used in inference mode (not trainable, initialised to ones). */
  movingVariance: Tensor;
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** true: normalise with the batch's own mean and variance; false (default): with the moving statistics. */
  training?: boolean;
  /** Added to the variance before the square root, > 0 (default 1e-3, as Keras). */
  epsilon?: number;
}

/** The keys of BatchNormOptions. */
export const BATCH_NORM_OPTION_KEYS = optionKeys<BatchNormOptions>({ training: true, epsilon: true });

/** Keras' defaults. */
export const BATCH_NORM_MOMENTUM = 0.99;
export const BATCH_NORM_EPSILON = 1e-3;

/** The axes batch statistics are taken over: all but the last (channels). */
export function batchNormAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i);
}

/** Mean and (biased) variance per channel, over all axes but the last, without checks. */
export function batchNormMomentsImpl(x: Tensor): { mean: Tensor; variance: Tensor } {
  const m = tf.moments(x, batchNormAxes(x.rank));
  return { mean: m.mean, variance: m.variance };
}

/** Normalises with the given statistics, without checks (always passes an explicit scale, so it is differentiable). */
export function batchNormWith(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
}

function checkBatchNormInput(x: unknown, where: string): asserts x is Tensor {
  assertFloatTensor(x, 'x', where);
  if (x.rank < 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have rank >= 2 ([N, ..., C], channels last), got shape ${formatShape(x.shape)}`);
  }
}

/**
 * Per-channel mean and biased variance of a batch, over all axes but the last (what `batchNorm` uses in
 * training mode). The caller owns both [C] tensors.
 *
 * Formula: mean_c = (1/M) sum x[..., c], variance_c = (1/M) sum (x[..., c] - mean_c)^2, M = elements per channel.
 *
 * @example
 * ```ts
 * const { mean, variance } = batchNormMoments(tf.tensor2d([[1, 2], [3, 6]])); // [2, 4], [1, 4]
 * ```
 */
export function batchNormMoments(x: Tensor): { mean: Tensor; variance: Tensor } {
  checkBatchNormInput(x, 'batchNormMoments');
  return tf.tidy(() => batchNormMomentsImpl(x));
}

/**
 * Batch normalisation (channels last): makes each channel zero-mean and unit-variance, then rescales it by a
 * learned gamma and shifts it by a learned beta. In training mode the statistics come from the batch itself
 * (and gradients flow through them); in inference mode from the running averages collected in training, so
 * one row's output does not depend on the other rows.
 *
 * Formula: y = gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta, with (mu, sigma^2) the batch's mean and
 * biased variance per channel in training mode, or (movingMean, movingVariance) in inference mode.
 * The running averages are updated by the caller (see `updateMovingAverage`; `Sequential` does it):
 * moving = momentum * moving + (1 - momentum) * batch statistic (Keras' rule, biased variance).
 *
 * Paper: Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
 * Covariate Shift", arXiv:1502.03167.
 *
 * @param x float32 [N, ..., C] (rank >= 2).
 * @param params `{ gamma, beta, movingMean, movingVariance }`, each float32 [C].
 * @param options `training` (boolean, default false), `epsilon` (number > 0, default 1e-3).
 * @returns float32 of x's shape that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when a parameter is not [C], INVALID_ARGUMENT for bad options.
 *
 * @example
 * ```ts
 * const y = batchNorm(h, { gamma, beta, movingMean, movingVariance }, { training: true });
 * ```
 */
export function batchNorm(x: Tensor, params: BatchNormParams, options: BatchNormOptions = {}): Tensor {
  const where = 'batchNorm';
  checkBatchNormInput(x, where);
  const channels = x.shape[x.rank - 1]!;
  if (params === null || typeof params !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: params must be { gamma, beta, movingMean, movingVariance }, got ${describe(params)}`);
  }
  for (const key of ['gamma', 'beta', 'movingMean', 'movingVariance'] as const) {
    const p = params[key];
    assertFloatTensor(p, `params.${key}`, where);
    if (p.rank !== 1 || p.shape[0] !== channels) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: params.${key} must have shape [${channels}] (one value per channel of x, shape ${formatShape(x.shape)}), got ${formatShape(p.shape)}`,
      );
    }
  }
  checkOptionKeys(options, BATCH_NORM_OPTION_KEYS, where);
  const epsilon = assertNumber(options.epsilon ?? BATCH_NORM_EPSILON, 'options.epsilon', where, { gt: 0 });
  const training = options.training ?? false;
  if (typeof training !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.training must be a boolean, got ${describe(training)}`);
  }
  return tf.tidy(() => {
    if (training) {
      const { mean, variance } = batchNormMomentsImpl(x);
      return batchNormWith(x, mean, variance, params.gamma, params.beta, epsilon);
    }
    return batchNormWith(x, params.movingMean, params.movingVariance, params.gamma, params.beta, epsilon);
  });
}

/** moving <- momentum * moving + (1 - momentum) * value, without checks. */
export function updateMovingAverageImpl(moving: Variable, value: Tensor, momentum: number): void {
  tf.tidy(() => {
    moving.assign(tf.add(tf.mul(moving, tf.scalar(momentum)), tf.mul(value, tf.scalar(1 - momentum))));
  });
}

/**
 * Updates a running average in place, as batch normalisation does with its moving mean and variance after
 * each training batch. Works inside and outside gradient tapes (the update is not differentiated).
 *
 * Formula: moving <- momentum * moving + (1 - momentum) * value.
 *
 * @param moving the variable to update (float32).
 * @param value the new observation, same shape as `moving`.
 * @param momentum number in [0, 1] (Keras' default for batch norm is 0.99).
 *
 * @example
 * ```ts
 * const { mean, variance } = batchNormMoments(h);
 * updateMovingAverage(movingMean, mean, 0.99);
 * updateMovingAverage(movingVariance, variance, 0.99);
 * ```
 */
export function updateMovingAverage(moving: Variable, value: Tensor, momentum: number): void {
  const where = 'updateMovingAverage';
  assertFloatTensor(moving, 'moving', where);
  if (typeof (moving as { assign?: unknown }).assign !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: moving must be a tf.Variable, got ${describe(moving)}`);
  }
  assertFloatTensor(value, 'value', where);
  if (value.shape.length !== moving.shape.length || value.shape.some((d, i) => d !== moving.shape[i])) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: value must have moving's shape ${formatShape(moving.shape)}, got ${formatShape(value.shape)}`,
    );
  }
  assertNumber(momentum, 'momentum', where, { min: 0, max: 1 });
  updateMovingAverageImpl(moving, value, momentum);
}
