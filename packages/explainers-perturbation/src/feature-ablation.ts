import type { Tensor } from '@tensorflow/tfjs-core';
import { EXPLAINS_ANY_MODEL, declareMethod, fillAblated, optionKeys, type Attribution, type Predictable, type TokenModel, checkOptionKeys } from '@glassbox/tensors-ops';
import { attributionTensor, prepare, rowGroups, rowLayout } from './internal/prepare.js';
import { TOKEN_INPUTS, TOKEN_MODEL_KINDS } from './internal/tokens.js';
import { scorePlan } from './internal/evaluate.js';
import { FEATURE_GROUP_KEYS, type FeatureGroupOptions } from './internal/group-options.js';

/** Options of featureAblation: the contract's, `pool` and `featureMask` (see FeatureGroupOptions). */
export interface FeatureAblationOptions extends FeatureGroupOptions {}

/** The keys of FeatureAblationOptions. */
export const FEATURE_ABLATION_OPTION_KEYS = optionKeys<FeatureAblationOptions>(FEATURE_GROUP_KEYS);

/**
 * Feature ablation: remove one feature group at a time (set it to the baseline) and record how much the
 * target score drops. Each element receives the drop of its group. The simplest perturbation method: exact
 * for models without interactions, and one model row per group.
 *
 *   A_i = F(x) - F(x with the group g(i) of element i set to the baseline)
 *
 * On a linear model F(x) = w . x + c with one element per group, A_i = w_i (x_i - b_i).
 *
 * Tokens: x may be int32 token ids [N, T]. Each position is one feature by default; `featureMask` groups
 * positions (e.g. the word pieces of one word): [T] or [1, T] for every row, or [N, T] with one grouping per
 * row, each without gaps. f is a function of the ids ([N, T] -> [N, K]) or
 * a TokenModel (embed / forwardFromEmbeddings / vocabSize, e.g. a models-transformer GPT or TextClassifier),
 * which is then called through tensors-ops' tokenModelForward (for a causal language model, the scores of the
 * last position: the next-token logits) and whose vocabSize bounds the ids. `baseline` is then one token id
 * (default f.maskId; required when f has none): removed tokens are replaced by it, never interpolated. Positions
 * holding f.padId are no feature: never perturbed, attribution 0. A float x given to a TokenModel is refused.
 * `pool` is refused for a TokenModel; with a function of ids the call runs on the main thread (the pool warns).
 *
 * Reference: the ablation studies of Zeiler & Fergus 2014 (arXiv 1311.2901), as Captum's FeatureAblation
 * (Kokhlikyan et al. 2020, arXiv 2009.07896); same numbers as Captum on the same model, input and mask.
 *
 * @param f the model [N, ...] -> [N, K] or [N] (a function or an object with predict), or a TokenModel.
 * @param x float32 [N, ...], finite; or int32 token ids [N, T].
 * @param options
 *   - `featureMask`: groups, see FeatureAblationOptions; default every element its own group.
 *   - `baseline`: number or tensor broadcastable to x; default 0.
 *   - `target`, `batchSize` (default 64), `onProgress(done, total)` in model rows, `signal`.
 * @returns attributions with x's shape: N (1 + M) model rows in all.
 *
 * @example
 * ```ts
 * const mask = tf.tensor([0, 0, 1, 1, 2], [1, 5], 'int32');      // three groups of tabular features
 * const { attributions } = await featureAblation(model, rows, { featureMask: mask, target: 0 });
 * ```
 */
export async function featureAblation(f: Predictable | TokenModel, x: Tensor, options: FeatureAblationOptions = {}): Promise<Attribution> {
  const where = 'featureAblation';
  const opts = checkOptionKeys<FeatureAblationOptions>(options, FEATURE_ABLATION_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where, true, { tokens: true });
  const { n, rowShape, rowSize } = p;
  const rg = rowGroups(opts.featureMask, p, where);
  // Row i of x takes 1 + M_i model rows: x itself, then x with each group set to the baseline.
  const layout = rowLayout(rg.rows.map((g) => g.numGroups + 1));
  const scores = await scorePlan(
    p,
    {
      rows: layout.total,
      rowShape,
      inputOf: layout.inputOf,
      fill: (r, out, offset) => {
        const i = layout.inputOf(r);
        const g = rg.rows[i]!;
        fillAblated(out, offset, p.x, p.b, i * rowSize, rowSize, g.offsets, g.members, r - layout.start[i]! - 1);
      },
    },
    opts,
    where,
  );
  const attr = new Float32Array(n * rowSize);
  for (let i = 0; i < n; i++) {
    const base = layout.start[i]!;
    const groups = rg.rows[i]!.groups;
    for (let e = 0; e < rowSize; e++) attr[i * rowSize + e] = groups[e]! < 0 ? 0 : scores[base]! - scores[base + 1 + groups[e]!]!;
  }
  return { attributions: attributionTensor(attr, x.shape, where), method: 'featureAblation' };
}
declareMethod(featureAblation, {
  name: 'featureAblation',
  aliases: ['ablation', 'fa'],
  label: 'Feature ablation',
  summary: 'score drop when each patch (grid or SLIC) is replaced by the baseline (black)',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  inputs: TOKEN_INPUTS,
  modelKinds: TOKEN_MODEL_KINDS,
  rowwise: true,
  signed: true,
  baseline: 'point',
  options: [{ key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1); default every element its own group' }],
  optionKeys: FEATURE_ABLATION_OPTION_KEYS,
});
