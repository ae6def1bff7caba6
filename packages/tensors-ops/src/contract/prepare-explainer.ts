/**
 * The preparation every explainer starts with, written once: the model becomes a ForwardFn, x is checked, the
 * option keys and the shared options (ExplainOptions) are checked and defaulted, the target's form is checked,
 * and the pool (options.pool) is resolved — all before any model call. A method adds only its own options.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { asForward, modelForwards } from './as-forward.js';
import type { AsyncForwardFn } from './async-model.js';
import { checkCommonOptions, checkInput } from './validate.js';
import { checkOptionKeys } from './option-keys.js';
import { TargetResolver } from './targets.js';
import { Progress } from './progress.js';
import { ensureOverrides } from '../overrides.js';
import type { ExplainOptions, ForwardFn, Predictable } from './types.js';
import { autoBatchSize, estimateRowBytes, resolvePool, type PoolExecution } from '../pool/execution.js';
import { MEASURED_BATCH_MEMORY_BUDGET, rememberedRowBytes, type PassKind } from './row-memory.js';

/** What `prepareExplainer` found out about a call. */
export interface PreparedExplainer {
  forward: ForwardFn;
  /**
   * Present when the model is asynchronous (its predict returns a Promise) and the caller accepts one
   * (`accepts.asyncModel`): the call scoreRows awaits; `forward` then refuses.
   */
  forwardAsync?: AsyncForwardFn;
  /** x, checked (float32, rank >= 2, finite). */
  x: Tensor;
  /** Rows of x. */
  n: number;
  /** Shape of one row of x. */
  rowShape: number[];
  /** Elements in one row of x. */
  rowSize: number;
  /** options.batchSize, or 64. */
  batchSize: number;
  /** Whether the caller gave options.batchSize (else each batch loop picks it, see autoBatchSize). */
  batchSizeGiven: boolean;
  /** Estimated bytes per model row (tensors-ops Sequential models), for the automatic batch size. */
  rowBytes: number | null;
  /**
   * For any other model: measures the bytes one row of x costs a pass of the model (see ./row-memory.ts), once,
   * when a batch loop first needs an automatic batch size. Absent when rowBytes is known or batchSize was given.
   */
  measureRowBytes?: (kind: PassKind) => number | null;
  /** options.seed, or 0. */
  seed: number;
  /** options.target, its form checked; resolved against the first model output. */
  targets: TargetResolver;
  /** The pool the batches run on (options.pool with a model that can cross a thread), or null. */
  pool: PoolExecution | null;
  /** The model and its input in messages ('f' and 'x' unless the public function names them otherwise). */
  modelName: string;
  inputName: string;
}

/** What a caller of prepareExplainer accepts beyond a synchronous model. */
export interface ExplainerAccepts {
  /**
   * An asynchronous model (a predict that returns a Promise, see isAsyncModel): for the methods whose only model
   * calls go through scoreRows. Default false: such a model is refused with INVALID_ARGUMENT naming those methods.
   */
  asyncModel?: boolean;
}

/** How the model and its input are called in messages (e.g. 'decoder' and 'z' for latent codes). */
export interface ExplainerNames {
  model: string;
  input: string;
}

/**
 * Checks f, x, the option keys (when `keys` is given: any key not in it is refused, see checkOptionKeys), the
 * shared options, the target's form and options.pool, in that order, and fills in the defaults. `names` are how
 * the model and its input are called in messages (default 'f' and 'x'). `accepts.asyncModel` lets an asynchronous
 * model through (its calls then go through `forwardAsync`, see ExplainerAccepts).
 *
 * @throws GlassboxError INVALID_ARGUMENT, SHAPE_MISMATCH, NON_FINITE, TARGET_OUT_OF_RANGE as the checks find.
 */
export function prepareExplainer(
  f: Predictable,
  x: unknown,
  options: ExplainOptions | undefined,
  where: string,
  keys?: readonly string[],
  names: ExplainerNames = { model: 'f', input: 'x' },
  accepts: ExplainerAccepts = {},
): PreparedExplainer {
  // Glassbox's gradient and kernel fixes are in force for this call whatever was imported since (../overrides.ts).
  ensureOverrides();
  const forwards = accepts.asyncModel === true ? modelForwards(f, where) : { forward: asForward(f, where) };
  const { forward } = forwards;
  checkInput(x, where, names.input);
  const opts = keys === undefined ? (options ?? {}) : checkOptionKeys<ExplainOptions>(options, keys, where);
  const { batchSize, seed } = checkCommonOptions(opts, where);
  const n = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const targets = new TargetResolver(opts.target, n, where);
  const pool = resolvePool((opts as { pool?: unknown }).pool, f, where);
  const rowBytes = estimateRowBytes(f);
  const prepared: PreparedExplainer = {
    forward,
    x,
    n,
    rowShape,
    rowSize: rowShape.reduce((a, b) => a * b, 1),
    batchSize,
    batchSizeGiven: opts.batchSize !== undefined,
    rowBytes,
    seed,
    targets,
    pool,
    modelName: names.model,
    inputName: names.input,
  };
  if (forwards.forwardAsync !== undefined) {
    // An asynchronous model is not measured (the probe is a synchronous run): its batches default to 64 rows.
    prepared.forwardAsync = forwards.forwardAsync;
    return prepared;
  }
  if (rowBytes === null && opts.batchSize === undefined) prepared.measureRowBytes = (kind) => rememberedRowBytes(f, forward, x, kind);
  return prepared;
}

/** What the batch loops of one call share: the model, the target, batching, progress, abort and the pool. */
export interface ExplainerRun {
  forward: ForwardFn;
  /** An asynchronous model's call (see PreparedExplainer.forwardAsync): scoreRows awaits it instead of `forward`. */
  forwardAsync?: AsyncForwardFn;
  targets: TargetResolver;
  /** The public function's name, for messages. */
  where: string;
  /**
   * Rows per model call for a batch loop over `rows` rows: options.batchSize when given, else the automatic
   * choice (autoBatchSize: <= 64, within the memory budget, and for a pooled loop at least 4 batches). `kind`
   * says which pass the loop runs ('gradients' when omitted; 'forward' for loops that only call the model), for
   * the measured memory of a row (./row-memory.ts).
   */
  batchFor: (rows: number, pooled: boolean, kind?: PassKind) => number;
  progress: Progress;
  signal?: AbortSignal | undefined;
  /** Runs each gradient computation (e.g. with guided ReLU gradients installed); default: as is. */
  gradientRule?: <T>(fn: () => T) => T;
  /** The pool the batches run on, or null (main thread). */
  pool: PoolExecution | null;
  /** The model and its input in messages (default 'f' and 'x'; e.g. 'decoder' and 'z' for latent codes). */
  modelName?: string;
  inputName?: string;
}

/**
 * The batch size rule of a prepared call: options.batchSize when given; else autoBatchSize with the row's bytes
 * estimated from a Sequential's layer shapes (budget DEFAULT_BATCH_MEMORY_BUDGET), or else measured on one row of x
 * (budget MEASURED_BATCH_MEMORY_BUDGET, see ./row-memory.ts); 64 rows when neither is known.
 */
export function batchRule(
  p: Pick<PreparedExplainer, 'batchSize' | 'batchSizeGiven' | 'rowBytes'> & Partial<Pick<PreparedExplainer, 'measureRowBytes'>>,
  signal?: AbortSignal,
): (rows: number, pooled: boolean, kind?: PassKind) => number {
  return (rows, pooled, kind = 'gradients') => {
    if (p.batchSizeGiven) return p.batchSize;
    // An aborted call runs no model, not even the measuring one: its batch loop rejects before the first batch.
    if (p.rowBytes !== null || p.measureRowBytes === undefined || signal?.aborted === true) return autoBatchSize(rows, { rowBytes: p.rowBytes, pooled });
    return autoBatchSize(rows, { rowBytes: p.measureRowBytes(kind), budget: MEASURED_BATCH_MEMORY_BUDGET, pooled });
  };
}

/** The ExplainerRun of a prepared call whose batch loops run `total` model rows in all (for progress). */
export function explainerRun(
  p: Pick<PreparedExplainer, 'forward' | 'targets' | 'batchSize' | 'batchSizeGiven' | 'rowBytes' | 'pool'> &
    Partial<Pick<PreparedExplainer, 'modelName' | 'inputName' | 'measureRowBytes' | 'forwardAsync'>>,
  options: Pick<ExplainOptions, 'onProgress' | 'signal'> | undefined,
  where: string,
  total: number,
): ExplainerRun {
  const run: ExplainerRun = {
    forward: p.forward,
    targets: p.targets,
    where,
    batchFor: batchRule(p, options?.signal),
    progress: new Progress(total, options?.onProgress),
    pool: p.pool,
  };
  if (p.forwardAsync !== undefined) run.forwardAsync = p.forwardAsync;
  if (p.modelName !== undefined) run.modelName = p.modelName;
  if (p.inputName !== undefined) run.inputName = p.inputName;
  if (options?.signal !== undefined) run.signal = options.signal;
  return run;
}
