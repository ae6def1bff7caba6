import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { checkOptionKeys } from '../contract/option-keys.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor } from '../contract/validate.js';
import { formatShape } from './common.js';
import { checkMatrix, checkOptionalVector, linearLastAxis } from './block-common.js';

/** Which GELU: 'tanh' (the approximation of GPT-2 and of BERT's first release) or 'none' (exact, with erf). */
export type GeluApproximate = 'tanh' | 'none';
export const GELU_APPROXIMATIONS: readonly GeluApproximate[] = ['tanh', 'none'];

/** Options of `gelu` and `geluMlp`. */
export interface GeluOptions {
  /** 'tanh' (default) or 'none' (exact). */
  approximate?: GeluApproximate;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** GELU without checks, from elementary ops (tfjs-core has no gelu op), so every backend differentiates it. */
export function geluImpl(x: Tensor, approximate: GeluApproximate): Tensor {
  return tf.tidy(() => {
    const half = tf.mul(x, tf.scalar(0.5));
    if (approximate === 'none') return tf.mul(half, tf.add(tf.scalar(1), tf.erf(tf.mul(x, tf.scalar(Math.SQRT1_2)))));
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, tf.scalar(GELU_CUBIC))), tf.scalar(SQRT_2_OVER_PI));
    return tf.mul(half, tf.add(tf.scalar(1), tf.tanh(inner)));
  });
}

function resolveApproximate(options: unknown, where: string, allowed: readonly string[]): GeluApproximate {
  const o = checkOptionKeys<GeluOptions>(options, allowed, where);
  const a = o.approximate ?? 'tanh';
  if (a !== 'tanh' && a !== 'none') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.approximate must be 'tanh' or 'none', got ${describe(a)}`);
  }
  return a;
}

/**
 * The Gaussian error linear unit: x weighted by the probability that a standard normal falls below it, a
 * smooth ReLU whose small negative lobe lets gradients through. The feed-forward layers of GPT and BERT use
 * it.
 *
 * Formulas: exact ('none'): gelu(x) = x Φ(x) = 0.5 x (1 + erf(x / √2));
 * 'tanh' (default): gelu(x) ≈ 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), within 5e-4 of the exact one.
 *
 * Paper: Hendrycks & Gimpel 2016, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
 *
 * @param x float32 of any shape.
 * @param options `approximate`: 'tanh' (default) or 'none'.
 * @returns float32 of x's shape that the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT for a non-float32 x or a bad option.
 *
 * @example
 * ```ts
 * gelu(tf.tensor1d([-1, 0, 1]), { approximate: 'none' }); // [-0.1587, 0, 0.8413]
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const where = 'gelu';
  assertFloatTensor(x, 'x', where);
  return geluImpl(x, resolveApproximate(options, where, ['approximate']));
}

/** The four tensors of a GELU MLP: D -> hidden -> Dout. */
export interface GeluMlpParams {
  /** float32 [D, hidden]. */
  w1: Tensor;
  /** float32 [hidden], or null/undefined for none. */
  b1?: Tensor | null;
  /** float32 [hidden, Dout]. */
  w2: Tensor;
  /** float32 [Dout], or null/undefined for none. */
  b2?: Tensor | null;
}

/** The GELU MLP without checks. */
export function geluMlpImpl(x: Tensor, w1: Tensor, b1: Tensor | null, w2: Tensor, b2: Tensor | null, approximate: GeluApproximate): Tensor {
  return tf.tidy(() => linearLastAxis(geluImpl(linearLastAxis(x, w1, b1), approximate), w2, b2));
}

/**
 * The position-wise feed-forward network of a Transformer: every position's vector goes through the same
 * two-layer perceptron with a GELU between, widening to `hidden` features (typically 4 D) and back.
 *
 * Formula: y = gelu(x W1 + b1) W2 + b2, applied on the last axis.
 *
 * Paper: Vaswani et al. 2017, "Attention Is All You Need", arXiv:1706.03762 (position-wise feed-forward,
 * with ReLU); GELU as in GPT (Radford et al. 2018) and BERT (Devlin et al. 2018, arXiv:1810.04805).
 *
 * @param x float32 [..., D] (rank >= 1).
 * @param params `{ w1 [D, hidden], b1? [hidden], w2 [hidden, Dout], b2? [Dout] }`.
 * @param options `approximate`: the GELU, 'tanh' (default) or 'none'.
 * @returns float32 [..., Dout] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when the parameters do not fit x or each other; INVALID_ARGUMENT
 *   for non-float32 tensors or bad options.
 *
 * @example
 * ```ts
 * const y = geluMlp(h, { w1, b1, w2, b2 }); // h [N, T, 16], w1 [16, 64], w2 [64, 16] -> y [N, T, 16]
 * ```
 */
export function geluMlp(x: Tensor, params: GeluMlpParams, options: GeluOptions = {}): Tensor {
  const where = 'geluMlp';
  assertFloatTensor(x, 'x', where);
  if (x.rank < 1) throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have rank >= 1 ([..., D]), got shape ${formatShape(x.shape)}`);
  if (params === null || typeof params !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: params must be { w1, b1?, w2, b2? }, got ${describe(params)}`);
  }
  const d = x.shape[x.rank - 1]!;
  const hidden = checkMatrix(params.w1, 'params.w1', d, where, ` (x has ${d} features on its last axis)`);
  const b1 = checkOptionalVector(params.b1, 'params.b1', hidden, where);
  const out = checkMatrix(params.w2, 'params.w2', hidden, where, ` (params.w1 has ${hidden} columns)`);
  const b2 = checkOptionalVector(params.b2, 'params.b2', out, where);
  const approximate = resolveApproximate(options, where, ['approximate']);
  return geluMlpImpl(x, params.w1, b1, params.w2, b2, approximate);
}
