import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertOneOf,
  assertPlanSize,
  createPace,
  checkOptionKeys,
  createRng,
  EXPLAINS_ANY_MODEL,
  fillCoalition,
  declareMethod,
  describe,
  formatShape,
  EXPLAIN_KEYS,
  optionKeys,
  resolveFeatureMask,
  type Attribution,
  type ExplainOptions,
  type PoolOption,
  type Predictable,
  type TokenModel,
} from '@glassbox/tensors-ops';
import { attributionTensor, rowGroups, indexGroups, intOption, numberOption, prepare, spreadGroups, type FeatureGroups } from './internal/prepare.js';
import { scorePlan } from './internal/evaluate.js';
import { weightedRidge } from './internal/linalg.js';
import { TOKEN_INPUTS, TOKEN_MODEL_KINDS } from './internal/tokens.js';
import { SLIC_OPTION_KEYS, slic, type SlicOptions } from './slic.js';
import { GRID_SEGMENTS_OPTION_KEYS, gridSegments, segmentsToFeatureMask, type GridSegmentsOptions } from './grid-segments.js';

/** A segmentation function: one image (row-major h x w x c) -> h * w labels 0..M-1. */
export type Segmenter = (image: Float32Array, shape: [number, number, number]) => Int32Array;

/** How LIME makes interpretable features of images: SLIC superpixels, a grid, or your own function. */
export type LimeSegmentation = ({ kind: 'slic' } & SlicOptions) | ({ kind: 'grid' } & GridSegmentsOptions) | Segmenter;

export type LimeDistance = 'cosine' | 'euclidean';
export const LIME_DISTANCES: readonly LimeDistance[] = ['cosine', 'euclidean'];

export interface LimeOptions extends ExplainOptions, PoolOption {
  /** Interpretable features as groups (int32, broadcastable to one row, 0..M-1 without gaps). Not with `segmentation`. */
  featureMask?: Tensor | Int32Array | number[];
  /** For images x [N, h, w, c] or [N, h, w]: segment each image (per row) into the interpretable features. */
  segmentation?: LimeSegmentation;
  /**
   * Perturbed samples per row, >= 1, including the unperturbed input; default 256. Each keeps M + 16 bytes of
   * bookkeeping per row of x, within tensors-ops' MAX_PLAN_BYTES (larger values are refused with INVALID_ARGUMENT).
   */
  samples?: number;
  /** Distance of a sample z from the input (the all-ones vector) in the interpretable space; default 'cosine'. */
  distance?: LimeDistance;
  /** Width of the exponential kernel, > 0; default 0.25 for cosine, 0.75 sqrt(M) for euclidean (LIME's defaults). */
  kernelWidth?: number;
  /** Ridge penalty, >= 0 (the intercept is not penalised); default 1 (LIME's default). */
  alpha?: number;
}

/** The keys of LimeOptions. */
export const LIME_OPTION_KEYS = optionKeys<LimeOptions>({
  ...EXPLAIN_KEYS,
  pool: true,
  featureMask: true,
  segmentation: true,
  samples: true,
  distance: true,
  kernelWidth: true,
  alpha: true,
});

export interface LimeAttribution extends Attribution {
  /** Weighted R^2 of each row's surrogate on its own samples (length N): how faithful the linear explanation is locally. */
  score: number[];
  /** The surrogate's intercept per row (its prediction with every feature removed). */
  intercept: number[];
  /** The surrogate's coefficients per row, one per interpretable feature (M may differ per row with segmentation). */
  coefficients: Float32Array[];
  /** With `segmentation`: the per-pixel labels (h * w) used for each row. */
  segments?: Int32Array[];
}

/**
 * LIME: explain one prediction by a linear model that imitates f near the input. Random samples switch
 * interpretable features (feature groups or image segments) off (to the baseline) and on; f scores each
 * sample; a ridge regression, weighted by how close each sample is to the input, is fitted from the on/off
 * pattern to the score. Its coefficients are the explanation, its weighted R^2 says how much to trust it.
 *
 *   z in {0,1}^M, z_1 = all ones, the rest Bernoulli(1/2);   x(z) = z-selected groups from x, the rest from b
 *   pi(z) = exp(-d(z, 1)^2 / (2 kernelWidth^2)),   d = cosine distance (1 - sqrt(|z| / M)) or L2 (sqrt(M - |z|))
 *   (beta, c) = argmin sum_z pi(z) (F(x(z)) - c - beta . z)^2 + alpha ||beta||^2
 *
 * Each element's attribution is its feature's coefficient. On a linear model with alpha = 0 the coefficients
 * are w_i (x_i - b_i), whatever the kernel. The kernel is sklearn's / LIME's exp(-d^2 / w^2) under a square
 * root, i.e. the same as Captum's exp(-d^2 / (2 w^2)); distances are taken in the interpretable space, as the
 * original LIME does for images and text.
 *
 * Tokens: x may be int32 token ids [N, T]. Each position is one feature by default; `featureMask` groups
 * positions (e.g. the word pieces of one word): [T] or [1, T] for every row, or [N, T] with one grouping per
 * row, each without gaps. f is a function of the ids ([N, T] -> [N, K]) or
 * a TokenModel (embed / forwardFromEmbeddings / vocabSize, e.g. a models-transformer GPT or TextClassifier),
 * which is then called through tensors-ops' tokenModelForward (for a causal language model, the scores of the
 * last position: the next-token logits) and whose vocabSize bounds the ids. `baseline` is then one token id
 * (default f.maskId; required when f has none): removed tokens are replaced by it, never interpolated. Positions
 * holding f.padId are no feature: never perturbed, attribution 0. A float x given to a TokenModel is refused.
 * `segmentation` is for images only.
 * `pool` is refused for a TokenModel; with a function of ids the call runs on the main thread (the pool warns).
 *
 * Paper: Ribeiro, Singh & Guestrin, "Why Should I Trust You?: Explaining the Predictions of Any Classifier",
 * KDD 2016, arXiv 1602.04938. Captum's Lime.
 *
 * @param f the model [N, ...] -> [N, K] or [N] (a function or an object with predict), or a TokenModel.
 * @param x float32 [N, ...], finite ([N, h, w, c] or [N, h, w] with `segmentation`); or int32 token ids [N, T].
 * @param options
 *   - `featureMask` or `segmentation` ({ kind: 'slic', segments, compactness, iterations } | { kind: 'grid',
 *     cells } | (image, [h, w, c]) => labels); default every element its own feature.
 *   - `samples` (default 256), `distance` ('cosine'), `kernelWidth`, `alpha` (default 1).
 *   - `baseline` (default 0: "off" features take the baseline), `seed` (default 0; row n uses the stream
 *     fork(n), so a row's explanation does not depend on the other rows' values), `target`, `batchSize`,
 *     `onProgress`, `signal`.
 * @returns attributions with x's shape (each element gets its feature's coefficient), `score` (number[] per
 *   row, weighted R^2), `intercept`, `coefficients` and, with segmentation, `segments`. N * samples model rows.
 *
 * @example
 * ```ts
 * const res = await lime(classifier, image, { segmentation: { kind: 'slic', segments: 30 }, target: 7, seed: 1 });
 * console.log(res.score);                                        // e.g. [0.83]
 * ```
 */
export async function lime(f: Predictable | TokenModel, x: Tensor, options: LimeOptions = {}): Promise<LimeAttribution> {
  const where = 'lime';
  const opts = checkOptionKeys<LimeOptions>(options, LIME_OPTION_KEYS, where);
  const p = prepare(f, x, opts, where, true, { tokens: true });
  const { n, rowShape, rowSize } = p;
  const samples = intOption(opts.samples, 'options.samples', where, 256);
  const distance = opts.distance === undefined ? 'cosine' : assertOneOf(opts.distance, LIME_DISTANCES, 'options.distance', where);
  const alpha = numberOption(opts.alpha, 'options.alpha', where, 1, { min: 0 });
  if (opts.kernelWidth !== undefined) numberOption(opts.kernelWidth, 'options.kernelWidth', where, 0, { gt: 0 });
  if (opts.featureMask !== undefined && opts.segmentation !== undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: give options.featureMask or options.segmentation, not both`);
  }

  // Interpretable features per row.
  const groupsPerRow: FeatureGroups[] = [];
  let segments: Int32Array[] | undefined;
  if (opts.segmentation !== undefined) {
    if (rowShape.length !== 2 && rowShape.length !== 3) {
      throw new GlassboxError(
        'SHAPE_MISMATCH',
        `${where}: options.segmentation needs images x [N, h, w, c] or [N, h, w], got x of shape ${formatShape(x.shape)}`,
      );
    }
    const shape: [number, number, number] = [rowShape[0]!, rowShape[1]!, rowShape[2] ?? 1];
    const seg = opts.segmentation;
    let segmenter: Segmenter;
    if (typeof seg === 'function') segmenter = seg;
    else if (seg !== null && typeof seg === 'object' && seg.kind === 'slic') {
      const { kind: _slic, ...slicOptions } = checkOptionKeys<{ kind: 'slic' } & SlicOptions>(seg, ['kind', ...SLIC_OPTION_KEYS], where, 'options.segmentation');
      segmenter = (img, s) => slic(img, s, slicOptions);
    } else if (seg !== null && typeof seg === 'object' && seg.kind === 'grid') {
      const { kind: _grid, ...gridOptions } = checkOptionKeys<{ kind: 'grid' } & GridSegmentsOptions>(seg, ['kind', ...GRID_SEGMENTS_OPTION_KEYS], where, 'options.segmentation');
      segmenter = (_img, s) => gridSegments(s, gridOptions);
    } else {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: options.segmentation must be { kind: 'slic', ... }, { kind: 'grid', ... } or a function, got ${describe(seg)}`,
      );
    }
    segments = [];
    for (let i = 0; i < n; i++) {
      const labels = segmenter(p.x.slice(i * rowSize, (i + 1) * rowSize), shape);
      if (!(labels instanceof Int32Array) || labels.length !== shape[0] * shape[1]) {
        throw new GlassboxError(
          'SHAPE_MISMATCH',
          `${where}: the segmentation of row ${i} must be an Int32Array of ${shape[0] * shape[1]} labels (h * w), got ${describe(labels)}`,
        );
      }
      segments.push(labels);
      groupsPerRow.push(indexGroups(resolveFeatureMask(segmentsToFeatureMask(labels, shape), rowShape, where, `segmentation labels of row ${i}`)));
    }
  } else {
    groupsPerRow.push(...rowGroups(opts.featureMask, p, where).rows);
  }

  // Bookkeeping per sample: its coalition in every row (M_i bytes each), its score and weight per row.
  let groupsInAll = 0;
  for (const g of groupsPerRow) groupsInAll += g.numGroups;
  assertPlanSize(samples, groupsInAll + 16 * n, 'options.samples', where, ` for ${groupsInAll} features over ${n} row(s) of x`);

  // Samples per row, from the row's own random stream; drawing them is O(N samples M): paced, so that an abort
  // lands during it.
  const pace = createPace(opts.signal, where);
  const root = createRng(p.seed);
  const designs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const m = groupsPerRow[i]!.numGroups;
    const rng = root.fork(i);
    const z = new Uint8Array(samples * m);
    z.fill(1, 0, m);
    for (let s = 1; s < samples; s++) {
      if (s % 256 === 0) await pace();
      for (let g = 0; g < m; g++) z[s * m + g] = rng.uniform() < 0.5 ? 1 : 0;
    }
    designs.push(z);
  }
  const scores = await scorePlan(
    p,
    {
      rows: n * samples,
      rowShape,
      inputOf: (r) => Math.floor(r / samples),
      fill: (r, out, offset) => {
        const i = Math.floor(r / samples);
        const s = r % samples;
        const g = groupsPerRow[i]!;
        fillCoalition(out, offset, p.x, p.b, i * rowSize, g.groups, designs[i]!.subarray(s * g.numGroups, (s + 1) * g.numGroups));
      },
    },
    opts,
    where,
  );

  const attr = new Float32Array(n * rowSize);
  const score: number[] = [];
  const intercept: number[] = [];
  const coefficients: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const g = groupsPerRow[i]!;
    const m = g.numGroups;
    const z = designs[i]!;
    const width = opts.kernelWidth ?? (distance === 'cosine' ? 0.25 : 0.75 * Math.sqrt(m));
    const weights = new Float64Array(samples);
    for (let s = 0; s < samples; s++) {
      let on = 0;
      for (let k = 0; k < m; k++) on += z[s * m + k]!;
      const d = distance === 'cosine' ? (on === 0 ? 1 : 1 - Math.sqrt(on / m)) : Math.sqrt(m - on);
      weights[s] = Math.exp(-(d * d) / (2 * width * width));
    }
    const fit = weightedRidge(z, samples, m, scores.subarray(i * samples, (i + 1) * samples), weights, alpha);
    spreadGroups(attr, i * rowSize, g.groups, fit.coef);
    score.push(fit.r2);
    intercept.push(fit.intercept);
    coefficients.push(Float32Array.from(fit.coef));
  }
  const result: LimeAttribution = { attributions: attributionTensor(attr, x.shape, where), score, intercept, coefficients, method: 'lime' };
  if (segments !== undefined) result.segments = segments;
  return result;
}
declareMethod(lime, {
  name: 'lime',
  label: 'LIME',
  summary: 'LIME: a local linear surrogate on patches (grid or SLIC) (Ribeiro et al. 2016)',
  paper: 'M. T. Ribeiro, S. Singh, C. Guestrin, 2016, arXiv:1602.04938',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  inputs: TOKEN_INPUTS,
  modelKinds: TOKEN_MODEL_KINDS,
  rowwise: false,
  signed: true,
  baseline: 'point',
  options: [
    { key: 'featureMask', type: 'groups', summary: 'feature groups (int32, one entry per element of a row, 0..M-1); default every element its own group' },
    { key: 'segmentation', type: 'segmentation', summary: 'segment each image into the features (grid or SLIC); not with featureMask' },
    { key: 'samples', type: 'integer', default: 256, min: 1, summary: 'perturbed samples per row' },
    { key: 'distance', type: 'choice', default: 'cosine', choices: LIME_DISTANCES, summary: 'distance of a sample from the input' },
    { key: 'kernelWidth', type: 'number', min: 0, exclusiveMin: true, summary: 'width of the exponential kernel; default 0.25 (cosine), 0.75 sqrt(M) (euclidean)' },
    { key: 'alpha', type: 'number', default: 1, min: 0, summary: 'ridge penalty' },
  ],
  optionKeys: LIME_OPTION_KEYS,
});
