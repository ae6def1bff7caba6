/** The argument checks every explainer of this package starts with. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, asForward, autoBatchSize, checkCommonOptions, checkInput, checkOptionKeys, describe, estimateRowBytes, resolvePool } from '@glassbox/tensors-ops';
import type { ExplainOptions, ForwardFn, PoolExecution, Predictable } from '@glassbox/tensors-ops';
import { Progress, TargetResolver, sizeOf } from './engine.js';
import type { RunContext } from './engine.js';

export interface Prepared {
  forward: ForwardFn;
  /** Rows of x. */
  n: number;
  /** Shape of one row of x. */
  rowShape: number[];
  /** Elements in one row of x. */
  rowSize: number;
  batchSize: number;
  /** Whether the caller gave options.batchSize (else the engine picks it per batch loop, see autoBatchSize). */
  batchSizeGiven: boolean;
  /** Estimated bytes per model row (tensors-ops Sequential models), for the automatic batch size. */
  rowBytes: number | null;
  seed: number;
  targets: TargetResolver;
  /** The pool the batches run on (options.pool with a model that can cross a thread), or null. */
  pool: PoolExecution | null;
  /** The model and its input in messages ('f' and 'x' unless the public function names them otherwise). */
  modelName: string;
  inputName: string;
}

/**
 * Checks f, x and the shared options (in that order) and fills in defaults. `keys` are the method's valid
 * option keys: any other key is refused (checkOptionKeys). `names` are how the model and its input are called in
 * messages (default 'f' and 'x').
 */
export function prepare(
  f: Predictable,
  x: unknown,
  options: ExplainOptions | undefined,
  where: string,
  keys: readonly string[],
  names: { model: string; input: string } = { model: 'f', input: 'x' },
): Prepared & { x: Tensor } {
  const forward = asForward(f, where);
  checkInput(x, where, names.input);
  options = checkOptionKeys<ExplainOptions>(options, keys, where);
  const { batchSize, seed } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const targets = new TargetResolver(options.target, n, where);
  const pool = resolvePool((options as { pool?: unknown }).pool, f, where);
  return {
    x,
    forward,
    n,
    rowShape,
    rowSize: sizeOf(rowShape),
    batchSize,
    batchSizeGiven: options.batchSize !== undefined,
    rowBytes: estimateRowBytes(f),
    seed,
    targets,
    pool,
    modelName: names.model,
    inputName: names.input,
  };
}

/** A RunContext over `total` model rows in all. */
export function context(p: Prepared, options: ExplainOptions | undefined, where: string, total: number): RunContext {
  const ctx: RunContext = {
    forward: p.forward,
    targets: p.targets,
    where,
    batchSize: p.batchSize,
    batchFor: (rows: number, pooled: boolean) => (p.batchSizeGiven ? p.batchSize : autoBatchSize(rows, { rowBytes: p.rowBytes, pooled })),
    progress: new Progress(total, options?.onProgress),
    pool: p.pool,
    modelName: p.modelName,
    inputName: p.inputName,
  };
  if (options?.signal !== undefined) ctx.signal = options.signal;
  return ctx;
}

/** Checks a boolean option; returns it or the default. */
export function booleanOption(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}
