/** Gradients of the target at the rows of x themselves (saliency, input x gradient), batch by batch. */
import type { Tensor } from '@tensorflow/tfjs-core';
import { forEachBatch, tf } from '@glassbox/tensors-ops';
import { rowsOf, targetGradient } from './engine.js';
import type { RunContext } from './engine.js';

/**
 * For each batch of rows of x: g = dF/dx at those rows, then `transform(g, xRows)` (inside tf.tidy). Resolves
 * to the transformed gradients of all rows, shape of x, owned by the caller.
 */
export async function inputGradients(
  ctx: RunContext,
  x: Tensor,
  transform: (grad: Tensor, rows: Tensor) => Tensor,
): Promise<Tensor> {
  const n = x.shape[0]!;
  const parts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        parts.push(
          tf.tidy(() => {
            const rows = rowsOf(x, start, end);
            return transform(targetGradient(ctx, rows, start, (j) => j), rows);
          }),
        );
        ctx.progress.add(end - start);
      },
      { batchSize: ctx.batchSize, signal: ctx.signal, where: ctx.where },
    );
    if (parts.length === 1) return parts.pop()!;
    return tf.concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}
