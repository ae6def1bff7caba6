import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  modelForwards,
  assertNumber,
  checkCommonOptions,
  checkInput,
  createRng,
  optionKeys,
  resolveBaseline,
  resolveFeatureMask,
  TargetResolver,
  booleanOption,
  checkOptionKeys,
  explainerRun,
  scoreRows,
  tf,
  type ExplainOptions,
  type Predictable,
} from '@glassbox/tensors-ops';
import { checkAttributions } from './check-attributions.js';
import { trapezoid } from './trapezoid.js';
import type { AttributionsInput } from './types.js';

/** Options of deletionCurve and insertionCurve. */
export interface CurveOptions extends ExplainOptions {
  /**
   * Number of equal intervals the fraction 0..1 of features is cut into (integer >= 1); the curve has
   * intervals + 1 points, at fractions 0, 1/intervals, ..., 1. Default 20.
   */
  intervals?: number;
  /** @deprecated renamed `intervals` (read for one release; giving both is refused). */
  steps?: number;
  /**
   * What a removed feature becomes (deletion) or what the input starts from (insertion): a number or a tensor
   * broadcastable to x (e.g. a blurred copy of x, as in RISE). Default 0.
   */
  baseline?: number | Tensor;
  /**
   * Groups of features removed together (int32, broadcastable to one row of x, values 0..M-1), e.g. one
   * group per pixel across its channels, or superpixels. A group's score is the sum of its attributions.
   * Default: every element is its own feature.
   */
  featureMask?: Tensor | Int32Array | number[];
  /** Also compute the curve of a random order, for comparison (seeded by options.seed). Default true. */
  random?: boolean;
}

/** The keys of CurveOptions. */
export const CURVE_OPTION_KEYS = optionKeys<CurveOptions>({
  target: true,
  intervals: true,
  steps: true,
  baseline: true,
  featureMask: true,
  random: true,
  seed: true,
  batchSize: true,
  onProgress: true,
  signal: true,
});

/** The result of deletionCurve and insertionCurve. */
export interface CurveResult {
  /** The x axis: the fraction of features removed (deletion) or inserted (insertion) at each point, 0..1. */
  fractions: number[];
  /** One curve per row of x: the target score at each point, in the model's units, [N][intervals + 1]. */
  curves: number[][];
  /**
   * The same curves normalised: (score - F(baseline)) / |F(x) - F(baseline)| at each point (see the function),
   * so a deletion curve runs from 1 to 0 and an insertion curve from 0 to 1 when F(x) > F(baseline).
   */
  normalizedCurves: number[][];
  /** One area per row: the trapezoid area under `normalizedCurves` over `fractions` (see the function). */
  auc: number[];
  /** One area per row under `curves`, in the model's units (the mean score along the curve). */
  rawAuc: number[];
  /** F(x) per row: the target score of the input (first point of a deletion curve, last of an insertion curve). */
  inputScores: number[];
  /** F(baseline) per row: the score with every feature at the baseline (last point of deletion, first of insertion). */
  baselineScores: number[];
  /** The curves of a random order (seeded), present unless `random: false`. */
  randomCurves?: number[][];
  /** The random curves normalised with the same F(x) and F(baseline) as the row's curve. */
  randomNormalizedCurves?: number[][];
  /** The normalised areas of the random curves (compare with `auc`). */
  randomAuc?: number[];
  /** The raw areas of the random curves (compare with `rawAuc`). */
  randomRawAuc?: number[];
}

/**
 * The shared engine of deletionCurve and insertionCurve: orders the features of each row by attribution
 * (highest first; ties by feature index), builds the intervals + 1 inputs of every row on the host (so the numbers
 * do not depend on the backend's ops or on batchSize), scores them through mapBatches and integrates.
 */
export async function perturbationCurve(
  mode: 'deletion' | 'insertion',
  f: Predictable,
  x: Tensor,
  attributions: AttributionsInput,
  options: CurveOptions | undefined,
  where: string,
): Promise<CurveResult> {
  checkInput(x, where);
  const a = checkAttributions(attributions, x, where);
  const model = modelForwards(f, where);
  const opts = checkOptionKeys<CurveOptions>(options, CURVE_OPTION_KEYS, where);
  const { batchSize, seed } = checkCommonOptions(opts, where);
  if (opts.intervals !== undefined && opts.steps !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.steps is the old name of options.intervals; give only options.intervals`);
  }
  const [stepsName, stepsValue] = opts.steps !== undefined ? ['options.steps', opts.steps] : ['options.intervals', opts.intervals];
  const steps = stepsValue === undefined ? 20 : assertNumber(stepsValue, stepsName, where, { integer: true, min: 1 });
  const withRandom = booleanOption(opts.random, 'options.random', where, true);
  const n = x.shape[0]!;
  const targets = new TargetResolver(opts.target, n, where);
  const rowShape = x.shape.slice(1);
  const { groups, numGroups } = resolveFeatureMask(opts.featureMask, rowShape, where);
  const d = groups.length;
  if (d === 0) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have at least one feature per row, got shape [${x.shape.join(', ')}]`);
  }

  const b = resolveBaseline(opts.baseline, x, where);
  let xv: Float32Array;
  let bv: Float32Array;
  try {
    xv = x.dataSync() as Float32Array;
    bv = b.dataSync() as Float32Array;
  } finally {
    b.dispose();
  }
  const av = a.dataSync();

  // rank[i][g] = position of group g in row i's order (0 = removed first).
  const orders: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const score = new Float64Array(numGroups);
    for (let j = 0; j < d; j++) score[groups[j]!] += av[i * d + j]!;
    const order = Array.from({ length: numGroups }, (_, g) => g);
    order.sort((p, q) => score[q]! - score[p]! || p - q);
    orders.push(rankOf(order));
  }
  if (withRandom) {
    const rng = createRng(seed);
    for (let i = 0; i < n; i++) orders.push(rankOf(rng.fork(i).permutation(numGroups)));
  }

  const points = steps + 1;
  const counts = Array.from({ length: points }, (_, k) => Math.round((k * numGroups) / steps));
  const fractions = counts.map((c) => c / numGroups);
  const sets = withRandom ? 2 : 1;
  const rows = sets * n * points;
  const shape = [0, ...rowShape];
  const source = {
    rows,
    get(start: number, end: number): Tensor {
      const buf = new Float32Array((end - start) * d);
      for (let r = start; r < end; r++) {
        const set = Math.floor(r / (n * points));
        const rem = r % (n * points);
        const i = Math.floor(rem / points);
        const k = rem % points;
        const rank = orders[set * n + i]!;
        const changedBelow = counts[k]!;
        const o = (r - start) * d;
        const base = i * d;
        for (let j = 0; j < d; j++) {
          const changed = rank[groups[j]!]! < changedBelow;
          // deletion: removed features take the baseline; insertion: inserted features take x.
          buf[o + j] = changed === (mode === 'deletion') ? bv[base + j]! : xv[base + j]!;
        }
      }
      shape[0] = end - start;
      return tf.tensor(buf, shape.slice(), 'float32');
    },
  };

  // Model row r is point (r % (n * points)) % points of row floor((r % (n * points)) / points), in either set.
  const run = explainerRun({ ...model, targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, rows);
  const scores = await scoreRows(run, rows, (start, end) => source.get(start, end), (r) => Math.floor((r % (n * points)) / points));

  const curveOf = (set: number, i: number) => Array.from(scores.subarray((set * n + i) * points, (set * n + i + 1) * points));
  const result: CurveResult = {
    fractions,
    curves: [],
    normalizedCurves: [],
    auc: [],
    rawAuc: [],
    inputScores: [],
    baselineScores: [],
  };
  for (let i = 0; i < n; i++) {
    const curve = curveOf(0, i);
    // Every feature at x is the first point of a deletion curve and the last of an insertion curve; every
    // feature at the baseline is the other end.
    const fx = mode === 'deletion' ? curve[0]! : curve[points - 1]!;
    const fb = mode === 'deletion' ? curve[points - 1]! : curve[0]!;
    const normalized = normalizeCurve(curve, fx, fb);
    result.curves.push(curve);
    result.normalizedCurves.push(normalized);
    result.auc.push(trapezoid(fractions, normalized));
    result.rawAuc.push(trapezoid(fractions, curve));
    result.inputScores.push(fx);
    result.baselineScores.push(fb);
  }
  if (withRandom) {
    result.randomCurves = [];
    result.randomNormalizedCurves = [];
    result.randomAuc = [];
    result.randomRawAuc = [];
    for (let i = 0; i < n; i++) {
      const curve = curveOf(1, i);
      const normalized = normalizeCurve(curve, result.inputScores[i]!, result.baselineScores[i]!);
      result.randomCurves.push(curve);
      result.randomNormalizedCurves.push(normalized);
      result.randomAuc.push(trapezoid(fractions, normalized));
      result.randomRawAuc.push(trapezoid(fractions, curve));
    }
  }
  return result;
}

/**
 * (score - F(b)) / |F(x) - F(b)| at every point: measured from the baseline's score, in units of the whole
 * change between the baseline and x. The divisor is positive, so the order of two curves (and "lower is
 * better" for deletion, "higher is better" for insertion) is the order of their raw areas, whatever the signs
 * of F(x) and F(b). When F(x) = F(b) there is no change to measure in; the divisor is then 1 (model units).
 */
export function normalizeCurve(curve: readonly number[], fx: number, fb: number): number[] {
  const gap = Math.abs(fx - fb);
  const scale = gap > 0 ? gap : 1;
  return curve.map((v) => (v - fb) / scale);
}

function rankOf(order: ArrayLike<number>): Int32Array {
  const rank = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) rank[order[p]!] = p;
  return rank;
}

