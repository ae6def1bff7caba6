import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  NOISE_VARIANTS,
  assertNumber,
  assertOneOf,
  checkCommonOptions,
  checkInput,
  checkOptionKeys,
  createRng,
  declareMethod,
  declareOptionKeys,
  describe,
  forEachBatch,
  formatShape,
  forwardOptions,
  isGlassboxError,
  isTensor,
  isTokenModel,
  methodInfoOf,
  optionKeys,
  optionKeysOf,
  tf,
} from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, NoiseVariant, Predictable } from '@glassbox/tensors-ops';
import { Progress } from '@glassbox/tensors-ops';
import { sizeOf } from './internal/engine.js';
import { EXPLAINS_ANY_MODEL_AND_TOKENS, noiseMaskOf, prepareTokens, tokenBaseline, tokenResult } from './internal/tokens.js';
import type { TokenProblem } from './internal/tokens.js';

export interface NoiseTunnelOptions {
  /** Noisy copies per row of x, an integer >= 1. Default 10. */
  samples?: number;
  /** Standard deviation of the Gaussian noise, >= 0, in the units of x. Default 0.15 (for inputs in [0, 1]). */
  stdev?: number;
  /** 'smoothgrad' (mean, default), 'smoothgrad_sq' (mean of squares) or 'vargrad' (variance). */
  variant?: NoiseVariant;
  /**
   * @deprecated give `seed` with each call (the call's `seed` seeds both the noise and the wrapped explainer);
   * read for one release, as the default of a call that gives none.
   */
  seed?: number;
  /** @deprecated give `batchSize` with each call; read for one release, as the default of a call that gives none. */
  batchSize?: number;
}

/** The keys of NoiseTunnelOptions (the `config` argument). */
export const NOISE_TUNNEL_OPTION_KEYS = optionKeys<NoiseTunnelOptions>({ samples: true, stdev: true, variant: true, seed: true, batchSize: true });

/**
 * Keys of a call of the tunnelled explainer that the tunnel reads itself: `onProgress` (not passed on: the
 * tunnel reports its own progress) and `seed`, `batchSize`, `signal` (passed on when the wrapped explainer
 * takes them). Every other key goes to the wrapped explainer, which must know it.
 */
const CALL_OWN = ['onProgress'] as const;
const CALL_SHARED = ['seed', 'batchSize', 'signal'] as const;


/**
 * Noise tunnel: wraps any explainer so that it explains a neighbourhood of x instead of the single point x.
 * Each row is copied `samples` times with Gaussian noise added, the wrapped explainer runs on the noisy
 * copies, and the results are reduced per row. Averaging (SmoothGrad) removes the high-frequency noise of
 * gradient maps; the variance (VarGrad) shows where the explanation is unstable.
 *
 *   smoothgrad:    1/S sum_s A(x + e_s)
 *   smoothgrad_sq: 1/S sum_s A(x + e_s)^2
 *   vargrad:       1/S sum_s A(x + e_s)^2 - (1/S sum_s A(x + e_s))^2,     e_s ~ N(0, stdev^2 I)
 *
 * Papers: D. Smilkov, N. Thorat, B. Kim, F. Viegas, M. Wattenberg, "SmoothGrad: removing noise by adding
 * noise", 2017, arXiv:1706.03825; J. Adebayo, J. Gilmer, I. Goodfellow, B. Kim, "Local Explanation Methods for
 * Deep Neural Networks Lack Sensitivity to Parameter Values", 2018, arXiv:1810.03307 (VarGrad).
 *
 * The returned explainer has the contract's signature; its call options go to the wrapped explainer
 * (target, baseline, steps, ...), with a per-row `target` array and a per-row baseline [N, ...] expanded to
 * the noisy copies. The noise is drawn per row from the seed, so the result does not depend on batchSize.
 * Explainers whose declared metadata (tensors-ops' `methodInfoOf`) says they are deterministic and row-wise
 * (saliency, inputXGradient, integratedGradients, guidedBackprop, deepLift, gradCam, guidedGradCam, occlusion,
 * featureAblation, exactShapley) receive the copies of several rows in one call; any other explainer
 * (gradientShap, the sampled perturbation methods, your own) is called once per row with its `samples` copies
 * and a seed derived from the call's seed and the row. The model argument is
 * passed through untouched, so explainers whose first argument is not a plain model (deepLift, gradCam) can
 * be wrapped too. The call's options are checked by name against the wrapped explainer's keys when it declared
 * them (every Glassbox explainer does, see tensors-ops' declareOptionKeys): an unknown key is refused before any
 * work, and the tunnel's own `seed`, `batchSize` and `signal` reach the explainer only if it takes them.
 * `seed` and `batchSize` belong to the call, as for every explainer: the call's `seed` draws the noise and seeds
 * the wrapped explainer (default 0); `batchSize` bounds the rows of each model call (default 64).
 * `delta` (mean over copies) is returned for 'smoothgrad' when the wrapped explainer returns one.
 *
 * Token models (a tensors-ops `TokenModel`, x int32 token ids [N, T]): the noise is added to the embeddings
 * e = f.embed(x) [N, T, D] (`stdev` in the units of the embeddings; padded positions get none), and the wrapped
 * explainer explains the noisy embeddings through F(e) = f.forwardFromEmbeddings(e) (a plain function of the
 * embeddings; the last position of a [N, T, K] language model), with the call's `baseline` (token id, embedding
 * tensor, default the embedding of f.maskId, see integratedGradients) given to it in embedding space. The
 * reduction over the copies is taken on the [N, T, D] embedding attribution, which is then summed over D
 * (`tokenReduction` 'sum', the default: [N, T]) or returned as it is ('none': [N, T, D]); padded positions get 0.
 * `pool` runs on the workers for a token model with `toPooledTokenModel()` (the models of
 * @glassbox/models-transformer) and is refused for one without.
 *
 * @param explainer any explainer `(f, x, options) => Promise<Attribution>`.
 * @param config what the noise is: `samples` (default 10), `stdev` (default 0.15), `variant` (default
 *   'smoothgrad'); `seed` and `batchSize` here are deprecated (read as the call's defaults for one release).
 * @returns an explainer `(f, x, options) => Promise<Attribution>` with method 'noiseTunnel(<inner method>)'.
 *
 * @example
 * ```ts
 * const smoothGrad = noiseTunnel(saliency, { samples: 16, stdev: 0.1 });
 * const { attributions } = await smoothGrad(model, images, { target: 3, seed: 1 });
 * ```
 */
export function noiseTunnel<M = Predictable, O extends object = ExplainOptions>(
  explainer: (f: M, x: Tensor, options: O) => Promise<Attribution>,
  config: NoiseTunnelOptions = {},
): (f: M, x: Tensor, options?: O) => Promise<Attribution> {
  const where = 'noiseTunnel';
  if (typeof explainer !== 'function') {
    throw new GlassboxError('INVALID_ARGUMENT', `${where}: explainer must be an explainer function (f, x, options) => Promise<Attribution>, got ${describe(explainer)}`);
  }
  config = checkOptionKeys<NoiseTunnelOptions>(config, NOISE_TUNNEL_OPTION_KEYS, where);
  const samples = config.samples === undefined ? 10 : assertNumber(config.samples, 'options.samples', where, { integer: true, min: 1 });
  const stdev = config.stdev === undefined ? 0.15 : assertNumber(config.stdev, 'options.stdev', where, { min: 0 });
  const variant = config.variant === undefined ? 'smoothgrad' : assertOneOf(config.variant, NOISE_VARIANTS, 'options.variant', where);
  const fixed = checkCommonOptions({ batchSize: config.batchSize, seed: config.seed }, where);
  // What the wrapped explainer declared about itself (see tensors-ops' declareMethod): whether a row's
  // attribution depends only on that row (then the copies of several rows share one call), and whether its
  // baseline is a distribution (passed through as is rather than expanded per row).
  const info = methodInfoOf(explainer);
  const rowwise = info?.rowwise === true && !info.batch;
  const distributionBaseline = info?.baseline === 'distribution';
  // The wrapped explainer's option keys, when it declared them: then the call's keys are checked up front.
  const innerKeys = optionKeysOf(explainer);
  const innerTakes = (key: string): boolean => innerKeys === undefined || innerKeys.includes(key);

  const tunnel = async (f: M, x: Tensor, options?: O): Promise<Attribution> => {
    if (!isTokenModel(f)) checkInput(x, where);
    const passOn = forwardOptions(options, { own: CALL_OWN, shared: CALL_SHARED, inner: explainer }, where);
    const o = (options ?? {}) as ExplainOptions;
    if (!isTokenModel(f)) return runTunnel(f, x, passOn, o, null, null);
    // Token ids: explain the embeddings (see the doc comment), with the baseline in embedding space.
    const tp = prepareTokens(f, x, options, where);
    let embeddingBaseline: Tensor | null = null;
    try {
      delete passOn.tokenReduction;
      delete passOn.baseline;
      if (innerTakes('baseline') && info?.baseline !== 'none') embeddingBaseline = tokenBaseline(tp, o.baseline, where);
      const r = await runTunnel(tp.forward as unknown as M, tp.x, passOn, o, tp, embeddingBaseline);
      try {
        return { ...r, attributions: tokenResult(tp, r.attributions) };
      } catch (e) {
        r.delta?.dispose();
        throw e;
      } finally {
        r.attributions.dispose();
      }
    } finally {
      tp.x.dispose();
      embeddingBaseline?.dispose();
    }
  };

  /**
   * The tunnel on float rows x; for token inputs (tp) x is the embeddings, the noise goes only where
   * noiseMaskOf(tp) allows, and `tokenBase` [N, ...] is each row's embedding baseline.
   */
  const runTunnel = async (
    f: M,
    x: Tensor,
    passOn: Record<string, unknown>,
    o: ExplainOptions,
    tp: TokenProblem | null,
    tokenBase: Tensor | null,
  ): Promise<Attribution> => {
    // One rule for both: the call's value, else the (deprecated) config's, else the default.
    const common = checkCommonOptions({ ...o, batchSize: o.batchSize ?? fixed.batchSize, seed: o.seed ?? fixed.seed }, where);
    const batchSize = common.batchSize;
    const noiseSeed = common.seed;
    const innerSeed = common.seed;
    const n = x.shape[0]!;
    const rowShape = x.shape.slice(1);
    const rowSize = sizeOf(rowShape);

    const target = o.target;
    if (Array.isArray(target) && target.length !== n) {
      throw new GlassboxError('SHAPE_MISMATCH', `${where}: options.target has ${target.length} entries, expected one per row of x (${n})`);
    }
    const baseline = tokenBase ?? o.baseline;
    // A token call's embedding baseline is one row per row of x, whatever the wrapped explainer's kind.
    const perRowBaseline =
      tokenBase !== null || (!distributionBaseline && isTensor(baseline) && baseline.rank === x.rank && baseline.shape[0] === n && n > 1);

    const xv = x.dataSync();
    const noiseMask = tp === null ? null : noiseMaskOf(tp);
    const noiseOf = (i: number): Float32Array => {
      const noise = createRng(noiseSeed).fork(i).normalArray(samples * rowSize, 0, stdev);
      if (noiseMask !== null) for (let e = 0; e < noise.length; e++) noise[e]! *= noiseMask[i * rowSize + (e % rowSize)]!;
      return noise;
    };
    const sum = new Float64Array(n * rowSize);
    const sumSq = variant === 'smoothgrad' ? null : new Float64Array(n * rowSize);
    let deltaSum: Float64Array | null = variant === 'smoothgrad' ? new Float64Array(n) : null;
    let innerMethod = 'explainer';
    const progress = new Progress(n * samples, o.onProgress);
    const rowsPerCall = rowwise ? Math.max(1, Math.floor((4 * batchSize) / samples)) : 1;

    await forEachBatch(
      n,
      async (start, end) => {
        const rows = end - start;
        const copies = new Float32Array(rows * samples * rowSize);
        for (let i = start; i < end; i++) {
          const noise = noiseOf(i);
          const base = (i - start) * samples * rowSize;
          for (let s = 0; s < samples; s++) {
            for (let e = 0; e < rowSize; e++) {
              copies[base + s * rowSize + e] = xv[i * rowSize + e]! + noise[s * rowSize + e]!;
            }
          }
        }
        const owned: Tensor[] = [];
        let result: Attribution | null = null;
        try {
          const xt = tf.tensor(copies, [rows * samples, ...rowShape], 'float32');
          owned.push(xt);
          const inner: ExplainOptions & Record<string, unknown> = { ...passOn };
          if (innerTakes('batchSize')) inner.batchSize = batchSize;
          if (Array.isArray(target)) {
            const t: number[] = [];
            for (let i = start; i < end; i++) for (let s = 0; s < samples; s++) t.push(target[i]!);
            inner.target = t;
          }
          if (perRowBaseline) {
            // A distribution baseline (gradientShap) gets the row's one baseline, not `samples` equal copies.
            const copies = tokenBase !== null && distributionBaseline ? 1 : samples;
            const idx = new Int32Array(rows * copies);
            for (let j = 0; j < idx.length; j++) idx[j] = start + Math.floor(j / copies);
            const bt = tf.tidy(() => tf.gather(baseline as Tensor, tf.tensor1d(idx, 'int32'), 0));
            owned.push(bt);
            inner.baseline = bt;
          }
          if (!rowwise && innerTakes('seed')) inner.seed = createRng(innerSeed).fork(start).nextUint32();
          try {
            result = await explainer(f, xt, inner as O);
          } catch (e) {
            // The wrapped explainer counts rows of the noisy copies; say which rows of x they came from.
            if (isGlassboxError(e, 'NON_FINITE')) {
              const rowsOfX = rows === 1 ? `row ${start}` : `each of rows ${start}..${end - 1}`;
              throw new GlassboxError(
                'NON_FINITE',
                `${where}: ${e.message} (the wrapped explainer's x holds ${samples} noisy copies of ${rowsOfX} of noiseTunnel's x, in order)`,
                { cause: e },
              );
            }
            throw e;
          }
          if (result == null || !isTensor(result.attributions)) {
            throw new GlassboxError('INVALID_ARGUMENT', `${where}: the wrapped explainer must resolve to { attributions: Tensor, ... }, got ${describe(result)}`);
          }
          const a = result.attributions;
          if (a.shape.length !== xt.shape.length || a.shape.some((d, k) => d !== xt.shape[k])) {
            throw new GlassboxError(
              'SHAPE_MISMATCH',
              `${where}: the wrapped explainer returned attributions of shape ${formatShape(a.shape)} for x of shape ${formatShape(xt.shape)}`,
            );
          }
          innerMethod = result.method;
          const av = await a.data();
          for (let i = start; i < end; i++) {
            const base = (i - start) * samples * rowSize;
            for (let s = 0; s < samples; s++) {
              for (let e = 0; e < rowSize; e++) {
                const v = av[base + s * rowSize + e]!;
                sum[i * rowSize + e] += v;
                if (sumSq !== null) sumSq[i * rowSize + e] += v * v;
              }
            }
          }
          if (deltaSum !== null) {
            if (result.delta !== undefined && isTensor(result.delta) && result.delta.size === rows * samples) {
              const dv = await result.delta.data();
              for (let j = 0; j < rows * samples; j++) deltaSum[start + Math.floor(j / samples)] += dv[j]!;
            } else {
              deltaSum = null;
            }
          }
        } finally {
          for (const t of owned) t.dispose();
          if (result !== null) {
            if (isTensor(result.attributions)) result.attributions.dispose();
            if (isTensor(result.delta)) result.delta.dispose();
          }
        }
        progress.add(rows * samples);
      },
      { batchSize: rowsPerCall, signal: o.signal, where },
    );

    const out = new Float32Array(n * rowSize);
    for (let e = 0; e < out.length; e++) {
      const mean = sum[e]! / samples;
      if (variant === 'smoothgrad') out[e] = mean;
      else if (variant === 'smoothgrad_sq') out[e] = sumSq![e]! / samples;
      else out[e] = Math.max(0, sumSq![e]! / samples - mean * mean);
    }
    const attribution: Attribution = { attributions: tf.tensor(out, x.shape, 'float32'), method: `noiseTunnel(${innerMethod})` };
    if (deltaSum !== null) attribution.delta = tf.tensor1d(Float32Array.from(deltaSum, (d) => d / samples), 'float32');
    return attribution;
  };
  // The tunnel takes what the wrapped explainer takes, plus what it reads itself.
  if (innerKeys !== undefined) declareOptionKeys(tunnel, [...new Set([...innerKeys, ...CALL_OWN, ...CALL_SHARED])]);
  return tunnel;
}

declareMethod(noiseTunnel, {
  name: 'noiseTunnel',
  aliases: ['smoothgrad', 'sg', 'nt'],
  label: 'Noise tunnel (SmoothGrad)',
  summary: 'SmoothGrad: saliency over noisy copies of the input, reduced by --noise (Smilkov et al. 2017; Adebayo et al. 2018)',
  paper: 'D. Smilkov et al., 2017, arXiv:1706.03825; J. Adebayo et al., 2018, arXiv:1810.03307 (VarGrad)',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL_AND_TOKENS,
  rowwise: false,
  signed: false,
  gradientLike: true,
  wrapper: true,
  options: [
    { key: 'samples', type: 'integer', default: 10, min: 1, summary: 'noisy copies per row' },
    { key: 'stdev', type: 'number', default: 0.15, min: 0, summary: 'standard deviation of the Gaussian noise, in the units of x' },
    { key: 'variant', type: 'choice', default: 'smoothgrad', choices: NOISE_VARIANTS, summary: 'mean, mean of squares or variance over the copies' },
  ],
  optionKeys: NOISE_TUNNEL_OPTION_KEYS,
});
