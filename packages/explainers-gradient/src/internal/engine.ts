/**
 * The machinery every gradient explainer shares: target resolution against the first model output, the
 * gradient of the target score with respect to a batch of points, batched forward passes, batched gradient
 * accumulation into float64 sums per row, and progress reporting. Batches are built lazily (never all path
 * points at once) and each model call sees at most `batchSize` rows.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  checkModelOutput,
  describe,
  forEachBatch,
  resolveTargets,
  selectTarget,
  tf,
} from '@glassbox/tensors-ops';
import type { ForwardFn } from '@glassbox/tensors-ops';
import { safeGrad } from './safe-grad.js';

/** Resolves `options.target` once, against the shape of the first model output seen. */
export class TargetResolver {
  private resolved: Int32Array | null = null;

  constructor(
    private readonly target: unknown,
    /** Rows of x (a per-row target has one entry per row of x). */
    readonly n: number,
    private readonly where: string,
  ) {
    if (target !== undefined && typeof target !== 'number' && !Array.isArray(target)) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.target must be an integer output column or an array with one per row of x, got ${describe(target)}`,
      );
    }
  }

  /** One output column per row of x. */
  resolve(outputShape: readonly number[]): Int32Array {
    if (this.resolved === null) {
      this.resolved = resolveTargets(this.target, [this.n, ...outputShape.slice(1)], this.n, this.where);
    }
    return this.resolved;
  }

  /** The columns for virtual rows [start, end), each belonging to row rowOf(j) of x. */
  forRows(outputShape: readonly number[], start: number, end: number, rowOf: (j: number) => number): Int32Array {
    const per = this.resolve(outputShape);
    const out = new Int32Array(end - start);
    for (let j = start; j < end; j++) out[j - start] = per[rowOf(j)]!;
    return out;
  }
}

/** Counts model rows done across several batch loops and reports them through onProgress. */
export class Progress {
  private done = 0;

  constructor(
    readonly total: number,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {}

  add(rows: number): void {
    this.done += rows;
    this.onProgress?.(Math.min(this.done, this.total), this.total);
  }
}

/** What a batch loop of an explainer needs. */
export interface RunContext {
  forward: ForwardFn;
  targets: TargetResolver;
  where: string;
  batchSize: number;
  progress: Progress;
  signal?: AbortSignal;
  /** Runs each gradient computation (e.g. with guided ReLU gradients installed); default: as is. */
  gradientRule?: <T>(fn: () => T) => T;
}

/**
 * d (sum_i F_{t_i}(points_i)) / d points: one gradient row per point, where F_t is output column t of f.
 * Runs inside tf.tidy; the result is owned by the caller.
 */
export function targetGradient(
  ctx: Pick<RunContext, 'forward' | 'targets' | 'where' | 'gradientRule'>,
  points: Tensor,
  start: number,
  rowOf: (j: number) => number,
): Tensor {
  const rows = points.shape[0]!;
  const run = (): Tensor =>
    safeGrad(
      (p: Tensor) => {
        const y = ctx.forward(p);
        checkModelOutput(y, rows, ctx.where);
        return tf.sum(selectTarget(y, ctx.targets.forRows(y.shape, start, start + rows, rowOf)));
      },
      points,
      ctx.where,
    );
  return ctx.gradientRule === undefined ? run() : ctx.gradientRule(run);
}

/**
 * Evaluates f on `total` virtual rows built by `build(start, end)` (inside tf.tidy) in batches and returns the
 * target score of every virtual row in float64. Virtual row j is scored on the target of x's row rowOf(j).
 */
export async function forwardScores(
  ctx: RunContext,
  total: number,
  build: (start: number, end: number) => Tensor,
  rowOf: (j: number) => number,
): Promise<Float64Array> {
  const scores = new Float64Array(total);
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
        const values = await out.data();
        const k = out.rank === 1 ? 1 : out.size / (end - start);
        const cols = ctx.targets.forRows(out.shape, start, end, rowOf);
        for (let j = start; j < end; j++) {
          scores[j] = k === 1 ? values[j - start]! : values[(j - start) * k + cols[j - start]!]!;
        }
      } finally {
        out.dispose();
      }
      ctx.progress.add(end - start);
    },
    { batchSize: ctx.batchSize, signal: ctx.signal, where: ctx.where },
  );
  return scores;
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
    { batchSize: ctx.batchSize, signal: ctx.signal, where: ctx.where },
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
}

/**
 * Runs a GradientPlan in batches of ctx.batchSize points and adds weight(j) * factor_j * grad_j to
 * acc[rowOf(j)] (float64, row-major [N, rowSize]).
 */
export async function accumulateGradients(ctx: RunContext, plan: GradientPlan, acc: Float64Array, rowSize: number): Promise<void> {
  await forEachBatch(
    plan.total,
    async (start, end) => {
      const g = tf.tidy(() => {
        const { points, factor } = plan.build(start, end);
        const grad = targetGradient(ctx, points, start, plan.rowOf);
        return factor === undefined ? grad : tf.mul(grad, factor);
      });
      try {
        const v = await g.data();
        for (let j = start; j < end; j++) {
          const w = plan.weight(j);
          const dst = plan.rowOf(j) * rowSize;
          const src = (j - start) * rowSize;
          for (let e = 0; e < rowSize; e++) acc[dst + e] += w * v[src + e]!;
        }
      } finally {
        g.dispose();
      }
      ctx.progress.add(end - start);
    },
    { batchSize: ctx.batchSize, signal: ctx.signal, where: ctx.where },
  );
}

/** Rows [start, end) of a tensor [N, ...] (inside tf.tidy). */
export function rowsOf(x: Tensor, start: number, end: number): Tensor {
  return tf.slice(x, start, end - start);
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
