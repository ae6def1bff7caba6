import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';

// Options checked by name; in a module of their own, without TensorFlow.js, so that the pool entry can use them.
export { checkOptionKeys, closestName, declareOptionKeys, forwardOptions, optionKeys, optionKeysOf } from './option-keys.js';

/** True for a live tfjs Tensor (also one made by another copy of tfjs-core). */
export function isTensor(value: unknown): value is Tensor {
  if (value == null || typeof value !== 'object') return false;
  const v = value as { shape?: unknown; dtype?: unknown; dataId?: unknown; dataSync?: unknown };
  return Array.isArray(v.shape) && typeof v.dtype === 'string' && v.dataId != null && typeof v.dataSync === 'function';
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
export { shapeStr as formatShape };

/**
 * Checks that `x` is a float32 tensor of rank >= minRank that has not been disposed.
 * @throws GlassboxError INVALID_ARGUMENT (not a tensor, wrong dtype, disposed) or SHAPE_MISMATCH (rank).
 */
export function assertFloatTensor(x: unknown, name: string, where: string, minRank = 0): asserts x is Tensor {
  if (!isTensor(x)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a float32 tensor, got ${describe(x)}`);
  }
  if ((x as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} has been disposed`);
  }
  if (x.dtype !== 'float32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a float32 tensor, got dtype ${x.dtype}`);
  }
  if (x.rank < minRank) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must have rank >= ${minRank} (a batch of rows [N, ...]), got shape ${shapeStr(x.shape)}`,
    );
  }
}

/**
 * Checks that every element of `x` is finite. Reads the values (synchronously).
 * @throws GlassboxError NON_FINITE naming the first bad index.
 */
export function assertFinite(x: Tensor, name: string, where: string): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${describe(v)} at flat index ${i} (shape ${shapeStr(x.shape)})`);
    }
  }
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  gt?: number;
}

/** Checks a numeric option; returns it. */
export function assertNumber(value: unknown, name: string, where: string, rule: NumberRule = {}): number {
  const expected: string[] = [];
  if (rule.integer) expected.push('an integer');
  else expected.push('a finite number');
  if (rule.min !== undefined) expected.push(`>= ${rule.min}`);
  if (rule.gt !== undefined) expected.push(`> ${rule.gt}`);
  if (rule.max !== undefined) expected.push(`<= ${rule.max}`);
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be ${expected.join(' ')}, got ${describe(value)}`);
  }
  return value as number;
}

/** Checks that `value` is one of `allowed`; returns it. */
export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** Checks an optional boolean option (`name` as the message calls it); returns it, or `fallback` when undefined. */
export function booleanOption(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** Checks the shared options of the explainer contract that need no tensors; returns defaults filled in. */
export function checkCommonOptions(
  options: {
    batchSize?: unknown;
    seed?: unknown;
    onProgress?: unknown;
    signal?: unknown;
  },
  where: string,
  defaults: { batchSize?: number; seed?: number } = {},
): { batchSize: number; seed: number } {
  if (options == null || typeof options !== 'object') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options must be an object, got ${describe(options)}`);
  }
  const batchSize =
    options.batchSize === undefined ? (defaults.batchSize ?? 64) : assertNumber(options.batchSize, 'options.batchSize', where, { integer: true, min: 1 });
  const seed =
    options.seed === undefined ? (defaults.seed ?? 0) : assertNumber(options.seed, 'options.seed', where, { integer: true, min: 0, max: 0xffffffff });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.onProgress must be a function, got ${describe(options.onProgress)}`);
  }
  if (options.signal !== undefined) {
    const s = options.signal as { aborted?: unknown; addEventListener?: unknown };
    if (s == null || typeof s !== 'object' || typeof s.aborted !== 'boolean') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.signal must be an AbortSignal, got ${describe(options.signal)}`);
    }
  }
  return { batchSize, seed };
}

/** True when `from` broadcasts to `to` (numpy rules). */
export function isBroadcastable(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const a = from[from.length - i]!;
    const b = to[to.length - i]!;
    if (a !== b && a !== 1) return false;
  }
  return true;
}

/**
 * Turns a baseline option (number or tensor broadcastable to x; default 0) into a float32 tensor of x's
 * shape that the caller owns. Checks dtype, broadcastability and finiteness.
 */
export function resolveBaseline(baseline: unknown, x: Tensor, where: string, name = 'options.baseline'): Tensor {
  if (baseline === undefined) return tf.zerosLike(x);
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) {
      throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${describe(baseline)}`);
    }
    return tf.fill(x.shape, baseline, 'float32');
  }
  assertFloatTensor(baseline, name, where);
  if (!isBroadcastable(baseline.shape, x.shape)) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} of shape ${shapeStr(baseline.shape)} is not broadcastable to x's shape ${shapeStr(x.shape)}`,
    );
  }
  assertFinite(baseline, name, where);
  return tf.tidy(() => tf.add(tf.zerosLike(x), baseline));
}

/**
 * The common input check of an explainer: x a float32 tensor of rank >= 2 with finite values.
 */
export function checkInput(x: unknown, where: string, name = 'x'): asserts x is Tensor {
  assertFloatTensor(x, name, where, 2);
  if (x.shape[0] === 0) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have at least one row, got shape ${shapeStr(x.shape)}`);
  }
  assertFinite(x, name, where);
}

export interface FeatureMaskInfo {
  /** One group id per element of one row of x (row-major), values 0..numGroups-1. */
  groups: Int32Array;
  /** M, the number of feature groups. */
  numGroups: number;
}

/**
 * Validates a feature mask: an int32 tensor (or Int32Array / number[] with the row's size) broadcastable to
 * one row of x (a leading batch dimension of 1 is allowed), values 0..M-1 with no gaps. Default: every
 * element its own group.
 */
export function resolveFeatureMask(mask: unknown, rowShape: readonly number[], where: string, name = 'options.featureMask'): FeatureMaskInfo {
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (mask === undefined) {
    const groups = new Int32Array(rowSize);
    for (let i = 0; i < rowSize; i++) groups[i] = i;
    return { groups, numGroups: rowSize };
  }
  let values: ArrayLike<number>;
  let shape: number[];
  if (isTensor(mask)) {
    if (mask.dtype !== 'int32') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor, got dtype ${mask.dtype}`);
    }
    shape = mask.shape.slice();
    if (shape.length === rowShape.length + 1 && shape[0] === 1) shape = shape.slice(1);
    if (!isBroadcastable(shape, rowShape)) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: ${name} of shape ${shapeStr(mask.shape)} is not broadcastable to one row of x, shape ${shapeStr(rowShape)}`,
      );
    }
    const full = tf.tidy(() => tf.broadcastTo(tf.reshape(mask, shape), rowShape as number[]));
    try {
      values = Int32Array.from(full.dataSync());
    } finally {
      full.dispose();
    }
  } else if (Array.isArray(mask) || mask instanceof Int32Array) {
    if (mask.length !== rowSize) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: ${name} has ${mask.length} elements, expected ${rowSize} (one per element of a row of shape ${shapeStr(rowShape)})`,
      );
    }
    values = mask as ArrayLike<number>;
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor or an Int32Array, got ${describe(mask)}`);
  }
  const groups = new Int32Array(rowSize);
  let max = -1;
  for (let i = 0; i < rowSize; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold integers >= 0, got ${describe(v)} at flat index ${i}`);
    }
    groups[i] = v;
    if (v > max) max = v;
  }
  const seen = new Uint8Array(max + 1);
  for (let i = 0; i < rowSize; i++) seen[groups[i]!] = 1;
  for (let g = 0; g <= max; g++) {
    if (!seen[g]) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must use every group id 0..${max} without gaps, but group ${g} is missing`,
      );
    }
  }
  return { groups, numGroups: max + 1 };
}
