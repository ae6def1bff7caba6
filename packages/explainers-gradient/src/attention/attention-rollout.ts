import type { Tensor } from '@tensorflow/tfjs-core';
import { TEXT_MODEL_KIND_NAMES, assertNumber, assertOneOf, booleanOption, checkOptionKeys, checkTokenIds, declareMethod, forEachBatch, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Attribution, TokenModel } from '@glassbox/tensors-ops';
import { HEAD_FUSIONS, checkAttentionModel, defaultPosition, fuseHeads, layerProduct, readAttention, resolvePosition, rowAt, type HeadFusion } from './common.js';

/** Options of `attentionRollout`. */
export interface AttentionRolloutOptions {
  /** How the heads of a layer are combined: 'mean' (default, as in the paper), 'max' or 'min'. */
  headFusion?: HeadFusion;
  /** α, the weight of the residual connection in [0, 1]: Â = (1 - α) A + α I; default 0.5 (the paper's). */
  residualWeight?: number;
  /**
   * The explained position (its row of the rollout), an integer in 0..T-1. Default: the last position when
   * the model's output is [N, T, K] (a causal language model explains its next token there), else 0 (the
   * [CLS] token an encoder classifier reads).
   */
  position?: number;
  /** Also return the whole rollout [N, T, T] as `rollout` (default false). */
  returnRollout?: boolean;
  /** Most rows per model call, default 64. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The keys of AttentionRolloutOptions. */
export const ATTENTION_ROLLOUT_OPTION_KEYS = optionKeys<AttentionRolloutOptions>({
  headFusion: true,
  residualWeight: true,
  position: true,
  returnRollout: true,
  batchSize: true,
  onProgress: true,
  signal: true,
});

/** What the attention explanations return: per-token scores and, on request, the whole [N, T, T] rollout. */
export interface AttentionAttribution extends Attribution {
  /** [N, T] scores of the tokens for the explained position (the caller owns them). */
  attributions: Tensor;
  /** [N, T, T] the rollout matrix R (row i: how much each token flowed into position i), with `returnRollout`. */
  rollout?: Tensor;
  /** The explained position (the row of the rollout taken). */
  position: number;
}

/**
 * Attention rollout: how much of each input token reaches the explained position once attention is followed
 * through all layers. Every layer mixes the positions with its attention matrix, and the residual connection
 * keeps part of each position as it was; so a layer is modelled as the average of its attention (over heads)
 * and the identity, and the layers are chained by multiplying these matrices. Row i of the product says what
 * fraction of position i's final vector "came from" each input token, under the simplification that attention
 * weights alone route information (values, the MLPs and layer norms are ignored). The rows of every factor sum
 * to 1, so the scores of a row are >= 0 and sum to 1.
 *
 *   Ā_l = fuse_h A_l,h            (mean, max or min over heads)
 *   Â_l = rownorm((1 - α) Ā_l + α I)
 *   R = Â_L ··· Â_2 Â_1,          attributions[n, j] = R[n, p, j]
 *
 * with p the explained position (last for a causal language model, 0 = [CLS] for an encoder classifier). With
 * 'mean' fusion the rows already sum to 1 and the normalisation changes nothing; with 'max' / 'min' it makes
 * them sum to 1 again. Padded keys have attention 0 and therefore score 0.
 *
 * Attention is not by itself an explanation (Jain & Wallace 2019, arXiv:1902.10186): rollout describes where
 * information can flow, not what the output depends on, and it ignores the target class. Compare it with the
 * attribution methods (e.g. with the faithfulness metrics) before trusting it.
 *
 * Paper: S. Abnar, W. Zuidema, "Quantifying Attention Flow in Transformers", 2020, arXiv:2005.00928.
 *
 * @param model a TokenModel with `attention(ids)`, such as @glassbox/models-transformer's GPT or TextClassifier.
 * @param ids int32 token ids [N, T], T >= 1, ids in 0..vocabSize-1 (rows may be padded with the model's padId).
 * @param options
 *  - `headFusion`: 'mean' (default) | 'max' | 'min'.
 *  - `residualWeight`: α in [0, 1], default 0.5.
 *  - `position`: the explained position, default last for [N, T, K] outputs, else 0.
 *  - `returnRollout`: also return R [N, T, T], default false.
 *  - `batchSize` (default 64), `onProgress(done, total)`, `signal`.
 * @returns `{ attributions [N, T], rollout? [N, T, T], position, method: 'attentionRollout' }`; the caller
 *   owns the tensors.
 * @throws GlassboxError INVALID_ARGUMENT (model without attention, bad ids, bad options), TARGET_OUT_OF_RANGE
 *   (position >= T), SHAPE_MISMATCH (the model's maps do not fit the ids), ABORTED.
 *
 * @example
 * ```ts
 * const { attributions } = await attentionRollout(classifier, ids); // [N, T]: each token's share at [CLS]
 * attributions.dispose();
 * ```
 */
export async function attentionRollout(model: TokenModel, ids: Tensor, options: AttentionRolloutOptions = {}): Promise<AttentionAttribution> {
  const where = 'attentionRollout';
  checkAttentionModel(model, where, false);
  const o = checkOptionKeys<AttentionRolloutOptions>(options, ATTENTION_ROLLOUT_OPTION_KEYS, where);
  checkTokenIds(ids, where, 'ids', model.vocabSize);
  const fusion = o.headFusion === undefined ? 'mean' : assertOneOf(o.headFusion, HEAD_FUSIONS, 'options.headFusion', where);
  const alpha = o.residualWeight === undefined ? 0.5 : assertNumber(o.residualWeight, 'options.residualWeight', where, { min: 0, max: 1 });
  const wantRollout = booleanOption(o.returnRollout, 'options.returnRollout', where, false);
  const [n, t] = [ids.shape[0]!, ids.shape[1]!];
  const position = resolvePosition(o.position, t, () => defaultPosition(model, ids), where);

  const scores: Tensor[] = [];
  const rollouts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        const batch = tf.tidy(() => tf.slice(ids, [start, 0], [end - start, t]));
        let maps: Tensor[] = [];
        try {
          maps = readAttention(model, batch, where);
          const [s, r] = tf.tidy(() => {
            const eye = tf.eye(t);
            const layers = maps.map((a) => {
              const mixed = tf.add(tf.mul(fuseHeads(a, fusion), 1 - alpha), tf.mul(eye, alpha));
              return tf.divNoNan(mixed, tf.sum(mixed, 2, true));
            });
            const rollout = layerProduct(layers);
            return [rowAt(rollout, position), rollout];
          });
          scores.push(s);
          if (wantRollout) rollouts.push(r);
          else r.dispose();
        } finally {
          tf.dispose([batch, ...maps]);
        }
      },
      { batchSize: o.batchSize, onProgress: o.onProgress, signal: o.signal, where },
    );
    const attributions = scores.length === 1 ? scores.pop()! : tf.concat(scores, 0);
    if (!wantRollout) return { attributions, position, method: 'attentionRollout' };
    const rollout = rollouts.length === 1 ? rollouts.pop()! : tf.concat(rollouts, 0);
    return { attributions, rollout, position, method: 'attentionRollout' };
  } finally {
    tf.dispose([...scores, ...rollouts]);
  }
}
declareMethod(attentionRollout, {
  name: 'attentionRollout',
  aliases: ['rollout'],
  label: 'Attention rollout',
  summary: 'attention (heads averaged, residual mixed in) multiplied through the layers: how much of each token reaches the explained position (Abnar & Zuidema 2020); not by itself an explanation',
  paper: 'S. Abnar, W. Zuidema, 2020, arXiv:2005.00928',
  family: 'gradient',
  inputs: ['tokens'],
  modelKinds: TEXT_MODEL_KIND_NAMES,
  subject: 'attention',
  output: 'attribution',
  rowwise: true,
  signed: false,
  options: [
    { key: 'headFusion', type: 'choice', default: 'mean', choices: HEAD_FUSIONS, summary: 'how the heads of a layer are combined' },
    { key: 'residualWeight', type: 'number', default: 0.5, min: 0, max: 1, summary: 'α in Â = (1 - α) A + α I (the residual connection)' },
    { key: 'position', type: 'integer', min: 0, summary: 'the explained position (default: last for a language model, 0 = [CLS] for a classifier)' },
    { key: 'returnRollout', type: 'boolean', default: false, summary: 'also return the whole [N, T, T] rollout' },
  ],
  optionKeys: ATTENTION_ROLLOUT_OPTION_KEYS,
});
