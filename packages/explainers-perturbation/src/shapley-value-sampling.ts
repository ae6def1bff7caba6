import type { Tensor } from '@tensorflow/tfjs-core';
import { fillCoalition, assertPlanSize, createPace, createRng, EXPLAINS_ANY_MODEL, declareMethod, optionKeys, type Attribution, type Predictable, type TokenModel, checkOptionKeys } from '@glassbox/tensors-ops';
import { attributionTensor, intOption, prepare, rowGroups, rowLayout, spreadGroups } from './internal/prepare.js';
import { TOKEN_INPUTS, TOKEN_MODEL_KINDS } from './internal/tokens.js';
import { scorePlan } from './internal/evaluate.js';
import { FEATURE_GROUP_KEYS, type FeatureGroupOptions } from './internal/group-options.js';

export interface ShapleyValueSamplingOptions extends FeatureGroupOptions {
  /**
   * Permutations walked, >= 1 (a permutation and its reverse count as two); default 25. Each keeps 8M + 8N(M + 1)
   * bytes of bookkeeping, within tensors-ops' MAX_PLAN_BYTES (larger values are refused with INVALID_ARGUMENT).
   */
  samples?: number;
}

/** The keys of ShapleyValueSamplingOptions. */
export const SHAPLEY_VALUE_SAMPLING_OPTION_KEYS = optionKeys<ShapleyValueSamplingOptions>({ ...FEATURE_GROUP_KEYS, samples: true });

/**
 * Shapley value sampling: the Shapley value of a group is its average marginal contribution over random
 * orders in which the groups join, starting from the baseline. Each sampled order is walked once: the groups
 * are switched from the baseline to x one at a time and each one is credited with the change in score.
 * Orders come in antithetic pairs (an order and its reverse), which cancels much of the sampling noise.
 *
 *   phi_g = mean over sampled orders pi of  v(Pre_pi(g) + {g}) - v(Pre_pi(g)),
 *   v(S) = F(x with the groups in S from x, the rest from the baseline)
 *
 * where Pre_pi(g) is the set of groups before g in pi. Every walk telescopes, so the estimate is efficient
 * exactly: sum_g phi_g = F(x) - F(b). On a model without interactions it is exact for any number of samples.
 *
 * Tokens: x may be int32 token ids [N, T]. Each position is one feature by default; `featureMask` groups
 * positions (e.g. the word pieces of one word): [T] or [1, T] for every row, or [N, T] with one grouping per
 * row, each without gaps. f is a function of the ids ([N, T] -> [N, K]) or
 * a TokenModel (embed / forwardFromEmbeddings / vocabSize, e.g. a models-transformer GPT or TextClassifier),
 * which is then called through tensors-ops' tokenModelForward (for a causal language model, the scores of the
 * last position: the next-token logits) and whose vocabSize bounds the ids. `baseline` is then one token id
 * (default f.maskId; required when f has none): removed tokens are replaced by it, never interpolated. Positions
 * holding f.padId are no feature: never perturbed, attribution 0. A float x given to a TokenModel is refused.
 * Rows with the same number of features use the same draws from the seed (as rows of float x do).
 * `pool` is refused for a TokenModel; with a function of ids the call runs on the main thread (the pool warns).
 *
 * Papers: Castro, Gomez & Tejada, "Polynomial calculation of the Shapley value based on sampling",
 * Computers & Operations Research 2009 (no arXiv id); Strumbelj & Kononenko, "An Efficient Explanation of
 * Individual Classifications using Game Theory", JMLR 2010 (no arXiv id). Antithetic orders: Mitchell et al.
 * 2022, arXiv 2104.12199. Captum's ShapleyValueSampling.
 *
 * @param f the model [N, ...] -> [N, K] or [N] (a function or an object with predict), or a TokenModel.
 * @param x float32 [N, ...], finite; or int32 token ids [N, T].
 * @param options
 *   - `featureMask`: groups; default every element its own group.
 *   - `samples`: orders walked (default 25), each costing M + 1 model rows per row of x.
 *   - `baseline` (default 0), `seed` (default 0), `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns attributions with x's shape (each element carries its group's value).
 *
 * @example
 * ```ts
 * const mask = tf.tensor([0, 0, 1, 1, 2, 2], [1, 6], 'int32');
 * const { attributions } = await shapleyValueSampling(model, rows, { featureMask: mask, samples: 50, seed: 1 });
 * ```
 */
export async function shapleyValueSampling(
  f: Predictable | TokenModel,
  x: Tensor,
  options: ShapleyValueSamplingOptions = {},
): Promise<Attribution> {
  const where = 'shapleyValueSampling';
  const opts = checkOptionKeys<ShapleyValueSamplingOptions>(options, SHAPLEY_VALUE_SAMPLING_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where, true, { tokens: true });
  const { n, rowShape, rowSize } = p;
  const samples = intOption(opts.samples, 'options.samples', where, 25);
  const rg = rowGroups(opts.featureMask, p, where);
  // Bookkeeping per order: the order and its ranks (8 bytes per group) and the scores of its walk, M_i + 1 per row.
  let walksInAll = 0;
  for (const g of rg.rows) walksInAll += g.numGroups + 1;
  const counts = [...new Set(rg.rows.map((g) => g.numGroups))];
  const groupsOfCounts = counts.reduce((a, m) => a + m, 0);
  assertPlanSize(samples, 8 * groupsOfCounts + 8 * walksInAll, 'options.samples', where, ` for ${rg.maxGroups} feature groups and ${n} row(s) of x`);
  const pace = createPace(opts.signal, where);
  // The orders of M groups, drawn from the seed (rows with the same number of groups walk the same orders);
  // orders[k * m + t] = the group joining at step t of walk k; rank[k * m + group] = its step.
  const walks = new Map<number, { orders: Int32Array; rank: Int32Array }>();
  for (const m of counts) {
    const rng = createRng(p.seed);
    const orders = new Int32Array(samples * m);
    const rank = new Int32Array(samples * m);
    for (let k = 0; k < samples; k++) {
      // Drawing the orders is O(samples M): paced, so that an abort lands during it.
      if (k % 256 === 0) await pace();
      if (k % 2 === 0) {
        orders.set(rng.permutation(m), k * m);
      } else {
        for (let t = 0; t < m; t++) orders[k * m + t] = orders[(k - 1) * m + (m - 1 - t)]!;
      }
      for (let t = 0; t < m; t++) rank[k * m + orders[k * m + t]!] = t;
    }
    walks.set(m, { orders, rank });
  }
  // Row i of x takes samples (M_i + 1) model rows: walk k, step t is model row start[i] + k (M_i + 1) + t.
  const layout = rowLayout(rg.rows.map((g) => samples * (g.numGroups + 1)));
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
        const m = g.numGroups;
        const walk = m + 1;
        const { rank } = walks.get(m)!;
        const local = r - layout.start[i]!;
        const k = Math.floor(local / walk);
        const steps = local % walk;
        for (let group = 0; group < m; group++) on[group] = rank[k * m + group]! < steps ? 1 : 0;
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
    const walk = m + 1;
    const { orders } = walks.get(m)!;
    phi.fill(0);
    for (let k = 0; k < samples; k++) {
      const base = layout.start[i]! + k * walk;
      for (let t = 0; t < m; t++) phi[orders[k * m + t]!] += scores[base + t + 1]! - scores[base + t]!;
    }
    for (let group = 0; group < m; group++) phi[group] /= samples;
    spreadGroups(attr, i * rowSize, g.groups, phi);
  }
  return { attributions: attributionTensor(attr, x.shape, where), method: 'shapleyValueSampling' };
}
declareMethod(shapleyValueSampling, {
  name: 'shapleyValueSampling',
  aliases: ['svs', 'shapley', 'shapley-sampling'],
  label: 'Shapley value sampling',
  summary: 'Shapley values of patches (grid or SLIC) by sampling permutations (Castro et al. 2009)',
  paper: 'J. Castro, D. Gómez, J. Tejada, 2009, Computers & Operations Research 36(5)',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  inputs: TOKEN_INPUTS,
  modelKinds: TOKEN_MODEL_KINDS,
  rowwise: false,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [{ key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1); default every element its own group' }, { key: 'samples', type: 'integer', default: 25, min: 1, summary: 'permutations walked' }],
  optionKeys: SHAPLEY_VALUE_SAMPLING_OPTION_KEYS,
});
