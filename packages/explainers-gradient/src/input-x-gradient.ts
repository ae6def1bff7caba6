import type { Tensor } from '@tensorflow/tfjs-core';
import { EXPLAINS_ANY_MODEL, declareMethod, explainerRun, EXPLAIN_KEYS_WITHOUT_BASELINE, optionKeys, prepareExplainer, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, PoolOption, Predictable } from '@glassbox/tensors-ops';
import { inputGradients } from './internal/input-gradients.js';

/** Options of inputXGradient: the contract's, without a baseline (the reference is always 0), and `pool`. */
export interface InputXGradientOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption {}

/** The keys of InputXGradientOptions. */
export const INPUT_X_GRADIENT_OPTION_KEYS = optionKeys<InputXGradientOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
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
 * @param f the model, [N, ...] -> [N, K] or [N].
 * @param x float32 [N, ...] (rank >= 2), finite.
 * @param options `target`, `batchSize` (default 64), `onProgress`, `signal`, `pool` (as in saliency).
 * @returns attributions of x's shape (owned by the caller); no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await inputXGradient(model, images, { target: [3, 1, 4] });
 * ```
 */
export async function inputXGradient(f: Predictable, x: Tensor, options: InputXGradientOptions = {}): Promise<Attribution> {
  const where = 'inputXGradient';
  const p = prepareExplainer(f, x, options, where, INPUT_X_GRADIENT_OPTION_KEYS);
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
  ...EXPLAINS_ANY_MODEL,
  rowwise: true,
  signed: true,
  options: [],
  optionKeys: INPUT_X_GRADIENT_OPTION_KEYS,
});
