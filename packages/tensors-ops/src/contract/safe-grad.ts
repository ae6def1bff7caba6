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
import { assertFiniteScores, type FiniteOutputInfo } from './finite.js';
import { ensureOverrides } from '../overrides.js';

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
  // Our gradients, not ones a later import (tfjs-layers) registered over them (../overrides.ts).
  ensureOverrides();
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

/** Where the points of a targetGradient call come from, for the finiteness message. */
export interface TargetGradientInfo {
  /** The model in messages (default 'f'). */
  name?: string;
  /** Its input in messages (default 'x'). */
  input?: string;
  /** Index of the first point among all points of the call (default 0). */
  start?: number;
  /** The row of the input point j (counted from the call's first point) belongs to (default j). */
  rowOf?: (j: number) => number;
}

/**
 * The gradient of the target scores with respect to a batch of points: d (sum_j F_{t_j}(points_j)) / d points,
 * one gradient row per point, where F_t is output column t of `forward` and `columns(outputShape)` gives t_j for
 * every point (called once the output exists, so that it can resolve the target against it). The output is
 * checked like every model output, and the target scores F_{t_j}(points_j), which come out of the same pass
 * (tfjs-core seeds the backward pass of the vector of scores with ones: the gradient of their sum), must be
 * finite: a model that returns ±Infinity or NaN is refused with NON_FINITE naming the model, the output column
 * and the rows of the input (`info`). Leak-safe (safeGrad); the result is owned by the caller.
 */
export function targetGradient(
  forward: ForwardFn,
  points: Tensor,
  where: string,
  columns: (outputShape: readonly number[]) => Int32Array,
  info: TargetGradientInfo = {},
): Tensor {
  const rows = points.shape[0]!;
  const name = info.name ?? 'f';
  let cols: Int32Array | undefined;
  const { grad, value } = safeGradWithValue(
    (p: Tensor) => {
      const y = forward(p);
      checkModelOutput(y, rows, where);
      const c = columns(y.shape);
      if (y.rank === 2 && y.shape[1]! > 1) cols = c;
      return selectTarget(y, c);
    },
    points,
    where,
    name,
  );
  try {
    const check: FiniteOutputInfo = { name };
    if (info.input !== undefined) check.input = info.input;
    if (info.start !== undefined) check.start = info.start;
    if (info.rowOf !== undefined) check.rowOf = info.rowOf;
    if (cols !== undefined) check.columns = cols;
    assertFiniteScores(value.dataSync(), where, check);
  } catch (e) {
    grad.dispose();
    throw e;
  } finally {
    value.dispose();
  }
  return grad;
}
