import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, createRng, EXPLAINS_ANY_MODEL, declareMethod, EXPLAIN_KEYS_WITHOUT_BASELINE, optionKeys, type Attribution, type ExplainOptions, type PoolOption, type Predictable, checkOptionKeys } from '@glassbox/tensors-ops';
import { attributionTensor, featureGroups, intOption, prepare } from './internal/prepare.js';
import { scorePlan } from './internal/evaluate.js';

export interface FeaturePermutationOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption {
  /** Feature groups (int32, broadcastable to one row, values 0..M-1 without gaps); default every element its own group. */
  featureMask?: Tensor | Int32Array | number[];
  /** Independent permutations per group, averaged; default 1. */
  repeats?: number;
}

/** The keys of FeaturePermutationOptions. */
export const FEATURE_PERMUTATION_OPTION_KEYS = optionKeys<FeaturePermutationOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
  featureMask: true,
  repeats: true,
});

export interface PermutationAttribution extends Attribution {
  /**
   * Global importance, one number per feature group (length M): the mean over rows and repeats of
   * |F(x) - F(x with the group permuted across rows)|, i.e. how far the output moves when the group's link to
   * the rest of its row is broken.
   */
  importance: number[];
}

/**
 * Feature permutation: shuffle one feature group across the rows of a batch (so each row gets another row's
 * values for that group, keeping the group's distribution) and record how much each row's score changes.
 * A global importance: a model that ignores a group does not notice its shuffling.
 *
 *   A_{n,i} = mean over repeats of  F(x_n) - F(x_n with group g(i) taken from row pi(n))
 *
 * where pi is a seeded random permutation of the rows, drawn anew for each group and repeat. With f a per-row
 * loss (labels closed over, rows stay aligned), -mean_n A_{n,i} is Breiman's increase in loss; with f a
 * score, `importance` (mean absolute change) is the label-free version (Fisher et al.'s model reliance).
 *
 * Papers: Breiman, "Random Forests", Machine Learning 2001 (no arXiv id); Fisher, Rudin & Dominici, "All
 * Models are Wrong, but Many are Useful", JMLR 2019, arXiv 1801.01489. Captum's FeaturePermutation.
 *
 * @param f the model [N, ...] -> [N, K] or [N].
 * @param x float32 [N, ...] with N >= 2 rows, finite.
 * @param options
 *   - `featureMask`: groups; default every element its own group.
 *   - `repeats`: permutations per group, averaged (default 1).
 *   - `seed` (default 0), `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns per-row attributions with x's shape, plus `importance` per group. N (1 + repeats M) model rows.
 *
 * @example
 * ```ts
 * const { attributions, importance } = await featurePermutation(model, batch, { target: 1, seed: 7 });
 * ```
 */
export async function featurePermutation(
  f: Predictable,
  x: Tensor,
  options: FeaturePermutationOptions = {},
): Promise<PermutationAttribution> {
  const where = 'featurePermutation';
  if ((options as ExplainOptions | null | undefined)?.baseline !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.baseline is not used (permuted values come from other rows); remove it`);
  }
  const opts = checkOptionKeys<FeaturePermutationOptions>(options, FEATURE_PERMUTATION_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where, false);
  const { n, rowShape, rowSize } = p;
  if (n < 2) {
    throw new GlassboxError('SHAPE_MISMATCH', `${where}: x must have at least 2 rows to permute across, got shape [${x.shape.join(', ')}]`);
  }
  const repeats = intOption(opts.repeats, 'options.repeats', where, 1);
  const g = featureGroups(opts.featureMask, rowShape, where);
  const m = g.numGroups;
  const rng = createRng(p.seed);
  // perms[(rep * m + group) * n + row] = the row whose values replace this row's group.
  const perms = new Int32Array(repeats * m * n);
  for (let k = 0; k < repeats * m; k++) perms.set(rng.permutation(n), k * n);
  const scores = await scorePlan(
    p,
    {
      rows: n + repeats * m * n,
      rowShape,
      // Original rows first, then (repeat, group, row).
      inputOf: (r) => (r < n ? r : (r - n) % n),
      fill: (r, out, offset) => {
        if (r < n) {
          out.set(p.x.subarray(r * rowSize, (r + 1) * rowSize), offset);
          return;
        }
        const k = Math.floor((r - n) / n);
        const i = (r - n) % n;
        const group = k % m;
        const src = perms[k * n + i]!;
        out.set(p.x.subarray(i * rowSize, (i + 1) * rowSize), offset);
        for (let t = g.offsets[group]!; t < g.offsets[group + 1]!; t++) {
          const e = g.members[t]!;
          out[offset + e] = p.x[src * rowSize + e]!;
        }
      },
    },
    opts,
    where,
  );
  const diff = new Float64Array(n * m);
  const importance = new Array<number>(m).fill(0);
  for (let k = 0; k < repeats * m; k++) {
    const group = k % m;
    for (let i = 0; i < n; i++) {
      const d = scores[i]! - scores[n + k * n + i]!;
      diff[i * m + group] += d / repeats;
      importance[group] += Math.abs(d) / (repeats * n);
    }
  }
  const attr = new Float32Array(n * rowSize);
  for (let i = 0; i < n; i++) {
    for (let e = 0; e < rowSize; e++) attr[i * rowSize + e] = diff[i * m + g.groups[e]!]!;
  }
  return { attributions: attributionTensor(attr, x.shape, where), importance, method: 'featurePermutation' };
}
declareMethod(featurePermutation, {
  name: 'featurePermutation',
  label: 'Feature permutation',
  summary: 'score change when each feature group is shuffled across the batch (Breiman 2001; Fisher et al. 2019)',
  paper: 'L. Breiman, 2001, Machine Learning 45; A. Fisher, C. Rudin, F. Dominici, 2019, arXiv:1801.01489',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  rowwise: false,
  batch: true,
  signed: true,
  options: [{ key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1); default every element its own group' }, { key: 'repeats', type: 'integer', default: 1, min: 1, summary: 'independent permutations per group, averaged' }],
  optionKeys: FEATURE_PERMUTATION_OPTION_KEYS,
});
