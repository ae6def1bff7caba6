/**
 * What an explainer says about itself: its name and label, the paper, which inputs and model kinds it applies
 * to, what it needs of the model, its options with their defaults and ranges, and whether a row's attribution
 * depends only on that row. Each explainer declares this once, next to its code (`declareMethod`); the method
 * registry of @glassbox/report, the CLI, the demo and noiseTunnel read it back (`methodInfoOf`) instead of
 * keeping their own lists. Plain data, no TensorFlow.js.
 */
import { GlassboxError, describe } from '../errors.js';
import { declareOptionKeys } from './option-keys.js';

/** The model kinds Glassbox knows (the kind adapters of @glassbox/report handle each once). */
export const MODEL_KIND_NAMES = ['classifier', 'ae', 'vae', 'gan', 'cyclegan', 'gpt', 'text-classifier'] as const;
export type MethodModelKind = (typeof MODEL_KIND_NAMES)[number];
/** The kinds whose inputs are images or latent codes (every kind but the text models). */
export const IMAGE_MODEL_KIND_NAMES = Object.freeze(['classifier', 'ae', 'vae', 'gan', 'cyclegan'] as const);
/**
 * The kinds whose inputs are token ids (TokenModels): 'gpt' (a causal language model, explained at its next
 * token) and 'text-classifier'. Only methods that take 'tokens' inputs apply to them.
 */
export const TEXT_MODEL_KIND_NAMES = Object.freeze(['gpt', 'text-classifier'] as const);
/** Every kind: the methods that explain image rows and token ids alike (see EXPLAINS_ANY_MODEL_AND_TOKENS). */
export const ANY_MODEL_KIND_NAMES = Object.freeze([...IMAGE_MODEL_KIND_NAMES, ...TEXT_MODEL_KIND_NAMES] as const);

/**
 * What the explained x is: 'image' (NHWC rows), 'tabular' (rows of features), 'latent' (latent codes [N, D]
 * given to a decoder or generator), 'tokens' (int32 token ids [N, T] of a TokenModel, see token-model.ts).
 */
export type MethodInputKind = 'image' | 'tabular' | 'latent' | 'tokens';

/**
 * What the explainer's first argument must be: 'function' (any Predictable), 'layered' (a network it can run
 * layer by layer, see deepLift), 'splittable' (a model with named layers: a `LayerModel` (see layer-model.ts),
 * a model with split(layer), or { features, head }; see gradCam and the layer methods),
 * 'decoder' (a function of the latent code: decoder or generator), 'attention' (a TokenModel that exposes its
 * attention probabilities, `attention(ids)`, see the attention explanations).
 */
export type MethodSubject = 'function' | 'layered' | 'splittable' | 'decoder' | 'attention';

/**
 * What the result holds: 'attribution' (one value per input element), 'latent' (one value per latent
 * dimension), 'jacobian' ([N, D, ...outRow]), 'traversal' ([dims, values, ...outRow] images),
 * 'sensitivity' ({ scores, order } per latent dimension), 'model' (a fitted surrogate), 'layer' (one value
 * per element of a named layer's output or input, [N, ...layerShape]: layer attributions and activations).
 */
export type MethodOutput = 'attribution' | 'latent' | 'jacobian' | 'traversal' | 'sensitivity' | 'model' | 'layer';

/** One option of a method, as data: what a UI needs to build a control and a CLI to document a flag. */
export interface MethodOptionInfo {
  /** The option key (one of the method's option keys). */
  key: string;
  /** 'integer' and 'number' have a range; 'choice' has choices; 'groups' is a feature mask; 'numbers' a list. */
  type: 'integer' | 'number' | 'boolean' | 'choice' | 'groups' | 'numbers' | 'baseline' | 'layer' | 'segmentation';
  /** The default the method uses when the option is not given (absent: computed from the input, see `summary`). */
  default?: number | string | boolean | readonly number[];
  /** Smallest valid value (integer, number). */
  min?: number;
  /** Largest valid value (integer, number); absent: no fixed bound. */
  max?: number;
  /** True when `min` itself is excluded (e.g. kernelWidth > 0). */
  exclusiveMin?: boolean;
  /** The valid values of a 'choice'. */
  choices?: readonly string[];
  /** One line: what the option does. */
  summary: string;
}

export interface MethodInfo {
  /** The exported function's name, e.g. 'integratedGradients'. */
  name: string;
  /** Other names a command line accepts, kebab-case (e.g. ['ig']). */
  aliases: readonly string[];
  /** A short human label, e.g. 'Integrated gradients'. */
  label: string;
  /** One line: what the values mean. */
  summary: string;
  /** The paper: authors, year and arXiv id (or venue); absent for methods with no single paper. */
  paper?: string;
  /** The package family: 'gradient' (needs gradients of the model) or 'perturbation' (only calls it). */
  family: 'gradient' | 'perturbation';
  /** The kinds of x it explains. */
  inputs: readonly MethodInputKind[];
  /** The model kinds it applies to (given the subject it needs, see `subject`). */
  modelKinds: readonly MethodModelKind[];
  /** What the first argument must be. */
  subject: MethodSubject;
  /** What the result holds. */
  output: MethodOutput;
  /**
   * True when the attribution of a row depends only on that row and the call is deterministic, so that
   * several rows (e.g. noisy copies) can go through one call. False for sampled methods and for methods that
   * explain a batch as a whole.
   */
  rowwise: boolean;
  /** True when the method explains a batch or a data set as a whole (featurePermutation, surrogate), not each row. */
  batch: boolean;
  /** True when the values have a meaningful sign; false for magnitudes. */
  signed: boolean;
  /** True when the map is a gradient-like slope, not a contribution already multiplied by the input (infidelity). */
  gradientLike: boolean;
  /** How it reads `baseline`: 'none', 'point' (broadcastable to a row) or 'distribution' (rows to draw from). */
  baseline: 'none' | 'point' | 'distribution';
  /** True when the attributions add up to F(x) - F(baseline) (completeness, or efficiency for Shapley values). */
  complete: boolean;
  /** True for a factory that wraps another explainer (noiseTunnel(explainer, options)); its options configure the wrap. */
  wrapper: boolean;
  /** Its method-specific options (the common ones, target, batchSize, seed, ..., are not listed). */
  options: readonly MethodOptionInfo[];
  /** All its valid option keys (the method's `*_OPTION_KEYS`). */
  optionKeys: readonly string[];
}

/** What `declareMethod` takes: MethodInfo with the flags that are usually false left out. */
export type MethodInfoInput = Omit<MethodInfo, 'aliases' | 'batch' | 'gradientLike' | 'complete' | 'baseline' | 'wrapper'> &
  Partial<Pick<MethodInfo, 'aliases' | 'batch' | 'gradientLike' | 'complete' | 'baseline' | 'wrapper'>>;

/** The usual case, to spread into a method's info: explains image or tabular rows through any model's function. */
export const EXPLAINS_ANY_MODEL = Object.freeze({
  inputs: Object.freeze(['image', 'tabular'] as const),
  modelKinds: IMAGE_MODEL_KIND_NAMES,
  subject: 'function' as const,
  output: 'attribution' as const,
});

/** The latent methods' case: explains latent codes through a decoder or generator (autoencoders, VAEs, GANs). */
export const EXPLAINS_LATENT_CODES = Object.freeze({
  inputs: Object.freeze(['latent'] as const),
  modelKinds: Object.freeze(['ae', 'vae', 'gan'] as const),
  subject: 'decoder' as const,
});

const METHOD_INFO = Symbol.for('@glassbox/method-info');

function freezeInfo(info: MethodInfoInput): MethodInfo {
  const where = 'declareMethod';
  if (typeof info?.name !== 'string' || info.name.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: info.name must be a non-empty string, got ${describe(info?.name)}`);
  }
  for (const o of info.options) {
    if (!info.optionKeys.includes(o.key)) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: option '${o.key}' of ${info.name} is not among its option keys (${info.optionKeys.join(', ')})`);
    }
  }
  return Object.freeze({
    aliases: [],
    batch: false,
    gradientLike: false,
    complete: false,
    wrapper: false,
    baseline: 'none' as const,
    ...info,
    options: Object.freeze(info.options.map((o) => Object.freeze({ ...o }))),
    optionKeys: Object.freeze(info.optionKeys.slice()),
  });
}

/**
 * Records an explainer's metadata on the function (and its option keys, as `declareOptionKeys` does), so that
 * registries and wrappers read it from the function itself. Returns `fn`.
 *
 * @throws GlassboxError INVALID_ARGUMENT when the info has no name or lists an option that is not among its keys.
 */
export function declareMethod<F extends object>(fn: F, info: MethodInfoInput): F {
  const frozen = freezeInfo(info);
  declareOptionKeys(fn, frozen.optionKeys);
  Object.defineProperty(fn, METHOD_INFO, { value: frozen, enumerable: false });
  return fn;
}

/** The metadata an explainer declared with `declareMethod`, or undefined (a user's own explainer). */
export function methodInfoOf(fn: unknown): MethodInfo | undefined {
  if (typeof fn !== 'function') return undefined;
  const info = (fn as unknown as Record<symbol, unknown>)[METHOD_INFO];
  return info !== null && typeof info === 'object' ? (info as MethodInfo) : undefined;
}

/**
 * The default of one option of a declared method, so that callers read the method's own default instead of
 * restating it.
 * @throws GlassboxError INVALID_ARGUMENT when the method declares no such option or no default for it.
 */
export function optionDefault<T extends number | string | boolean | readonly number[]>(info: MethodInfo, key: string): T {
  const o = info.options.find((e) => e.key === key);
  if (o?.default === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `optionDefault: ${info.name} declares no default for option '${key}'`);
  }
  return o.default as T;
}
