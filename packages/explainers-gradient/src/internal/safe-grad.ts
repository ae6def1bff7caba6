/**
 * tf.grad without tfjs-core's leaks on error. When f throws inside tf.grad, or the backward pass fails, or y
 * does not depend on x, tfjs-core 4.x leaves the tensors its gradient tape saved alive. Here an exception in
 * f is caught and replaced by a dummy output connected to x, so that the engine finishes (and cleans up) its
 * tape normally, and the exception is rethrown afterwards; an unconnected output is detected without an
 * exception (allowNoGradients) and reported as a GlassboxError.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, isGlassboxError, tf } from '@glassbox/tensors-ops';

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
 * dy/dx for a scalar y = f(x). The result is owned by the caller.
 * @throws whatever f throws (after cleaning up), GlassboxError INVALID_ARGUMENT when y does not depend on x or
 *   an op of f has no gradient.
 */
export function safeGrad(f: (x: Tensor) => Tensor, x: Tensor, where: string, name = 'f'): Tensor {
  return gradients(f, x, where, name, false).grad;
}

/**
 * d(sum of y)/dx for y = f(x) of any shape, and (a handle on) y itself, from one forward and one backward
 * pass: tfjs-core seeds the backward pass of a non-scalar y with ones, which is the gradient of its sum, so
 * the gradient is the same numbers as safeGrad's of sum(f(x)). Both results are owned by the caller.
 * @throws as safeGrad.
 */
export function safeGradWithValue(f: (x: Tensor) => Tensor, x: Tensor, where: string, name = 'f'): { grad: Tensor; value: Tensor } {
  const { grad, value } = gradients(f, x, where, name, true);
  return { grad, value: value! };
}

function gradients(f: (x: Tensor) => Tensor, x: Tensor, where: string, name: string, keepValue: boolean): { grad: Tensor; value: Tensor | null } {
  let failed = false;
  let failure: unknown = undefined;
  let out: { grad: Tensor | null; value: Tensor | null };
  try {
    out = tf.tidy(() => {
      const { value, grads } = tf.engine().gradients(
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
      // A clone is a new handle on y's data: the caller may dispose it even when f returned a tensor it does not
      // own (its input, a constant). tf.tidy keeps the tensors of the returned object and disposes the rest.
      return { grad: grads[0] ?? null, value: keepValue && !failed ? tf.clone(value) : null } as unknown as Record<string, Tensor>;
    }) as unknown as { grad: Tensor | null; value: Tensor | null };
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
    out.grad?.dispose();
    out.value?.dispose();
    throw failure;
  }
  if (out.grad == null) {
    out.value?.dispose();
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: ${name} is not differentiable with respect to its input: its output is not connected to the input through ` +
        `TensorFlow.js ops (a model that reads values with dataSync/arraySync and builds new tensors from them breaks the gradient tape)`,
    );
  }
  return { grad: out.grad, value: out.value };
}
