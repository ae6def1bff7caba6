import type { Tensor } from '@tensorflow/tfjs-core';
import type { Predictable, TokenModel } from '@glassbox/tensors-ops';
import { perturbationCurve, type CurveOptions, type CurveResult } from './internal/perturbation-curve.js';
import type { AttributionsInput } from './internal/types.js';

/**
 * The insertion curve: start from the baseline (a blank or blurred input) and put back the features an
 * explanation ranks highest first; if the map is right, the model's score comes back after a few steps and
 * the area under the curve is large. A random order (computed alongside, seeded) shows the chance level.
 *
 *   order: features of row i sorted by attribution a_ij, highest first (ties: lower index first)
 *   x_i^(k) = the baseline with the first round(k M / intervals) features of row i set to x_i's values, k = 0..intervals
 *   curve_i[k] = F(x_i^(k))[t_i]                      (curve_i[0] = F(b_i), curve_i[intervals] = F(x_i))
 *   norm_i[k]  = (curve_i[k] - F(b_i)) / |F(x_i) - F(b_i)|            (divided by 1 when F(x_i) = F(b_i))
 *   auc_i      = trapz(fractions, norm_i)    = (rawAuc_i - F(b_i)) / |F(x_i) - F(b_i)|
 *   rawAuc_i   = trapz(fractions, curve_i)
 *
 * The same normalisation as deletionCurve: when F(x) > F(b), 0 means the score stayed at F(b) until the last
 * step and 1 that it was back to F(x) at once. The divisor is positive, so higher is better for any sign of
 * the scores. Petsiuk, Das and Saenko 2018, "RISE: Randomized Input Sampling for Explanation of Black-box
 * Models", arXiv 1806.07421.
 *
 * Token ids (f a TokenModel or a plain function of int32 ids [N, T]): insertion starts from the all-mask row
 * (the mask id, `baseline` or the model's maskId, at every real position; padding kept) and puts the row's
 * tokens back, highest attribution first; padding positions are never inserted and are not counted (see
 * deletionCurve for the per-row axis `rowFractions`).
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; or a TokenModel (x then holds its token ids).
 * @param x inputs [N, ...], float32; or int32 token ids [N, T].
 * @param attributions [N, ...] with x's shape (a tensor or an explainer's `{ attributions }`); not disposed.
 * @param options as deletionCurve: `target`, `intervals` (default 20), `baseline` (default 0: the input the
 *   insertion starts from; RISE uses a blurred copy of x; for token ids the mask id), `featureMask`, `random` (default true), `seed`,
 *   `batchSize` (default 64), `onProgress`, `signal`.
 * @returns `{ fractions, curves, normalizedCurves, auc, rawAuc, inputScores, baselineScores }`, plus the
 *   random-order fields unless `random: false` (see CurveResult).
 *
 * @example
 * ```ts
 * const { attributions } = await saliency(model, x, { target: 7 });
 * const ins = await insertionCurve(model, x, attributions, { target: 7, baseline: blurred, intervals: 10 });
 * console.log(ins.auc, ins.randomAuc);   // higher than random is good
 * attributions.dispose();
 * ```
 */
export function insertionCurve(f: Predictable | TokenModel, x: Tensor, attributions: AttributionsInput, options?: CurveOptions): Promise<CurveResult> {
  return perturbationCurve('insertion', f, x, attributions, options, 'insertionCurve');
}
