/**
 * Argument checks and input preparation shared by every explainer in this package (the Captum-like helper
 * layer): the model becomes a ForwardFn, x and the baseline become flat Float32Arrays, the shared options are
 * validated before any model call.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  assertFiniteRows,
  checkModelOutput,
  formatShape,
  sequentialOf,
  throwIfAborted,
  checkCommonOptions,
  estimateRowBytes,
  resolvePool,
  checkInput,
  checkOptionKeys,
  describe,
  resolveBaseline,
  resolveFeatureMask,
  tf,
  type ExplainOptions,
  type FeatureMaskInfo,
  type ForwardFn,
  type PoolExecution,
  type Predictable,
} from '@glassbox/tensors-ops';

export interface Prepared {
  forward: ForwardFn;
  /** N, rows of x. */
  n: number;
  /** Shape of one row of x. */
  rowShape: number[];
  /** Elements in one row. */
  rowSize: number;
  /** x, row-major. */
  x: Float32Array;
  /** The baseline broadcast to x's shape, row-major (zeros when the method has no baseline). */
  b: Float32Array;
  batchSize: number;
  /** Whether the caller gave options.batchSize (else the evaluator picks it, see tensors-ops' autoBatchSize). */
  batchSizeGiven: boolean;
  /** Estimated bytes per model row (tensors-ops Sequential models), for the automatic batch size. */
  rowBytes: number | null;
  seed: number;
  /** The pool the model rows run on (options.pool with a model that can cross a thread), or null. */
  pool: PoolExecution | null;
  /** Whether the model declares its input shape (a tensors-ops Sequential or a Classifier), checked against x's rows. */
  declaresInput: boolean;
}

/**
 * Checks that options is an object (or undefined) whose keys are all in `keys` (the method's valid option
 * keys: any other is refused, with the closest valid one suggested) and returns it.
 */
export function optionsObject<T extends object>(options: T | undefined, where: string, keys: readonly string[]): T {
  return checkOptionKeys<T>(options, keys, where);
}

/**
 * Checks the form of options.target before any model call (its range is checked against the first model
 * output by the evaluator): undefined, an integer, or one integer per row.
 */
export function checkTargetForm(target: unknown, n: number, where: string): void {
  if (target === undefined) return;
  const one = (t: unknown, label: string): void => {
    if (typeof t !== 'number' || !Number.isInteger(t)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${label} must be an integer output column, got ${describe(t)}`);
    }
    if (t < 0) {
      throw new GlassboxError('TARGET_OUT_OF_RANGE', `${where}: ${label} must be >= 0, got ${t}`);
    }
  };
  if (Array.isArray(target)) {
    if (target.length !== n) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.target has ${target.length} entries, expected one per row of x (${n})`);
    }
    target.forEach((t, i) => one(t, `options.target[${i}]`));
    return;
  }
  one(target, 'options.target');
}

/**
 * The attributions of an explainer as a tensor of x's shape, after checking that every value is finite: the
 * model's scores were checked as they came, but the differences, averages and regressions built from them
 * can still leave float32's range (scores near ±3.4e38).
 * @throws GlassboxError NON_FINITE naming the row of x and the element.
 */
export function attributionTensor(attr: Float32Array, shape: readonly number[], where: string): Tensor {
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  assertFiniteRows(attr, where, 'the attributions', {
    rowSize,
    hint: "they leave the range of float32 (look at the scale of the model's outputs)",
  });
  return tf.tensor(attr, shape as number[], 'float32');
}

/** Copies a tensor's values (a defensive copy: some backends hand out views). */
export function readFloat(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/**
 * The common preparation of a perturbation explainer: model, x (float32, rank >= 2, finite), shared options,
 * target form and (when `withBaseline`) the baseline, all checked before any model call.
 */
export function prepare(
  f: Predictable,
  x: Tensor,
  options: ExplainOptions,
  where: string,
  withBaseline = true,
): Prepared {
  const forward = asForward(f, where);
  checkInput(x, where);
  const { batchSize, seed } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  checkTargetForm(options.target, n, where);
  const rowShape = x.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  let b: Float32Array;
  if (withBaseline) {
    const bt = resolveBaseline(options.baseline, x, where);
    try {
      b = readFloat(bt);
    } finally {
      bt.dispose();
    }
  } else {
    b = new Float32Array(0);
  }
  const declaresInput = checkDeclaredInput(f, rowShape, where);
  const pool = resolvePool((options as { pool?: unknown }).pool, f, where);
  return {
    forward,
    n,
    rowShape,
    rowSize,
    x: readFloat(x),
    b,
    batchSize,
    batchSizeGiven: options.batchSize !== undefined,
    rowBytes: estimateRowBytes(f),
    declaresInput,
    seed,
    pool,
  };
}

/**
 * A model that declares its input shape (a tensors-ops Sequential, or a Classifier around one) refuses rows of
 * any other shape; say so before any row is built or any model call is made.
 */
function checkDeclaredInput(f: Predictable, rowShape: readonly number[], where: string): boolean {
  const declared = sequentialOf(f)?.inputShape;
  if (declared === undefined) return false;
  if (declared.length !== rowShape.length || declared.some((d, i) => d !== rowShape[i])) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: x must have rows of the model's input shape ${formatShape(declared)} (x of shape [N, ${declared.join(', ')}]), got rows of shape ${formatShape(rowShape)}`,
    );
  }
  return true;
}

/** Bytes of input in one batch above which `probeRowShape` makes a 1-row trial call first (16 MiB). */
export const PROBE_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * For a model that does not declare its input shape: when one batch of rows would hold more than
 * PROBE_BATCH_BYTES of input, runs the model once on the first row of x (one row, checked like every model
 * output), so that a model that refuses the row shape fails before a large batch is built. Small batches are
 * not probed (their first batch costs as little as the probe).
 */
export function probeRowShape(p: Prepared, signal: AbortSignal | undefined, where: string): void {
  if (p.declaresInput || p.n === 0) return;
  if (p.batchSize * p.rowSize * 4 <= PROBE_BATCH_BYTES) return;
  throwIfAborted(signal, where);
  tf.tidy(() => {
    const out = p.forward(tf.tensor(p.x.subarray(0, p.rowSize), [1, ...p.rowShape], 'float32'));
    checkModelOutput(out, 1, where);
  });
}

/** A validated feature mask plus, per group, the flat element indices of one row that belong to it. */
export interface FeatureGroups extends FeatureMaskInfo {
  /** Elements of group g are members[offsets[g] .. offsets[g + 1]). */
  offsets: Int32Array;
  members: Int32Array;
}

/** Groups elements by group id (a CSR index) for fast per-group edits of a row. */
export function indexGroups(info: FeatureMaskInfo): FeatureGroups {
  const { groups, numGroups } = info;
  const offsets = new Int32Array(numGroups + 1);
  for (let e = 0; e < groups.length; e++) offsets[groups[e]! + 1]++;
  for (let g = 0; g < numGroups; g++) offsets[g + 1] += offsets[g]!;
  const fill = offsets.slice(0, numGroups);
  const members = new Int32Array(groups.length);
  for (let e = 0; e < groups.length; e++) members[fill[groups[e]!]!++] = e;
  return { groups, numGroups, offsets, members };
}

/** resolveFeatureMask (tensors-ops) followed by indexGroups. */
export function featureGroups(mask: unknown, rowShape: readonly number[], where: string): FeatureGroups {
  return indexGroups(resolveFeatureMask(mask, rowShape, where));
}

/**
 * Writes one model row mixing x and the baseline by coalition: element e comes from x when its group is in
 * the coalition (`on[groups[e]] !== 0`), from the baseline otherwise.
 */
export function fillCoalition(
  out: Float32Array,
  offset: number,
  x: Float32Array,
  b: Float32Array,
  rowStart: number,
  groups: Int32Array,
  on: ArrayLike<number>,
): void {
  const size = groups.length;
  for (let e = 0; e < size; e++) out[offset + e] = on[groups[e]!] ? x[rowStart + e]! : b[rowStart + e]!;
}

/** Spreads one value per group to every element of a row: out[rowStart + e] = values[groups[e]]. */
export function spreadGroups(out: Float32Array, rowStart: number, groups: Int32Array, values: ArrayLike<number>): void {
  for (let e = 0; e < groups.length; e++) out[rowStart + e] = values[groups[e]!]!;
}

/** Checks an optional positive integer option (e.g. samples >= 1); returns it or the default. */
export function intOption(value: unknown, name: string, where: string, fallback: number, min = 1, max?: number): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && (max === undefined || value <= max);
  if (!ok) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be an integer >= ${min}${max === undefined ? '' : ` and <= ${max}`}, got ${describe(value)}`,
    );
  }
  return value as number;
}

/** Checks an optional finite number option with an exclusive or inclusive lower bound; returns it or the default. */
export function numberOption(
  value: unknown,
  name: string,
  where: string,
  fallback: number,
  rule: { gt?: number; min?: number; lt?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  const v = value as number;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(v) &&
    (rule.gt === undefined || v > rule.gt) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.lt === undefined || v < rule.lt) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) {
    const parts: string[] = [];
    if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
    if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
    if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
    if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number ${parts.join(' and ')}, got ${describe(value)}`);
  }
  return v;
}
