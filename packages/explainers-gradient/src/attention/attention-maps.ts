import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, checkTokenIds, formatShape, tf } from '@glassbox/tensors-ops';
import type { TokenModel } from '@glassbox/tensors-ops';
import { checkAttentionModel, readAttention } from './common.js';

/**
 * The raw attention probabilities of a Transformer token model, every layer and head, as one tensor: what each
 * position looked at, layer by layer. A picture of the model's routing, not an explanation of its output: a
 * position may attend strongly to a token whose value vector contributes little, and other attention patterns
 * often give the same prediction (Jain & Wallace 2019, "Attention is not Explanation", arXiv:1902.10186). Use
 * `attentionRollout` or `gradientWeightedAttention` for per-token scores, and the attribution methods for
 * explanations with guarantees.
 *
 *   maps[n, l, h, i, j] = A_l,h[n, i, j] = softmax_j(q_i · k_j / √d_k + mask_ij)
 *
 * the probability with which position i attends to position j in head h of layer l. Each row (fixed n, l, h,
 * i) sums to 1; a causal model (GPT) has zeros above the diagonal (j > i); padded keys get 0.
 *
 * Paper: Vaswani et al. 2017, "Attention Is All You Need", arXiv:1706.03762 (the attention itself).
 *
 * @param model a TokenModel with `attention(ids)` (one [N, H, T, T] per layer, same H in every layer), such as
 *   the GPT and TextClassifier of @glassbox/models-transformer.
 * @param ids int32 token ids [N, T], T >= 1, every id in 0..model.vocabSize-1.
 * @returns float32 [N, L, H, T, T] that the caller owns.
 * @throws GlassboxError INVALID_ARGUMENT (model without attention, float ids, an empty sequence, ids out of
 *   range), SHAPE_MISMATCH (ids not [N, T], the model's maps of the wrong shape or with different head counts).
 *
 * @example
 * ```ts
 * const maps = attentionMaps(gpt, ids); // [1, layers, heads, T, T]
 * maps.dispose();
 * ```
 */
export function attentionMaps(model: TokenModel, ids: Tensor): Tensor {
  const where = 'attentionMaps';
  checkAttentionModel(model, where, false);
  checkTokenIds(ids, where, 'ids', model.vocabSize);
  const maps = readAttention(model, ids, where);
  try {
    const h = maps[0]!.shape[1]!;
    maps.forEach((m, l) => {
      if (m.shape[1] !== h) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `${where}: every layer must have the same number of heads to stack them, but model.attention(ids)[0] has ${h} and [${l}] has shape ${formatShape(m.shape)}`,
        );
      }
    });
    return tf.stack(maps, 1);
  } finally {
    tf.dispose(maps);
  }
}
