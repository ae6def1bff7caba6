import type { Tensor } from '@tensorflow/tfjs-core';
import { booleanOption, declareMethod, explainerRun, EXPLAIN_KEYS_WITHOUT_BASELINE, isTokenModel, optionKeys, prepareExplainer, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainerNames, ExplainOptions, PoolOption, Predictable, TokenModel } from '@glassbox/tensors-ops';
import { inputGradients } from './internal/input-gradients.js';
import { EXPLAINS_ANY_MODEL_AND_TOKENS, TOKEN_NAMES, TOKEN_REDUCTION_INFO, explainTokens, refuseTokenOptions } from './internal/tokens.js';
import type { TokenOptions } from './internal/tokens.js';

export interface SaliencyOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption, TokenOptions {
  /** Return |dF/dx| (true, default, as in the paper) or the signed gradient (false). */
  abs?: boolean;
}

/** The keys of SaliencyOptions (saliency has no baseline). */
export const SALIENCY_OPTION_KEYS = optionKeys<SaliencyOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
  abs: true,
  tokenReduction: true,
});

/**
 * Saliency: how much would the target score move if one input element moved a little? The gradient of the
 * target output with respect to the input, taken at the input itself. Cheap (one backward pass per batch)
 * and local: it describes the model's sensitivity at x, not the contribution of x relative to a baseline.
 *
 *   attributions = |dF_t(x) / dx|          (or the signed gradient with `abs: false`)
 *
 * where F_t is the raw output column `target` of f (no softmax is added).
 *
 * Paper: K. Simonyan, A. Vedaldi, A. Zisserman, "Deep Inside Convolutional Networks: Visualising Image
 * Classification Models and Saliency Maps", 2013, arXiv:1312.6034.
 *
 * Token models (a tensors-ops `TokenModel`, e.g. the GPT and TextClassifier of @glassbox/models-transformer):
 * x is int32 token ids [N, T] and the gradient is taken with respect to the embeddings e = f.embed(x) [N, T, D]
 * through f.forwardFromEmbeddings (a [N, T, K] language model is explained at its last position: the next
 * token's logits). The per-token score is the embedding attribution summed over D: sum_d |dF_t/de[t, d]| (or
 * the signed sum with `abs: false`); padded positions (the model's padId) get 0.
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; a function or an object with predict(x); or a TokenModel.
 * @param x float32 [N, ...] (rank >= 2), finite; for a TokenModel, int32 token ids [N, T] in 0..vocabSize-1.
 * @param options
 *  - `target`: output column, one number for all rows or one per row; optional when f returns [N] or [N, 1].
 *  - `abs`: boolean, default true.
 *  - `tokenReduction` (token inputs only): 'sum' (default) -> attributions [N, T]; 'none' -> [N, T, D].
 *  - `batchSize`: most rows per model call, default 64.
 *  - `onProgress(done, total)`, `signal` (abort between batches).
 *  - `pool`: a tensors-ops Pool; the batches' gradients are computed by its workers (same numbers as one
 *    thread with the same batchSize). See integratedGradients for which models can use it.
 *    Token inputs: a model with `toPooledTokenModel()` only (INVALID_ARGUMENT otherwise).
 * @returns attributions of x's shape ([N, T] or [N, T, D] for token ids; owned by the caller); no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await saliency(model, images, { target: 3 });
 * attributions.dispose();
 * const perToken = await saliency(gpt, ids, { target: nextId }); // [N, T]
 * ```
 */
export async function saliency(f: Predictable | TokenModel, x: Tensor, options: SaliencyOptions = {}): Promise<Attribution> {
  const where = 'saliency';
  if (isTokenModel(f)) {
    return explainTokens(f, x, options, where, SALIENCY_OPTION_KEYS, (tp, o) => saliencyOf(tp.forward, tp.x, o, where, TOKEN_NAMES));
  }
  refuseTokenOptions(options, where);
  return saliencyOf(f, x, options, where);
}

async function saliencyOf(f: Predictable, x: Tensor, options: SaliencyOptions, where: string, names?: ExplainerNames): Promise<Attribution> {
  const p = prepareExplainer(f, x, options, where, SALIENCY_OPTION_KEYS, names);
  const abs = booleanOption(options.abs, 'options.abs', where, true);
  const ctx = explainerRun(p, options, where, p.n);
  const attributions = await inputGradients(ctx, p.x, (g) => (abs ? tf.abs(g) : g));
  return { attributions, method: 'saliency' };
}
declareMethod(saliency, {
  name: 'saliency',
  aliases: ['grad', 'gradient', 'vanilla-gradient'],
  label: 'Saliency',
  summary: '|dF/dx|: how sensitive the score is to each pixel (Simonyan et al. 2013)',
  paper: 'K. Simonyan, A. Vedaldi, A. Zisserman, 2013, arXiv:1312.6034',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL_AND_TOKENS,
  rowwise: true,
  signed: false,
  gradientLike: true,
  options: [{ key: 'abs', type: 'boolean', default: true, summary: 'absolute value of the gradient' }, TOKEN_REDUCTION_INFO],
  optionKeys: SALIENCY_OPTION_KEYS,
});
