/** Gradients of the target at the rows of x themselves (saliency, input x gradient), batch by batch. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { rowGradients } from './engine.js';
import type { RunContext } from './engine.js';

/**
 * For each batch of rows of x: g = dF/dx at those rows, then `transform(g, xRows)` (inside tf.tidy). Resolves
 * to the transformed gradients of all rows, shape of x, owned by the caller. Runs on the call's pool when it
 * has one (the gradients come from the workers, the transform runs here).
 */
export async function inputGradients(
  ctx: RunContext,
  x: Tensor,
  transform: (grad: Tensor, rows: Tensor) => Tensor,
): Promise<Tensor> {
  return rowGradients(ctx, x, transform);
}
