import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { applyActivation, resolveActivation, type ActivationRef } from './activations.js';
import { fusedConv2dLayer } from './fused.js';
import { checkOptionKeys, optionKeys } from '../contract/validate.js';
import type { Conv2DConfig } from './layer-types.js';
import { assertFloatOfRank, checkBias, checkPadding, checkWindowFits, formatShape, optionKey as key, toPair, type Padding } from './common.js';

export type { Conv2DConfig } from './layer-types.js';

/** Options of `conv2d`. */
export interface Conv2DOptions {
  /** Step of the window, one number or [rows, columns], integers >= 1 (default 1). */
  strides?: number | [number, number];
  /** 'valid' (no padding, the default, as Keras) or 'same' (zero padding so that out = ceil(in / stride)). */
  padding?: Padding;
  /** Dilation of the kernel, one number or [rows, columns], integers >= 1 (default 1); strides must be 1 when > 1. */
  dilations?: number | [number, number];
  /** An activation name or `{ fn, alpha? }` (default 'linear'). */
  activation?: ActivationRef;
}

/** The keys of Conv2DOptions. */
export const CONV2D_OPTION_KEYS = optionKeys<Conv2DOptions>({ strides: true, padding: true, dilations: true, activation: true });

export function resolveConv2DOptions(options: unknown, where: string, prefix = 'options'): Conv2DConfig {
  if (options === null || typeof options !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${prefix || 'options'} must be an object, got ${describe(options)}`);
  }
  const o = options as Conv2DOptions;
  const strides = toPair(o.strides ?? 1, key(prefix, 'strides'), where);
  const dilations = toPair(o.dilations ?? 1, key(prefix, 'dilations'), where);
  if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${key(prefix, 'strides')} and ${key(prefix, 'dilations')} cannot both be > 1, got strides [${strides.join(', ')}] and dilations [${dilations.join(', ')}]`,
    );
  }
  return {
    strides,
    padding: checkPadding(o.padding ?? 'valid', key(prefix, 'padding'), where),
    dilations,
    activation: resolveActivation(o.activation ?? 'linear', key(prefix, 'activation'), where),
  };
}

/** The linear part of a conv2d layer, conv(x, kernel) + bias, without checks. */
export function conv2dLinear(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DConfig): Tensor {
  const y = tf.conv2d(x as Tensor4D, kernel as Tensor4D, config.strides, config.padding, 'NHWC', config.dilations);
  return bias === null ? y : tf.add(y, bias);
}

/**
 * A 2-D convolution layer (NHWC): each output pixel is a weighted sum over a small window of the input,
 * with the same weights at every position, plus a bias per output channel, followed by an optional
 * nonlinearity. Padding 'same' follows TensorFlow: out = ceil(in / stride), the extra zero row/column goes
 * at the bottom/right.
 *
 * Formula: y[n, i, j, o] = activation(b[o] + sum_{a, c, k} x[n, i*s_h + a*d_h - p_top, j*s_w + c*d_w - p_left, k]
 * * W[a, c, k, o]) (out-of-range x counts as 0).
 *
 * Paper: LeCun, Bottou, Bengio & Haffner 1998, "Gradient-based learning applied to document recognition";
 * the size arithmetic: Dumoulin & Visin 2016, arXiv:1603.07285.
 *
 * @param x float32 [N, H, W, inChannels].
 * @param kernel float32 [kh, kw, inChannels, outChannels].
 * @param bias float32 [outChannels], or null/undefined.
 * @param options `strides` (number or [rows, cols], default 1), `padding` ('valid' default or 'same'),
 *   `dilations` (number or pair, default 1), `activation` (name or `{ fn, alpha? }`, default 'linear').
 * @returns float32 [N, H', W', outChannels] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when shapes do not fit, INVALID_ARGUMENT for bad options.
 *
 * With a linear or relu activation and dilation 1, it runs as one fused kernel (convolution, bias and
 * activation; see the Sequential's inference mode) whose gradient computes only the parts asked for; the
 * numbers equal the separate ops up to float rounding.
 *
 * @example
 * ```ts
 * const y = conv2d(images, kernel, bias, { strides: 2, padding: 'same', activation: 'relu' });
 * ```
 */
export function conv2d(x: Tensor, kernel: Tensor, bias?: Tensor | null, options: Conv2DOptions = {}): Tensor {
  const where = 'conv2d';
  assertFloatOfRank(x, 'x', where, 4, ' ([N, H, W, C], NHWC)');
  assertFloatOfRank(kernel, 'kernel', where, 4, ' ([kh, kw, inChannels, outChannels])');
  if (kernel.shape[2] !== x.shape[3]) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: kernel must have shape [kh, kw, ${x.shape[3]}, outChannels] for x of shape ${formatShape(x.shape)}, got ${formatShape(kernel.shape)}`,
    );
  }
  const b = checkBias(bias, kernel.shape[3]!, where);
  checkOptionKeys(options, CONV2D_OPTION_KEYS, where);
  const config = resolveConv2DOptions(options, where);
  checkWindowFits(x.shape.slice(1, 3), [kernel.shape[0]!, kernel.shape[1]!], config.dilations, config.padding, 'kernel', where);
  return tf.tidy(() => fusedConv2dLayer(x, kernel, b, config, config.activation) ?? applyActivation(conv2dLinear(x, kernel, b, config), config.activation));
}
