import type { Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteScores, mapBatches, selectTarget, tf } from '@glassbox/tensors-ops';
import type { FiniteOutputInfo, ForwardFn, RowSource } from '@glassbox/tensors-ops';

export interface ScoreRunOptions {
  batchSize: number;
  where: string;
  signal?: AbortSignal | undefined;
  /** Called with rows done in this run. */
  onRows?: ((done: number) => void) | undefined;
  /** The row of x that model row j was made from, for messages (default j). */
  rowOf?: (j: number) => number;
}

/**
 * Runs the model over `source` in batches (through mapBatches: batchSize, abort between batches, output checks)
 * and returns one target score per row as float64 numbers, all finite (a model that returns ±Infinity or NaN
 * is refused with NON_FINITE naming the output column and the row of x). `targetsFor` receives the output's shape (after the
 * model ran) and returns one column index per row; it may throw (its error propagates, nothing leaks).
 */
export async function targetScores(
  forward: ForwardFn,
  source: Tensor | RowSource,
  targetsFor: (outputShape: readonly number[]) => Int32Array,
  options: ScoreRunOptions,
): Promise<Float64Array> {
  const onRows = options.onRows;
  const out = await mapBatches(forward, source, {
    batchSize: options.batchSize,
    where: options.where,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(onRows !== undefined ? { onProgress: (done: number) => onRows(done) } : {}),
  });
  try {
    const targets = targetsFor(out.shape);
    const selected = tf.tidy(() => selectTarget(out, targets));
    try {
      const values = selected.dataSync();
      const info: FiniteOutputInfo = {};
      if (options.rowOf !== undefined) info.rowOf = options.rowOf;
      if (out.rank === 2 && out.shape[1]! > 1) info.columns = targets;
      assertFiniteScores(values, options.where, info);
      return Float64Array.from(values);
    } finally {
      if (selected !== out) selected.dispose();
    }
  } finally {
    out.dispose();
  }
}
