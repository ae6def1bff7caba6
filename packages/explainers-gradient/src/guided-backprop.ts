import type { Tensor } from '@tensorflow/tfjs-core';
import { EXPLAINS_ANY_MODEL, declareMethod, explainerRun, EXPLAIN_KEYS_WITHOUT_BASELINE, optionKeys, prepareExplainer } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, PoolOption, Predictable } from '@glassbox/tensors-ops';
import { inputGradients } from './internal/input-gradients.js';
import { withGuidedRelu } from './internal/guided-relu.js';

/** Options of guidedBackprop: the contract's without a baseline (it has none); `pool` is accepted, but the guided rule runs on the main thread. */
export interface GuidedBackpropOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption {}

/** The keys of GuidedBackpropOptions. */
export const GUIDED_BACKPROP_OPTION_KEYS = optionKeys<GuidedBackpropOptions>({
  ...EXPLAIN_KEYS_WITHOUT_BASELINE,
  pool: true,
});

/**
 * Guided backpropagation: the gradient of the target score, but every ReLU lets only positive gradient
 * through (and only where its input was positive). The result keeps the image features that increase the
 * score and looks sharp; it is largely independent of the higher layers (Adebayo et al. 2018), so use it for
 * pictures (and inside guidedGradCam), not as a faithful attribution.
 *
 *   ReLU's backward rule: dL/dz = relu(dL/dy) * [z > 0]        (instead of dL/dy * [z > 0])
 *   attributions = dF_t/dx computed with that rule
 *
 * Applies to every ReLU the gradient meets, whatever kernels the model runs: tf.relu in a plain function, the
 * fused conv/dense + bias + ReLU kernels of a tensors-ops Sequential or a models-classifier Classifier,
 * tfjs-core's fused ops and tfjs-layers layers (the rule lives in tensors-ops' `withNonlinearityRule`). Other
 * activations (sigmoid, tanh, leakyRelu, ...) keep their ordinary gradient, as in Captum's GuidedBackprop. The
 * rule is main-thread state, so `options.pool` is not used.
 *
 * Paper: J. T. Springenberg, A. Dosovitskiy, T. Brox, M. Riedmiller, "Striving for Simplicity: The All
 * Convolutional Net", 2014, arXiv:1412.6806.
 *
 * @param f the model, [N, ...] -> [N, K] or [N].
 * @param x float32 [N, ...] (rank >= 2), finite.
 * @param options `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns attributions of x's shape (owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions } = await guidedBackprop(model, images, { target: 1 });
 * ```
 */
export async function guidedBackprop(f: Predictable, x: Tensor, options: GuidedBackpropOptions = {}): Promise<Attribution> {
  const where = 'guidedBackprop';
  const p = prepareExplainer(f, x, options, where, GUIDED_BACKPROP_OPTION_KEYS);
  const ctx = explainerRun(p, options, where, p.n);
  ctx.gradientRule = withGuidedRelu;
  const attributions = await inputGradients(ctx, p.x, (g) => g);
  return { attributions, method: 'guidedBackprop' };
}
declareMethod(guidedBackprop, {
  name: 'guidedBackprop',
  aliases: ['gbp', 'guided-backpropagation'],
  label: 'Guided backpropagation',
  summary: 'gradients with negative ReLU signals removed: sharp feature pictures (Springenberg et al. 2014)',
  paper: 'J. Springenberg, A. Dosovitskiy, T. Brox, M. Riedmiller, 2014, arXiv:1412.6806',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL,
  rowwise: true,
  signed: true,
  gradientLike: true,
  options: [],
  optionKeys: GUIDED_BACKPROP_OPTION_KEYS,
});
