import type { Tensor } from '@tensorflow/tfjs-core';
import { declareMethod, explainerRun, EXPLAIN_KEYS_WITHOUT_BASELINE, isTokenModel, optionKeys, prepareExplainer, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainerNames, ExplainOptions, PoolOption, Predictable, TokenModel } from '@glassbox/tensors-ops';
import { inputGradients } from './internal/input-gradients.js';
import { EXPLAINS_ANY_MODEL_AND_TOKENS, TOKEN_NAMES, TOKEN_REDUCTION_INFO, explainTokens, refuseTokenOptions } from './internal/tokens.js';
import type { TokenOptions } from './internal/tokens.js';

/**
 * Options of inputXGradient: the contract's, without a baseline (the reference is always 0), `pool` and
 * `tokenReduction` (token inputs).
 */
export interface InputXGradientOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption, TokenOptions {}

/** The keys of InputXGradientOptions. */
export const INPUT_X_GRADIENT_OPTION_KEYS = optionKeys<InputXGradientOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
  tokenReduction: true,
});

/**
 * Input x gradient: the first-order (Taylor) estimate of how much each input element contributes to the
 * target score relative to an all-zero input. Multiplying the gradient by the input turns sensitivity into
 * contribution; for a linear model without bias it is exact (attributions sum to F(x)).
 *
 *   attributions = x * dF_t(x) / dx
 *
 * Paper: A. Shrikumar, P. Greenside, A. Shcherbina, A. Kundaje, "Not Just a Black Box: Learning Important
 * Features Through Propagating Activation Differences", 2016, arXiv:1605.01713 (gradient * input);
 * also discussed in M. Ancona et al., "Towards better understanding of gradient-based attribution methods
 * for Deep Neural Networks", 2017, arXiv:1711.06104.
 *
 * Token models (a tensors-ops `TokenModel`): x is int32 token ids [N, T]; the product is taken with the
 * embeddings e = f.embed(x) and summed over the embedding dimension, one score per token:
 * sum_d e[t, d] * dF_t/de[t, d] (a zero embedding is the implicit reference; padded positions get 0).
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; or a TokenModel.
 * @param x float32 [N, ...] (rank >= 2), finite; for a TokenModel, int32 token ids [N, T].
 * @param options `target`, `batchSize` (default 64), `onProgress`, `signal`, `pool` (as in saliency; not with
 *   token inputs), `tokenReduction` (token inputs only: 'sum', default, -> [N, T]; 'none' -> [N, T, D]).
 * @returns attributions of x's shape ([N, T] or [N, T, D] for token ids; owned by the caller); no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await inputXGradient(model, images, { target: [3, 1, 4] });
 * ```
 */
export async function inputXGradient(f: Predictable | TokenModel, x: Tensor, options: InputXGradientOptions = {}): Promise<Attribution> {
  const where = 'inputXGradient';
  if (isTokenModel(f)) {
    return explainTokens(f, x, options, where, INPUT_X_GRADIENT_OPTION_KEYS, (tp, o) => inputXGradientOf(tp.forward, tp.x, o, where, TOKEN_NAMES));
  }
  refuseTokenOptions(options, where);
  return inputXGradientOf(f, x, options, where);
}

async function inputXGradientOf(f: Predictable, x: Tensor, options: InputXGradientOptions, where: string, names?: ExplainerNames): Promise<Attribution> {
  const p = prepareExplainer(f, x, options, where, INPUT_X_GRADIENT_OPTION_KEYS, names);
  const ctx = explainerRun(p, options, where, p.n);
  const attributions = await inputGradients(ctx, p.x, (g, rows) => tf.mul(g, rows));
  return { attributions, method: 'inputXGradient' };
}
declareMethod(inputXGradient, {
  name: 'inputXGradient',
  aliases: ['ixg', 'input-x-grad', 'gradient-x-input'],
  label: 'Input × gradient',
  summary: 'x * dF/dx: first-order contribution of each pixel (Shrikumar et al. 2016)',
  paper: 'A. Shrikumar, P. Greenside, A. Shcherbina, A. Kundaje, 2016, arXiv:1605.01713',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL_AND_TOKENS,
  rowwise: true,
  signed: true,
  options: [TOKEN_REDUCTION_INFO],
  optionKeys: INPUT_X_GRADIENT_OPTION_KEYS,
});
