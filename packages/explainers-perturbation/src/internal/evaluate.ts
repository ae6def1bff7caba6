/**
 * The batched evaluator under every explainer in this package: a plan describes the model rows to run
 * (original rows, baselines, perturbed copies) without making them; `scoreRows` builds them lazily, one batch
 * of at most `batchSize` rows per model call, picks each row's target column and returns plain numbers.
 * Results do not depend on the batch size: each row is built and scored on its own.
 */
import {
  GlassboxError,
  checkModelOutput,
  forEachBatch,
  formatShape,
  resolveTargets,
  tf,
  type ExplainOptions,
  type ForwardFn,
  type RowSource,
} from '@glassbox/tensors-ops';

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
  const source = planSource(plan);
  let targets: Int32Array | null = null;
  let tail: number[] | null = null;
  await forEachBatch(
    plan.rows,
    async (start, end) => {
      const y = tf.tidy(() => {
        const out = forward(source.get(start, end));
        checkModelOutput(out, end - start, where);
        return out;
      });
      try {
        const shapeTail = y.shape.slice(1);
        if (tail === null) {
          targets = resolveTargets(ctx.target, y.shape, ctx.inputs, where);
          tail = shapeTail;
        } else if (shapeTail.length !== tail.length || shapeTail.some((d, i) => d !== tail![i])) {
          throw new GlassboxError(
            'SHAPE_MISMATCH',
            `${where}: f returned shape ${formatShape(y.shape)} after ${formatShape([start, ...tail])}; every batch must have the same output width`,
          );
        }
        const data = await y.data();
        const k = y.rank === 1 ? 1 : y.shape[1]!;
        const t = targets!;
        if (k === 1) {
          for (let r = start; r < end; r++) scores[r] = data[r - start]!;
        } else {
          for (let r = start; r < end; r++) scores[r] = data[(r - start) * k + t[plan.inputOf(r)]!]!;
        }
      } finally {
        y.dispose();
      }
    },
    { batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal, where },
  );
  return scores;
}

/** Shorthand: the ScoreContext of an explainer's options. */
export function scoreContext(
  where: string,
  options: ExplainOptions,
  inputs: number,
  batchSize: number,
): ScoreContext {
  return { where, target: options.target, inputs, batchSize, onProgress: options.onProgress, signal: options.signal };
}
