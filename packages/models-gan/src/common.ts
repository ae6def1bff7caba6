/**
 * Private helpers shared by the GAN and the CycleGAN: argument checks that name the argument, the mapping
 * between image pixels (0..1, what every public function takes and returns) and the networks' own range,
 * and seeded latent codes. Not re-exported from the package.
 */
import { GlassboxError, assertFloatTensor, assertNumber, checkOptionKeys, describe, formatShape, tf, type Tensor } from '@glassbox/tensors-ops';

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

/** Checks a float32 tensor [N, ...rowShape] with N >= 1. */
export function checkRows(x: unknown, rowShape: readonly number[], name: string, where: string): asserts x is Tensor {
  assertFloatTensor(x, name, where);
  const ok = x.rank === rowShape.length + 1 && x.shape[0]! >= 1 && rowShape.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must have shape [N, ${rowShape.join(', ')}] with N >= 1, got ${formatShape(x.shape)}`,
    );
  }
}

/**
 * Checks training images: float32 [N, ...imageShape], finite, pixels in 0..1 (a little slack for rounding).
 * Reads the values once.
 */
export function checkImages(x: unknown, imageShape: readonly number[], name: string, where: string): asserts x is Tensor {
  checkRows(x, imageShape, name, where);
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

/** Checks an options argument: undefined -> {}, else a plain object. */
export function checkOptions<T extends object>(options: T | undefined, where: string, name = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an object, got ${describe(options)}`);
  }
  return options;
}

/** Refuses keys that are not in `allowed` (a typo should not be silently ignored; the closest valid key is suggested). */
export function checkKeys(options: object, allowed: readonly string[], where: string, name = 'options'): void {
  checkOptionKeys(options, allowed, where, name);
}

export function checkSeed(value: unknown, name: string, where: string): number {
  return assertNumber(value, name, where, { integer: true, min: 0, max: 0xffffffff });
}

export function checkFunction(value: unknown, name: string, where: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a function, got ${describe(value)}`);
  }
}

export function checkSignal(value: unknown, where: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof (value as AbortSignal).aborted !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.signal must be an AbortSignal, got ${describe(value)}`);
  }
  return value as AbortSignal;
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

export function assertNotDisposed(disposed: boolean, what: string, where: string): void {
  if (disposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: this ${what} has been disposed`);
}
