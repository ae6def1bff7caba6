import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import type { ForwardFn, Predictable } from './types.js';
import { asForward } from './as-forward.js';
import { formatShape, isTensor } from './validate.js';

export type RegionReduce = 'sum' | 'mean';

/**
 * Turns a model with an image (or any multi-dimensional) output into one score per row: the sum, or the
 * mask-weighted mean, of the output over a pixel mask. Every explainer can then answer "which inputs made
 * this part of the generated image"; with a decoder or generator as f, "which latent dimensions made it".
 *
 *   score(x) = sum_p mask_p * f(x)_p            (reduce 'sum')
 *   score(x) = sum_p mask_p * f(x)_p / sum_p mask_p   (reduce 'mean')
 *
 * @param f a model [N, ...in] -> [N, ...outRow]
 * @param mask weights with the shape of one output row (or broadcastable to it): a float tensor (read once;
 *   the caller keeps ownership), a Float32Array or number[] with one entry per output element.
 * @param reduce 'sum' (default) or 'mean'.
 * @returns a ForwardFn [N, ...in] -> [N]
 *
 * @example
 * ```ts
 * const mask = new Float32Array(28 * 28); mask.fill(1, 0, 28 * 14);       // top half of the image
 * const topHalf = outputRegion(decoder, mask, 'mean');
 * const { attributions } = await integratedGradients(topHalf, z);          // latent dims that made it
 * ```
 */
export function outputRegion(f: Predictable, mask: Tensor | Float32Array | number[], reduce: RegionReduce = 'sum'): ForwardFn {
  const where = 'outputRegion';
  const forward = asForward(f, where);
  if (reduce !== 'sum' && reduce !== 'mean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: reduce must be 'sum' or 'mean', got ${describe(reduce)}`);
  }
  let values: Float32Array;
  let maskShape: number[] | null;
  if (isTensor(mask)) {
    values = Float32Array.from(mask.dataSync());
    maskShape = mask.shape.slice();
  } else if (mask instanceof Float32Array || Array.isArray(mask)) {
    values = Float32Array.from(mask);
    maskShape = null;
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: mask must be a tensor, Float32Array or number[], got ${describe(mask)}`);
  }
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new GlassboxError('NON_FINITE', `${where}: mask must be finite, got ${describe(values[i])} at flat index ${i}`);
    }
    total += values[i]!;
  }
  if (reduce === 'mean' && total === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: mask sums to 0, so its mean is undefined; select at least one output element`);
  }
  return (x: Tensor) =>
    tf.tidy(() => {
      const out = forward(x);
      const rowShape = out.shape.slice(1);
      const rowSize = rowShape.reduce((a, b) => a * b, 1);
      let m: Tensor;
      if (maskShape === null) {
        if (values.length !== rowSize) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: mask has ${values.length} elements, but one output row of f has shape ${formatShape(rowShape)} (${rowSize} elements)`,
          );
        }
        m = tf.tensor(values, rowShape);
      } else {
        const shp = maskShape.length === rowShape.length + 1 && maskShape[0] === 1 ? maskShape.slice(1) : maskShape;
        const ok = shp.length <= rowShape.length && shp.every((d, i) => d === 1 || d === rowShape[rowShape.length - shp.length + i]);
        if (!ok) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: mask of shape ${formatShape(maskShape)} is not broadcastable to one output row of shape ${formatShape(rowShape)}`,
          );
        }
        m = tf.tensor(values, shp);
      }
      // A broadcast mask covers rowSize / values.length copies of itself.
      const scale = reduce === 'mean' ? values.length / (total * rowSize) : 1;
      const axes = rowShape.map((_, i) => i + 1);
      const s = tf.sum(tf.mul(out, m), axes);
      return scale === 1 ? s : tf.mul(s, scale);
    });
}
