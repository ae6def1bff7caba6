/**
 * The leak-safe gradient every gradient explainer and the pool worker use. tf.grad is not enough: when f
 * throws inside tf.grad, or the backward pass fails, or y does not depend on x, tfjs-core 4.x leaves the tensors
 * its gradient tape saved alive. Here an exception in f is caught and replaced by a dummy output connected to x,
 * so that the engine finishes (and cleans up) its tape normally, and the exception is rethrown afterwards; an
 * unconnected output is detected without an exception (allowNoGradients) and reported as a GlassboxError.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { GlassboxError, isGlassboxError } from '../errors.js';
import { checkModelOutput, selectTarget } from './select-target.js';
import type { ForwardFn } from './types.js';

interface TapeState {
  state?: { gradientDepth?: number; activeTape?: Array<{ saved?: Tensor[] }> | null };
}

/** Disposes what a failed outermost gradient computation left on the tape (best effort). */
function dropTape(): void {
  const state = (tf.engine() as unknown as TapeState).state;
  if (state == null || state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

/**
 * dy/dx for a scalar y = f(x), leaking nothing when f or the backward pass fails. The result is owned by the
 * caller; `name` is how f is called in messages (default 'f').
 *
 * @throws whatever f throws (after cleaning up), GlassboxError INVALID_ARGUMENT when y does not depend on x or
 *   an op of f has no gradient.
 */
export function safeGrad(f: (x: Tensor) => Tensor, x: Tensor, where: string, name = 'f'): Tensor {
  let failed = false;
  let failure: unknown = undefined;
  let g: Tensor | null;
  try {
    g = tf.tidy(() => {
      const { grads } = tf.engine().gradients(
        () => {
          try {
            return f(x);
          } catch (e) {
            failed = true;
            failure = e;
            return tf.mul(tf.sum(x), 0);
          }
        },
        [x],
        undefined,
        true,
      );
      return grads[0] ?? null;
    });
  } catch (e) {
    dropTape();
    if (failed || isGlassboxError(e)) throw failed ? failure : e;
    const message = e instanceof Error ? e.message : String(e);
    if (/gradient function not found/i.test(message)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} uses an op without a registered gradient (${message})`, { cause: e });
    }
    throw e;
  }
  if (failed) {
    g?.dispose();
    throw failure;
  }
  if (g == null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} is not differentiable with respect to its input: its output is not connected to the input through ` +
        `TensorFlow.js ops (a model that reads values with dataSync/arraySync and builds new tensors from them breaks the gradient tape)`,
    );
  }
  return g;
}

/**
 * The gradient of the target scores with respect to a batch of points: d (sum_j F_{t_j}(points_j)) / d points,
 * one gradient row per point, where F_t is output column t of `forward` and `columns(outputShape)` gives t_j for
 * every point (called once the output exists, so that it can resolve the target against it). The output is
 * checked like every model output. Leak-safe (safeGrad); the result is owned by the caller.
 */
export function targetGradient(
  forward: ForwardFn,
  points: Tensor,
  where: string,
  columns: (outputShape: readonly number[]) => Int32Array,
): Tensor {
  const rows = points.shape[0]!;
  return safeGrad(
    (p: Tensor) => {
      const y = forward(p);
      checkModelOutput(y, rows, where);
      return tf.sum(selectTarget(y, columns(y.shape)));
    },
    points,
    where,
  );
}
