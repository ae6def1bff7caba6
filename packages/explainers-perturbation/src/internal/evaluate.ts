/**
 * The model rows of a perturbation explainer as a plan: which rows to run (original rows, baselines, perturbed
 * copies) without making them; `scorePlan` hands them to tensors-ops' scoreRows, which builds them lazily, one
 * batch per model call, and picks each row's target column. Results do not depend on the batch size.
 */
import { explainerRun, scoreRows, tf, type ExplainOptions, type RowRecipe, type RowSource } from '@glassbox/tensors-ops';
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
  /** 'int32' for token ids (the rows hold integer ids, made into an int32 tensor); default 'float32'. */
  dtype?: 'float32' | 'int32';
}

/** A RowSource (tensors-ops' lazy rows) over a plan: rows [start, end) as a float32 tensor. */
export function planSource(plan: RowPlan): RowSource {
  const rowSize = plan.rowShape.reduce((a, b) => a * b, 1);
  return {
    rows: plan.rows,
    get(start: number, end: number) {
      const buf = new Float32Array((end - start) * rowSize);
      for (let r = start; r < end; r++) plan.fill(r, buf, (r - start) * rowSize);
      if (plan.dtype === 'int32') return tf.tensor(Int32Array.from(buf), [end - start, ...plan.rowShape], 'int32');
      return tf.tensor(buf, [end - start, ...plan.rowShape], 'float32');
    },
  };
}

/**
 * Runs the model over every row of the plan in batches (tensors-ops' scoreRows: on this thread, or on
 * options.pool's workers when the plan has a recipe) and returns F for each model row: the target column of the
 * raw output (no softmax), one number per row, in float64. Progress counts the plan's rows.
 *
 * @throws GlassboxError SHAPE_MISMATCH (wrong batch size, output rank > 2, output width changing between
 *   batches), TARGET_OUT_OF_RANGE, INVALID_ARGUMENT, ABORTED.
 */
export async function scorePlan(p: Prepared, plan: RowPlan, options: ExplainOptions, where: string): Promise<Float64Array> {
  const source = planSource(p.tokens === null ? plan : { ...plan, dtype: 'int32' });
  return scoreRows(
    explainerRun(p, options, where, plan.rows),
    plan.rows,
    (start, end) => source.get(start, end),
    (row) => plan.inputOf(row),
    plan.recipe,
  );
}
