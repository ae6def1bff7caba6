import type { Tensor } from '@tensorflow/tfjs-core';
import { optionKeys } from './validate.js';

/** A batched model: [N, ...inShape] -> [N, K] (or [N]). Must be differentiable for gradient explainers. */
export type ForwardFn = (x: Tensor) => Tensor;

/**
 * Also accepted: anything with predict(x) (tfjs LayersModel, GraphModel wrappers, our own models). A predict that
 * returns a Promise (ONNX through onnxruntime; see isAsyncModel) serves the methods that only call the model;
 * gradient methods refuse it.
 */
export type Predictable = ForwardFn | { predict(x: Tensor): Tensor | Tensor[] | Promise<Tensor> };

/** Options every explainer accepts (DESIGN.md, the explainer contract). */
export interface ExplainOptions {
  /** Output column, one for all rows or one per row; optional when f returns [N] or [N, 1]. */
  target?: number | number[];
  /** Broadcastable to x; default 0. */
  baseline?: number | Tensor;
  /** Most rows per model call (the memory bound); results must not depend on it. Default 64. */
  batchSize?: number;
  /** Every random draw comes from this; same seed -> same result. */
  seed?: number;
  /** Called as batches finish. */
  onProgress?: (done: number, total: number) => void;
  /** Abort -> rejects with GlassboxError code 'ABORTED', no tensors leaked. */
  signal?: AbortSignal;
}

/**
 * The keys of ExplainOptions as flags, to spread into a method's own key list so that the shared keys are written
 * once: `optionKeys<MyOptions>({ ...EXPLAIN_KEYS, pool: true, steps: true })`.
 */
export const EXPLAIN_KEYS = { target: true, baseline: true, batchSize: true, seed: true, onProgress: true, signal: true } as const;

/** EXPLAIN_KEYS without `baseline`, for the methods that take none (saliency, inputXGradient, guidedBackprop, ...). */
export const EXPLAIN_KEYS_WITHOUT_BASELINE = { target: true, batchSize: true, seed: true, onProgress: true, signal: true } as const;

/**
 * EXPLAIN_KEYS without the named keys, in the same order, for the methods that leave some of the shared options
 * out: the key list then says what the options type says (`Omit<ExplainOptions, 'baseline' | 'seed'>` ->
 * `optionKeys<MyOptions>({ ...explainKeysWithout('baseline', 'seed'), layer: true })`).
 */
export function explainKeysWithout<K extends keyof ExplainOptions>(...names: K[]): { readonly [P in Exclude<keyof ExplainOptions, K>]: true } {
  const keys: Partial<Record<keyof ExplainOptions, true>> = { ...EXPLAIN_KEYS };
  for (const name of names) delete keys[name];
  return Object.freeze(keys) as { readonly [P in Exclude<keyof ExplainOptions, K>]: true };
}

/** The keys of ExplainOptions; a method's own option keys add to these (or leave out those it does not use). */
export const EXPLAIN_OPTION_KEYS = optionKeys<ExplainOptions>(EXPLAIN_KEYS);

export interface Attribution {
  /** Same shape as x; the caller owns and disposes it. */
  attributions: Tensor;
  /** [N] convergence / additivity gap where the method defines one. */
  delta?: Tensor;
  /** The method's name, e.g. 'integratedGradients'. */
  method: string;
}

/** Every explainer is an async function of this shape. */
export type Explainer<O extends ExplainOptions = ExplainOptions> = (
  f: Predictable,
  x: Tensor,
  options?: O,
) => Promise<Attribution>;

/** Integration rules for path methods. */
export type IntegrationMethod = 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid' | 'gausslegendre';
export const INTEGRATION_METHODS: readonly IntegrationMethod[] = [
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
  'gausslegendre',
];

/** Noise tunnel variants. */
export type NoiseVariant = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';
export const NOISE_VARIANTS: readonly NoiseVariant[] = ['smoothgrad', 'smoothgrad_sq', 'vargrad'];
