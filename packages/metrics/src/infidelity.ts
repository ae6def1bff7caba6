import type { Tensor } from '@tensorflow/tfjs-core';
import {
  GlassboxError,
  modelForwards,
  assertNumber,
  assertOneOf,
  checkCommonOptions,
  checkInput,
  createRng,
  describe,
  formatShape,
  isTensor,
  optionKeys,
  resolveBaseline,
  resolveFeatureMask,
  TargetResolver,
  booleanOption,
  checkOptionKeys,
  explainerRun,
  scoreRows,
  tf,
  type ExplainOptions,
  type Predictable,
  type Rng,
} from '@glassbox/tensors-ops';
import { checkAttributions } from './internal/check-attributions.js';
import type { AttributionsInput } from './internal/types.js';

/** What a custom perturbation receives besides the row: a generator for this (row, sample) and the baseline row. */
export interface PerturbationContext {
  /** Seeded for this row and sample only, so results do not depend on batchSize. */
  rng: Rng;
  /** The baseline for this row, [1, ...rowShape]. */
  baseline: Tensor;
  /** Row index in x. */
  row: number;
  /** Sample index, 0..samples-1. */
  sample: number;
}

/**
 * A custom perturbation: gets one row of x, [1, ...rowShape], and returns the perturbation I of the same
 * shape; the model is then evaluated at x - I. Called inside tf.tidy (tensors made in it are cleaned up).
 */
export type PerturbationFn = (x: Tensor, context: PerturbationContext) => Tensor;

export type PerturbationName = 'gaussian' | 'subtract';
export const PERTURBATIONS: readonly PerturbationName[] = ['gaussian', 'subtract'];

export interface InfidelityOptions extends ExplainOptions {
  /**
   * 'subtract' (default): I = (x - baseline) on a random subset of features (each feature, or feature group,
   * drawn independently with probability `fraction`), i.e. "remove a random subset";
   * 'gaussian': I ~ N(0, stdev^2) on every element; or a PerturbationFn.
   */
  perturbation?: PerturbationName | PerturbationFn;
  /** Perturbations per row, integer >= 1. Default 32. */
  samples?: number;
  /** 'gaussian': the noise's standard deviation, > 0. Default 0.1. */
  stdev?: number;
  /** 'subtract': probability that a feature (group) is in the removed subset, in (0, 1]. Default 0.5. */
  fraction?: number;
  /** 'subtract': groups of features removed together (int32, broadcastable to one row of x, 0..M-1). */
  featureMask?: Tensor | Int32Array | number[];
  /**
   * Whether the attributions are "multiplied by inputs" (Integrated Gradients, input x gradient, Shapley
   * values, occlusion, LIME: a_j ~ (x_j - b_j) * effect) rather than gradient-like (saliency). When true
   * (default), I is measured in units of (x - baseline) before the dot product, as Captum's
   * `multiply_by_inputs`: I_j / (x_j - b_j) (0 where x_j = b_j), which for 'subtract' is the 0/1 subset mask.
   */
  multiplyByInputs?: boolean;
  /** Number or tensor broadcastable to x; default 0. Used by 'subtract', multiplyByInputs and custom functions. */
  baseline?: number | Tensor;
  /** Called as batches finish with (model rows done, N (samples + 1)). */
  onProgress?: (done: number, total: number) => void;
}

/** The keys of InfidelityOptions. */
export const INFIDELITY_OPTION_KEYS = optionKeys<InfidelityOptions>({
  perturbation: true,
  samples: true,
  stdev: true,
  fraction: true,
  featureMask: true,
  multiplyByInputs: true,
  target: true,
  baseline: true,
  seed: true,
  batchSize: true,
  onProgress: true,
  signal: true,
});

export interface InfidelityResult {
  /** Per row: mean over the perturbations of (I^T a - (F(x) - F(x - I)))^2. Lower is better. */
  infidelity: number[];
  /** Per row: the same error with the attributions scaled by the best `scale` (invariant to the map's scale). */
  scaledInfidelity: number[];
  /** Per row: beta = sum(u d) / sum(u^2), u = I^T a, d = F(x) - F(x - I); 0 when every u is 0. */
  scale: number[];
}

/**
 * Infidelity: does the explanation predict what the model does when the input is perturbed? Each perturbation
 * I of a row is scored by the attribution's prediction of the output change, I^T a, against the real change
 * F(x) - F(x - I); the mean squared gap is the infidelity. A faithful map predicts the changes (error ~0);
 * a wrong one cannot. Because maps of different methods have different scales, the error at the best scale
 * beta (a one-parameter least-squares fit) is reported too.
 *
 *   INFD(a, F, x)   = E_I[ (I^T a - (F(x) - F(x - I)))^2 ]
 *   beta            = E[(I^T a) (F(x) - F(x - I))] / E[(I^T a)^2]
 *   INFD_scaled     = E_I[ (beta I^T a - (F(x) - F(x - I)))^2 ]
 *
 * With `multiplyByInputs` (default), I^T a is computed with I_j / (x_j - b_j) in place of I_j (Captum's
 * convention), so that under 'subtract' the exact attributions of a linear model, a_j = w_j (x_j - b_j),
 * have infidelity 0. Expectations are means over `samples` seeded draws; sums are in float64.
 * Yeh, Hsieh, Suggala, Inouye and Ravikumar 2019, "On the (In)fidelity and Sensitivity of Explanations",
 * arXiv 1901.09392.
 *
 * @param f the model, [N, ...] -> [N, K] or [N].
 * @param x inputs [N, ...], float32.
 * @param attributions [N, ...] with x's shape (a tensor or an explainer's `{ attributions }`); not disposed.
 * @param options `perturbation` ('subtract' | 'gaussian' | PerturbationFn, default 'subtract'), `samples`
 *   (default 32), `stdev` (gaussian, default 0.1), `fraction` (subtract, default 0.5), `featureMask`
 *   (subtract), `multiplyByInputs` (default true), `target`, `baseline` (default 0), `seed` (default 0),
 *   `batchSize` (default 64), `onProgress`, `signal`.
 * @returns `{ infidelity, scaledInfidelity, scale }`, one number per row each.
 *
 * @example
 * ```ts
 * const ig = await integratedGradients(model, x, { target: 2 });
 * const r = await infidelity(model, x, ig, { target: 2, samples: 64, seed: 1 });   // r.infidelity, r.scaledInfidelity, r.scale
 * ig.attributions.dispose();
 * ```
 */
export async function infidelity(
  f: Predictable,
  x: Tensor,
  attributions: AttributionsInput,
  options?: InfidelityOptions,
): Promise<InfidelityResult> {
  const where = 'infidelity';
  checkInput(x, where);
  const a = checkAttributions(attributions, x, where);
  const model = modelForwards(f, where);
  const opts = checkOptionKeys<InfidelityOptions>(options, INFIDELITY_OPTION_KEYS, where);
  const { batchSize, seed } = checkCommonOptions(opts, where);
  const perturbation = opts.perturbation ?? 'subtract';
  if (typeof perturbation !== 'function') assertOneOf(perturbation, PERTURBATIONS, 'options.perturbation', where);
  const samples = opts.samples === undefined ? 32 : assertNumber(opts.samples, 'options.samples', where, { integer: true, min: 1 });
  const stdev = opts.stdev === undefined ? 0.1 : assertNumber(opts.stdev, 'options.stdev', where, { gt: 0 });
  const fraction = opts.fraction === undefined ? 0.5 : assertNumber(opts.fraction, 'options.fraction', where, { gt: 0, max: 1 });
  const multiply = booleanOption(opts.multiplyByInputs, 'options.multiplyByInputs', where, true);
  const n = x.shape[0]!;
  const targets = new TargetResolver(opts.target, n, where);
  const rowShape = x.shape.slice(1);
  const { groups, numGroups } = resolveFeatureMask(opts.featureMask, rowShape, where);
  const d = groups.length;

  const b = resolveBaseline(opts.baseline, x, where);
  try {
    const xv = x.dataSync();
    const bv = b.dataSync();
    const av = a.dataSync();
    const rng = createRng(seed);
    const total = n * samples;
    const u = new Float64Array(total); // I^T a per (row, sample)
    const rowShapeOne = [1, ...rowShape];
    const ieff = new Float64Array(d);

    const source = {
      rows: total,
      get(start: number, end: number): Tensor {
        const buf = new Float32Array((end - start) * d);
        for (let r = start; r < end; r++) {
          const i = Math.floor(r / samples);
          const s = r % samples;
          const off = i * d;
          const g = rng.fork(r);
          const o = (r - start) * d;
          if (perturbation === 'subtract') {
            const pick = new Uint8Array(numGroups);
            for (let k = 0; k < numGroups; k++) pick[k] = g.uniform() < fraction ? 1 : 0;
            let dot = 0;
            for (let j = 0; j < d; j++) {
              const diff = xv[off + j]! - bv[off + j]!;
              const on = pick[groups[j]!] === 1;
              buf[o + j] = on ? bv[off + j]! : xv[off + j]!;
              // I_j = diff on the subset; divided by (x - b) it is the subset's indicator.
              if (on) dot += (multiply ? (diff !== 0 ? 1 : 0) : diff) * av[off + j]!;
            }
            u[r] = dot;
            continue;
          }
          let iv: ArrayLike<number>;
          if (perturbation === 'gaussian') {
            iv = g.normalArray(d, 0, stdev);
          } else {
            const row = tf.slice(x, i, 1);
            const baseRow = tf.slice(b, i, 1);
            const out = perturbation(row, { rng: g, baseline: baseRow, row: i, sample: s });
            if (!isTensor(out) || out.dtype !== 'float32') {
              throw new GlassboxError('INVALID_ARGUMENT', `${where}: options.perturbation must return a float32 tensor, got ${describe(out)}`);
            }
            if (out.size !== d || out.shape.length !== rowShapeOne.length || !out.shape.every((v, k) => v === rowShapeOne[k])) {
              throw new GlassboxError(
                'SHAPE_MISMATCH',
                `${where}: options.perturbation must return I with the row's shape ${formatShape(rowShapeOne)}, got shape ${formatShape(out.shape)}`,
              );
            }
            iv = out.dataSync();
          }
          let dot = 0;
          for (let j = 0; j < d; j++) {
            const ij = iv[j]!;
            if (!Number.isFinite(ij)) {
              throw new GlassboxError('NON_FINITE', `${where}: the perturbation of row ${i}, sample ${s} is not finite at flat index ${j}`);
            }
            buf[o + j] = xv[off + j]! - ij;
            const diff = xv[off + j]! - bv[off + j]!;
            ieff[j] = multiply ? (diff !== 0 ? ij / diff : 0) : ij;
            dot += ieff[j]! * av[off + j]!;
          }
          u[r] = dot;
        }
        return tf.tensor(buf, [end - start, ...rowShape], 'float32');
      },
    };

    const run = explainerRun({ ...model, targets, batchSize, batchSizeGiven: true, rowBytes: null, pool: null }, opts, where, n + total);
    const fx = await scoreRows(run, n, (start, end) => tf.slice(x, start, end - start), (j) => j);
    const fxi = await scoreRows(run, total, (start, end) => source.get(start, end), (r) => Math.floor(r / samples));

    const result: InfidelityResult = { infidelity: [], scaledInfidelity: [], scale: [] };
    for (let i = 0; i < n; i++) {
      let err = 0;
      let uu = 0;
      let ud = 0;
      for (let s = 0; s < samples; s++) {
        const r = i * samples + s;
        const delta = fx[i]! - fxi[r]!;
        const e = u[r]! - delta;
        err += e * e;
        uu += u[r]! * u[r]!;
        ud += u[r]! * delta;
      }
      const beta = uu > 0 ? ud / uu : 0;
      // E[(beta u - d)^2], summed directly (not expanded) for accuracy.
      let scaled = 0;
      for (let s = 0; s < samples; s++) {
        const r = i * samples + s;
        const e = beta * u[r]! - (fx[i]! - fxi[r]!);
        scaled += e * e;
      }
      result.infidelity.push(err / samples);
      result.scaledInfidelity.push(scaled / samples);
      result.scale.push(beta);
    }
    return result;
  } finally {
    b.dispose();
  }
}
