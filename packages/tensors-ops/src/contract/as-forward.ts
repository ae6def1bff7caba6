import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, describe } from '../errors.js';
import type { ForwardFn, Predictable } from './types.js';
import { isTensor } from './validate.js';

/**
 * Turns a model into a ForwardFn: a function is returned as is; an object with `predict(x)` (a tfjs
 * LayersModel, a GraphModel wrapper, a Glassbox model) is wrapped. A model whose predict returns several
 * tensors is refused: wrap it in a function that picks one output.
 */
export function asForward(f: Predictable, where = 'asForward', name = 'f'): ForwardFn {
  if (typeof f === 'function') return f as ForwardFn;
  if (f != null && typeof f === 'object' && typeof (f as { predict?: unknown }).predict === 'function') {
    const model = f as { predict(x: Tensor): Tensor | Tensor[] };
    return (x: Tensor) => {
      const out = model.predict(x);
      if (!isTensor(out)) {
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
