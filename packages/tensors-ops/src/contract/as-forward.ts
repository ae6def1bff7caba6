import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import type { ForwardFn, Predictable } from './types.js';
import { isTensor } from './validate.js';
import { asAsyncForward, asyncModelError, dropPromise, isAsyncModel, type AsyncForwardFn } from './async-model.js';

/**
 * Turns a model into a ForwardFn: a function is returned as is; an object with `predict(x)` (a tfjs
 * LayersModel, a GraphModel wrapper, a Glassbox model) is wrapped. A model whose predict returns several
 * tensors is refused: wrap it in a function that picks one output. An asynchronous model (its predict returns a
 * Promise, see isAsyncModel) is refused with INVALID_ARGUMENT naming the methods that only call the model: up front
 * when it declares itself asynchronous, else at the first call that answers with a Promise.
 */
export function asForward(f: Predictable, where = 'asForward', name = 'f'): ForwardFn {
  if (isAsyncModel(f)) throw asyncModelError(where, name);
  // A function is returned as is (a plain function that answers with a Promise is caught by checkModelOutput).
  if (typeof f === 'function') return f as ForwardFn;
  if (f != null && typeof f === 'object' && typeof (f as { predict?: unknown }).predict === 'function') {
    const model = f as { predict(x: Tensor): unknown };
    return (x: Tensor) => {
      const out = model.predict(x);
      if (!isTensor(out)) {
        if (out instanceof Promise) {
          dropPromise(out);
          throw asyncModelError(where, name);
        }
        throw new GlassboxError(
          'INVALID_ARGUMENT',
          `${where}: ${name}.predict must return one tensor, got ${describe(out)}; wrap the model in a function that returns one output`,
        );
      }
      return out;
    };
  }
  throw new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} must be a function (x) => Tensor or an object with predict(x), got ${describe(f)}`,
  );
}

/** The ways a batch loop may call a model: `forward` (synchronous), and `forwardAsync` when the model is asynchronous. */
export interface ModelForwards {
  /** The synchronous call; for an asynchronous model it refuses (asyncModelError). */
  forward: ForwardFn;
  /** Present for an asynchronous model (see isAsyncModel): the call the batch loop awaits. */
  forwardAsync?: AsyncForwardFn;
}

/**
 * For the functions that only call the model (their batch loop is scoreRows or mapBatches): a synchronous model's
 * ForwardFn (asForward), or, for an asynchronous model, its AsyncForwardFn beside a `forward` that refuses.
 *
 * @example
 * ```ts
 * const run = explainerRun({ ...modelForwards(f, where), targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, rows);
 * const scores = await scoreRows(run, rows, build, rowOf);
 * ```
 */
export function modelForwards(f: Predictable, where: string, name = 'f'): ModelForwards {
  if (!isAsyncModel(f)) return { forward: asForward(f, where, name) };
  return {
    forward: () => {
      throw asyncModelError(where, name);
    },
    forwardAsync: asAsyncForward(f, where, name),
  };
}
