/** What explainers use to decide, once per call, whether their batches run in a pool. */
import { GlassboxError, describe } from '../errors.js';
import { tf } from '../tf.js';
import { checkOptionKeys } from '../contract/option-keys.js';
import type { Predictable } from '../contract/types.js';
import { describePoolModel, type PoolModel } from './model.js';
import { isPool } from './is-pool.js';
// Types only: this module is part of the main entry, which must not load pool.ts (and, through threads.ts, its worker script).
import type { Pool, PoolJob } from './pool.js';
import type { PoolOp, RowRecipe } from './types.js';

/** The option every poolable explainer accepts. */
export interface PoolOption {
  /**
   * A pool from `createPool()` (`@glassbox/tensors-ops/pool`): the explainer's batches run on its workers and are merged in batch order, so the
   * result is the same numbers as without it. Needs a model the pool can rebuild in a worker (a tensors-ops
   * Sequential, a Classifier, `poolable(f, spec)`, or a token model with `toPooledTokenModel()`); with a plain function the call runs on the main thread
   * and the pool warns once.
   */
  pool?: Pool;
}

/** A call's pooled execution: the pool and the model described once for it. */
export interface PoolExecution {
  pool: Pool;
  model: PoolModel;
  /** Runs a job of this call on the pool (see Pool.run). */
  run(job: Omit<PoolJob, 'model'>): Promise<void>;
  /**
   * True when a job of `total` rows is small enough to run on the calling thread instead (Pool.claimSmallJob: its
   * estimated work is below the pool's minWorkMs) and this thread runs the workers' backend; the caller then runs
   * it itself, with the same numbers.
   */
  runsHere(op: PoolOp, recipe: Pick<RowRecipe, 'kind' | 'rowShape'>, total: number): boolean;
}

/**
 * Checks `options.pool` and describes the model for it. Returns null when no pool is given, or when the model
 * cannot cross a thread: then the pool's onWarning hears, once per pool and explainer, why the call runs on the
 * main thread (a plain closure cannot be sent to a worker).
 *
 * @throws GlassboxError INVALID_ARGUMENT when pool is not a Pool or has been closed.
 */
export function resolvePool(pool: unknown, f: Predictable, where: string): PoolExecution | null {
  if (pool === undefined || pool === null) return null;
  if (!isPool(pool)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool must be a Pool from createPool() (@glassbox/tensors-ops/pool), got ${describe(pool)}`);
  }
  if (pool.closed) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.pool has been closed`);
  }
  const model = describePoolModel(f, where);
  if ('reason' in model) {
    pool.warn(`[glassbox] ${where}: options.pool is not used, the work runs on the main thread: ${model.reason}.`);
    return null;
  }
  return {
    pool,
    model,
    run: (job) => pool.run({ ...job, model }),
    runsHere: (op, recipe, total) => {
      // The workers' time per row says nothing about another backend here (the cpu backend is ~30x slower).
      const info = pool.workerInfo;
      if (info.length === 0 || info.some((i) => i.backend !== tf.getBackend())) return false;
      // Older pools (another copy of this package) have no claimSmallJob: they take every job.
      return typeof pool.claimSmallJob === 'function' && pool.claimSmallJob({ model, op, recipe, total });
    },
  };
}

/** Default memory budget per model call, in bytes, when the explainer chooses batchSize itself. */
export const DEFAULT_BATCH_MEMORY_BUDGET = 64 * 1024 * 1024;

/**
 * Bytes one row costs in a model call, estimated from a tensors-ops Sequential's layer shapes (each layer's
 * output kept for the backward pass, its gradient and one temporary: 3 float32 copies), or null when the model
 * is not a Sequential-like object with `layers` and `inputShape`.
 */
export function estimateRowBytes(f: unknown): number | null {
  const m = (f as { network?: unknown } | null)?.network ?? f;
  const layers = (m as { layers?: unknown } | null)?.layers;
  const input = (m as { inputShape?: unknown } | null)?.inputShape;
  if (!Array.isArray(layers) || !Array.isArray(input)) return null;
  let floats = input.reduce((a: number, b: number) => a * b, 1);
  for (const l of layers as Array<{ outputShape?: unknown }>) {
    if (!Array.isArray(l?.outputShape)) return null;
    floats += (l.outputShape as number[]).reduce((a, b) => a * b, 1);
  }
  return floats * 4 * 3;
}

/** Rows at least this heavy (bytes of tensors per row) may go to a pool one per batch (see autoBatchSize). */
const HEAVY_ROW_BYTES = 16 * 1024 * 1024;

/**
 * The batch size an explainer uses when the caller gives none: at most 64 rows (the contract's default), at
 * most what fits `budget` bytes per call given `rowBytes` (when known), and, in a pool, small enough that the
 * job has at least 4 batches to share (but not below 8 rows, or 1 row when a row takes HEAVY_ROW_BYTES or more,
 * e.g. a 224x224 image through a convolutional network). None of these depend on the number of workers, so a
 * pooled result does not either.
 */
export function autoBatchSize(total: number, options: { rowBytes?: number | null; budget?: number; pooled?: boolean } = {}): number {
  checkOptionKeys(options, ['rowBytes', 'budget', 'pooled'], 'autoBatchSize');
  let size = 64;
  const rowBytes = options.rowBytes ?? null;
  if (rowBytes !== null && rowBytes > 0) size = Math.min(size, Math.max(1, Math.floor((options.budget ?? DEFAULT_BATCH_MEMORY_BUDGET) / rowBytes)));
  if (options.pooled === true) {
    // At least 8 rows per batch, so that a batch's dispatch (~0.2 ms) stays small against its work; a row whose
    // tensors take HEAVY_ROW_BYTES or more costs tens of milliseconds by itself, so there a job of a few rows is
    // split down to one row per batch and shared by the workers.
    const least = rowBytes !== null && rowBytes >= HEAVY_ROW_BYTES ? 1 : 8;
    size = Math.min(size, Math.max(least, Math.ceil(total / 4)));
  }
  return Math.max(1, size);
}
