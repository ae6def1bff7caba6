import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  asForward,
  checkCommonOptions,
  checkInput,
  checkTokenIds,
  createRng,
  describe,
  isTensor,
  isTokenModel,
  throwIfAborted,
  tf,
  type ExplainOptions,
  type Predictable,
  type TokenModel,
} from '@glassbox/tensors-ops';
import { attributionMap } from './internal/attribution-map.js';
import { checkFunction } from './internal/check-options.js';
import { explainValues, explainerOptionsOf } from './internal/run-explainer.js';
import { spearman } from './internal/spearman.js';
import { ssim } from './internal/ssim.js';
import type { AnyExplainer } from './internal/types.js';

/**
 * What randomizationSanityCheck needs from a model: named layers that list their parameters by full name,
 * and weights read and written by those names. A tensors-ops `Sequential` fits as is.
 *
 * - `getWeights()` returns the parameters by name; copies the caller owns (as Sequential does) or the model's
 *   own tensors/variables are both fine: the check copies what it needs and never disposes the model's tensors.
 * - `setWeights(weights, { allowPartial: true })` copies the given values into the named parameters (the
 *   tensors stay the caller's) and leaves the others unchanged.
 * - The model is called (as `predict(x)`, or as a function) with its current weights.
 */
export interface RandomizableModel {
  readonly layers: ReadonlyArray<{ readonly name: string; readonly params: readonly string[] }>;
  getWeights(): Record<string, Tensor>;
  setWeights(weights: Record<string, Tensor>, options?: { allowPartial?: boolean }): void;
  predict?(x: Tensor): Tensor;
}

/** Named layers, each listing the full names of its parameters. */
export type RandomizableLayers = ReadonlyArray<{ readonly name: string; readonly params: readonly string[] }>;

/**
 * A network whose top-level blocks are its layers, with weights by full name: a tensors-ops `ResidualModel` (the
 * network of the Transformers of @glassbox/models-transformer) fits as is.
 */
export interface RandomizableBlocks {
  readonly blocks: RandomizableLayers;
  getWeights(): Record<string, Tensor>;
  setWeights(weights: Record<string, Tensor>, options?: { allowPartial?: boolean }): void;
}

/**
 * A token model (tensors-ops TokenModel) whose parameters can be randomized: they live in `network`, a
 * RandomizableModel (layers) or a RandomizableBlocks (a ResidualModel's blocks), which `embed` and
 * `forwardFromEmbeddings` read. The GPT and TextClassifier of @glassbox/models-transformer fit as they are. A
 * TokenModel without `network` that is itself a RandomizableModel (layers, getWeights, setWeights) fits too.
 */
export type RandomizableTokenModel = TokenModel & { readonly network?: RandomizableModel | RandomizableBlocks };

export interface RandomizationSanityCheckOptions extends ExplainOptions {
  /**
   * Names of the layers to randomize; they are randomized cumulatively from the output down (in model order,
   * whatever the order given). Default: every layer with weights.
   */
  layers?: string[];
  /**
   * The function explained, if not the model itself (e.g. `outputRegion(model, mask)`); it must call the model.
   * For a token model: another TokenModel or a function of ids that reads the same weights.
   */
  forward?: Predictable;
  /** Seed of the random weights (and passed to the explainer). Default 0. */
  seed?: number;
  /** Options for the explainer that clash with this function's own names. */
  explainerOptions?: Record<string, unknown>;
  /**
   * Any other option is passed to the explainer unchanged (target, baseline, batchSize, steps, ...); `seed` and
   * `signal` are used here too and passed on when the explainer takes them. Checked by name against the
   * explainer's keys when it declared them (tensors-ops' declareOptionKeys; every Glassbox explainer does).
   */
  [option: string]: unknown;
}

export interface SanityLayerResult {
  /** The layer randomized at this step. */
  layer: string;
  /** Every layer randomized so far (this one included), from the output down. */
  randomized: string[];
  /** Per row: Spearman rank correlation of |a| (original vs randomized), in [-1, 1]. */
  spearman: number[];
  /** Per row: SSIM of the attribution maps (|a|, summed over channels for images, scaled to [0, 1]). */
  ssim: number[];
  /** Mean of `spearman` over the rows. */
  meanSpearman: number;
  /** Mean of `ssim` over the rows. */
  meanSsim: number;
}

export interface SanityCheckResult {
  /** One entry per randomization step, from the output layer down. */
  layers: SanityLayerResult[];
}

/** What the check reads itself: OWN stays here, SHARED is also passed to the explainer (when it takes it). */
const OWN = ['layers', 'forward', 'onProgress'] as const;
const SHARED = ['seed', 'signal'] as const;
const STATISTICS = ['/movingMean', '/movingVariance'];

/**
 * The model-parameter randomization test: does the explanation depend on what the model learned? The layers
 * are re-initialized one after another from the output down (cascading), and after each step the explanation
 * of the same inputs is compared with the original one. A method that explains the model must change as its
 * weights are destroyed (rank correlation and SSIM fall towards 0); one that stays the same is explaining the
 * input (an edge detector), not the model.
 *
 *   for l = L, L-1, ..., 1:  W_l <- N(0, std(W_l)^2) elementwise, for every parameter of layer l
 *     rho_l  = Spearman(|Phi(F_l, x)|, |Phi(F, x)|),   ssim_l = SSIM(map(Phi(F_l, x)), map(Phi(F, x)))
 *
 * Parameters whose values are all equal (zero biases, batch-norm scales) keep their values (their
 * re-initialization); batch-norm moving statistics are not randomized. The model's original weights are put
 * back afterwards, also on error or abort. Adebayo, Gilmer, Muelly, Goodfellow, Hardt and Kim 2018, "Sanity
 * Checks for Saliency Maps", arXiv 1810.03292; SSIM: Wang, Bovik, Sheikh and Simoncelli 2004.
 *
 * Token models: a TokenModel whose weights live in `network` (a ResidualModel, e.g. the TextClassifier or GPT of
 * @glassbox/models-transformer) is explained as a TokenModel (x its int32 ids [N, T]), and the layers randomized
 * are the network's blocks with weights, from the output down ('logits', 'lnF', 'h1', 'h0', 'positions', 'tokens'
 * for the spam classifier); a row's padding positions (the model's padId) are left out of both comparisons.
 *
 * @param explainer any Glassbox explainer.
 * @param model a RandomizableModel (a tensors-ops Sequential), or a RandomizableTokenModel (a TokenModel with a
 *   randomizable `network`, such as @glassbox/models-transformer's models).
 * @param x inputs [N, ...], float32; int32 token ids [N, T] for a token model.
 * @param options `layers` (default all with weights), `seed` (default 0), `target`, `forward`, `onProgress`
 *   (explanations done, steps + 1), `signal` (also passed to the explainer), any other explainer option.
 * @returns `{ layers: [{ layer, randomized, spearman, ssim, meanSpearman, meanSsim }, ...] }`.
 *
 * @example
 * ```ts
 * const check = await randomizationSanityCheck(saliency, model, x, { target: 3, seed: 1 });
 * for (const s of check.layers) console.log(s.layer, s.meanSpearman.toFixed(2), s.meanSsim.toFixed(2));
 * ```
 */
export async function randomizationSanityCheck(
  explainer: AnyExplainer,
  model: RandomizableModel | RandomizableTokenModel,
  x: Tensor,
  options?: RandomizationSanityCheckOptions,
): Promise<SanityCheckResult> {
  const where = 'randomizationSanityCheck';
  checkFunction<AnyExplainer>(explainer, 'explainer', where, 'an explainer function (f, x, options) => Promise<Attribution>');
  const { weights: holder, layers: modelLayers, token } = weightsOf(model, where);
  if (token !== null) checkTokenIds(x, where, 'x', token.vocabSize);
  else checkInput(x, where);
  const passOn = explainerOptionsOf(options, { own: OWN, shared: SHARED }, explainer, where);
  const opts = (options ?? {}) as RandomizationSanityCheckOptions;
  const { seed } = checkCommonOptions(opts, where);
  const f = (opts.forward === undefined ? model : opts.forward) as Predictable;
  if (!isTokenModel(f)) asForward(f, where, opts.forward === undefined ? 'model' : 'options.forward');

  // Layers to randomize, from the output down.
  const withWeights = (l: { params: readonly string[] }) => l.params.filter((p) => !STATISTICS.some((s) => p.endsWith(s)));
  let chosen: { name: string; params: string[] }[];
  if (opts.layers === undefined) {
    chosen = modelLayers.map((l) => ({ name: l.name, params: withWeights(l) })).filter((l) => l.params.length > 0);
  } else {
    if (!Array.isArray(opts.layers) || opts.layers.length === 0) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.layers must be a non-empty array of layer names, got ${describe(opts.layers)}`);
    }
    const names = modelLayers.map((l) => l.name);
    for (const name of opts.layers) {
      const layer = modelLayers.find((l) => l.name === name);
      if (layer === undefined) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.layers names an unknown layer ${describe(name)}; the model's layers are ${names.map((s) => `'${s}'`).join(', ')}`);
      }
      if (withWeights(layer).length === 0) {
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: layer '${name}' in options.layers has no weights to randomize`);
      }
    }
    chosen = modelLayers.filter((l) => opts.layers!.includes(l.name)).map((l) => ({ name: l.name, params: withWeights(l) }));
  }
  if (chosen.length === 0) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: model has no layer with weights to randomize`);
  }
  chosen.reverse();

  const n = x.shape[0]!;
  const rowShape = x.shape.slice(1);
  const d = x.size / n;
  const total = chosen.length + 1;
  const rng = createRng(seed);

  // Copies of the original weights (tidy disposes copies getWeights made; the model's own tensors are untouched).
  const original = tf.tidy(() => {
    const w = holder.getWeights();
    if (w == null || typeof w !== 'object') {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.getWeights() must return weights by name, got ${describe(w)}`);
    }
    const copy: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(w)) {
      if (!isTensor(v)) throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.getWeights()['${k}'] must be a tensor, got ${describe(v)}`);
      copy[k] = tf.clone(v);
    }
    return copy;
  });
  for (const layer of chosen) {
    for (const p of layer.params) {
      if (!(p in original)) {
        tf.dispose(original);
        throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.getWeights() has no weight '${p}' listed by layer '${layer.name}'`);
      }
    }
  }

  let touched = false;
  try {
    throwIfAborted(opts.signal, where);
    const before = await explainValues(explainer, f, x, passOn, where);
    opts.onProgress?.(1, total);
    // The values compared of row i: all of them, or a token row's real (non-padding) positions.
    const realOf = realPositions(token, x, n, d);
    const rowOf = (values: Float32Array, i: number): Float32Array => {
      const row = values.subarray(i * d, (i + 1) * d);
      const keep = realOf?.[i];
      return keep === undefined ? row : Float32Array.from(keep, (j) => row[j]!);
    };
    const shapeOf = (i: number): number[] => (realOf === null ? rowShape : [realOf[i]!.length]);
    const beforeMaps = Array.from({ length: n }, (_, i) => attributionMap(rowOf(before, i), shapeOf(i)));
    const beforeAbs = Array.from({ length: n }, (_, i) => rowOf(before, i).map(Math.abs));

    const results: SanityLayerResult[] = [];
    for (let step = 0; step < chosen.length; step++) {
      throwIfAborted(opts.signal, where);
      const layer = chosen[step]!;
      const random: Record<string, Tensor> = {};
      try {
        layer.params.forEach((p, k) => {
          const w = original[p]!;
          const values = w.dataSync();
          let mean = 0;
          for (let i = 0; i < values.length; i++) mean += values[i]!;
          mean /= values.length || 1;
          let v = 0;
          for (let i = 0; i < values.length; i++) v += (values[i]! - mean) ** 2;
          const std = Math.sqrt(v / (values.length || 1));
          random[p] = std > 0 ? tf.tensor(rng.fork(step).fork(k).normalArray(w.size, 0, std), w.shape, 'float32') : tf.clone(w);
        });
        touched = true;
        holder.setWeights(random, { allowPartial: true });
      } finally {
        tf.dispose(random);
      }
      const after = await explainValues(explainer, f, x, passOn, where);
      const rho: number[] = [];
      const sim: number[] = [];
      for (let i = 0; i < n; i++) {
        const row = rowOf(after, i);
        rho.push(spearman(beforeAbs[i]!, row.map(Math.abs)));
        const m = attributionMap(row, shapeOf(i));
        const b = beforeMaps[i]!;
        sim.push(ssim(b.map, m.map, b.height, b.width));
      }
      results.push({
        layer: layer.name,
        randomized: chosen.slice(0, step + 1).map((l) => l.name),
        spearman: rho,
        ssim: sim,
        meanSpearman: rho.reduce((s, v) => s + v, 0) / n,
        meanSsim: sim.reduce((s, v) => s + v, 0) / n,
      });
      opts.onProgress?.(step + 2, total);
    }
    return { layers: results };
  } finally {
    try {
      if (touched) holder.setWeights(original);
    } finally {
      tf.dispose(original);
    }
  }
}

/** The layers of a weights holder with `layers` or `blocks` ([{ name, params }]), or null. */
function layersOf(value: unknown, key: 'layers' | 'blocks'): RandomizableLayers | null {
  const m = value as { getWeights?: unknown; setWeights?: unknown } & Record<string, unknown> | null;
  if (m == null || (typeof m !== 'object' && typeof m !== 'function')) return null;
  const layers = m[key] as RandomizableLayers | undefined;
  const ok =
    Array.isArray(layers) &&
    layers.every((l) => l != null && typeof l.name === 'string' && Array.isArray(l.params)) &&
    typeof m.getWeights === 'function' &&
    typeof m.setWeights === 'function';
  return ok ? layers : null;
}

type WeightsHolder = Pick<RandomizableModel, 'getWeights' | 'setWeights'>;

/**
 * Where the weights to randomize live: a RandomizableModel's own, or a token model's `network` (its layers or,
 * for a ResidualModel, its blocks), or a token model that is itself a RandomizableModel.
 */
function weightsOf(model: unknown, where: string): { weights: WeightsHolder; layers: RandomizableLayers; token: TokenModel | null } {
  if (isTokenModel(model)) {
    if (!Number.isInteger(model.vocabSize) || model.vocabSize < 1) {
      throw new GlassboxError('INVALID_ARGUMENT', `${where}: model.vocabSize must be a positive integer, got ${describe(model.vocabSize)}`);
    }
    const network = (model as { network?: unknown }).network;
    const layers = layersOf(network, 'layers') ?? layersOf(network, 'blocks');
    if (layers !== null) return { weights: network as WeightsHolder, layers, token: model };
    const own = layersOf(model, 'layers');
    if (own !== null) return { weights: model as unknown as WeightsHolder, layers: own, token: model };
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model is a TokenModel whose weights cannot be randomized: it needs a network (a tensors-ops ResidualModel or Sequential: blocks or layers [{ name, params }], getWeights(), setWeights(weights, { allowPartial })) that embed and forwardFromEmbeddings read, got network ${describe(network)}`,
    );
  }
  checkModel(model, where);
  return { weights: model, layers: model.layers, token: null };
}

/** For a token model with a padId: the real (non-padding) positions of each row; else null (every position). */
function realPositions(token: TokenModel | null, x: Tensor, n: number, t: number): number[][] | null {
  if (token?.padId === undefined) return null;
  const ids = x.dataSync();
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const keep: number[] = [];
    for (let j = 0; j < t; j++) if (ids[i * t + j] !== token.padId) keep.push(j);
    out.push(keep.length > 0 ? keep : Array.from({ length: t }, (_, j) => j));
  }
  return out;
}

function checkModel(model: unknown, where: string): asserts model is RandomizableModel {
  if (layersOf(model, 'layers') === null) {
    throw new GlassboxError(
      'INVALID_ARGUMENT',
      `${where}: model must have layers [{ name, params }], getWeights() and setWeights(weights, { allowPartial }) (a tensors-ops Sequential), or be a TokenModel with such a network, got ${describe(model)}`,
    );
  }
}
