import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, assertFinite, assertFloatTensor, formatShape, isTensor } from '@glassbox/tensors-ops';
import type { Attribution } from '@glassbox/tensors-ops';

/**
 * Accepts attributions as a tensor or as an explainer's result (`{ attributions }`), checks that they are a
 * live float32 tensor of exactly x's shape with finite values, and returns the tensor (still owned by the caller).
 *
 * @throws GlassboxError INVALID_ARGUMENT (not a float tensor), SHAPE_MISMATCH (shape differs from x's),
 *   NON_FINITE (a NaN or an infinity).
 */
export function checkAttributions(value: unknown, x: Tensor, where: string, name = 'attributions'): Tensor {
  let a: unknown = value;
  let label = name;
  if (!isTensor(value) && value != null && typeof value === 'object' && 'attributions' in value) {
    a = (value as Attribution).attributions;
    label = `${name}.attributions`;
  }
  assertFloatTensor(a, label, where);
  const same = a.rank === x.rank && a.shape.every((d, i) => d === x.shape[i]);
  if (!same) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${label} must have x's shape ${formatShape(x.shape)}, got shape ${formatShape(a.shape)}`,
    );
  }
  assertFinite(a, label, where);
  return a;
}
