import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor, assertNumber, checkOptionKeys, closestName, optionKeys } from '../contract/validate.js';
import { compositeNonlinearity } from './gradient-rule.js';
import type { ActivationConfig, ActivationName, ActivationRef } from './layer-types.js';

export type { ActivationConfig, ActivationName, ActivationRef } from './layer-types.js';

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'linear',
  'relu',
  'relu6',
  'leakyRelu',
  'sigmoid',
  'tanh',
  'softplus',
  'elu',
  'softmax',
  'logSoftmax',
];

/** Options of the activations that take a parameter. */
export interface ActivationOptions {
  /** Slope for x < 0 of 'leakyRelu' (default 0.2) or the saturation value -alpha of 'elu' (default 1); >= 0. */
  alpha?: number;
}

/** The keys of ActivationOptions. */
export const ACTIVATION_OPTION_KEYS = optionKeys<ActivationOptions>({ alpha: true });


/** Default alpha of 'leakyRelu' (as tf.leakyRelu and DCGAN, Radford et al. 2015, arXiv:1511.06434). */
export const LEAKY_RELU_ALPHA = 0.2;
/** Default alpha of 'elu' (Clevert et al. 2015, arXiv:1511.07289). */
export const ELU_ALPHA = 1;

/**
 * Checks an activation reference (a name, or `{ fn, alpha? }`) and returns it as a full config: alpha is
 * filled in for 'leakyRelu' and 'elu' and dropped for the others.
 * @throws GlassboxError INVALID_ARGUMENT for an unknown name or a bad alpha.
 */
export function resolveActivation(ref: unknown, name: string, where: string, options?: ActivationOptions): ActivationConfig {
  checkOptionKeys(options, ACTIVATION_OPTION_KEYS, where);
  let fn: unknown;
  let alpha: unknown = options?.alpha;
  let alphaName = 'options.alpha';
  if (typeof ref === 'string') {
    fn = ref;
  } else if (ref !== null && typeof ref === 'object' && !Array.isArray(ref)) {
    const r = ref as { fn?: unknown; alpha?: unknown };
    for (const key of Object.keys(r)) {
      if (key !== 'fn' && key !== 'alpha') {
        const guess = closestName(key, ['fn', 'alpha']);
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: ${name} must be { fn, alpha? }, got an unknown key '${key}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
        );
      }
    }
    fn = r.fn;
    if (r.alpha !== undefined) {
      alpha = r.alpha;
      alphaName = `${name}.alpha`;
    }
  } else {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be an activation name or { fn, alpha? }, got ${describe(ref)}`,
    );
  }
  if (typeof fn !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(fn)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${typeof ref === 'string' ? name : `${name}.fn`} must be one of ${ACTIVATION_NAMES.map((a) => `'${a}'`).join(', ')}, got ${describe(fn)}`,
    );
  }
  const f = fn as ActivationName;
  if (f === 'leakyRelu' || f === 'elu') {
    const a = alpha === undefined ? (f === 'elu' ? ELU_ALPHA : LEAKY_RELU_ALPHA) : assertNumber(alpha, alphaName, where, { min: 0 });
    return { fn: f, alpha: a };
  }
  if (alpha !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${alphaName} is only used by 'leakyRelu' and 'elu', got it for '${f}'`);
  }
  return { fn: f };
}

/** Applies a checked activation config (no argument checks; 'linear' returns x itself). */
export function applyActivation(x: Tensor, config: ActivationConfig): Tensor {
  switch (config.fn) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, config.alpha ?? LEAKY_RELU_ALPHA);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softplus':
      return tf.softplus(x);
    case 'elu': {
      const alpha = config.alpha ?? ELU_ALPHA;
      if (alpha === 1) return tf.elu(x);
      // alpha * (exp(min(x, 0)) - 1) + max(x, 0), written with elu so that its gradient kernels are used; one
      // nonlinearity for a gradient rule (see ./gradient-rule.ts), not a relu and an elu.
      return tf.tidy(() =>
        compositeNonlinearity(
          x,
          config,
          (z) => tf.add(tf.relu(z), tf.mul(tf.scalar(alpha), tf.elu(tf.minimum(z, tf.scalar(0))))),
          (z) => tf.where(tf.greater(z, 0), tf.onesLike(z), tf.mul(tf.exp(tf.minimum(z, 0)), alpha)),
        ),
      );
    }
    case 'softmax':
      return tf.softmax(x);
    case 'logSoftmax':
      return tf.logSoftmax(x);
  }
}

/**
 * Applies a nonlinearity elementwise (softmax and logSoftmax: along the last axis). Activations are what
 * make a stack of linear layers more than one linear map; the explainers that propagate relevance layer by
 * layer (DeepLIFT's rescale rule, Shrikumar et al. 2017, arXiv:1704.02685) treat them separately from the
 * linear part of a layer, which is why every layer keeps its activation apart (see `Sequential.layers`).
 *
 * Formulas:
 * - linear(x) = x
 * - relu(x) = max(x, 0)  (Nair & Hinton 2010)
 * - relu6(x) = min(max(x, 0), 6)  (Krizhevsky 2010; MobileNetV2, Sandler et al. 2018, arXiv:1801.04381): a relu
 *   that saturates at 6, gradient 1 on (0, 6] and 0 elsewhere (tfjs-core's convention at the kinks)
 * - leakyRelu(x) = x for x >= 0, alpha * x for x < 0  (Maas, Hannun & Ng 2013; alpha default 0.2)
 * - sigmoid(x) = 1 / (1 + exp(-x)),  tanh(x)
 * - softplus(x) = log(1 + exp(x))  (Dugas et al. 2001)
 * - elu(x) = x for x > 0, alpha * (exp(x) - 1) for x <= 0  (Clevert, Unterthiner & Hochreiter 2015,
 *   arXiv:1511.07289; alpha default 1)
 * - softmax(x)_i = exp(x_i) / sum_j exp(x_j),  logSoftmax(x)_i = x_i - log sum_j exp(x_j)  (last axis)
 *
 * @param x float32 tensor of any shape (rank >= 1 for softmax and logSoftmax).
 * @param fn an activation name, or `{ fn, alpha? }`.
 * @param options `alpha` (number >= 0): the slope of 'leakyRelu' for x < 0 (default 0.2), or the
 *   saturation value -alpha of 'elu' (default 1); refused for the other activations.
 * @returns a new float32 tensor of x's shape that the caller owns (also for 'linear').
 * @throws GlassboxError INVALID_ARGUMENT for an unknown name, a bad alpha, or a non-float32 x.
 *
 * @example
 * ```ts
 * const y = activation(tf.tensor([-2, 0, 3]), 'leakyRelu', { alpha: 0.1 }); // [-0.2, 0, 3]
 * ```
 */
export function activation(x: Tensor, fn: ActivationRef, options: ActivationOptions = {}): Tensor {
  const where = 'activation';
  assertFloatTensor(x, 'x', where);
  checkOptionKeys(options, ACTIVATION_OPTION_KEYS, where);
  const config = resolveActivation(fn, 'fn', where, options);
  if ((config.fn === 'softmax' || config.fn === 'logSoftmax') && x.rank < 1) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${config.fn} needs x of rank >= 1, got a scalar`);
  }
  return tf.tidy(() => {
    const y = applyActivation(x, config);
    return y === x ? tf.clone(x) : y;
  });
}
