import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError } from '../errors.js';
import { assertNumber, checkOptionKeys, optionKeys } from '../contract/validate.js';
import { applyActivation, type ActivationRef } from './activations.js';
import { resolveConv2DOptions } from './conv2d.js';
import type { Conv2DConfig } from './layer-types.js';
import { assertFloatOfRank, checkBias, checkWindowFits, formatShape, type Padding } from './common.js';

/** Options of `depthwiseConv2d`. */
export interface DepthwiseConv2DOptions {
  /** Step of the window, one number or [rows, columns], integers >= 1 (default 1). */
  strides?: number | [number, number];
  /** 'valid' (no padding, the default, as Keras) or 'same' (zero padding so that out = ceil(in / stride)). */
  padding?: Padding;
  /** Dilation of the kernel, one number or [rows, columns], integers >= 1 (default 1); strides must be 1 when > 1. */
  dilations?: number | [number, number];
  /** An activation name or `{ fn, alpha? }` (default 'linear'). */
  activation?: ActivationRef;
}

/** The keys of DepthwiseConv2DOptions. */
export const DEPTHWISE_CONV2D_OPTION_KEYS = optionKeys<DepthwiseConv2DOptions>({ strides: true, padding: true, dilations: true, activation: true });

/** Checks a depthwise layer's depth multiplier (integer >= 1, default 1). */
export function resolveDepthMultiplier(value: unknown, where: string, name = 'depthMultiplier'): number {
  return value === undefined ? 1 : assertNumber(value, name, where, { integer: true, min: 1 });
}

/** The linear part of a depthwise convolution layer, depthwise(x, kernel) + bias, without checks. */
export function depthwiseConv2dLinear(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig): Tensor {
  const y = tf.depthwiseConv2d(x as Tensor4D, kernel as Tensor4D, config.strides, config.padding, 'NHWC', config.dilations);
  return bias === null ? y : tf.add(y, bias);
}

/**
 * A depthwise 2-D convolution (NHWC): every input channel is convolved with its own small set of filters
 * (`depthMultiplier` of them, the kernel's last axis), and channels are never mixed. It costs 1/C of a full
 * convolution with as many outputs, which is why MobileNets pair it with a 1x1 convolution that mixes the
 * channels (a depthwise-separable convolution). Output channel c*M + m comes from input channel c and filter
 * m; padding 'same' follows TensorFlow (out = ceil(in / stride), the extra zero row/column at the bottom/right).
 *
 * Formula: y[n, i, j, c*M + m] = activation(b[c*M + m] + sum_{a, d} x[n, i*s_h + a*r_h - p_top,
 * j*s_w + d*r_w - p_left, c] * W[a, d, c, m]) (r the dilations; out-of-range x counts as 0).
 *
 * Paper: Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
 * Applications", arXiv:1704.04861; Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear
 * Bottlenecks", arXiv:1801.04381.
 *
 * @param x float32 [N, H, W, C].
 * @param kernel float32 [kh, kw, C, M] (M the depth multiplier).
 * @param bias float32 [C * M], or null/undefined.
 * @param options `strides` (number or [rows, cols], default 1), `padding` ('valid' default or 'same'),
 *   `dilations` (number or pair, default 1), `activation` (name or `{ fn, alpha? }`, default 'linear').
 * @returns float32 [N, H', W', C * M] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when shapes do not fit, INVALID_ARGUMENT for bad options.
 *
 * @example
 * ```ts
 * const y = depthwiseConv2d(h, kernel3x3xCx1, bias, { strides: 2, padding: 'same', activation: 'relu6' });
 * ```
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, bias?: Tensor | null, options: DepthwiseConv2DOptions = {}): Tensor {
  const where = 'depthwiseConv2d';
  assertFloatOfRank(x, 'x', where, 4, ' ([N, H, W, C], NHWC)');
  assertFloatOfRank(kernel, 'kernel', where, 4, ' ([kh, kw, inChannels, depthMultiplier])');
  if (kernel.shape[2] !== x.shape[3]) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: kernel must have shape [kh, kw, ${x.shape[3]}, depthMultiplier] for x of shape ${formatShape(x.shape)}, got ${formatShape(kernel.shape)}`,
    );
  }
  const b = checkBias(bias, kernel.shape[2]! * kernel.shape[3]!, where);
  checkOptionKeys(options, DEPTHWISE_CONV2D_OPTION_KEYS, where);
  const config = resolveConv2DOptions(options, where);
  checkWindowFits(x.shape.slice(1, 3), [kernel.shape[0]!, kernel.shape[1]!], config.dilations, config.padding, 'kernel', where);
  return tf.tidy(() => applyActivation(depthwiseConv2dLinear(x, kernel, b, config), config.activation));
}
