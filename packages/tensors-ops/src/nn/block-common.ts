/**
 * Small private helpers shared by the sequence blocks (embedding, layer norm, attention, GELU MLP, transformer
 * block) and by `ResidualModel`: parameter checks, the last-axis linear map, token-id and padding-mask checks.
 * Not re-exported from the package.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { assertFloatTensor, isTensor } from '../contract/validate.js';
import { formatShape } from './common.js';

/**
 * The value added to the attention score of a masked (key) position before the softmax. exp(-1e9 - max)
 * underflows to exactly 0 in float32, so a masked key gets probability exactly 0 and passes no gradient.
 */
export const ATTENTION_MASK_VALUE = -1e9;

/** Checks a float32 parameter of an exact shape ('params.wq must have shape [4, 8] ...'). */
export function checkParam(value: unknown, name: string, shape: readonly number[], where: string, hint = ''): Tensor {
  assertFloatTensor(value, name, where);
  if (value.rank !== shape.length || value.shape.some((d, i) => d !== shape[i])) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape ${formatShape(shape)}${hint}, got ${formatShape(value.shape)}`);
  }
  return value;
}

/** Checks a float32 matrix [rows, any]; returns its column count. */
export function checkMatrix(value: unknown, name: string, rows: number, where: string, hint = ''): number {
  assertFloatTensor(value, name, where);
  if (value.rank !== 2 || value.shape[0] !== rows) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [${rows}, k]${hint}, got ${formatShape(value.shape)}`);
  }
  return value.shape[1]!;
}

/** Checks an optional bias: null/undefined, or a float32 vector [size]. */
export function checkOptionalVector(value: unknown, name: string, size: number, where: string): Tensor | null {
  if (value === undefined || value === null) return null;
  return checkParam(value, name, [size], where);
}

export function checkBooleanOption(value: unknown, fallback: boolean, name: string, where: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** x [..., in] W [in, out] + b [out] -> [..., out], without checks (a 2-D product on the flattened rows). */
export function linearLastAxis(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  return tf.tidy(() => {
    const inner = x.shape[x.rank - 1]!;
    const out = w.shape[1]!;
    let y = tf.matMul(tf.reshape(x, [-1, inner]), w);
    if (b !== null) y = tf.add(y, b);
    return tf.reshape(y, [...x.shape.slice(0, -1), out]);
  });
}

/**
 * Checks token ids: a live int32 tensor whose values lie in [0, vocabSize). Reads the ids.
 * @throws GlassboxError INVALID_ARGUMENT (not a tensor, not int32, an id out of range).
 */
export function checkIds(ids: unknown, vocabSize: number, where: string, name = 'ids'): asserts ids is Tensor {
  if (!isTensor(ids)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor of token ids, got ${describe(ids)}`);
  if ((ids as Tensor & { isDisposed?: boolean }).isDisposed) throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} has been disposed`);
  if (ids.dtype !== 'int32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an int32 tensor of token ids, got dtype ${ids.dtype}`);
  }
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < vocabSize)) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name} must lie in [0, ${vocabSize}) (rows of the embedding table), got ${v} at flat index ${i} (shape ${formatShape(ids.shape)})`,
      );
    }
  }
}

/**
 * Checks a padding mask against a batch of N sequences of length T: a live tensor [N, T] (bool, int32 or
 * float32) holding only 0 (padding) and 1 (a real token). Reads the mask.
 * @throws GlassboxError INVALID_ARGUMENT (not a tensor, other values) or SHAPE_MISMATCH (shape).
 */
export function checkPaddingMask(mask: unknown, n: number, t: number, where: string, name = 'options.paddingMask'): Tensor {
  if (!isTensor(mask) || (mask as Tensor & { isDisposed?: boolean }).isDisposed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a live tensor [N, T] of 1 (token) and 0 (padding), got ${describe(mask)}`);
  }
  if (mask.dtype !== 'bool' && mask.dtype !== 'int32' && mask.dtype !== 'float32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a bool, int32 or float32 tensor, got dtype ${mask.dtype}`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== n || mask.shape[1] !== t) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: ${name} must have shape [${n}, ${t}] (one flag per position of each sequence), got ${formatShape(mask.shape)}`);
  }
  const values = mask.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must hold only 0 (padding) and 1 (token), got ${describe(v)} at flat index ${i}`);
    }
  }
  return mask;
}

/**
 * The additive attention bias [N or 1, 1, T, T] for a causal mask and/or a padding mask [N, T] (float32 0/1),
 * or null when neither applies: 0 where query i may attend to key j, ATTENTION_MASK_VALUE where it may not
 * (j > i under the causal mask, key j padded). Without checks; call inside tf.tidy.
 */
export function attentionBias(t: number, causal: boolean, paddingMask: Tensor | null): Tensor | null {
  let bias: Tensor | null = null;
  if (causal) {
    const values = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = ATTENTION_MASK_VALUE;
    bias = tf.tensor(values, [1, 1, t, t], 'float32');
  }
  if (paddingMask !== null) {
    const n = paddingMask.shape[0]!;
    const keep = paddingMask.dtype === 'float32' ? paddingMask : tf.cast(paddingMask, 'float32');
    const pad = tf.reshape(tf.mul(tf.sub(tf.scalar(1), keep), tf.scalar(ATTENTION_MASK_VALUE)), [n, 1, 1, t]);
    bias = bias === null ? pad : tf.add(bias, pad);
  }
  return bias;
}
