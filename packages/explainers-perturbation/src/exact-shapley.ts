import type { Tensor } from '@tensorflow/tfjs-core';
import { fillCoalition, GlassboxError, EXPLAINS_ANY_MODEL, declareMethod, optionKeys, type Attribution, type Predictable, type TokenModel, checkOptionKeys } from '@glassbox/tensors-ops';
import { attributionTensor, prepare, rowGroups, rowLayout, spreadGroups } from './internal/prepare.js';
import { TOKEN_INPUTS, TOKEN_MODEL_KINDS } from './internal/tokens.js';
import { scorePlan } from './internal/evaluate.js';
import { FEATURE_GROUP_KEYS, type FeatureGroupOptions } from './internal/group-options.js';

/** Most feature groups exactShapley enumerates (2^16 = 65536 model rows per row of x). */
export const MAX_EXACT_SHAPLEY_GROUPS = 16;

/** Options of exactShapley: the contract's, `pool` and `featureMask` (see FeatureGroupOptions), of at most 16 groups. */
export interface ExactShapleyOptions extends FeatureGroupOptions {}

/** The keys of ExactShapleyOptions. */
export const EXACT_SHAPLEY_OPTION_KEYS = optionKeys<ExactShapleyOptions>(FEATURE_GROUP_KEYS);

/**
 * Exact Shapley values by enumerating every coalition of feature groups: the reference the sampling methods
 * (shapleyValueSampling, kernelShap) approximate. A coalition S keeps the groups in S from x and takes the
 * rest from the baseline; each group is credited with its marginal contribution averaged with the Shapley
 * weights. Costs 2^M model rows per row of x, so M is limited to 16.
 *
 *   v(S)  = F(x with the groups in S from x, the rest from the baseline)
 *   phi_g = sum over S not containing g of  |S|! (M - |S| - 1)! / M!  (v(S + {g}) - v(S))
 *
 * It satisfies efficiency (sum_g phi_g = F(x) - F(b)), symmetry, dummy and linearity exactly.
 *
 * Tokens: x may be int32 token ids [N, T]. Each position is one feature by default; `featureMask` groups
 * positions (e.g. the word pieces of one word): [T] or [1, T] for every row, or [N, T] with one grouping per
 * row, each without gaps. f is a function of the ids ([N, T] -> [N, K]) or
 * a TokenModel (embed / forwardFromEmbeddings / vocabSize, e.g. a models-transformer GPT or TextClassifier),
 * which is then called through tensors-ops' tokenModelForward (for a causal language model, the scores of the
 * last position: the next-token logits) and whose vocabSize bounds the ids. `baseline` is then one token id
 * (default f.maskId; required when f has none): removed tokens are replaced by it, never interpolated. Positions
 * holding f.padId are no feature: never perturbed, attribution 0. A float x given to a TokenModel is refused.
 * At most 16 features per row (padding not counted): group longer texts with featureMask.
 * `pool` is refused for a TokenModel; with a function of ids the call runs on the main thread (the pool warns).
 *
 * Paper: Shapley, "A Value for n-Person Games", 1953 (no arXiv id); for model explanation with a baseline,
 * Strumbelj & Kononenko, JMLR 2010 (no arXiv id) and Lundberg & Lee 2017, arXiv 1705.07874.
 *
 * @param f the model [N, ...] -> [N, K] or [N] (a function or an object with predict), or a TokenModel.
 * @param x float32 [N, ...], finite; or int32 token ids [N, T].
 * @param options
 *   - `featureMask`: groups (at most 16); default every element its own group (so rows of <= 16 elements).
 *   - `baseline` (default 0), `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns attributions with x's shape (each element carries its group's value).
 *
 * @example
 * ```ts
 * const { attributions } = await exactShapley(model, rows, { featureMask: mask, baseline: 0 });
 * ```
 */
export async function exactShapley(f: Predictable | TokenModel, x: Tensor, options: ExactShapleyOptions = {}): Promise<Attribution> {
  const where = 'exactShapley';
  const opts = checkOptionKeys<ExactShapleyOptions>(options, EXACT_SHAPLEY_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where, true, { tokens: true });
  const { n, rowShape, rowSize } = p;
  if (opts.featureMask === undefined && rowSize > MAX_EXACT_SHAPLEY_GROUPS && p.tokens === null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.featureMask is required when a row has more than ${MAX_EXACT_SHAPLEY_GROUPS} elements (got ${rowSize}); exactShapley enumerates 2^M coalitions of at most ${MAX_EXACT_SHAPLEY_GROUPS} groups`,
    );
  }
  const rg = rowGroups(opts.featureMask, p, where);
  if (rg.maxGroups > MAX_EXACT_SHAPLEY_GROUPS) {
    const what = p.tokens === null || opts.featureMask !== undefined ? `options.featureMask has ${rg.maxGroups} groups` : `a row of x has ${rg.maxGroups} tokens (each its own feature)`;
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${what}; exactShapley enumerates 2^M coalitions and takes at most ${MAX_EXACT_SHAPLEY_GROUPS} groups (${p.tokens === null ? '' : 'group the tokens with options.featureMask, or '}use shapleyValueSampling or kernelShap)`,
    );
  }
  // Row i of x takes 2^M_i model rows: coalition `mask` (bit g set: group g from x) is model row start[i] + mask.
  const layout = rowLayout(rg.rows.map((g) => 2 ** g.numGroups));
  const on = new Uint8Array(rg.maxGroups);
  const scores = await scorePlan(
    p,
    {
      rows: layout.total,
      rowShape,
      inputOf: layout.inputOf,
      fill: (r, out, offset) => {
        const i = layout.inputOf(r);
        const g = rg.rows[i]!;
        const mask = r - layout.start[i]!;
        for (let group = 0; group < g.numGroups; group++) on[group] = (mask >>> group) & 1;
        fillCoalition(out, offset, p.x, p.b, i * rowSize, g.groups, on);
      },
    },
    opts,
    where,
  );
  const attr = new Float32Array(n * rowSize);
  const phi = new Float64Array(rg.maxGroups);
  for (let i = 0; i < n; i++) {
    const g = rg.rows[i]!;
    const m = g.numGroups;
    const per = 2 ** m;
    // weight[s] = s! (m - s - 1)! / m! = 1 / (m * C(m - 1, s))
    const weight = new Float64Array(Math.max(1, m));
    for (let s = 0; s < m; s++) {
      let w = 1 / m;
      for (let t = 1; t <= s; t++) w *= t / (m - t);
      weight[s] = w;
    }
    const size = new Uint8Array(per);
    for (let mask = 1; mask < per; mask++) size[mask] = size[mask >>> 1]! + (mask & 1);
    phi.fill(0);
    const base = layout.start[i]!;
    for (let mask = 0; mask < per; mask++) {
      const v = scores[base + mask]!;
      for (let group = 0; group < m; group++) {
        if ((mask >>> group) & 1) continue;
        phi[group] += weight[size[mask]!]! * (scores[base + (mask | (1 << group))]! - v);
      }
    }
    spreadGroups(attr, i * rowSize, g.groups, phi);
  }
  return { attributions: attributionTensor(attr, x.shape, where), method: 'exactShapley' };
}
declareMethod(exactShapley, {
  name: 'exactShapley',
  aliases: ['exact-shap'],
  label: 'Exact Shapley',
  summary: 'exact Shapley values of at most 16 patches (a coarse grid or few SLIC segments; 2^M model calls)',
  paper: 'L. Shapley, 1953, Contributions to the Theory of Games II',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  inputs: TOKEN_INPUTS,
  modelKinds: TOKEN_MODEL_KINDS,
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [{ key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1, M <= 16)' }],
  optionKeys: EXACT_SHAPLEY_OPTION_KEYS,
});
