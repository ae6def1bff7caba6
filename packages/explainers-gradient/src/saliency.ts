import type { Tensor } from '@tensorflow/tfjs-core';
import { EXPLAINS_ANY_MODEL, booleanOption, declareMethod, explainerRun, EXPLAIN_KEYS_WITHOUT_BASELINE, optionKeys, prepareExplainer, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, PoolOption, Predictable } from '@glassbox/tensors-ops';
import { inputGradients } from './internal/input-gradients.js';

export interface SaliencyOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption {
  /** Return |dF/dx| (true, default, as in the paper) or the signed gradient (false). */
  abs?: boolean;
}

/** The keys of SaliencyOptions (saliency has no baseline). */
export const SALIENCY_OPTION_KEYS = optionKeys<SaliencyOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
  abs: true,
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
 * @param f the model, [N, ...] -> [N, K] or [N]; a function or an object with predict(x).
 * @param x float32 [N, ...] (rank >= 2), finite.
 * @param options
 *  - `target`: output column, one number for all rows or one per row; optional when f returns [N] or [N, 1].
 *  - `abs`: boolean, default true.
 *  - `batchSize`: most rows per model call, default 64.
 *  - `onProgress(done, total)`, `signal` (abort between batches).
 *  - `pool`: a tensors-ops Pool; the batches' gradients are computed by its workers (same numbers as one
 *    thread with the same batchSize). See integratedGradients for which models can use it.
 * @returns attributions of x's shape (owned by the caller); no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await saliency(model, images, { target: 3 });
 * attributions.dispose();
 * ```
 */
export async function saliency(f: Predictable, x: Tensor, options: SaliencyOptions = {}): Promise<Attribution> {
  const where = 'saliency';
  const p = prepareExplainer(f, x, options, where, SALIENCY_OPTION_KEYS);
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
  ...EXPLAINS_ANY_MODEL,
  rowwise: true,
  signed: false,
  gradientLike: true,
  options: [{ key: 'abs', type: 'boolean', default: true, summary: 'absolute value of the gradient' }],
  optionKeys: SALIENCY_OPTION_KEYS,
});
