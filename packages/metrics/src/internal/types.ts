import type { Tensor } from '@tensorflow/tfjs-core';
import type { Attribution, Predictable } from '@glassbox/tensors-ops';

/**
 * Any explainer of the Glassbox contract, whatever its method options: `(f, x, options) => Promise<Attribution>`.
 * (The contract's `Explainer<O>` is invariant in O, so metrics take this wider type.)
 */
export type AnyExplainer = (f: Predictable, x: Tensor, options?: any) => Promise<Attribution>;

/** Attributions as a tensor with x's shape, or an explainer's result whose `attributions` are used. */
export type AttributionsInput = Tensor | Attribution;
