/**
 * Small private helpers shared by the nn blocks: argument checks for tensors of a fixed rank, pairs of
 * integers (kernel sizes, strides), padding names, output sizes of convolutions and seed mixing.
 * Not re-exported from the package.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import { createRng } from '../rng.js';
import { assertFloatTensor, assertNumber, formatShape, isTensor } from '../contract/validate.js';

/** How a convolution or pooling window treats the border: 'valid' (no padding) or 'same' (zero padding, TF rule). */
export type Padding = 'same' | 'valid';

export { formatShape };

/** 'options.strides' for prefix 'options', 'strides' for the empty prefix (a layer spec's own key). */
export function optionKey(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

/** Checks that x is a live float32 tensor [N, ...rowShape] with N >= 1. */
export function checkRows(x: unknown, rowShape: readonly number[], where: string, name = 'x'): asserts x is Tensor {
  if (!isTensor(x) || (x as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live float32 tensor, got ${describe(x)}`);
  }
  if (x.dtype !== 'float32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a float32 tensor, got dtype ${x.dtype}`);
  }
  const ok = x.rank === rowShape.length + 1 && x.shape[0]! >= 1 && rowShape.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [N, ${rowShape.join(', ')}] with N >= 1, got ${formatShape(x.shape)}`);
  }
}

/** Checks that `x` is a live float32 tensor of exactly `rank` dimensions. */
export function assertFloatOfRank(x: unknown, name: string, where: string, rank: number, hint = ''): asserts x is Tensor {
  assertFloatTensor(x, name, where);
  if (x.rank !== rank) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must have rank ${rank}${hint}, got shape ${formatShape(x.shape)}`,
    );
  }
}

/** Checks an optional bias: null/undefined, or a float32 vector of `size` elements. */
export function checkBias(bias: unknown, size: number, where: string): Tensor | null {
  if (bias === undefined || bias === null) return null;
  assertFloatTensor(bias, 'bias', where);
  if (bias.rank !== 1 || bias.shape[0] !== size) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: bias must have shape [${size}] (one value per output channel), got shape ${formatShape(bias.shape)}`,
    );
  }
  return bias;
}

/** A number or a pair of numbers (rows, columns) as a pair of integers >= min. */
export function toPair(value: unknown, name: string, where: string, min = 1): [number, number] {
  if (typeof value === 'number') {
    const v = assertNumber(value, name, where, { integer: true, min });
    return [v, v];
  }
  if (Array.isArray(value) && value.length === 2) {
    return [
      assertNumber(value[0], `${name}[0]`, where, { integer: true, min }),
      assertNumber(value[1], `${name}[1]`, where, { integer: true, min }),
    ];
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} must be an integer >= ${min} or a pair [rows, columns] of them, got ${describe(value)}`,
  );
}

export function checkPadding(value: unknown, name: string, where: string): Padding {
  if (value !== 'same' && value !== 'valid') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be 'same' or 'valid', got ${describe(value)}`);
  }
  return value;
}

/** Checks a seed: an integer in 0..2^32-1. */
export function checkSeed(value: unknown, name: string, where: string): number {
  return assertNumber(value, name, where, { integer: true, min: 0, max: 0xffffffff });
}

/** Checks a dropout rate: a number in [0, 1). */
export function checkRate(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  }
  return value;
}

/** Output length of a convolution or pooling window along one axis (TensorFlow's rule). */
export function convOutputLength(input: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.floor((input - effective) / stride) + 1;
}

/** Output length of a transposed convolution along one axis (Keras' rule without output padding). */
export function convTransposeOutputLength(input: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return input * stride;
  return input * stride + Math.max(kernel - stride, 0);
}

/** Checks that a 'valid' window fits into the input (else the output would be empty). */
export function checkWindowFits(
  spatial: readonly number[],
  kernel: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding,
  name: string,
  where: string,
): void {
  if (padding !== 'valid') return;
  for (let a = 0; a < 2; a++) {
    const effective = (kernel[a]! - 1) * dilations[a]! + 1;
    if (spatial[a]! < effective) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: with padding 'valid' the ${name} window [${kernel.join(', ')}]` +
          `${dilations[0] !== 1 || dilations[1] !== 1 ? ` (dilated to ${(kernel[0]! - 1) * dilations[0]! + 1}x${(kernel[1]! - 1) * dilations[1]! + 1})` : ''}` +
          ` must fit into the input's spatial size [${spatial.join(', ')}]`,
      );
    }
  }
}

/** A seed for one stream (a layer, a parameter) derived from a base seed; the same on every platform. */
export function mixSeed(seed: number, stream: number): number {
  return createRng(seed).fork(stream >>> 0).nextUint32();
}

/** FNV-1a hash of a string, 32 bits: a stable stream number for a parameter name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Product of the dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
