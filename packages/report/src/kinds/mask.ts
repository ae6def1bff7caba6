import { GlassboxError, describe } from '@glassbox/tensors-ops';
import type { ModelKind } from '../types.js';

/** The mask of a region score, or INVALID_ARGUMENT naming the kind that needs one. */
export function regionMaskOf(mask: Float32Array | undefined, kind: ModelKind): Float32Array {
  if (!(mask instanceof Float32Array)) throw new GlassboxError('INVALID_ARGUMENT', `${kind} adapter: score needs a region mask (a Float32Array over the output row), got ${describe(mask)}`);
  return mask;
}
