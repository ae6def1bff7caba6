/**
 * The batched, per-target scoring loop under every explainer and metric, with its pool recipe: model rows are
 * built lazily, one batch of at most batchFor(rows) rows per model call (on this thread, or on the workers of
 * options.pool when the rows have a recipe the workers can rebuild them from), each output is checked, each row's
 * target column is picked, and the scores come back as float64 numbers. Results depend neither on the batch size
 * nor on where the batches ran: each row is built and scored on its own, and batches are merged in order.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError } from '../errors.js';
import { forEachBatch } from './map-batches.js';
import { checkModelOutput } from './select-target.js';
import { formatShape } from './validate.js';
import { assertFiniteScores, type FiniteOutputInfo } from './finite.js';
import type { ExplainerRun } from './prepare-explainer.js';
import type { PoolExecution } from '../pool/execution.js';
import type { BatchResult, PoolOp, RowRecipe } from '../pool/types.js';

/**
 * Checks that a batch's output has the width of the batches before it and returns that width (the output shape
 * after its first dimension); `tail` is the width seen so far (null before the first batch), `start` the model
 * rows before this batch. On the first batch, resolves the target against the output.
 *
 * @throws GlassboxError SHAPE_MISMATCH when the width changed; what targets.resolve throws.
 */
export function checkOutputWidth(
  run: Pick<ExplainerRun, 'targets' | 'where'>,
  tail: readonly number[] | null,
  shape: readonly number[],
  start: number,
): number[] {
  const shapeTail = shape.slice(1);
  if (tail === null) {
    run.targets.resolve(shape);
  } else if (shapeTail.length !== tail.length || shapeTail.some((d, i) => d !== tail[i])) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${run.where}: f returned shape ${formatShape(shape)} after ${formatShape([start, ...tail])}; every batch must have the same output width`,
    );
  }
  return shapeTail;
}

/**
 * The pool for one batch loop, or null: a loop runs pooled when the call has a pool, the loop has a recipe the
 * workers can rebuild its rows from, and no custom gradient rule is installed (those are main-thread state).
 * When the call has a pool the loop cannot use, the pool warns once why. With `work` (the loop's pass and rows),
 * a loop whose estimated work is below the pool's `minWorkMs` runs here too, silently (a small job: dispatching
 * it would cost more than computing it; see PoolOptions.minWorkMs); the numbers are the same.
 */
export function poolFor(
  run: Pick<ExplainerRun, 'pool' | 'where' | 'gradientRule'>,
  recipe: RowRecipe | undefined,
  work?: { op: PoolOp; total: number },
): PoolExecution | null {
  if (run.pool === null || run.pool === undefined) return null;
  if (run.gradientRule !== undefined) {
    run.pool.pool.warn(`[glassbox] ${run.where}: options.pool is not used, the work runs on the main thread: its custom gradient rule cannot run in a pool worker.`);
    return null;
  }
  if (recipe === undefined) {
    run.pool.pool.warn(
      `[glassbox] ${run.where}: options.pool is not used for every step, part of the work runs on the main thread: this explainer builds those rows in a way the pool's workers cannot repeat yet.`,
    );
    return null;
  }
  if (work !== undefined && typeof run.pool.runsHere === 'function' && run.pool.runsHere(work.op, recipe, work.total)) return null;
  return run.pool;
}

/**
 * Runs one batch loop on the pool: the workers compute `op` ('forward': the model's outputs; 'gradients': the
 * target gradients) for the recipe's `total` rows, and `take` merges each batch's result, in batch order;
 * progress counts the rows of each batch merged.
 */
export async function runPooled(
  run: ExplainerRun,
  pool: PoolExecution,
  op: PoolOp,
  recipe: RowRecipe,
  total: number,
  take: (start: number, end: number, result: BatchResult) => void,
): Promise<void> {
  await pool.run({
    where: run.where,
    op,
    recipe,
    total,
    batchSize: run.batchFor(total, true, op),
    target: run.targets.target,
    inputs: run.targets.n,
    signal: run.signal,
    onBatch: (start, end, result) => {
      take(start, end, result);
      run.progress.add(end - start);
    },
  });
}

/**
 * Scores `total` model rows: F_{t(j)}(row j), the target column of the raw output (no softmax) of model row j,
 * where t(j) is the target of row rowOf(j) of x; one float64 number per row. Rows [start, end) are made by
 * `build(start, end)` (inside tf.tidy); with a `recipe` (and run.pool) the pool's workers make and score them
 * instead. Every batch must return the same output width, and every score must be finite (a model that returns
 * ±Infinity or NaN is refused with NON_FINITE naming the model, the output column and the row of x it came from).
 * An asynchronous model (run.forwardAsync) is awaited batch by batch; a synchronous one runs as before, in tf.tidy.
 *
 * @throws GlassboxError NON_FINITE, SHAPE_MISMATCH (wrong batch size, output rank > 2, output width changing between
 *   batches), TARGET_OUT_OF_RANGE, INVALID_ARGUMENT, ABORTED; nothing leaks.
 */
export async function scoreRows(
  run: ExplainerRun,
  total: number,
  build: (start: number, end: number) => Tensor,
  rowOf: (j: number) => number,
  recipe?: RowRecipe,
): Promise<Float64Array> {
  const { where } = run;
  const scores = new Float64Array(total);
  let tail: number[] | null = null;
  // Merges one batch's outputs; the same code whether they were computed here or by a pool worker.
  const take = (start: number, end: number, shape: readonly number[], values: ArrayLike<number>): void => {
    tail = checkOutputWidth(run, tail, shape, start);
    const k = shape.length === 1 ? 1 : shape[1]!;
    const info: FiniteOutputInfo = { name: run.modelName ?? 'f', input: run.inputName ?? 'x', start, rowOf };
    if (k === 1) {
      for (let j = start; j < end; j++) scores[j] = values[j - start]!;
    } else {
      const cols = run.targets.forRows(shape, start, end, rowOf);
      for (let j = start; j < end; j++) scores[j] = values[(j - start) * k + cols[j - start]!]!;
      info.columns = cols;
    }
    assertFiniteScores(scores.subarray(start, end), where, info);
  };
  const pool = poolFor(run, recipe, { op: 'forward', total });
  if (pool !== null) {
    await runPooled(run, pool, 'forward', recipe!, total, (start, end, r) => take(start, end, r.shape, r.values));
    return scores;
  }
  const forwardAsync = run.forwardAsync;
  if (forwardAsync !== undefined) {
    // An asynchronous model (e.g. ONNX): the batch is made in tf.tidy, the model's answer awaited, both disposed.
    await forEachBatch(
      total,
      async (start, end) => {
        const batch = tf.tidy(() => build(start, end));
        let y: Tensor | null = null;
        try {
          y = await forwardAsync(batch);
          checkModelOutput(y, end - start, where);
          take(start, end, y.shape, await y.data());
        } finally {
          batch.dispose();
          if (y !== null && y !== batch) y.dispose();
        }
        run.progress.add(end - start);
      },
      { batchSize: run.batchFor(total, false, 'forward'), signal: run.signal, where },
    );
    return scores;
  }
  await forEachBatch(
    total,
    async (start, end) => {
      const y = tf.tidy(() => {
        const out = run.forward(build(start, end));
        checkModelOutput(out, end - start, where);
        return out;
      });
      try {
        take(start, end, y.shape, await y.data());
      } finally {
        y.dispose();
      }
      run.progress.add(end - start);
    },
    { batchSize: run.batchFor(total, false, 'forward'), signal: run.signal, where },
  );
  return scores;
}
