/**
 * What the GAN and the CycleGAN share about images: the mapping between image pixels (0..1, what every public
 * function takes and returns) and the networks' own range, and the checks of training images, image shapes and
 * filter counts. The generic argument checks (rows, options, seeds, callbacks, signals) are tensors-ops/models'.
 */
import { GlassboxError, describe, formatShape, tf, type Tensor } from '@glassbox/tensors-ops';
import { checkRows } from '@glassbox/tensors-ops/models';

/** The generator's last nonlinearity: tanh works in [-1, 1] (DCGAN, CycleGAN), sigmoid in [0, 1]. */
export type OutputActivation = 'tanh' | 'sigmoid';
export const OUTPUT_ACTIVATIONS: readonly OutputActivation[] = ['tanh', 'sigmoid'];

/** Image pixels 0..1 -> the networks' range (x * 2 - 1 for tanh, x for sigmoid). Differentiable. */
export function toNetworkRange(x: Tensor, act: OutputActivation): Tensor {
  return act === 'tanh' ? tf.sub(tf.mul(x, 2), 1) : tf.clone(x);
}

/** The networks' range -> image pixels 0..1 ((y + 1) / 2 for tanh, y for sigmoid). Differentiable. */
export function fromNetworkRange(y: Tensor, act: OutputActivation): Tensor {
  return act === 'tanh' ? tf.mul(tf.add(y, 1), 0.5) : tf.clone(y);
}

/**
 * Checks training images: float32 [N, ...imageShape], finite, pixels in 0..1 (a little slack for rounding).
 * Reads the values once.
 */
export function checkImages(x: unknown, imageShape: readonly number[], name: string, where: string): asserts x is Tensor {
  checkRows(x, imageShape, where, name);
  const v = x.dataSync();
  for (let i = 0; i < v.length; i++) {
    const p = v[i]!;
    if (!Number.isFinite(p)) {
      throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${describe(p)} at flat index ${i} (shape ${formatShape(x.shape)})`);
    }
    if (p < -1e-6 || p > 1 + 1e-6) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold pixels in 0..1, got ${p} at flat index ${i}`);
    }
  }
}

/** Checks an image shape [H, W, C] whose height and width are divisible by `divisor`. */
export function checkImageShape(value: unknown, divisor: number, name: string, where: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be [height, width, channels] of integers >= 1, got ${describe(value)}`);
  }
  const [h, w, c] = value as number[];
  if (h! % divisor !== 0 || w! % divisor !== 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must have a height and width divisible by ${divisor}, got ${formatShape(value as number[])}`);
  }
  return [h!, w!, c!];
}

/** Checks a list of filter counts (integers >= 1) of a given length. */
export function checkFilters(value: unknown, length: number, name: string, where: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an array of ${length} integers >= 1, got ${describe(value)}`);
  }
  return value.slice() as number[];
}
