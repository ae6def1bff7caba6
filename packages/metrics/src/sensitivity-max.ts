import type { Tensor } from '@tensorflow/tfjs-core';
import {
  booleanOption,
  assertNumber,
  checkCommonOptions,
  checkInput,
  createRng,
  modelForwards,
  throwIfAborted,
  tf,
  type ExplainOptions,
  type Predictable,
} from '@glassbox/tensors-ops';
import { checkFunction } from './internal/check-options.js';
import { explainValues, explainerOptionsOf } from './internal/run-explainer.js';
import type { AnyExplainer } from './internal/types.js';

export interface SensitivityMaxOptions extends ExplainOptions {
  /** Half-width of the L_inf ball the noise is drawn from (uniform in [-radius, radius] per element), > 0. Default 0.02. */
  radius?: number;
  /** Perturbed copies of x explained, integer >= 1. Default 10. */
  samples?: number;
  /** Divide each row's change by the norm of its original explanation (Captum's sensitivity_max). Default true. */
  relative?: boolean;
  /** Options for the explainer that clash with this function's own names (e.g. the explainer's own `samples`). */
  explainerOptions?: Record<string, unknown>;
  /**
   * Any other option is passed to the explainer unchanged (target, baseline, batchSize, steps, ...); `seed` and
   * `signal` are used here too and passed on when the explainer takes them. Checked by name against the
   * explainer's keys when it declared them (tensors-ops' declareOptionKeys; every Glassbox explainer does).
   */
  [option: string]: unknown;
}

/** What sensitivityMax reads itself: OWN stays here, SHARED is also passed to the explainer (when it takes it). */
const OWN = ['radius', 'samples', 'relative', 'onProgress'] as const;
const SHARED = ['seed', 'signal'] as const;

/**
 * Max-sensitivity: how much can the explanation change when the input moves a little? The input is perturbed
 * by uniform noise in an L_inf ball of `radius`, the explainer runs again, and the largest change of the map
 * over `samples` draws is reported per row. A robust explanation changes little (lower is better); a map that
 * jumps under invisible noise is hard to trust.
 *
 *   SENS_max(Phi, F, x, r) = max_{||delta||_inf <= r} || Phi(F, x + delta) - Phi(F, x) ||_F
 *                            (/ || Phi(F, x) ||_F when `relative`, the default, where that norm is > 0)
 *
 * The maximum is estimated over `samples` seeded draws delta ~ U[-r, r]^d. Yeh, Hsieh, Suggala, Inouye and
 * Ravikumar 2019, "On the (In)fidelity and Sensitivity of Explanations", arXiv 1901.09392. With
 * `relative: true` it matches Captum's `sensitivity_max`; `relative: false` is the paper's absolute form.
 *
 * @param explainer any Glassbox explainer, `(f, x, options) => Promise<Attribution>`.
 * @param f the model, passed to the explainer as it is (an asynchronous model, e.g. from loadOnnx, works with the
 *   explainers that only call the model).
 * @param x inputs [N, ...], float32.
 * @param options `radius` (default 0.02), `samples` (default 10), `relative` (default true), `seed`
 *   (default 0; also passed to the explainer, so a stochastic explainer uses the same draws for every copy),
 *   `onProgress` (explainer calls done, samples + 1), `signal` (also passed to the explainer), and every other
 *   option for the explainer (`target`, `baseline`, `batchSize`, `steps`, ...); `explainerOptions` for names
 *   that clash.
 * @returns one number per row (lower is better).
 *
 * @example
 * ```ts
 * const sens = await sensitivityMax(integratedGradients, model, x, { target: 1, radius: 0.05, samples: 8, steps: 32 });
 * ```
 */
export async function sensitivityMax(
  explainer: AnyExplainer,
  f: Predictable,
  x: Tensor,
  options?: SensitivityMaxOptions,
): Promise<number[]> {
  const where = 'sensitivityMax';
  checkFunction<AnyExplainer>(explainer, 'explainer', where, 'an explainer function (f, x, options) => Promise<Attribution>');
  checkInput(x, where);
  // The model is only handed to the explainer: an asynchronous model (loadOnnx) is fine when the explainer takes
  // one (occlusion, KernelSHAP, ...); a gradient explainer refuses it itself.
  modelForwards(f, where);
  const passOn = explainerOptionsOf(options, { own: OWN, shared: SHARED }, explainer, where);
  const opts = (options ?? {}) as SensitivityMaxOptions;
  const { seed } = checkCommonOptions(opts, where);
  const radius = opts.radius === undefined ? 0.02 : assertNumber(opts.radius, 'options.radius', where, { gt: 0 });
  const samples = opts.samples === undefined ? 10 : assertNumber(opts.samples, 'options.samples', where, { integer: true, min: 1 });
  const relative = booleanOption(opts.relative, 'options.relative', where, true);
  const n = x.shape[0]!;
  const size = x.size;
  const d = size / n;
  const rng = createRng(seed);
  const total = samples + 1;

  throwIfAborted(opts.signal, where);
  const e0 = await explainValues(explainer, f, x, passOn, where);
  opts.onProgress?.(1, total);
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += e0[i * d + j]! ** 2;
    base[i] = Math.sqrt(s);
  }
  const best = new Array<number>(n).fill(0);
  for (let s = 0; s < samples; s++) {
    throwIfAborted(opts.signal, where);
    const noise = rng.fork(s).uniformArray(size, -radius, radius);
    const xs = tf.tidy(() => tf.add(x, tf.tensor(noise, x.shape, 'float32')));
    let es: Float32Array;
    try {
      es = await explainValues(explainer, f, xs, passOn, where);
    } finally {
      xs.dispose();
    }
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (es[i * d + j]! - e0[i * d + j]!) ** 2;
      let v = Math.sqrt(sq);
      if (relative && base[i]! > 0) v /= base[i]!;
      if (v > best[i]!) best[i] = v;
    }
    opts.onProgress?.(s + 2, total);
  }
  throwIfAborted(opts.signal, where);
  return best;
}
