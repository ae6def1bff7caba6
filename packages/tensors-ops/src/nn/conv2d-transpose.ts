import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../contract/validate.js';
import { applyActivation, resolveActivation, type ActivationConfig, type ActivationRef } from './activations.js';
import { assertFloatOfRank, checkBias, checkPadding, convTransposeOutputLength, formatShape, optionKey as key, toPair, type Padding } from './common.js';

/** Options of `conv2dTranspose`. */
export interface Conv2DTransposeOptions {
  /** Upsampling factor, one number or [rows, columns], integers >= 1 (default 1). */
  strides?: number | [number, number];
  /** 'valid' (default, as Keras): out = in * stride + max(k - stride, 0); 'same': out = in * stride. */
  padding?: Padding;
  /** An activation name or `{ fn, alpha? }` (default 'linear'). */
  activation?: ActivationRef;
}

/** The keys of Conv2DTransposeOptions. */
export const CONV2D_TRANSPOSE_OPTION_KEYS = optionKeys<Conv2DTransposeOptions>({ strides: true, padding: true, activation: true });

/** Checked, normalised conv2dTranspose options. */
export interface Conv2DTransposeConfig {
  strides: [number, number];
  padding: Padding;
  activation: ActivationConfig;
}

export function resolveConv2DTransposeOptions(options: unknown, where: string, prefix = 'options'): Conv2DTransposeConfig {
  if (options === null || typeof options !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${prefix || 'options'} must be an object, got ${describe(options)}`);
  }
  const o = options as Conv2DTransposeOptions;
  return {
    strides: toPair(o.strides ?? 1, key(prefix, 'strides'), where),
    padding: checkPadding(o.padding ?? 'valid', key(prefix, 'padding'), where),
    activation: resolveActivation(o.activation ?? 'linear', key(prefix, 'activation'), where),
  };
}

/** Output shape [N, H', W', outChannels] of a transposed convolution. */
export function conv2dTransposeOutputShape(
  xShape: readonly number[],
  kernelShape: readonly number[],
  config: Pick<Conv2DTransposeConfig, 'strides' | 'padding'>,
): [number, number, number, number] {
  return [
    xShape[0]!,
    convTransposeOutputLength(xShape[1]!, kernelShape[0]!, config.strides[0], config.padding),
    convTransposeOutputLength(xShape[2]!, kernelShape[1]!, config.strides[1], config.padding),
    kernelShape[2]!,
  ];
}

/** The linear part of a transposed convolution, without checks. */
export function conv2dTransposeLinear(x: Tensor, kernel: Tensor, bias: Tensor | null, config: Conv2DTransposeConfig): Tensor {
  const outShape = conv2dTransposeOutputShape(x.shape, kernel.shape, config);
  const y = tf.conv2dTranspose(x as Tensor4D, kernel as Tensor4D, outShape, config.strides, config.padding);
  return bias === null ? y : tf.add(y, bias);
}

/**
 * A transposed 2-D convolution (NHWC), the learnable upsampling of decoders and DCGAN generators: every
 * input pixel stamps a copy of the kernel, scaled by its value, into the output at stride spacing, and the
 * overlapping stamps add up. It is the gradient of `conv2d` with respect to its input, which is how it is
 * computed; padding 'same' crops the stamped result as TensorFlow does (out = in * stride).
 *
 * Formula: y[n, i*s_h + a - p_top, j*s_w + c - p_left, o] += x[n, i, j, k] * W[a, c, o, k], then + b[o] and
 * the activation; p_top = floor(max(kh - s_h, 0) / 2) for 'same' and 0 for 'valid' (likewise p_left).
 * Output size: 'same' in * s; 'valid' in * s + max(k - s, 0) (Keras' rule).
 *
 * Paper: Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning", arXiv:1603.07285;
 * Zeiler, Krishnan, Taylor & Fergus 2010, "Deconvolutional networks".
 *
 * @param x float32 [N, H, W, inChannels].
 * @param kernel float32 [kh, kw, outChannels, inChannels] (the layout of tf.conv2dTranspose and Keras).
 * @param bias float32 [outChannels], or null/undefined.
 * @param options `strides` (number or [rows, cols], default 1), `padding` ('valid' default or 'same'),
 *   `activation` (name or `{ fn, alpha? }`, default 'linear').
 * @returns float32 [N, H', W', outChannels] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when shapes do not fit, INVALID_ARGUMENT for bad options.
 *
 * @example
 * ```ts
 * // 7x7x64 -> 14x14x32
 * const y = conv2dTranspose(h, kernel, bias, { strides: 2, padding: 'same', activation: 'relu' });
 * ```
 */
export function conv2dTranspose(x: Tensor, kernel: Tensor, bias?: Tensor | null, options: Conv2DTransposeOptions = {}): Tensor {
  const where = 'conv2dTranspose';
  assertFloatOfRank(x, 'x', where, 4, ' ([N, H, W, C], NHWC)');
  assertFloatOfRank(kernel, 'kernel', where, 4, ' ([kh, kw, outChannels, inChannels])');
  if (kernel.shape[3] !== x.shape[3]) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: kernel must have shape [kh, kw, outChannels, ${x.shape[3]}] for x of shape ${formatShape(x.shape)}, got ${formatShape(kernel.shape)}`,
    );
  }
  const b = checkBias(bias, kernel.shape[2]!, where);
  checkOptionKeys(options, CONV2D_TRANSPOSE_OPTION_KEYS, where);
  const config = resolveConv2DTransposeOptions(options, where);
  return tf.tidy(() => applyActivation(conv2dTransposeLinear(x, kernel, b, config), config.activation));
}
