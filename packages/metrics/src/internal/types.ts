import type { Tensor } from '@tensorflow/tfjs-core';
import type { Attribution } from '@glassbox/tensors-ops';

/**
 * Any explainer of the Glassbox contract, whatever its method options: `(f, x, options) => Promise<Attribution>`,
 * with f a Predictable, or a TokenModel for the explainers over token ids (the gradient and perturbation methods
 * take either; attention methods such as attentionRollout take only a TokenModel). (The contract's `Explainer<O>`
 * is invariant in O, and an explainer of token models only does not take every Predictable, so metrics take
 * this wider type.)
 */
export type AnyExplainer = (f: any, x: Tensor, options?: any) => Promise<Attribution>;

/** Attributions as a tensor with x's shape, or an explainer's result whose `attributions` are used. */
export type AttributionsInput = Tensor | Attribution;
