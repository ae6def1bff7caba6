import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertOneOf,
  checkInput,
  createRng,
  EXPLAINS_ANY_MODEL,
  declareMethod,
  formatShape,
  EXPLAIN_KEYS_WITHOUT_BASELINE,
  optionKeys,
  tf,
  type ExplainOptions,
  type PoolOption,
  type Predictable,
  checkOptionKeys,
} from '@glassbox/tensors-ops';
import { featureGroups, intOption, numberOption, prepare, readFloat, type FeatureGroups } from './internal/prepare.js';
import { scorePlan } from './internal/evaluate.js';
import { weightedR2, weightedRidge } from './internal/linalg.js';
import { fitTree, predictTree, type TreeNode } from './internal/regression-tree.js';

export type { TreeNode } from './internal/regression-tree.js';

export type SurrogateKind = 'ridge' | 'tree';
export const SURROGATE_KINDS: readonly SurrogateKind[] = ['ridge', 'tree'];

export interface SurrogateOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption {
  /** 'ridge' (default): a linear model; 'tree': a shallow regression tree. */
  kind?: SurrogateKind;
  /** Feature groups (int32, broadcastable to one row, 0..M-1 without gaps): a group's feature is the mean of its elements. Default: every element a feature. */
  featureMask?: Tensor | Int32Array | number[];
  /** Ridge penalty, >= 0 (intercept not penalised); default 1e-3. */
  alpha?: number;
  /** Tree depth, >= 1; default 3. */
  maxDepth?: number;
  /** Fewest training rows per tree leaf, >= 1; default 5. */
  minLeaf?: number;
  /** Fraction of the rows held out to measure fidelity, in [0, 1); default 0.2 (seeded split). With 0, fidelity is measured on the training rows. */
  holdout?: number;
}

/** The keys of SurrogateOptions. */
export const SURROGATE_OPTION_KEYS = optionKeys<SurrogateOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
  kind: true,
  featureMask: true,
  alpha: true,
  maxDepth: true,
  minLeaf: true,
  holdout: true,
});

export interface SurrogateModel {
  kind: SurrogateKind;
  /**
   * One number per feature (group): for 'ridge' the linear coefficients (the change in F per unit of the
   * feature); for 'tree' the impurity-based importances (normalised to sum to 1).
   */
  coefficients: number[];
  /** Ridge intercept; for a tree, the mean training target (its root value). */
  intercept: number;
  /** R^2 of the surrogate against f on the held-out rows (the training rows when holdout is 0). */
  fidelity: number;
  /** R^2 on the training rows. */
  trainFidelity: number;
  /** Rows of X used to fit, and held out. */
  trainRows: number[];
  holdoutRows: number[];
  /** The tree, for kind 'tree'. */
  tree?: TreeNode;
  /** The surrogate's prediction for new inputs of X's row shape: a [N] tensor the caller owns. */
  predict(x: Tensor): Tensor;
}

function groupMeans(data: Float32Array, rows: number, rowSize: number, g: FeatureGroups): Float64Array {
  const m = g.numGroups;
  const out = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let t = g.offsets[k]!; t < g.offsets[k + 1]!; t++) s += data[i * rowSize + g.members[t]!]!;
      out[i * m + k] = s / (g.offsets[k + 1]! - g.offsets[k]!);
    }
  }
  return out;
}

/**
 * A global surrogate: an interpretable model (ridge regression, or a shallow regression tree) fitted to
 * mimic f over a data set, with its fidelity (R^2 against f) measured on held-out rows. Where local methods
 * explain one prediction, the surrogate describes the model as a whole, as far as its fidelity allows; with
 * a decoder as f (through `outputRegion`) and latent codes as X, it is the interpretability model of a
 * generative model's output.
 *
 *   y_n = F(X_n);   features u_{n,g} = mean of X_n over group g
 *   ridge:  (beta, c) = argmin sum_{n in train} (y_n - c - beta . u_n)^2 + alpha ||beta||^2
 *   tree:   CART regression tree on u (squared error) of depth <= maxDepth
 *   fidelity = 1 - sum_{holdout} (y - y_hat)^2 / sum_{holdout} (y - mean(y))^2
 *
 * References: Craven & Shavlik, "Extracting Tree-Structured Representations of Trained Networks", NeurIPS
 * 1995 (no arXiv id); Molnar, "Interpretable Machine Learning", ch. Global Surrogate; CART: Breiman,
 * Friedman, Olshen & Stone 1984 (no arXiv id).
 *
 * @param f the model [N, ...] -> [N, K] or [N].
 * @param X float32 [N, ...], the data set (finite), N >= 2.
 * @param options
 *   - `kind` ('ridge' | 'tree', default 'ridge'), `alpha` (ridge, default 1e-3), `maxDepth` (tree, default 3),
 *     `minLeaf` (tree, default 5).
 *   - `featureMask`: feature groups (a group's feature is its mean); default every element.
 *   - `holdout` (default 0.2), `seed` (split, default 0), `target`, `batchSize`, `onProgress`, `signal`.
 * @returns the fitted SurrogateModel (plain numbers; its `predict` makes tensors the caller owns).
 *
 * @example
 * ```ts
 * const s = await surrogate(outputRegion(decoder, topHalf, 'mean'), codes, { holdout: 0.25, seed: 1 });
 * console.log(s.coefficients, s.fidelity);                   // per latent dimension, and R^2 on held-out codes
 * ```
 */
export async function surrogate(f: Predictable, X: Tensor, options: SurrogateOptions = {}): Promise<SurrogateModel> {
  const where = 'surrogate';
  if ((options as ExplainOptions | null | undefined)?.baseline !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.baseline is not used by a global surrogate; remove it`);
  }
  const opts = checkOptionKeys<SurrogateOptions>(options, SURROGATE_OPTION_KEYS, where);
  const p = prepare(f, X, opts, where, false);
  const { n, rowShape, rowSize } = p;
  const kind = opts.kind === undefined ? 'ridge' : assertOneOf(opts.kind, SURROGATE_KINDS, 'options.kind', where);
  const alpha = numberOption(opts.alpha, 'options.alpha', where, 1e-3, { min: 0 });
  const maxDepth = intOption(opts.maxDepth, 'options.maxDepth', where, 3);
  const minLeaf = intOption(opts.minLeaf, 'options.minLeaf', where, 5);
  const holdout = numberOption(opts.holdout, 'options.holdout', where, 0.2, { min: 0, lt: 1 });
  const g = featureGroups(opts.featureMask, rowShape, where);
  const m = g.numGroups;
  const nHold = holdout > 0 ? Math.max(1, Math.round(n * holdout)) : 0;
  if (n - nHold < 2) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: X has ${n} rows; with options.holdout ${holdout} that leaves ${n - nHold} training rows, at least 2 are needed`,
    );
  }
  const perm = Array.from(createRng(p.seed).permutation(n));
  const holdoutRows = perm.slice(0, nHold).sort((a, b) => a - b);
  const trainRows = perm.slice(nHold).sort((a, b) => a - b);

  const y = await scorePlan(
    p,
    {
      rows: n,
      rowShape,
      inputOf: (r) => r,
      fill: (r, out, offset) => out.set(p.x.subarray(r * rowSize, (r + 1) * rowSize), offset),
    },
    opts,
    where,
  );
  const features = groupMeans(p.x, n, rowSize, g);
  const pick = (rows: number[]): { u: Float64Array; t: Float64Array } => {
    const u = new Float64Array(rows.length * m);
    const t = new Float64Array(rows.length);
    rows.forEach((r, k) => {
      u.set(features.subarray(r * m, (r + 1) * m), k * m);
      t[k] = y[r]!;
    });
    return { u, t };
  };
  const train = pick(trainRows);
  let predictOne: (u: ArrayLike<number>, offset: number) => number;
  let coefficients: number[];
  let intercept: number;
  let tree: TreeNode | undefined;
  if (kind === 'ridge') {
    const fit = weightedRidge(train.u, trainRows.length, m, train.t, null, alpha);
    coefficients = Array.from(fit.coef);
    intercept = fit.intercept;
    predictOne = (u, offset) => {
      let s = fit.intercept;
      for (let k = 0; k < m; k++) s += fit.coef[k]! * u[offset + k]!;
      return s;
    };
  } else {
    const fit = fitTree(train.u, trainRows.length, m, train.t, maxDepth, minLeaf);
    coefficients = Array.from(fit.importances);
    intercept = fit.root.value;
    tree = fit.root;
    predictOne = (u, offset) => predictTree(fit.root, u, offset);
  }
  const r2 = (set: { u: Float64Array; t: Float64Array }): number => {
    const pred = new Float64Array(set.t.length);
    for (let k = 0; k < set.t.length; k++) pred[k] = predictOne(set.u, k * m);
    return weightedR2(set.t, pred, null);
  };
  const trainFidelity = r2(train);
  const fidelity = nHold > 0 ? r2(pick(holdoutRows)) : trainFidelity;
  const model: SurrogateModel = {
    kind,
    coefficients,
    intercept,
    fidelity,
    trainFidelity,
    trainRows,
    holdoutRows,
    predict(xNew: Tensor): Tensor {
      checkInput(xNew, 'surrogate.predict');
      const shape = xNew.shape.slice(1);
      if (shape.length !== rowShape.length || shape.some((d, k) => d !== rowShape[k])) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `surrogate.predict: x must have rows of shape ${formatShape(rowShape)} like the data the surrogate was fitted to, got ${formatShape(xNew.shape)}`,
        );
      }
      const rows = xNew.shape[0]!;
      const u = groupMeans(readFloat(xNew), rows, rowSize, g);
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) out[r] = predictOne(u, r * m);
      return tf.tensor1d(out, 'float32');
    },
  };
  if (tree !== undefined) model.tree = tree;
  return model;
}
declareMethod(surrogate, {
  name: 'surrogate',
  label: 'Global surrogate',
  summary: 'a global ridge model (or a shallow tree) of the score over feature groups of many rows (Craven & Shavlik 1995)',
  paper: 'M. Craven, J. Shavlik, 1995, NeurIPS 8',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  output: 'model',
  rowwise: false,
  batch: true,
  signed: true,
  // Ridge coefficients are the change of the score per unit of a group's mean: a slope, like a gradient.
  gradientLike: true,
  options: [
    { key: 'kind', type: 'choice', default: 'ridge', choices: SURROGATE_KINDS, summary: 'a linear model or a shallow regression tree' },
    { key: 'featureMask', type: 'groups', summary: "feature groups; a group's feature is the mean of its elements" },
    { key: 'alpha', type: 'number', default: 1e-3, min: 0, summary: 'ridge penalty' },
    { key: 'maxDepth', type: 'integer', default: 3, min: 1, summary: 'tree depth' },
    { key: 'minLeaf', type: 'integer', default: 5, min: 1, summary: 'fewest training rows per leaf' },
    { key: 'holdout', type: 'number', default: 0.2, min: 0, max: 1, summary: 'fraction of the rows held out to measure fidelity' },
  ],
  optionKeys: SURROGATE_OPTION_KEYS,
});
