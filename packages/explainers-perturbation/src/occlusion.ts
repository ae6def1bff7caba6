import type { Tensor } from '@tensorflow/tfjs-core';
import { GlassboxError, EXPLAINS_ANY_MODEL, declareMethod, fillAblated, describe, formatShape, EXPLAIN_KEYS, optionKeys, type Attribution, type ExplainOptions, type PoolOption, type Predictable, type TokenModel, type RowRecipe, checkOptionKeys, explainerRun } from '@glassbox/tensors-ops';
import { TOKEN_INPUTS, TOKEN_MODEL_KINDS } from './internal/tokens.js';
import { attributionTensor, prepare, probeRowShape, zeroPadding } from './internal/prepare.js';
import { scorePlan } from './internal/evaluate.js';
import { incrementalOcclusionScores, planIncremental, type OcclusionWindows } from './internal/incremental-occlusion.js';

export interface OcclusionOptions extends ExplainOptions, PoolOption {
  /** Window size, one integer per non-batch dimension of x, each in 1..that dimension (e.g. [4, 4, 1] for NHWC). Required. */
  window: number[];
  /** Step between window starts, one integer per non-batch dimension, each in 1..that dimension. Default: 1 everywhere. */
  strides?: number[];
  /**
   * Use the exact incremental fast path when it applies (default true); false always runs the whole model
   * on every occluded row. See `occlusion`.
   */
  incremental?: boolean;
}

/** The keys of OcclusionOptions. */
export const OCCLUSION_OPTION_KEYS = optionKeys<OcclusionOptions>({
  ...EXPLAIN_KEYS,
  pool: true,
  window: true,
  strides: true,
  incremental: true,
});

/** One window position along one dimension. */
interface Extent {
  start: number;
  extent: number;
}

/**
 * Window start positions and extents along one dimension: starts 0, s, 2s, ... while start <= size - window,
 * then one last window, clipped at the end, when the full windows stop short of the end.
 */
export function windowStarts(size: number, window: number, stride: number): Extent[] {
  const out: Extent[] = [];
  let start = 0;
  for (; start < size - window + 1; start += stride) out.push({ start, extent: window });
  const last = out[out.length - 1]!;
  if (last.start + window < size && start < size) out.push({ start, extent: size - start });
  return out;
}

function checkWindowArg(value: unknown, name: string, shape: readonly number[], where: string): number[] {
  if (!Array.isArray(value)) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: ${name} must be an array with one integer per non-batch dimension of x (${shape.length}), got ${describe(value)}`);
  }
  if (value.length !== shape.length) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must have one entry per non-batch dimension of x (row shape ${formatShape(shape)}, ${shape.length} entries), got ${value.length} entries ${describe(value)}`,
    );
  }
  value.forEach((v, d) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > shape[d]!) {
      throw new GlassboxError(
        'INVALID_ARGUMENT',
        `${where}: ${name}[${d}] must be an integer in 1..${shape[d]} (x's dimension ${d + 1} is ${shape[d]}), got ${describe(v)}`,
      );
    }
  });
  return value as number[];
}

/**
 * Occlusion: slide a window over the input, replace what it covers by the baseline, and record how much the
 * target score drops. Regions whose removal hurts the score most are the ones the model relies on. It needs
 * forward passes only, so it explains any model.
 *
 * For each window W (the Cartesian product of per-dimension window positions) and each element i,
 *
 *   A_i = mean over the windows W that cover i of  F(x) - F(x with x_W := b_W)
 *
 * Along each dimension the window starts run 0, s, 2s, ... while start <= size - window, plus one last,
 * clipped window when the full windows do not reach the end. Elements no window covers (only possible with
 * strides larger than the window) get 0. Perturbed inputs are built lazily and run `batchSize` rows per
 * model call; the result does not depend on `batchSize`. Before any of them is built, the rows of x are
 * checked against the model: a model that declares its input shape (a tensors-ops Sequential, a Classifier)
 * refuses other rows with SHAPE_MISMATCH at once, and any other model, when one batch would hold more than
 * 16 MiB of input, is first called on one row of x, so that a model that refuses the shape fails before a
 * large batch (or the window list of a large image) is made.
 *
 * Tokens: x may be int32 token ids [N, T]; `window` and `strides` are then one number each for the position
 * axis ([w] and [s]; window [1] replaces one token at a time). f is a function of the ids ([N, T] -> [N, K]) or
 * a TokenModel (embed / forwardFromEmbeddings / vocabSize, e.g. a models-transformer GPT or TextClassifier),
 * which is then called through tensors-ops' tokenModelForward (for a causal language model, the scores of the
 * last position: the next-token logits) and whose vocabSize bounds the ids. `baseline` is then one token id
 * (default f.maskId; required when f has none): removed tokens are replaced by it, never interpolated. Positions
 * holding f.padId are no feature: never perturbed, attribution 0. A float x given to a TokenModel is refused.
 * `pool` is refused for a TokenModel; with a function of ids the call runs on the main thread (the pool warns).
 *
 * Paper: Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014, arXiv 1311.2901.
 * Agrees with Captum's Occlusion wherever the windows tile the input exactly.
 *
 * @param f the model [N, ...] -> [N, K] or [N] (a function or an object with predict), or a TokenModel.
 * @param x float32 [N, ...], finite; or int32 token ids [N, T].
 * @param options
 *   - `window` (required): one integer per non-batch dimension, e.g. [4, 4, 1] for NHWC images.
 *   - `strides`: one integer per non-batch dimension; default 1 everywhere (e.g. [2, 2, 1]).
 *   - `baseline`: number or tensor broadcastable to x; default 0.
 *   - `target`: output column, one for all rows or one per row; optional when f returns [N] or [N, 1].
 *   - `batchSize` (default 64), `onProgress(done, total)` in model rows, `signal` (abort between batches).
 *   - `pool`: a tensors-ops Pool (`createPool()` from `@glassbox/tensors-ops/pool`): the workers rebuild the
 *     occluded rows from x, the baseline and the window list and run the model; the scores come back in batch
 *     order, so the result is the same numbers as one thread with the same batchSize. Needs a model that can
 *     cross a thread (a Sequential, a Classifier, `poolable(f, spec)`); with a plain function the call runs
 *     here and the pool warns once. When the incremental fast path applies it runs on the calling thread and
 *     the pool is not used: computing its rows here is cheaper than shipping them to the workers.
 *   - `incremental` (default true): an exact incremental fast path for convolutional networks. It applies
 *     when f is a tensors-ops `Sequential` (or a models-classifier `Classifier`, whose `network` is one), the
 *     rows of x are [H, W, C] images of the model's input shape, and the model starts with a "local prefix"
 *     of layers whose output pixel depends only on a window of their input: conv2d (any strides and
 *     dilations, 'valid' or 'same' zero padding), max/avg pooling with 'valid' padding (or 'same' when it pads
 *     nothing), batchNorm, dropout and activation layers, with elementwise activations (not softmax or
 *     logSoftmax), followed by at least one other layer (flatten, dense, ...). The prefix activations of x are
 *     then computed once per image, and for each occluded row each prefix layer recomputes only the outputs
 *     whose receptive field meets the changed region (on the crop of its input they read, with the changed
 *     values pasted in); the rest of the model runs on the patched activation. The scores, and so the
 *     attributions, equal the full path's up to float rounding. Rows are batched by window position (at most
 *     `batchSize` rows per model call) and `onProgress` counts the same model rows. When it does not apply, or
 *     with `incremental: false`, every occluded row runs the whole model.
 * @returns attributions with x's shape (the caller disposes them).
 *
 * @example
 * ```ts
 * const { attributions } = await occlusion(classifier, images, { window: [4, 4, 1], strides: [2, 2, 1], target: 3 });
 * // Tokens: clf a TextClassifier (a TokenModel), ids int32 [1, T]; each token replaced by clf.maskId in turn.
 * const words = await occlusion(clf, ids, { window: [1], target: 1 });
 * ```
 */
export async function occlusion(f: Predictable | TokenModel, x: Tensor, options: OcclusionOptions): Promise<Attribution> {
  const where = 'occlusion';
  const opts = checkOptionKeys<OcclusionOptions>(options as OcclusionOptions | undefined, OCCLUSION_OPTION_KEYS, where);
  if (opts.window === undefined) {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.window is required (one integer per non-batch dimension of x)`);
  }
  const p = prepare(f, x, opts, where, true, { tokens: true });
  const { n, rowShape, rowSize } = p;
  const window = checkWindowArg(opts.window, 'options.window', rowShape, where);
  const strides = opts.strides === undefined ? rowShape.map(() => 1) : checkWindowArg(opts.strides, 'options.strides', rowShape, where);
  if (opts.incremental !== undefined && typeof opts.incremental !== 'boolean') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.incremental must be a boolean, got ${describe(opts.incremental)}`);
  }
  const fast = opts.incremental === false || p.tokens !== null ? null : planIncremental(f as Predictable, rowShape);
  // Before the window list and the first batch (both can be large for big images): does the model take a row?
  probeRowShape(p, opts.signal, where);

  // Windows as lists of flat element indices of one row.
  const perDim = rowShape.map((size, d) => windowStarts(size, window[d]!, strides[d]!));
  const rowStrides = rowShape.map((_, d) => rowShape.slice(d + 1).reduce((a, b) => a * b, 1));
  const windows: Int32Array[] = [];
  const coverCount = new Float64Array(rowSize);
  const pos = rowShape.map(() => 0);
  const rank = rowShape.length;
  for (;;) {
    const extents = pos.map((k, d) => perDim[d]![k]!);
    const size = extents.reduce((a, e) => a * e.extent, 1);
    const idx = new Int32Array(size);
    const local = rowShape.map(() => 0);
    for (let t = 0; t < size; t++) {
      let flat = 0;
      for (let d = 0; d < rank; d++) flat += (extents[d]!.start + local[d]!) * rowStrides[d]!;
      idx[t] = flat;
      coverCount[flat]++;
      for (let d = rank - 1; d >= 0; d--) {
        if (++local[d]! < extents[d]!.extent) break;
        local[d] = 0;
      }
    }
    windows.push(idx);
    let d = rank - 1;
    for (; d >= 0; d--) {
      if (++pos[d]! < perDim[d]!.length) break;
      pos[d] = 0;
    }
    if (d < 0) break;
  }
  const w = windows.length;
  const per = w + 1;
  let scores: Float64Array;
  if (fast !== null) {
    // Window k is the product of positions (a, b, c) of the three dimensions, the last one fastest.
    const rects = new Int32Array(w * 6);
    const [rowsAt, colsAt, chansAt] = perDim as [Extent[], Extent[], Extent[]];
    for (let k = 0; k < w; k++) {
      const a = rowsAt[Math.floor(k / (colsAt.length * chansAt.length))]!;
      const b = colsAt[Math.floor(k / chansAt.length) % colsAt.length]!;
      const c = chansAt[k % chansAt.length]!;
      rects.set([a.start, a.extent, b.start, b.extent, c.start, c.extent], k * 6);
    }
    const geometry: OcclusionWindows = { count: w, rects };
    // The pool is not used: the incremental rows are cheaper to compute here than to ship to workers.
    scores = await incrementalOcclusionScores(fast, p, geometry, explainerRun({ ...p, pool: null }, opts, where, n * per));
  } else {
    // Window k is members[offsets[k] .. offsets[k + 1]); model row 0 of each row of x is x itself.
    const offsets = new Int32Array(w + 1);
    for (let k = 0; k < w; k++) offsets[k + 1] = offsets[k]! + windows[k]!.length;
    const members = new Int32Array(offsets[w]!);
    for (let k = 0; k < w; k++) members.set(windows[k]!, offsets[k]!);
    const recipe: RowRecipe | undefined = p.pool !== null ? { kind: 'windows', rowShape, x: p.x, baseline: p.b, offsets, members } : undefined;
    scores = await scorePlan(
      p,
      {
        rows: n * per,
        rowShape,
        inputOf: (r) => Math.floor(r / per),
        fill: (r, out, offset) => fillAblated(out, offset, p.x, p.b, Math.floor(r / per) * rowSize, rowSize, offsets, members, (r % per) - 1),
        recipe,
      },
      opts,
      where,
    );
  }
  const attr = new Float32Array(n * rowSize);
  const sums = new Float64Array(rowSize);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const base = scores[i * per]!;
    for (let k = 0; k < w; k++) {
      const diff = base - scores[i * per + 1 + k]!;
      for (const e of windows[k]!) sums[e] += diff;
    }
    for (let e = 0; e < rowSize; e++) attr[i * rowSize + e] = coverCount[e]! > 0 ? sums[e]! / coverCount[e]! : 0;
  }
  zeroPadding(p, attr);
  return { attributions: attributionTensor(attr, x.shape, where), method: 'occlusion' };
}
declareMethod(occlusion, {
  name: 'occlusion',
  aliases: ['occ'],
  label: 'Occlusion',
  summary: 'score drop when a sliding window is replaced by the baseline (black) (Zeiler & Fergus 2014)',
  paper: 'M. Zeiler, R. Fergus, 2014, arXiv:1311.2901',
  family: 'perturbation',
  ...EXPLAINS_ANY_MODEL,
  inputs: TOKEN_INPUTS,
  modelKinds: TOKEN_MODEL_KINDS,
  rowwise: true,
  signed: true,
  baseline: 'point',
  options: [
    { key: 'window', type: 'numbers', summary: 'window size per non-batch dimension (required)' },
    { key: 'strides', type: 'numbers', summary: 'step between window starts per dimension; default 1 everywhere' },
    { key: 'incremental', type: 'boolean', default: true, summary: 'use the exact incremental fast path when it applies' },
  ],
  optionKeys: OCCLUSION_OPTION_KEYS,
});
