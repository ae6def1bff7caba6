/**
 * The gradient loops of this package, on tensors-ops' explainer runtime (prepareExplainer, ExplainerRun,
 * scoreRows, targetGradient, TargetResolver, Progress): batched gradient accumulation into float64 sums per row,
 * gradients at the rows of x, and full model outputs. Batches are built lazily (never all path points at once)
 * and each model call sees at most `batchSize` rows.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteRows, checkModelOutput, forEachBatch, poolFor, runPooled, targetGradient as gradientOfTargets, tf } from '@glassbox/tensors-ops';
import type { ExplainerRun, RowRecipe } from '@glassbox/tensors-ops';

/** The batch loops of one call (tensors-ops' ExplainerRun: model, targets, batching, progress, abort, pool, names). */
export type RunContext = ExplainerRun;

/** What a non-finite gradient usually means. */
export const GRADIENT_HINT =
  'the model overflows float32 on the way back (look at its weights and at the scale of its input) or is not differentiable there (e.g. sqrt or log at 0)';

export const ATTRIBUTION_HINT = 'they leave the range of float32 (look at the scale of the model, of its input and of the baseline)';

/** The names of the model and its input for messages. */
function names(ctx: Pick<RunContext, 'modelName' | 'inputName'>): { name: string; input: string } {
  return { name: ctx.modelName ?? 'f', input: ctx.inputName ?? 'x' };
}

/** What the gradient checks call the values they check. */
function gradientOf(ctx: Pick<RunContext, 'modelName' | 'inputName'>): string {
  const { name, input } = names(ctx);
  return `the gradient of ${name}'s target output with respect to ${input}`;
}

/**
 * d (sum_i F_{t_i}(points_i)) / d points: one gradient row per point, where F_t is output column t of f.
 * The target scores F_{t_i}(points_i) come out of the same pass (tfjs-core seeds the backward pass of the
 * vector of scores with ones: the gradient of their sum) and are checked for finiteness: a model that
 * returns ±Infinity or NaN is refused with NON_FINITE naming the output column and the rows of x.
 * Runs inside tf.tidy; the result is owned by the caller.
 */
export function targetGradient(
  ctx: Pick<RunContext, 'forward' | 'targets' | 'where' | 'gradientRule' | 'modelName' | 'inputName'>,
  points: Tensor,
  start: number,
  rowOf: (j: number) => number,
): Tensor {
  const rows = points.shape[0]!;
  const run = (): Tensor =>
    gradientOfTargets(ctx.forward, points, ctx.where, (shape) => ctx.targets.forRows(shape, start, start + rows, rowOf), {
      ...names(ctx),
      start,
      rowOf,
    });
  return ctx.gradientRule === undefined ? run() : ctx.gradientRule(run);
}

/**
 * Evaluates f on `total` rows built by `build` and returns the full outputs (float32, row-major) and the
 * number of columns per row. Used where scores for several targets are needed (baseline distributions).
 */
export async function forwardOutputs(
  ctx: RunContext,
  total: number,
  build: (start: number, end: number) => Tensor,
): Promise<{ values: Float32Array; k: number }> {
  let values: Float32Array | null = null;
  let k = 1;
  await forEachBatch(
    total,
    async (start, end) => {
      const out = tf.tidy(() => {
        const y = ctx.forward(build(start, end));
        checkModelOutput(y, end - start, ctx.where);
        ctx.targets.resolve(y.shape);
        return y;
      });
      try {
        const v = await out.data();
        if (values === null) {
          k = out.rank === 1 ? 1 : out.size / (end - start);
          values = new Float32Array(total * k);
        }
        values.set(v as Float32Array, start * k);
      } finally {
        out.dispose();
      }
      ctx.progress.add(end - start);
    },
    { batchSize: ctx.batchFor(total, false), signal: ctx.signal, where: ctx.where },
  );
  return { values: values ?? new Float32Array(0), k };
}

/** A plan of gradient evaluations whose weighted results are summed per row of x. */
export interface GradientPlan {
  /** Virtual rows (points) in all. */
  total: number;
  /** The row of x virtual row j contributes to. */
  rowOf(j: number): number;
  /** Weight of virtual row j in the sum. */
  weight(j: number): number;
  /**
   * The points of virtual rows [start, end) as [end - start, ...rowShape], and optionally a factor of the same
   * shape that multiplies the gradient before it is summed. Called inside tf.tidy.
   */
  build(start: number, end: number): { points: Tensor; factor?: Tensor };
  /**
   * The same points as data a pool worker can rebuild them from (only for plans without a factor); plans
   * without one run on the main thread.
   */
  recipe?: RowRecipe;
}

/**
 * Runs a GradientPlan in batches of ctx.batchSize points and adds weight(j) * factor_j * grad_j to
 * acc[rowOf(j)] (float64, row-major [N, rowSize]).
 */
export async function accumulateGradients(ctx: RunContext, plan: GradientPlan, acc: Float64Array, rowSize: number): Promise<void> {
  // The same float64 sums, in the same order (virtual row by virtual row), whether the gradients come from
  // this thread or from the pool: the result does not depend on where, or on how many workers, they ran.
  const add = (start: number, end: number, v: ArrayLike<number>): void => {
    assertFiniteRows(v, ctx.where, gradientOf(ctx), { rowSize, start, rowOf: (j) => plan.rowOf(j), input: names(ctx).input, hint: GRADIENT_HINT });
    for (let j = start; j < end; j++) {
      const w = plan.weight(j);
      const dst = plan.rowOf(j) * rowSize;
      const src = (j - start) * rowSize;
      for (let e = 0; e < rowSize; e++) acc[dst + e] += w * v[src + e]!;
    }
  };
  const pool = poolFor(ctx, plan.recipe, { op: 'gradients', total: plan.total });
  if (pool !== null) {
    await runPooled(ctx, pool, 'gradients', plan.recipe!, plan.total, (start, end, r) => add(start, end, r.values));
    return;
  }
  await forEachBatch(
    plan.total,
    async (start, end) => {
      const g = tf.tidy(() => {
        const { points, factor } = plan.build(start, end);
        const grad = targetGradient(ctx, points, start, plan.rowOf);
        return factor === undefined ? grad : tf.mul(grad, factor);
      });
      try {
        add(start, end, await g.data());
      } finally {
        g.dispose();
      }
      ctx.progress.add(end - start);
    },
    { batchSize: ctx.batchFor(plan.total, false), signal: ctx.signal, where: ctx.where },
  );
}

/**
 * Gradients of the target at the rows of x (saliency, input x gradient): `transform(grad, rows)` of every batch
 * (inside tf.tidy, on this thread), concatenated (owned by the caller). With a pool, the workers compute the
 * gradients from a copy of x's values and the transform runs here on each batch as it arrives, in order.
 */
export async function rowGradients(
  ctx: RunContext,
  x: Tensor,
  transform: (grad: Tensor, rows: Tensor) => Tensor,
): Promise<Tensor> {
  const n = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const parts: Tensor[] = [];
  try {
    const recipe: RowRecipe | undefined =
      ctx.pool !== null && ctx.gradientRule === undefined
        ? { kind: 'rows', rowShape, data: Float32Array.from(x.dataSync() as Float32Array) }
        : undefined;
    const pool = ctx.pool === null ? null : poolFor(ctx, recipe, { op: 'gradients', total: n });
    if (pool !== null) {
      await runPooled(ctx, pool, 'gradients', recipe!, n, (start, end, r) => {
        assertFiniteRows(r.values, ctx.where, gradientOf(ctx), { rowSize: sizeOf(rowShape), start, input: names(ctx).input, hint: GRADIENT_HINT });
        parts.push(tf.tidy(() => transform(tf.tensor(r.values, [end - start, ...rowShape], 'float32'), rowsOf(x, start, end))));
      });
    } else {
      await forEachBatch(
        n,
        (start, end) => {
          parts.push(
            tf.tidy(() => {
              const rows = rowsOf(x, start, end);
              const grad = targetGradient(ctx, rows, start, (j) => j);
              assertFiniteRows(grad.dataSync(), ctx.where, gradientOf(ctx), { rowSize: sizeOf(rowShape), start, input: names(ctx).input, hint: GRADIENT_HINT });
              return transform(grad, rows);
            }),
          );
          ctx.progress.add(end - start);
        },
        { batchSize: ctx.batchFor(n, false), signal: ctx.signal, where: ctx.where },
      );
    }
    if (parts.length === 1) return parts.pop()!;
    return tf.concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}

/** Rows [start, end) of a tensor [N, ...] (inside tf.tidy). */
export function rowsOf(x: Tensor, start: number, end: number): Tensor {
  return tf.slice(x, start, end - start);
}

/**
 * The path ends of n rows as one list of 2n virtual rows (0..n-1 are x's rows, n..2n-1 the baseline's): a builder
 * of rows start..end-1 of that list (inside tf.tidy).
 */
export function endRows(x: Tensor, baseline: Tensor, n: number): (start: number, end: number) => Tensor {
  return (start, end) => {
    const parts: Tensor[] = [];
    if (start < n) parts.push(rowsOf(x, start, Math.min(end, n)));
    if (end > n) parts.push(rowsOf(baseline, Math.max(start, n) - n, end - n));
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  };
}

/** Rows idx of a tensor [N, ...] (inside tf.tidy). */
export function gatherRows(x: Tensor, idx: Int32Array): Tensor {
  return tf.gather(x, tf.tensor1d(idx, 'int32'), 0);
}

/** A tensor [rows, 1, ..., 1] of the given per-row values, for broadcasting against [rows, ...rowShape]. */
export function columnOf(values: ArrayLike<number>, rank: number): Tensor {
  const shape = [values.length, ...new Array<number>(rank - 1).fill(1)];
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}

/** The product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
