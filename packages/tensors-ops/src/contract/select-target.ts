import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, describe } from '../errors.js';
import { formatShape } from './validate.js';
import { asyncModelError, dropPromise } from './async-model.js';

/**
 * Checks a model output against its expected number of rows and dtype: [rows] or [rows, K], float32.
 * @throws GlassboxError SHAPE_MISMATCH (wrong batch size or rank) or INVALID_ARGUMENT (non-float output).
 */
export function checkModelOutput(out: unknown, rows: number, where: string, name = 'f'): asserts out is Tensor {
  const t = out as Tensor;
  if (out instanceof Promise) {
    dropPromise(out);
    throw asyncModelError(where, name);
  }
  if (t == null || typeof t !== 'object' || !Array.isArray((t as { shape?: unknown }).shape)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must return a tensor, got ${describe(out)}`);
  }
  if (t.dtype !== 'float32') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must return a float32 tensor, got dtype ${t.dtype}`);
  }
  if (t.rank < 1 || t.shape[0] !== rows) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} returned shape ${formatShape(t.shape)} for a batch of ${rows} rows; expected [${rows}] or [${rows}, K]`,
    );
  }
}

/**
 * Validates a target option against a model output with `k` columns (k = 0 when the output is [N] or [N, 1])
 * and `n` rows, and expands it to one column index per row.
 *
 * - f returns [N] or [N, 1]: target may be omitted (or 0).
 * - f returns [N, K], K > 1: target is required, one number for all rows or one per row.
 * @throws GlassboxError TARGET_OUT_OF_RANGE, INVALID_ARGUMENT, SHAPE_MISMATCH
 */
export function resolveTargets(target: unknown, outputShape: readonly number[], n: number, where: string): Int32Array {
  const k = outputShape.length === 1 ? 1 : outputShape.slice(1).reduce((a, b) => a * b, 1);
  if (outputShape.length > 2) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: f must return [N] or [N, K] scores, got shape ${formatShape(outputShape)}; wrap an image output with outputRegion(f, mask)`,
    );
  }
  const out = new Int32Array(n);
  if (target === undefined) {
    if (k !== 1) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.target is required when f returns [N, K] with K = ${k} > 1 (got undefined)`,
      );
    }
    return out;
  }
  const check = (t: unknown, label: string): number => {
    if (typeof t !== 'number' || !Number.isInteger(t)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${label} must be an integer output column, got ${describe(t)}`);
    }
    if (t < 0 || t >= k) {
      throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: ${label} must be in 0..${k - 1} (f returns ${k} columns), got ${t}`);
    }
    return t;
  };
  if (Array.isArray(target)) {
    if (target.length !== n) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: options.target has ${target.length} entries, expected one per row of x (${n})`,
      );
    }
    target.forEach((t, i) => (out[i] = check(t, `options.target[${i}]`)));
    return out;
  }
  out.fill(check(target, 'options.target'));
  return out;
}

/**
 * Picks one score per row from a model output: column `targets[i]` of row i for [N, K], the value itself for
 * [N] or [N, 1]. Differentiable; returns [N]. Use inside tf.tidy / tf.grad. The other columns are selected
 * away (not multiplied by 0), so an infinite value in a column that is not the target (e.g. the -Infinity
 * log-probability of an impossible class) does not turn the score or its gradient into NaN.
 */
export function selectTarget(output: Tensor, targets?: Int32Array | number[] | number): Tensor {
  const n = output.shape[0]!;
  if (output.rank === 1) return output;
  const k = output.shape[1]!;
  if (k === 1 && output.rank === 2) return tf.reshape(output, [n]);
  if (output.rank > 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `selectTarget: output must be [N] or [N, K], got shape ${formatShape(output.shape)}`);
  }
  let idx: Int32Array;
  if (targets === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `selectTarget: targets are required for an output of shape ${formatShape(output.shape)}`);
  } else if (typeof targets === 'number') {
    idx = new Int32Array(n).fill(targets);
  } else {
    idx = Int32Array.from(targets);
  }
  if (idx.length !== n) {
    throw new GlassboxError('SHAPE_MISMATCH', `selectTarget: ${idx.length} targets for ${n} rows`);
  }
  const mask = new Uint8Array(n * k);
  for (let i = 0; i < n; i++) {
    const t = idx[i]!;
    if (t < 0 || t >= k) throw new GlassboxError('TARGET_OUT_OF_RANGE', `selectTarget: target ${t} of row ${i} is not in 0..${k - 1}`);
    mask[i * k + t] = 1;
  }
  // where(mask, y, 0) summed over a row is exactly y[i, t_i]; its gradient is dy where the mask is set, else 0.
  return tf.tidy(() => tf.sum(tf.where(tf.tensor2d(mask, [n, k], 'bool'), output, tf.zerosLike(output)), 1));
}
