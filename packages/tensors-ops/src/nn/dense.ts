import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError } from '../errors.js';
import { applyActivation, resolveActivation, type ActivationConfig, type ActivationRef } from './activations.js';
import { assertFloatOfRank, checkBias, formatShape } from './common.js';

/** The linear part of a dense layer, x kernel + bias, without checks. */
export function denseLinear(x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
  const y = tf.matMul(x, kernel);
  return bias === null ? y : tf.add(y, bias);
}

/** A dense layer without checks: activation(x kernel + bias). */
export function denseImpl(x: Tensor, kernel: Tensor, bias: Tensor | null, act: ActivationConfig): Tensor {
  return applyActivation(denseLinear(x, kernel, bias), act);
}

/**
 * A fully connected (dense) layer: every output unit is a weighted sum of all input features plus a bias,
 * followed by an optional nonlinearity.
 *
 * Formula: y = activation(x W + b), with x [N, in], W [in, units], b [units], y [N, units].
 *
 * Paper: Rosenblatt 1958 (the perceptron); Rumelhart, Hinton & Williams 1986 (multi-layer training).
 *
 * @param x float32 [N, in].
 * @param kernel float32 [in, units].
 * @param bias float32 [units], or null/undefined for no bias.
 * @param activation an activation name or `{ fn, alpha? }` (default 'linear').
 * @returns float32 [N, units] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when the shapes do not fit, INVALID_ARGUMENT for other bad arguments.
 *
 * @example
 * ```ts
 * const y = dense(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 0], [0, 1]]), tf.tensor1d([0.5, -0.5]), 'relu');
 * // [[1.5, 1.5]]
 * ```
 */
export function dense(x: Tensor, kernel: Tensor, bias?: Tensor | null, activation: ActivationRef = 'linear'): Tensor {
  const where = 'dense';
  assertFloatOfRank(x, 'x', where, 2, ' ([N, in]; flatten images first)');
  assertFloatOfRank(kernel, 'kernel', where, 2, ' ([in, units])');
  if (kernel.shape[0] !== x.shape[1]) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: kernel must have shape [${x.shape[1]}, units] for x of shape ${formatShape(x.shape)}, got ${formatShape(kernel.shape)}`,
    );
  }
  const b = checkBias(bias, kernel.shape[1]!, where);
  const act = resolveActivation(activation, 'activation', where);
  return tf.tidy(() => denseImpl(x, kernel, b, act));
}
