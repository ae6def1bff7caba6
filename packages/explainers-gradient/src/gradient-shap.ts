import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  assertFinite,
  assertFiniteOutput,
  assertFiniteRows,
  assertFloatTensor,
  assertNumber,
  assertPlanSize,
  createRng,
  declareMethod,
  describe,
  EXPLAIN_KEYS,
  optionKeys,
  formatShape,
  isBroadcastable,
  isTokenModel,
  tf,
} from '@glassbox/tensors-ops';
import { explainerRun, prepareExplainer, scoreRows } from '@glassbox/tensors-ops';
import type { Attribution, ExplainerNames, ExplainOptions, PoolOption, Predictable, Rng, TokenModel } from '@glassbox/tensors-ops';
import { ATTRIBUTION_HINT, accumulateGradients, columnOf, forwardOutputs, gatherRows } from './internal/engine.js';
import { EXPLAINS_ANY_MODEL_AND_TOKENS, TOKEN_NAMES, TOKEN_REDUCTION_INFO, explainTokens, noiseMaskOf, refuseTokenOptions, tokenBaseline } from './internal/tokens.js';
import type { TokenOptions } from './internal/tokens.js';

export interface GradientShapOptions extends Omit<ExplainOptions, 'baseline'>, PoolOption, TokenOptions {
  /**
   * The baseline distribution: a tensor [B, ...rowShape] of B reference rows (e.g. a sample of training
   * inputs), a tensor or number broadcastable to one row of x (a single baseline). Default 0.
   * For token inputs: one baseline per row, a token id or an embedding tensor broadcastable to [N, T, D];
   * default the embedding of f.maskId (see integratedGradients).
   */
  baseline?: number | Tensor;
  /**
   * Random (baseline, point on the path, noise) draws per row of x, an integer >= 1. Default 20. Memory does not
   * grow with it, except with `stdev` > 0, where F of each noisy copy is kept (8 bytes per draw: at most
   * 33,554,432 draws in all, tensors-ops' MAX_PLAN_BYTES).
   */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to x for each draw, >= 0. Default 0 (no noise). */
  stdev?: number;
}

/** The keys of GradientShapOptions. */
export const GRADIENT_SHAP_OPTION_KEYS = optionKeys<GradientShapOptions>({
  ...EXPLAIN_KEYS,
  pool: true,
  samples: true,
  stdev: true,
  tokenReduction: true,
});

/** The random draws of one (row, sample) pair; independent of batching. */
function drawRng(seed: number, row: number, sample: number): Rng {
  return createRng(seed).fork(row).fork(sample);
}

/**
 * GradientSHAP (expected gradients): SHAP values of the target score estimated by sampling. For each draw a
 * baseline b is picked at random from a reference distribution, a point is picked uniformly at random on the
 * path from b to (a noisy copy of) x, and the gradient there is multiplied by (x - b). The mean over draws
 * estimates the expectation over baselines of integrated gradients, so the attributions of a row add up to
 * F(x) - E_b[F(b)] in expectation.
 *
 *   attributions = 1/S sum_s (x~_s - b_s) * dF_t(b_s + a_s (x~_s - b_s)) / dx,
 *       b_s ~ uniform over the B baselines, a_s ~ U(0, 1), x~_s = x + N(0, stdev^2)
 *   delta        = sum(attributions of a row) - 1/S sum_s (F_t(x~_s) - F_t(b_s))   (0 in expectation)
 *
 * Token models (a tensors-ops `TokenModel`: x is int32 token ids [N, T]): everything happens in embedding space,
 * e = f.embed(x) [N, T, D], F(e) = f.forwardFromEmbeddings(e). Each row has one baseline e_b (the embedding of
 * f.maskId at every position by default, or of the token id `baseline`, or the embedding tensor `baseline`
 * broadcastable to [N, T, D]); each draw picks a point uniformly on the path from e_b to a noisy copy of e
 * (Gaussian noise of `stdev`, in the units of the embeddings, on the embeddings of the real tokens only), so
 * with `stdev` 0 the result is a Monte-Carlo estimate of integrated gradients from e_b. The per-token score is
 * the embedding attribution summed over D (`tokenReduction` 'sum', default; 'none' returns [N, T, D]); padded
 * positions get 0.
 *
 * Papers: S. Lundberg, S.-I. Lee, "A Unified Approach to Interpreting Model Predictions", 2017,
 * arXiv:1705.07874; G. Erion, J. Janizek, P. Sturmfels, S. Lundberg, S.-I. Lee, "Improving performance of deep
 * learning models with axiomatic attribution priors and expected gradients", 2019, arXiv:1906.10670.
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; or a TokenModel.
 * @param x float32 [N, ...] (rank >= 2), finite; for a TokenModel, int32 token ids [N, T].
 * @param options
 *  - `baseline`: [B, ...rowShape] distribution, or broadcastable to one row; default 0 (tokens: see above).
 *  - `samples`: default 20. `stdev`: default 0. `seed`: default 0 (same seed, same result).
 *  - `target`, `batchSize` (default 64, results do not depend on it), `onProgress`, `signal`.
 *  - `pool` (token inputs: a model with toPooledTokenModel() only), `tokenReduction` (token inputs only: 'sum', default, or 'none').
 * @returns attributions of x's shape ([N, T] or [N, T, D] for token ids) and delta [N] (owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions, delta } = await gradientShap(model, images, { baseline: trainSample, samples: 50, target: 2, seed: 7 });
 * ```
 */
export async function gradientShap(f: Predictable | TokenModel, x: Tensor, options: GradientShapOptions = {}): Promise<Attribution> {
  const where = 'gradientShap';
  if (isTokenModel(f)) {
    return explainTokens(f, x, options, where, GRADIENT_SHAP_OPTION_KEYS, async (tp, o) => {
      const perRow = tokenBaseline(tp, o.baseline, where);
      try {
        return await runGradientShap(tp.forward, tp.x, { ...o, baseline: undefined }, where, { perRow, noiseMask: noiseMaskOf(tp), names: TOKEN_NAMES });
      } finally {
        perRow.dispose();
      }
    });
  }
  refuseTokenOptions(options, where);
  return runGradientShap(f, x, options, where, {});
}

/** How a gradientShap run differs from the plain one (token inputs). */
interface GradientShapRun {
  /** One baseline per row of x, [N, ...rowShape], instead of options.baseline's distribution (not disposed here). */
  perRow?: Tensor;
  /** 0/1 per element of x: where the noise goes (default everywhere). */
  noiseMask?: Float32Array | null;
  names?: ExplainerNames;
}

async function runGradientShap(f: Predictable, x: Tensor, options: GradientShapOptions, where: string, run: GradientShapRun): Promise<Attribution> {
  const p = prepareExplainer(f, x, options as ExplainOptions, where, GRADIENT_SHAP_OPTION_KEYS, run.names);
  const { n, rowShape, rowSize, seed } = p;
  const samples = options.samples === undefined ? 20 : assertNumber(options.samples, 'options.samples', where, { integer: true, min: 1 });
  const stdev = options.stdev === undefined ? 0 : assertNumber(options.stdev, 'options.stdev', where, { min: 0 });
  // With noise, F is evaluated at every noisy copy and kept (8 bytes per draw) for delta; without it nothing is
  // kept per draw, whatever the number of samples.
  if (stdev > 0) assertPlanSize(samples, 8 * n, 'options.samples', where, ` with options.stdev > 0 and ${n} row(s) of x`);
  const perRow = run.perRow !== undefined;
  const noiseMask = run.noiseMask ?? null;
  const dist = perRow ? tf.clone(run.perRow!) : resolveDistribution(options.baseline, rowShape, where);
  // Baselines to draw from for each row: one (its own) with per-row baselines.
  const b = perRow ? 1 : dist.shape[0]!;
  // The row of dist that draw (row i, baseline index k) uses.
  const distRow = (i: number, k: number): number => (perRow ? i : k);
  try {
    const total = n * samples;
    const rowOf = (j: number): number => Math.floor(j / samples);
    // The (baseline index, alpha) of draws [start, end), from each draw's own stream: drawn batch by batch, so
    // that memory does not grow with samples (and the same numbers as drawing them all up front).
    const draws = (start: number, end: number): { baseIdx: Int32Array; alpha: Float64Array } => {
      const baseIdx = new Int32Array(end - start);
      const alpha = new Float64Array(end - start);
      for (let j = start; j < end; j++) {
        const r = drawRng(seed, rowOf(j), j % samples);
        baseIdx[j - start] = r.int(b);
        alpha[j - start] = r.uniform();
      }
      return { baseIdx, alpha };
    };
    const noisy = (start: number, end: number): Tensor => {
      const idx = new Int32Array(end - start);
      for (let j = start; j < end; j++) idx[j - start] = rowOf(j);
      const xr = gatherRows(p.x, idx);
      if (stdev === 0) return xr;
      const noise = new Float32Array((end - start) * rowSize);
      for (let j = start; j < end; j++) {
        const r = drawRng(seed, rowOf(j), j % samples);
        r.int(b);
        r.uniform();
        noise.set(r.normalArray(rowSize, 0, stdev), (j - start) * rowSize);
        if (noiseMask !== null) {
          const m = rowOf(j) * rowSize;
          for (let e = 0; e < rowSize; e++) noise[(j - start) * rowSize + e]! *= noiseMask[m + e]!;
        }
      }
      return tf.add(xr, tf.tensor(noise, xr.shape, 'float32'));
    };
    const forwardRows = (stdev === 0 ? n : total) + dist.shape[0]!;
    const ctx = explainerRun(p, options as ExplainOptions, where, forwardRows + total);

    // F at x (or at each noisy copy) and at every baseline.
    const fx =
      stdev === 0
        ? await scoreRows(ctx, n, (s, e) => tf.slice(p.x, s, e - s), (j) => j)
        : await scoreRows(ctx, total, noisy, rowOf);
    const fb = await forwardOutputs(ctx, dist.shape[0]!, (s, e) => tf.slice(dist, s, e - s));
    const targets = p.targets.resolve([n, fb.k]);
    // F at every baseline, in each target column a row of x uses.
    for (const t of new Set(fb.k === 1 ? [0] : targets)) {
      assertFiniteOutput(fb.values, [dist.shape[0]!, fb.k], where, fb.k === 1 ? { input: 'options.baseline' } : { input: 'options.baseline', columns: t });
    }

    const acc = new Float64Array(n * rowSize);
    await accumulateGradients(
      ctx,
      {
        total,
        rowOf,
        weight: () => 1 / samples,
        build: (start, end) => {
          const { baseIdx, alpha } = draws(start, end);
          const xs = noisy(start, end);
          if (perRow) for (let j = start; j < end; j++) baseIdx[j - start] = distRow(rowOf(j), baseIdx[j - start]!);
          const bs = gatherRows(dist, baseIdx);
          const diff = tf.sub(xs, bs);
          return { points: tf.add(bs, tf.mul(columnOf(alpha, xs.rank), diff)), factor: diff };
        },
      },
      acc,
      rowSize,
    );

    const attr = new Float32Array(n * rowSize);
    const delta = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let e = i * rowSize; e < (i + 1) * rowSize; e++) {
        attr[e] = acc[e]!;
        sum += acc[e]!;
      }
      let gap = 0;
      for (let s = 0; s < samples; s++) {
        const j = i * samples + s;
        const fxj = stdev === 0 ? fx[i]! : fx[j]!;
        const fbj = fb.values[distRow(i, drawRng(seed, i, s).int(b)) * fb.k + (fb.k === 1 ? 0 : targets[i]!)]!;
        gap += fxj - fbj;
      }
      delta[i] = sum - gap / samples;
    }
    assertFiniteRows(attr, where, 'the attributions', { rowSize, hint: ATTRIBUTION_HINT });
    return {
      attributions: tf.tensor(attr, p.x.shape, 'float32'),
      delta: tf.tensor1d(delta, 'float32'),
      method: 'gradientShap',
    };
  } finally {
    dist.dispose();
  }
}

declareMethod(gradientShap, {
  name: 'gradientShap',
  aliases: ['gshap', 'expected-gradients'],
  label: 'GradientSHAP',
  summary: 'expected gradients: SHAP values from random points between a baseline (black) and x (Lundberg & Lee 2017)',
  paper: 'S. Lundberg, S.-I. Lee, 2017, arXiv:1705.07874',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL_AND_TOKENS,
  rowwise: false,
  signed: true,
  baseline: 'distribution',
  options: [
    { key: 'samples', type: 'integer', default: 20, min: 1, summary: 'random (baseline, path point, noise) draws per row' },
    { key: 'stdev', type: 'number', default: 0, min: 0, summary: 'standard deviation of the noise added to x for each draw' },
    TOKEN_REDUCTION_INFO,
  ],
  optionKeys: GRADIENT_SHAP_OPTION_KEYS,
});

/** The baseline option as a distribution [B, ...rowShape] owned by the caller. */
function resolveDistribution(baseline: unknown, rowShape: number[], where: string): Tensor {
  const name = 'options.baseline';
  if (baseline === undefined) return tf.zeros([1, ...rowShape]);
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) {
      throw new GlassboxError('NON_FINITE', `${where}: ${name} must be finite, got ${describe(baseline)}`);
    }
    return tf.fill([1, ...rowShape], baseline, 'float32');
  }
  assertFloatTensor(baseline, name, where);
  const isDistribution =
    baseline.rank === rowShape.length + 1 && baseline.shape.slice(1).every((d, i) => d === rowShape[i]) && baseline.shape[0]! >= 1;
  if (!isDistribution && !isBroadcastable(baseline.shape, rowShape)) {
    throw new GlassboxError(
      'SHAPE_MISMATCH',
      `${where}: ${name} must be a distribution [B, ${rowShape.join(', ')}] or broadcastable to one row of x (${formatShape(rowShape)}), got shape ${formatShape(baseline.shape)}`,
    );
  }
  assertFinite(baseline, name, where);
  if (isDistribution) return tf.clone(baseline);
  return tf.tidy(() => tf.expandDims(tf.add(tf.zeros(rowShape), baseline), 0));
}
