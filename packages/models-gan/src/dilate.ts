import { GlassboxError, assertFloatTensor, formatShape, tf, type Tensor } from '@glassbox/tensors-ops';

/**
 * Morphological dilation by a 3x3 square: every pixel becomes the largest value in its 3x3 neighbourhood
 * (a 3x3 max-pool with stride 1 and 'same' padding, the border counting only the pixels inside the image),
 * so strokes of bright-on-dark images get one pixel thicker on each side. It is the known answer of the
 * CycleGAN toy task: domain B is dilate(domain A), so G(a) can be checked against dilate(a).
 *
 * Formula: dilate(x)[n, i, j, c] = max over |di| <= 1, |dj| <= 1 of x[n, i + di, j + dj, c].
 *
 * @param x float32 images [N, H, W, C].
 * @returns float32 [N, H, W, C], owned by the caller.
 * @throws GlassboxError INVALID_ARGUMENT (not a float32 tensor), SHAPE_MISMATCH (not rank 4).
 *
 * @example
 * ```ts
 * const thick = dilate(digits);   // the CycleGAN's domain B
 * ```
 */
export function dilate(x: Tensor): Tensor {
  const where = 'dilate';
  assertFloatTensor(x, 'x', where);
  if (x.rank !== 4) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must be images [N, H, W, C] (rank 4), got shape ${formatShape(x.shape)}`);
  }
  return tf.tidy(() => tf.maxPool(x as tf.Tensor4D, 3, 1, 'same'));
}
