import type { Tensor } from '@tensorflow/tfjs-core';
import { TEXT_MODEL_KIND_NAMES, TargetResolver, booleanOption, checkOptionKeys, checkTokenIds, declareMethod, forEachBatch, optionKeys, targetGradient, tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';
import { checkAttentionModel, defaultPosition, layerProduct, readAttention, resolvePosition, rowAt } from './common.js';
import type { AttentionAttribution } from './attention-rollout.js';

/** Options of `gradientWeightedAttention`. */
export interface GradientWeightedAttentionOptions {
  /**
   * The explained output column (a class, or a next token for a language model), one for all rows or one per
   * row; optional when the model returns one score per row.
   */
  target?: number | number[];
  /**
   * The explained position, an integer in 0..T-1: its row of the relevance matrix is the explanation, and for
   * a model whose output is [N, T, K] (a causal language model) the explained score is the output at that
   * position. Default: the last position for [N, T, K] outputs, else 0 (the [CLS] token of a classifier).
   */
  position?: number;
  /** Also return the whole relevance matrix R [N, T, T] as `rollout` (default false). */
  returnRollout?: boolean;
  /** Most rows per model call, default 64. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The keys of GradientWeightedAttentionOptions. */
export const GRADIENT_WEIGHTED_ATTENTION_OPTION_KEYS = optionKeys<GradientWeightedAttentionOptions>({
  target: true,
  position: true,
  returnRollout: true,
  batchSize: true,
  onProgress: true,
  signal: true,
});

/**
 * Gradient-weighted attention: attention edges that matter for the explained score. Raw attention says where a
 * position looks, not whether that changes the output; weighting every attention probability by the gradient
 * of the target score with respect to it keeps the edges that push the score up (positive part) and drops
 * those that do not matter or push it down, and the result is then propagated through the layers like a
 * rollout. Unlike `attentionRollout` it depends on the target.
 *
 *   Ā_l = mean_h max(0, A_l,h ⊙ ∂y_t / ∂A_l,h)          (one [T, T] per layer)
 *   R_0 = I,  R_l = R_{l-1} + Ā_l R_{l-1} = (I + Ā_l) R_{l-1},  so R = (I + Ā_L) ··· (I + Ā_1)
 *   attributions[n, j] = (R - I)[n, p, j]
 *
 * where y_t is the target score (output column t; for an [N, T, K] output, at position p) and p the explained
 * position. The layer rule and its accumulation are Chefer, Gur & Wolf's update rule for self-attention
 * (2021: Ā = E_h[(∇A ⊙ A)^+], R ← R + Ā·R, starting from R = I). We report row p of R - I: every path through
 * at least one attention edge, without the identity's constant 1 at p itself, so that the explained token is
 * not given a score of its own by construction. Scores are >= 0; they do not sum to anything in particular.
 *
 * The gradient with respect to the attention probabilities comes from the model's
 * `forwardWithAttentionGates(ids, gates)`: gates G of ones multiply the probabilities after the softmax, and
 * ∂y/∂G at G = 1 equals A ⊙ ∂y/∂A exactly (chain rule), so one backward pass gives every layer's product.
 *
 * Attention is not by itself an explanation (Jain & Wallace 2019, arXiv:1902.10186); the gradient makes this
 * one class-specific but it remains a heuristic without an axiom such as completeness. Compare it with the
 * attribution methods before trusting it.
 *
 * Paper: H. Chefer, S. Gur, L. Wolf, "Generic Attention-model Explainability for Interpreting Bi-Modal and
 * Encoder-Decoder Transformers", 2021, arXiv:2103.15679.
 *
 * @param model a TokenModel with `attention(ids)` and `forwardWithAttentionGates(ids, gates)`, such as
 *   @glassbox/models-transformer's GPT or TextClassifier.
 * @param ids int32 token ids [N, T], T >= 1, ids in 0..vocabSize-1 (rows may be padded with the model's padId).
 * @param options
 *  - `target`: output column, one number or one per row; optional when the model returns [N] or [N, 1].
 *  - `position`: default last for [N, T, K] outputs, else 0.
 *  - `returnRollout`: also return R [N, T, T], default false.
 *  - `batchSize` (default 64), `onProgress(done, total)`, `signal`.
 * @returns `{ attributions [N, T] (>= 0), rollout? [N, T, T], position, method: 'gradientWeightedAttention' }`;
 *   the caller owns the tensors.
 * @throws GlassboxError INVALID_ARGUMENT (model without attention or gates, bad ids or options),
 *   TARGET_OUT_OF_RANGE (target column, position >= T), SHAPE_MISMATCH, NON_FINITE (the model's scores), ABORTED.
 *
 * @example
 * ```ts
 * const { attributions } = await gradientWeightedAttention(classifier, ids, { target: 1 }); // spam
 * attributions.dispose();
 * ```
 */
export async function gradientWeightedAttention(
  model: TokenModel,
  ids: Tensor,
  options: GradientWeightedAttentionOptions = {},
): Promise<AttentionAttribution> {
  const where = 'gradientWeightedAttention';
  checkAttentionModel(model, where, true);
  const o = checkOptionKeys<GradientWeightedAttentionOptions>(options, GRADIENT_WEIGHTED_ATTENTION_OPTION_KEYS, where);
  checkTokenIds(ids, where, 'ids', model.vocabSize);
  const [n, t] = [ids.shape[0]!, ids.shape[1]!];
  const targets = new TargetResolver(o.target, n, where);
  const wantRollout = booleanOption(o.returnRollout, 'options.returnRollout', where, false);
  const position = resolvePosition(o.position, t, () => defaultPosition(model, ids), where);
  // The heads of every layer, from the maps of the first row (checked there).
  const first = tf.tidy(() => tf.slice(ids, [0, 0], [1, t]));
  let heads: number[];
  try {
    const maps = readAttention(model, first, where);
    heads = maps.map((m) => m.shape[1]!);
    tf.dispose(maps);
  } finally {
    first.dispose();
  }
  const sizes = heads.map((h) => h * t * t);

  const scores: Tensor[] = [];
  const rollouts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        const b = end - start;
        const batch = tf.tidy(() => tf.slice(ids, [start, 0], [b, t]));
        // All gates of the batch in one tensor [B, Σ_l H_l T T] (ones), so that one backward pass gives them all.
        const gates = tf.ones([b, sizes.reduce((a, s) => a + s, 0)]);
        let grad: Tensor | null = null;
        try {
          const forward = (g: Tensor): Tensor => {
            const parts = tf.split(g, sizes, 1).map((p, l) => tf.reshape(p, [b, heads[l]!, t, t]));
            const out = model.forwardWithAttentionGates!(batch, parts);
            if (out.rank !== 3) return out;
            const k = out.shape[2]!;
            return tf.reshape(tf.slice(out, [0, position, 0], [b, 1, k]), [b, k]);
          };
          grad = targetGradient(forward, gates, where, (shape) => targets.forRows(shape, start, end, (j) => j), {
            name: 'model',
            input: 'ids',
            start,
          });
          const g = grad;
          const [s, r] = tf.tidy(() => {
            const eye = tf.eye(t);
            const layers = tf.split(g, sizes, 1).map((p, l) => tf.add(eye, tf.mean(tf.relu(tf.reshape(p, [b, heads[l]!, t, t])), 1)));
            const relevance = layerProduct(layers);
            return [rowAt(tf.sub(relevance, eye), position), relevance];
          });
          scores.push(s);
          if (wantRollout) rollouts.push(r);
          else r.dispose();
        } finally {
          tf.dispose([batch, gates, ...(grad === null ? [] : [grad])]);
        }
      },
      { batchSize: o.batchSize, onProgress: o.onProgress, signal: o.signal, where },
    );
    const attributions = scores.length === 1 ? scores.pop()! : tf.concat(scores, 0);
    if (!wantRollout) return { attributions, position, method: 'gradientWeightedAttention' };
    const rollout = rollouts.length === 1 ? rollouts.pop()! : tf.concat(rollouts, 0);
    return { attributions, rollout, position, method: 'gradientWeightedAttention' };
  } finally {
    tf.dispose([...scores, ...rollouts]);
  }
}
declareMethod(gradientWeightedAttention, {
  name: 'gradientWeightedAttention',
  aliases: ['attention-gradient', 'grad-attention'],
  label: 'Gradient-weighted attention',
  summary: 'attention times its gradient, positive part, heads averaged, accumulated through the layers (Chefer et al. 2021): attention edges that raise the score; not by itself an explanation',
  paper: 'H. Chefer, S. Gur, L. Wolf, 2021, arXiv:2103.15679',
  family: 'gradient',
  inputs: ['tokens'],
  modelKinds: TEXT_MODEL_KIND_NAMES,
  subject: 'attention',
  output: 'attribution',
  rowwise: true,
  signed: false,
  options: [
    { key: 'position', type: 'integer', min: 0, summary: 'the explained position (default: last for a language model, 0 = [CLS] for a classifier)' },
    { key: 'returnRollout', type: 'boolean', default: false, summary: 'also return the whole [N, T, T] relevance matrix' },
  ],
  optionKeys: GRADIENT_WEIGHTED_ATTENTION_OPTION_KEYS,
});
