/**
 * The model rows explainers build from x and a baseline, written once: the points of a straight path from the
 * baseline to x (integrated gradients), rows with one feature group set to the baseline (ablation, occlusion)
 * and rows that mix x and the baseline by coalition (Shapley sampling, KernelSHAP, LIME). The main thread and the
 * pool's row recipes (pool/recipes.ts) both call these, so a pooled run builds the very same rows, bit for bit.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError } from '../errors.js';

/**
 * The path points of virtual rows [start, end) (call inside tf.tidy). With S = alphas.length points per row of x,
 * virtual row j is row i = floor(j / S) of x at alpha a = alphas[j mod S]:
 *
 *   point_j = b_i + a (x_i - b_i)
 *
 * The rows are gathered from x and the baseline, and a is a float32 column broadcast over the row.
 *
 * @param x float32 [N, ...rowShape].
 * @param baseline float32 of x's shape.
 * @param alphas the S positions along the path (typically in [0, 1]).
 * @param start first virtual row, 0 <= start <= end.
 * @param end one past the last virtual row, at most N * S.
 * @returns [end - start, ...rowShape].
 * @throws GlassboxError INVALID_ARGUMENT when alphas is empty or [start, end) is not inside 0..N * S.
 */
export function pathPoints(x: Tensor, baseline: Tensor, alphas: ArrayLike<number>, start: number, end: number): Tensor {
  const steps = alphas.length;
  const total = x.shape[0]! * steps;
  if (steps === 0 || !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > total) {
    throw new GlassboxError('INVALID_ARGUMENT', `pathPoints: expected rows 0 <= start <= end <= ${total} (N * alphas.length), got [${start}, ${end}) with ${steps} alphas`);
  }
  const idx = new Int32Array(end - start);
  const a = new Float32Array(end - start);
  for (let j = start; j < end; j++) {
    idx[j - start] = Math.floor(j / steps);
    a[j - start] = alphas[j % steps]!;
  }
  const index = tf.tensor1d(idx, 'int32');
  const xr = tf.gather(x, index, 0);
  const br = tf.gather(baseline, index, 0);
  const column = tf.tensor(a, [a.length, ...new Array<number>(x.rank - 1).fill(1)], 'float32');
  return tf.add(br, tf.mul(column, tf.sub(xr, br)));
}

/**
 * Writes one model row: row `rowStart / rowSize` of x with the elements of one group set to the baseline. The
 * groups are given as lists of element indices of a row, group k being members[offsets[k] .. offsets[k + 1]);
 * group -1 writes x unchanged (the unperturbed reference row).
 *
 * @param out the buffer of the batch's rows; the row goes to out[offset .. offset + rowSize).
 * @param x x, flat ([N * rowSize]); the row starts at rowStart.
 * @param b the baseline, flat, laid out as x.
 */
export function fillAblated(
  out: Float32Array,
  offset: number,
  x: Float32Array,
  b: Float32Array,
  rowStart: number,
  rowSize: number,
  offsets: Int32Array,
  members: Int32Array,
  group: number,
): void {
  out.set(x.subarray(rowStart, rowStart + rowSize), offset);
  if (group < 0) return;
  for (let t = offsets[group]!; t < offsets[group + 1]!; t++) {
    const e = members[t]!;
    out[offset + e] = b[rowStart + e]!;
  }
}

/**
 * Writes one model row mixing x and the baseline by coalition: element e comes from x when its group is in
 * the coalition (`on[groups[e]] !== 0`), from the baseline otherwise. An element of group -1 (padding) is
 * never a feature: its baseline is x itself.
 */
export function fillCoalition(
  out: Float32Array,
  offset: number,
  x: Float32Array,
  b: Float32Array,
  rowStart: number,
  groups: Int32Array,
  on: ArrayLike<number>,
): void {
  const size = groups.length;
  for (let e = 0; e < size; e++) out[offset + e] = on[groups[e]!] ? x[rowStart + e]! : b[rowStart + e]!;
}
