/**
 * The batched evaluator under every explainer in this package: a plan describes the model rows to run
 * (original rows, baselines, perturbed copies) without making them; `scoreRows` builds them lazily, one batch
 * of at most `batchSize` rows per model call, picks each row's target column and returns plain numbers.
 * Results do not depend on the batch size: each row is built and scored on its own.
 */
import {
  GlassboxError,
  assertFiniteScores,
  autoBatchSize,
  checkModelOutput,
  forEachBatch,
  formatShape,
  resolveTargets,
  tf,
  type ExplainOptions,
  type FiniteOutputInfo,
  type ForwardFn,
  type PoolExecution,
  type RowRecipe,
  type RowSource,
} from '@glassbox/tensors-ops';
import type { Prepared } from './prepare.js';

/** The model rows an explainer needs, made on demand. */
export interface RowPlan {
  /** Model rows in all. */
  rows: number;
  /** Shape of one model row (one row of x). */
  rowShape: readonly number[];
  /** Which row of x model row `row` belongs to (its target is that row's target). */
  inputOf(row: number): number;
  /** Writes model row `row` into out[offset .. offset + rowSize). */
  fill(row: number, out: Float32Array, offset: number): void;
  /**
   * The same rows as data a pool worker can rebuild them from (tensors-ops' RowRecipe, whose `inputOf` must
   * agree with this plan's); plans without one run on the main thread.
   */
  recipe?: RowRecipe;
}

export interface ScoreContext {
  where: string;
  /** options.target: checked for range against the first model output. */
  target: ExplainOptions['target'];
  /** Rows of x (targets are given per row of x). */
  inputs: number;
  batchSize: number;
  onProgress?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** The pool the rows run on, or null/undefined (main thread). */
  pool?: PoolExecution | null;
  /** Rows per model call for `rows` rows in all, pooled or not (default: batchSize). */
  batchFor?: (rows: number, pooled: boolean) => number;
}

/** A RowSource (tensors-ops' lazy rows) over a plan: rows [start, end) as a float32 tensor. */
export function planSource(plan: RowPlan): RowSource {
  const rowSize = plan.rowShape.reduce((a, b) => a * b, 1);
  return {
    rows: plan.rows,
    get(start: number, end: number) {
      const buf = new Float32Array((end - start) * rowSize);
      for (let r = start; r < end; r++) plan.fill(r, buf, (r - start) * rowSize);
      return tf.tensor(buf, [end - start, ...plan.rowShape], 'float32');
    },
  };
}

/**
 * Runs the model over every row of the plan in batches and returns F for each model row: the target column
 * of the raw output (no softmax), one number per row, in float64.
 *
 * @throws GlassboxError SHAPE_MISMATCH (wrong batch size, output rank > 2, output width changing between
 *   batches), TARGET_OUT_OF_RANGE, INVALID_ARGUMENT, ABORTED.
 */
export async function scoreRows(forward: ForwardFn, plan: RowPlan, ctx: ScoreContext): Promise<Float64Array> {
  const { where } = ctx;
  const scores = new Float64Array(plan.rows);
  let targets: Int32Array | null = null;
  let tail: number[] | null = null;
  // Merges one batch's outputs; the same code whether they were computed here or by a pool worker.
  const take = (start: number, end: number, shape: readonly number[], data: ArrayLike<number>): void => {
    const shapeTail = shape.slice(1);
    if (tail === null) {
      targets = resolveTargets(ctx.target, shape, ctx.inputs, where);
      tail = shapeTail;
    } else if (shapeTail.length !== tail.length || shapeTail.some((d, i) => d !== tail![i])) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: f returned shape ${formatShape(shape)} after ${formatShape([start, ...tail])}; every batch must have the same output width`,
      );
    }
    const k = shape.length === 1 ? 1 : shape[1]!;
    const t = targets!;
    if (k === 1) {
      for (let r = start; r < end; r++) scores[r] = data[r - start]!;
    } else {
      for (let r = start; r < end; r++) scores[r] = data[(r - start) * k + t[plan.inputOf(r)]!]!;
    }
    const info: FiniteOutputInfo = { start, rowOf: (r) => plan.inputOf(r) };
    if (k > 1) info.columns = Int32Array.from({ length: end - start }, (_, i) => t[plan.inputOf(start + i)]!);
    assertFiniteScores(scores.subarray(start, end), where, info);
  };
  if (ctx.pool != null) {
    if (plan.recipe !== undefined) {
      const batchSize = ctx.batchFor?.(plan.rows, true) ?? ctx.batchSize;
      await ctx.pool.run({
        where,
        op: 'forward',
        recipe: plan.recipe,
        total: plan.rows,
        batchSize,
        target: ctx.target,
        inputs: ctx.inputs,
        signal: ctx.signal,
        onBatch: (start, end, r) => {
          take(start, end, r.shape, r.values);
          ctx.onProgress?.(end, plan.rows);
        },
      });
      return scores;
    }
    ctx.pool.pool.warn(
      `[glassbox] ${where}: options.pool is not used, the work runs on the main thread: this explainer builds its rows in a way the pool's workers cannot repeat yet.`,
    );
  }
  const source = planSource(plan);
  const batchSize = ctx.batchFor?.(plan.rows, false) ?? ctx.batchSize;
  await forEachBatch(
    plan.rows,
    async (start, end) => {
      const y = tf.tidy(() => {
        const out = forward(source.get(start, end));
        checkModelOutput(out, end - start, where);
        return out;
      });
      try {
        take(start, end, y.shape, await y.data());
      } finally {
        y.dispose();
      }
    },
    { batchSize, onProgress: ctx.onProgress, signal: ctx.signal, where },
  );
  return scores;
}

/** Shorthand: the ScoreContext of an explainer's options. */
export function scoreContext(
  where: string,
  options: ExplainOptions,
  inputs: number,
  batchSize: number,
  p?: Pick<Prepared, 'pool' | 'batchSizeGiven' | 'rowBytes'>,
): ScoreContext {
  const ctx: ScoreContext = { where, target: options.target, inputs, batchSize, onProgress: options.onProgress, signal: options.signal };
  if (p !== undefined) {
    ctx.pool = p.pool;
    // Without options.batchSize: <= 64 rows, within the memory budget, and in a pool at least 4 batches.
    if (!p.batchSizeGiven) ctx.batchFor = (rows, pooled) => autoBatchSize(rows, { rowBytes: p.rowBytes, pooled });
  }
  return ctx;
}
