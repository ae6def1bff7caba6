import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, EXPLAINS_ANY_MODEL, declareMethod, EXPLAIN_KEYS, optionKeys, type Attribution, type ExplainOptions, type PoolOption, type Predictable, checkOptionKeys } from '@glassbox/tensors-ops';
import { attributionTensor, featureGroups, fillCoalition, prepare, spreadGroups } from './internal/prepare.js';
import { scorePlan } from './internal/evaluate.js';

/** Most feature groups exactShapley enumerates (2^16 = 65536 model rows per row of x). */
export const MAX_EXACT_SHAPLEY_GROUPS = 16;

export interface ExactShapleyOptions extends ExplainOptions, PoolOption {
  /** Feature groups (int32, broadcastable to one row, values 0..M-1 without gaps, M <= 16); default every element its own group. */
  featureMask?: Tensor | Int32Array | number[];
}

/** The keys of ExactShapleyOptions. */
export const EXACT_SHAPLEY_OPTION_KEYS = optionKeys<ExactShapleyOptions>({
  ...EXPLAIN_KEYS,
  pool: true,
  featureMask: true,
});

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
 * Paper: Shapley, "A Value for n-Person Games", 1953 (no arXiv id); for model explanation with a baseline,
 * Strumbelj & Kononenko, JMLR 2010 (no arXiv id) and Lundberg & Lee 2017, arXiv 1705.07874.
 *
 * @param f the model [N, ...] -> [N, K] or [N].
 * @param x float32 [N, ...], finite.
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
export async function exactShapley(f: Predictable, x: Tensor, options: ExactShapleyOptions = {}): Promise<Attribution> {
  const where = 'exactShapley';
  const opts = checkOptionKeys<ExactShapleyOptions>(options, EXACT_SHAPLEY_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where);
  const { n, rowShape, rowSize } = p;
  if (opts.featureMask === undefined && rowSize > MAX_EXACT_SHAPLEY_GROUPS) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.featureMask is required when a row has more than ${MAX_EXACT_SHAPLEY_GROUPS} elements (got ${rowSize}); exactShapley enumerates 2^M coalitions of at most ${MAX_EXACT_SHAPLEY_GROUPS} groups`,
    );
  }
  const g = featureGroups(opts.featureMask, rowShape, where);
  const m = g.numGroups;
  if (m > MAX_EXACT_SHAPLEY_GROUPS) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: options.featureMask has ${m} groups; exactShapley enumerates 2^M coalitions and takes at most ${MAX_EXACT_SHAPLEY_GROUPS} groups (use shapleyValueSampling or kernelShap)`,
    );
  }
  const per = 2 ** m;
  const on = new Uint8Array(m);
  const scores = await scorePlan(
    p,
    {
      rows: n * per,
      rowShape,
      inputOf: (r) => Math.floor(r / per),
      fill: (r, out, offset) => {
        const mask = r % per;
        for (let group = 0; group < m; group++) on[group] = (mask >>> group) & 1;
        fillCoalition(out, offset, p.x, p.b, Math.floor(r / per) * rowSize, g.groups, on);
      },
    },
    opts,
    where,
  );
  // weight[s] = s! (m - s - 1)! / m!
  const weight = new Float64Array(Math.max(1, m));
  for (let s = 0; s < m; s++) {
    let w = 1 / m;
    // 1 / (m * C(m - 1, s))
    for (let t = 1; t <= s; t++) w *= t / (m - t);
    weight[s] = w;
  }
  const size = new Uint8Array(per);
  for (let mask = 1; mask < per; mask++) size[mask] = size[mask >>> 1]! + (mask & 1);
  const attr = new Float32Array(n * rowSize);
  const phi = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    phi.fill(0);
    const base = i * per;
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
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [{ key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1, M <= 16)' }],
  optionKeys: EXACT_SHAPLEY_OPTION_KEYS,
});
