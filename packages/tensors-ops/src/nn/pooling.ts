import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../contract/validate.js';
import { assertFloatOfRank, checkPadding, checkWindowFits, optionKey as key, toPair, type Padding } from './common.js';

/** Options of `maxPool` and `avgPool`. */
export interface Pool2DOptions {
  /** Window size, one number or [rows, columns], integers >= 1 (default 2). */
  poolSize?: number | [number, number];
  /** Step of the window (default: poolSize, i.e. non-overlapping windows). */
  strides?: number | [number, number];
  /** 'valid' (default, as Keras) or 'same' (out = ceil(in / stride); padded cells are ignored). */
  padding?: Padding;
}

/** The keys of Pool2DOptions. */
export const POOL2D_OPTION_KEYS = optionKeys<Pool2DOptions>({ poolSize: true, strides: true, padding: true });

/** Checked, normalised pooling options. */
export interface Pool2DConfig {
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

export function resolvePool2DOptions(options: unknown, where: string, prefix = 'options'): Pool2DConfig {
  if (options === null || typeof options !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${prefix || 'options'} must be an object, got ${describe(options)}`);
  }
  const o = options as Pool2DOptions;
  const poolSize = toPair(o.poolSize ?? 2, key(prefix, 'poolSize'), where);
  return {
    poolSize,
    strides: o.strides === undefined ? poolSize : toPair(o.strides, key(prefix, 'strides'), where),
    padding: checkPadding(o.padding ?? 'valid', key(prefix, 'padding'), where),
  };
}

/** Pooling without checks. */
export function poolImpl(kind: 'max' | 'avg', x: Tensor, config: Pool2DConfig): Tensor {
  const f = kind === 'max' ? tf.maxPool : tf.avgPool;
  return f(x as Tensor4D, config.poolSize, config.strides, config.padding);
}

function pool(kind: 'max' | 'avg', x: Tensor, options: Pool2DOptions): Tensor {
  const where = kind === 'max' ? 'maxPool' : 'avgPool';
  assertFloatOfRank(x, 'x', where, 4, ' ([N, H, W, C], NHWC)');
  checkOptionKeys(options, POOL2D_OPTION_KEYS, where);
  const config = resolvePool2DOptions(options, where);
  checkWindowFits(x.shape.slice(1, 3), config.poolSize, [1, 1], config.padding, 'pool', where);
  return tf.tidy(() => poolImpl(kind, x, config));
}

/**
 * 2-D max pooling (NHWC): keeps the largest value of each window, per channel, which makes the features a
 * little invariant to small shifts and shrinks the spatial size.
 *
 * Formula: y[n, i, j, c] = max_{a < kh, b < kw} x[n, i*s_h + a - p_top, j*s_w + b - p_left, c] (cells outside
 * the input are ignored).
 *
 * Paper: Ranzato, Huang, Boureau & LeCun 2007; Dumoulin & Visin 2016, arXiv:1603.07285 (size arithmetic).
 *
 * @param x float32 [N, H, W, C].
 * @param options `poolSize` (number or [rows, cols], default 2), `strides` (default poolSize), `padding`
 *   ('valid' default or 'same').
 * @returns float32 [N, H', W', C] that the caller owns.
 *
 * @example
 * ```ts
 * const y = maxPool(features, { poolSize: 2 }); // 28x28 -> 14x14
 * ```
 */
export function maxPool(x: Tensor, options: Pool2DOptions = {}): Tensor {
  return pool('max', x, options);
}

/**
 * 2-D average pooling (NHWC): the mean of each window, per channel.
 *
 * Formula: y[n, i, j, c] = mean over the cells of the window that lie inside the input of
 * x[n, i*s_h + a - p_top, j*s_w + b - p_left, c] (padded cells are not counted, as in TensorFlow).
 *
 * Paper: LeCun et al. 1998 (subsampling layers); Dumoulin & Visin 2016, arXiv:1603.07285.
 *
 * @param x float32 [N, H, W, C].
 * @param options `poolSize` (number or [rows, cols], default 2), `strides` (default poolSize), `padding`
 *   ('valid' default or 'same').
 * @returns float32 [N, H', W', C] that the caller owns.
 *
 * @example
 * ```ts
 * const y = avgPool(features, { poolSize: [2, 2], strides: 2 });
 * ```
 */
export function avgPool(x: Tensor, options: Pool2DOptions = {}): Tensor {
  return pool('avg', x, options);
}

/** Global average pooling without checks: [N, H, W, C] -> [N, C]. */
export function globalAvgPoolImpl(x: Tensor): Tensor {
  return tf.mean(x, [1, 2]);
}

/**
 * Global average pooling (NHWC): the mean of each channel over all positions, [N, H, W, C] -> [N, C]. The
 * usual last step of a convolutional network before its classifier (MobileNet, ResNet), so that the head
 * does not depend on where in the image a feature was found.
 *
 * Formula: y[n, c] = (1 / (H W)) sum_{i, j} x[n, i, j, c].
 *
 * Paper: Lin, Chen & Yan 2013, "Network In Network", arXiv:1312.4400.
 *
 * @param x float32 [N, H, W, C].
 * @returns float32 [N, C] that the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT (not float32) or SHAPE_MISMATCH (not rank 4).
 *
 * @example
 * ```ts
 * const features = globalAvgPool(h); // [8, 7, 7, 1280] -> [8, 1280]
 * ```
 */
export function globalAvgPool(x: Tensor): Tensor {
  assertFloatOfRank(x, 'x', 'globalAvgPool', 4, ' ([N, H, W, C], NHWC)');
  return tf.tidy(() => globalAvgPoolImpl(x));
}
