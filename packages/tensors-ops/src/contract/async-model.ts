/**
 * Asynchronous models: a model whose predict answers with a Promise (an ONNX model run by onnxruntime, a model
 * behind a worker or a server). The methods that only call the model (occlusion, ablation, permutation, Shapley
 * values, KernelSHAP, LIME, the deletion / insertion curves...) await it in their one batch loop (scoreRows,
 * mapBatches); the gradient methods need the model's operations on the tape and refuse it before any work.
 *
 * A model is known to be asynchronous up front when it says so: `async: true` on the object (or on the function),
 * or the `ASYNC_MODEL` symbol set to true, or a predict / function written as an `async` function. A model that
 * does not say so and still returns a Promise is caught at its first call.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import type { Predictable } from './types.js';
import { isTensor } from './validate.js';

/** A batched model that answers with a Promise: [N, ...inShape] -> Promise<[N, K] or [N]>. */
export type AsyncForwardFn = (x: Tensor) => Promise<Tensor>;

/** Set this symbol (or a plain `async: true`) to true on a model whose predict returns a Promise. */
export const ASYNC_MODEL: unique symbol = Symbol.for('glassbox.asyncModel');

/** The methods that only call the model, named in the refusal of an asynchronous model. */
export const MODEL_AGNOSTIC_METHODS: readonly string[] = [
  'occlusion',
  'featureAblation',
  'featurePermutation',
  'shapleyValueSampling',
  'exactShapley',
  'kernelShap',
  'lime',
];

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { constructor?: { name?: unknown } }).constructor?.name === 'AsyncFunction';
}

function flagged(v: unknown): boolean {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  const o = v as { async?: unknown; [ASYNC_MODEL]?: unknown };
  return o.async === true || o[ASYNC_MODEL] === true;
}

/**
 * Whether `f` declares itself asynchronous: `async: true` or `[ASYNC_MODEL]: true` on it, or an `async` function
 * (as f itself or as its predict). Models loaded with `@glassbox/adapters`' loadOnnx are.
 */
export function isAsyncModel(f: unknown): boolean {
  if (flagged(f) || isAsyncFunction(f)) return true;
  if (f !== null && typeof f === 'object') return isAsyncFunction((f as { predict?: unknown }).predict);
  return false;
}

/** The refusal of an asynchronous model by a function that needs a synchronous one (gradients, layer methods). */
export function asyncModelError(where: string, name = 'f'): GlassboxError {
  return new GlassboxError(
    'INVALID_ARGUMENT',
    `${where}: ${name} is an asynchronous model (its predict returns a Promise, e.g. an ONNX model from loadOnnx); ` +
      `${where} needs a synchronous, differentiable TensorFlow.js model. Use a method that only calls the model: ${MODEL_AGNOSTIC_METHODS.join(', ')}`,
  );
}

/** Lets a Promise that nobody will await go quietly, disposing the tensor it brings. */
export function dropPromise(p: Promise<unknown>): void {
  p.then(
    (t) => {
      if (isTensor(t)) t.dispose();
    },
    () => undefined,
  );
}

/**
 * Turns an asynchronous model into an AsyncForwardFn: a function is called as is, an object's predict is called
 * as a method; either may answer with a tensor or a Promise of one. A model that answers with anything else (e.g.
 * several tensors) is refused with INVALID_ARGUMENT.
 */
export function asAsyncForward(f: Predictable, where = 'asAsyncForward', name = 'f'): AsyncForwardFn {
  let call: (x: Tensor) => unknown;
  let label: string;
  if (typeof f === 'function') {
    call = f as (x: Tensor) => unknown;
    label = name;
  } else if (f != null && typeof f === 'object' && typeof (f as { predict?: unknown }).predict === 'function') {
    const model = f as { predict(x: Tensor): unknown };
    call = (x) => model.predict(x);
    label = `${name}.predict`;
  } else {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be a function (x) => Tensor or an object with predict(x), got ${describe(f)}`);
  }
  return async (x: Tensor) => {
    const out = await call(x);
    if (!isTensor(out)) {
      if (Array.isArray(out)) for (const t of out) if (isTensor(t)) t.dispose();
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${label} must return one tensor (or a Promise of one), got ${describe(out)}`);
    }
    return out;
  };
}
