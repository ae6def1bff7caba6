import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor } from '../contract/validate.js';
import { formatShape, sizeOf } from './common.js';

/**
 * Resolves a target row shape with at most one -1 against a row size. Returns the full shape.
 * @throws GlassboxError INVALID_ARGUMENT for a bad shape, SHAPE_MISMATCH when the sizes differ.
 */
export function resolveRowShape(shape: unknown, rowSize: number, fromShape: readonly number[], name: string, where: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => d === -1 || (Number.isSafeInteger(d) && d >= 1))) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a non-empty array of integers >= 1 (one of them may be -1), got ${describe(shape)}`,
    );
  }
  const s = shape as number[];
  const unknown = s.filter((d) => d === -1).length;
  if (unknown > 1) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} may contain -1 at most once, got ${describe(shape)}`);
  }
  const known = sizeOf(s.filter((d) => d !== -1));
  if (unknown === 1) {
    if (rowSize % known !== 0) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: cannot reshape rows of shape ${formatShape(fromShape)} (${rowSize} elements) to ${formatShape(s)}`,
      );
    }
    return s.map((d) => (d === -1 ? rowSize / known : d));
  }
  if (known !== rowSize) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} ${formatShape(s)} has ${known} elements, but rows of shape ${formatShape(fromShape)} have ${rowSize}`,
    );
  }
  return s.slice();
}

/**
 * Flattens every row: [N, d1, d2, ...] -> [N, d1 * d2 * ...] (row-major, as Keras' Flatten with channels
 * last), typically between the convolutional part of a network and its dense head.
 *
 * @param x float32 [N, ...] of rank >= 1.
 * @returns float32 [N, prod(rest)] that the caller owns.
 *
 * @example
 * ```ts
 * flatten(tf.zeros([8, 7, 7, 64])).shape; // [8, 3136]
 * ```
 */
export function flatten(x: Tensor): Tensor {
  const where = 'flatten';
  assertFloatTensor(x, 'x', where, 1);
  return tf.reshape(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]);
}

/**
 * Reshapes every row and keeps the batch axis: [N, ...] -> [N, ...shape] (row-major), e.g. the dense
 * output of a generator into a small image before its transposed convolutions.
 *
 * @param x float32 [N, ...] of rank >= 1.
 * @param shape the new row shape, integers >= 1, at most one -1 (inferred).
 * @returns float32 [N, ...shape] that the caller owns.
 * @throws GlassboxError SHAPE_MISMATCH when the element counts differ.
 *
 * @example
 * ```ts
 * reshapeRows(tf.zeros([8, 3136]), [7, 7, 64]).shape; // [8, 7, 7, 64]
 * ```
 */
export function reshapeRows(x: Tensor, shape: number[]): Tensor {
  const where = 'reshapeRows';
  assertFloatTensor(x, 'x', where, 1);
  const rowShape = x.shape.slice(1);
  const target = resolveRowShape(shape, sizeOf(rowShape), rowShape, 'shape', where);
  return tf.reshape(x, [x.shape[0]!, ...target]);
}
