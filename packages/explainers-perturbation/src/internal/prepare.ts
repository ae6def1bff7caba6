/**
 * Argument checks and input preparation shared by every explainer in this package (the Captum-like helper
 * layer): the model becomes a ForwardFn, x and the baseline become flat Float32Arrays, the shared options are
 * validated before any model call.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertFiniteRows,
  checkModelOutput,
  formatShape,
  prepareExplainer,
  sequentialOf,
  throwIfAborted,
  describe,
  resolveBaseline,
  resolveFeatureMask,
  tf,
  type ExplainOptions,
  type FeatureMaskInfo,
  type Predictable,
  type PreparedExplainer,
} from '@glassbox/tensors-ops';

/** tensors-ops' PreparedExplainer, with x and the baseline read out as flat float32 rows. */
export interface Prepared extends Omit<PreparedExplainer, 'x'> {
  /** x, row-major. */
  x: Float32Array;
  /** The baseline broadcast to x's shape, row-major (zeros when the method has no baseline). */
  b: Float32Array;
  /** Whether the model declares its input shape (a tensors-ops Sequential or a Classifier), checked against x's rows. */
  declaresInput: boolean;
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
 * The common preparation of a perturbation explainer (tensors-ops' prepareExplainer: model, x, shared options,
 * target form, pool), then, when `withBaseline`, the baseline, and the rows against a model that declares its
 * input shape; all checked before any model call. The option keys are the caller's to check (checkOptionKeys).
 */
export function prepare(
  f: Predictable,
  x: Tensor,
  options: ExplainOptions,
  where: string,
  withBaseline = true,
): Prepared {
  const p = prepareExplainer(f, x, options, where);
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
  const declaresInput = checkDeclaredInput(f, p.rowShape, where);
  return { ...p, x: readFloat(x), b, declaresInput };
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
