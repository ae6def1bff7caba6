import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  modelForwards,
  assertNumber,
  checkTokenId,
  checkTokenIds,
  describe,
  formatShape,
  isTensor,
  isTokenModel,
  tokenModelForward,
  type TokenModel,
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
   * broadcastable to x (e.g. a blurred copy of x, as in RISE). Default 0. For token ids x: the mask token id
   * (an integer in 0..vocabSize-1) that replaces a removed token and fills the row insertion starts from;
   * default the model's maskId (required when f is a plain function of ids).
   */
  baseline?: number | Tensor;
  /**
   * Groups of features removed together (int32, broadcastable to one row of x, values 0..M-1), e.g. one
   * group per pixel across its channels, or superpixels. A group's score is the sum of its attributions.
   * Default: every element is its own feature. For token ids x: int32 [T], groups over positions (e.g. the
   * pieces of one word); default every position is its own feature.
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
  /**
   * Token ids only: the x axis of each row, the fraction of its real tokens (features) removed or inserted at
   * each point, counts_i[k] / M_i. Rows with different numbers of real tokens (padding) have different axes;
   * each row's `auc` and `rawAuc` are integrated over its own. `fractions` is then the nominal k / intervals
   * (or the common axis when every row has the same count).
   */
  rowFractions?: number[][];
  /** Token ids only: M_i, the number of features (groups with at least one real token) of each row. */
  featureCounts?: number[];
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
 *
 * Token ids (f a TokenModel, or int32 x): a removed position takes the mask id (options.baseline, else the
 * model's maskId), padding positions (the model's padId) are never changed and are not features, so each row
 * has its own number of features M_i and its own x axis (`rowFractions`).
 */
export async function perturbationCurve(
  mode: 'deletion' | 'insertion',
  f: Predictable | TokenModel,
  x: Tensor,
  attributions: AttributionsInput,
  options: CurveOptions | undefined,
  where: string,
): Promise<CurveResult> {
  // Token ids: f a TokenModel, or int32 x [N, T] (a plain function of ids); any other int32 x is refused below.
  const tokens = isTokenModel(f) || (isTensor(x) && x.dtype === 'int32' && x.rank === 2);
  const model = isTokenModel(f) ? f : null;
  if (tokens) {
    if (model !== null && (!Number.isInteger(model.vocabSize) || model.vocabSize < 1)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: f.vocabSize must be a positive integer, got ${describe(model.vocabSize)}`);
    }
    checkTokenIds(x, where, 'x', model?.vocabSize);
  } else {
    checkInput(x, where);
  }
  const a = checkAttributions(attributions, x, where);
  const forwards = model !== null ? { forward: tokenModelForward(model) } : modelForwards(f as Predictable, where);
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

  let xv: ArrayLike<number>;
  let bv: ArrayLike<number>;
  // For token ids: 1 at the positions that hold a real token (not padding); null for float inputs (all real).
  let real: Uint8Array | null = null;
  if (tokens) {
    const prepared = tokenInputs(model, x, opts.baseline, where);
    xv = prepared.ids;
    bv = prepared.baseline;
    real = prepared.real;
  } else {
    const b = resolveBaseline(opts.baseline, x, where);
    try {
      xv = x.dataSync() as Float32Array;
      bv = b.dataSync() as Float32Array;
    } finally {
      b.dispose();
    }
  }
  const av = a.dataSync();

  // rank[i][g] = position of group g in row i's order (0 = removed first); groups with no real position in the
  // row (padding only) get rank numGroups, so they are never changed. counts[i] = M_i, the row's feature count.
  const orders: Int32Array[] = [];
  const featureCounts: number[] = [];
  const activeGroups: number[][] = [];
  for (let i = 0; i < n; i++) {
    const score = new Float64Array(numGroups);
    const active = new Uint8Array(numGroups);
    for (let j = 0; j < d; j++) {
      if (real !== null && real[i * d + j] === 0) continue;
      score[groups[j]!] += av[i * d + j]!;
      active[groups[j]!] = 1;
    }
    const list: number[] = [];
    for (let g = 0; g < numGroups; g++) if (active[g] === 1) list.push(g);
    if (list.length === 0) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: x row ${i} holds only padding (the model's padId ${model?.padId}): it has no token to remove or insert`,
      );
    }
    activeGroups.push(list);
    featureCounts.push(list.length);
    const order = list.slice().sort((p, q) => score[q]! - score[p]! || p - q);
    orders.push(rankOf(order, numGroups));
  }
  if (withRandom) {
    const rng = createRng(seed);
    for (let i = 0; i < n; i++) {
      const list = activeGroups[i]!;
      const perm = rng.fork(i).permutation(list.length);
      orders.push(rankOf(Array.from(perm, (p) => list[p]!), numGroups));
    }
  }

  const points = steps + 1;
  const countsOf = (m: number) => Array.from({ length: points }, (_, k) => Math.round((k * m) / steps));
  const rowCounts = featureCounts.map(countsOf);
  const rowFractions = rowCounts.map((c, i) => c.map((v) => v / featureCounts[i]!));
  const sameCount = featureCounts.every((m) => m === featureCounts[0]);
  const fractions = sameCount ? rowFractions[0]!.slice() : Array.from({ length: points }, (_, k) => k / steps);
  const sets = withRandom ? 2 : 1;
  const rows = sets * n * points;
  const shape = [0, ...rowShape];
  const source = {
    rows,
    get(start: number, end: number): Tensor {
      const buf = tokens ? new Int32Array((end - start) * d) : new Float32Array((end - start) * d);
      for (let r = start; r < end; r++) {
        const set = Math.floor(r / (n * points));
        const rem = r % (n * points);
        const i = Math.floor(rem / points);
        const k = rem % points;
        const rank = orders[set * n + i]!;
        const changedBelow = rowCounts[i]![k]!;
        const o = (r - start) * d;
        const base = i * d;
        for (let j = 0; j < d; j++) {
          const changed = rank[groups[j]!]! < changedBelow;
          // deletion: removed features take the baseline; insertion: inserted features take x. (A padding
          // position holds the same value in both.)
          buf[o + j] = changed === (mode === 'deletion') ? bv[base + j]! : xv[base + j]!;
        }
      }
      shape[0] = end - start;
      return tf.tensor(buf, shape.slice(), tokens ? 'int32' : 'float32');
    },
  };

  // Model row r is point (r % (n * points)) % points of row floor((r % (n * points)) / points), in either set.
  const run = explainerRun({ ...forwards, targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, rows);
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
  if (tokens) {
    result.rowFractions = rowFractions;
    result.featureCounts = featureCounts;
  }
  for (let i = 0; i < n; i++) {
    const curve = curveOf(0, i);
    // Every feature at x is the first point of a deletion curve and the last of an insertion curve; every
    // feature at the baseline is the other end.
    const fx = mode === 'deletion' ? curve[0]! : curve[points - 1]!;
    const fb = mode === 'deletion' ? curve[points - 1]! : curve[0]!;
    const normalized = normalizeCurve(curve, fx, fb);
    result.curves.push(curve);
    result.normalizedCurves.push(normalized);
    result.auc.push(trapezoid(rowFractions[i]!, normalized));
    result.rawAuc.push(trapezoid(rowFractions[i]!, curve));
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
      result.randomAuc.push(trapezoid(rowFractions[i]!, normalized));
      result.randomRawAuc.push(trapezoid(rowFractions[i]!, curve));
    }
  }
  return result;
}

/**
 * The token-id inputs of a curve: the ids, the all-mask row (the baseline id at every real position, padding
 * kept) and which positions are real. The mask id is options.baseline (a token id), else the model's maskId.
 */
function tokenInputs(
  model: TokenModel | null,
  x: Tensor,
  baseline: unknown,
  where: string,
): { ids: Int32Array; baseline: Int32Array; real: Uint8Array } {
  const vocab = model?.vocabSize;
  let maskId: number;
  if (baseline !== undefined) {
    if (isTensor(baseline)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.baseline must be a token id (the id that replaces a removed token) for token ids x, got a tensor of shape ${formatShape(baseline.shape)}`);
    }
    maskId = checkTokenId(baseline, where, 'options.baseline', vocab);
  } else if (model?.maskId !== undefined) {
    maskId = checkTokenId(model.maskId, where, 'f.maskId', vocab);
  } else {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      model === null
        ? `${where}: x holds int32 values, read as token ids [N, T]: options.baseline (the mask token id that replaces a removed token, e.g. a [MASK] or [PAD] id) is required with a plain function of ids (for a float input, pass x as float32)`
        : `${where}: options.baseline (the mask token id that replaces a removed token) is required: the token model declares no maskId`,
    );
  }
  const padId = model?.padId;
  if (padId !== undefined && !(Number.isInteger(padId) && padId >= 0)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: f.padId must be a non-negative integer token id, got ${describe(padId)}`);
  }
  const ids = Int32Array.from(x.dataSync());
  const base = new Int32Array(ids.length).fill(maskId);
  const real = new Uint8Array(ids.length).fill(1);
  if (padId !== undefined) {
    for (let e = 0; e < ids.length; e++) {
      if (ids[e] !== padId) continue;
      real[e] = 0;
      base[e] = padId;
    }
  }
  return { ids, baseline: base, real };
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

/** rank[g] = position of g in order; groups not in order get `size` (never changed). */
function rankOf(order: ArrayLike<number>, size: number): Int32Array {
  const rank = new Int32Array(size).fill(size);
  for (let p = 0; p < order.length; p++) rank[order[p]!] = p;
  return rank;
}

