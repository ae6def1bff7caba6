import type { Tensor } from '@tensorflow/tfjs-core';
import { assertFinite, assertFloatTensor, isTensor } from '@glassbox/tensors-ops';
import { gini } from './internal/gini.js';
import type { AttributionsInput } from './internal/types.js';

/**
 * How concentrated an explanation is: the Gini index of the absolute attributions of each row. A map that
 * puts all its mass on a few features scores near 1 (easy to read); one that spreads it evenly scores 0.
 * Sparser is better only among maps that are also faithful: read it next to infidelity or a deletion curve.
 *
 *   with |a_i| sorted ascending as v_(1) <= ... <= v_(d):
 *   G_i = 1 - 2 sum_k (v_(k) / ||v||_1) (d - k + 1/2) / d
 *
 * 0 for a constant row, 1 - 1/d for a one-hot row, 0 (by definition) for an all-zero row.
 * Chalasani, Chen, Chowdhury, Jha and Wu 2020, "Concise Explanations of Neural Networks using Adversarial
 * Training", arXiv 1810.06583 (the Gini index as a sparseness measure; Hurley and Rickard 2009).
 *
 * Synchronous: it needs no model, only the attributions' values.
 *
 * @param attributions [N, ...] float32 (a tensor or an explainer's `{ attributions }`); not disposed.
 * @returns one Gini index per row, in [0, 1 - 1/d] (higher is sparser).
 *
 * @example
 * ```ts
 * const { attributions } = await saliency(model, x, { target: 0 });
 * const gini = sparseness(attributions);          // e.g. [0.62, 0.58]
 * attributions.dispose();
 * ```
 */
export function sparseness(attributions: AttributionsInput): number[] {
  const where = 'sparseness';
  let a: unknown = attributions;
  let name = 'attributions';
  if (!isTensor(attributions) && attributions != null && typeof attributions === 'object' && 'attributions' in attributions) {
    a = attributions.attributions;
    name = 'attributions.attributions';
  }
  assertFloatTensor(a, name, where, 2);
  assertFinite(a as Tensor, name, where);
  const t = a as Tensor;
  const n = t.shape[0]!;
  const values = t.dataSync();
  const d = n === 0 ? 0 : values.length / n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(gini(values.subarray(i * d, (i + 1) * d)));
  return out;
}
