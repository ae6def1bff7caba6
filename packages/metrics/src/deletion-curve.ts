import type { Tensor } from '@tensorflow/tfjs-core';
import type { Predictable, TokenModel } from '@glassbox/tensors-ops';
import { perturbationCurve, type CurveOptions, type CurveResult } from './internal/perturbation-curve.js';
import type { AttributionsInput } from './internal/types.js';

/**
 * The deletion curve: remove the features an explanation ranks highest first and watch the model's score fall.
 * If the map points at what the model really uses, the score collapses after a few steps and the area under
 * the curve is small; a random order (computed alongside, seeded) shows how fast it falls by chance.
 *
 *   order: features of row i sorted by attribution a_ij, highest first (ties: lower index first)
 *   x_i^(k) = x_i with its first round(k M / intervals) features replaced by the baseline, k = 0..intervals
 *   curve_i[k] = F(x_i^(k))[t_i]                      (curve_i[0] = F(x_i), curve_i[intervals] = F(b_i))
 *   norm_i[k]  = (curve_i[k] - F(b_i)) / |F(x_i) - F(b_i)|            (divided by 1 when F(x_i) = F(b_i))
 *   auc_i      = trapz(fractions, norm_i)    = (rawAuc_i - F(b_i)) / |F(x_i) - F(b_i)|
 *   rawAuc_i   = trapz(fractions, curve_i)   (the mean score along the curve, in the model's units)
 *
 * The normalised area measures the curve from the score of the all-baseline input, in units of the whole
 * change |F(x) - F(b)|, so rows with different scores compare and a constant added to the model changes
 * nothing. In the usual case F(x) > F(b), 1 means the score never moved until the last step and 0 that it
 * dropped to F(b) at once (below 0: it fell below F(b) on the way). The divisor is positive, so lower is
 * better for any sign of the scores: a smaller auc is always a smaller raw area. When F(x) < F(b) (the
 * all-baseline input scores higher than x, as a discriminator may judge a blank image), the curve runs from
 * -1 to 0 and lower is still better; `inputScores` and `baselineScores` give the two ends. Compare with the
 * random order (`randomAuc`, normalised the same way). Petsiuk, Das and Saenko 2018, "RISE: Randomized Input
 * Sampling for Explanation of Black-box Models", arXiv 1806.07421; pixel flipping: Samek, Binder, Montavon,
 * Lapuschkin and Müller 2017, "Evaluating the Visualization of What a Deep Neural Network Has Learned", arXiv
 * 1509.06321.
 *
 * Token ids (f a TokenModel such as @glassbox/models-transformer's TextClassifier, called through tensors-ops'
 * tokenModelForward, or a plain function of int32 ids [N, T]): the features are the positions (or the groups of
 * `featureMask`), a removed token is replaced by the mask id (`baseline`, default the model's maskId), and the
 * padding positions of a row (the model's padId) are never removed and are not counted: row i has M_i real
 * tokens, x_i^(k) has round(k M_i / intervals) of them masked, and its x axis is `rowFractions[i]`
 * (counts / M_i), over which its areas are integrated. Samek et al.'s pixel flipping read for text, as in
 * DeYoung et al. 2020 ("ERASER", arXiv 1911.03429, comprehensiveness).
 *
 * All (intervals + 1) x N inputs (x 2 with the random order) go through the model in batches of `batchSize`,
 * built on demand, so memory stays bounded; the numbers do not depend on batchSize.
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; or a TokenModel (x then holds its token ids).
 * @param x inputs [N, ...], float32; or int32 token ids [N, T] (each id in 0..vocabSize-1 for a TokenModel).
 * @param attributions [N, ...] with x's shape (a tensor or an explainer's `{ attributions }`); not disposed.
 *   Features are ordered by their signed value (highest first); pass `tf.abs(a)` to order by magnitude.
 * @param options
 *   - `target`: output column, a number or one per row; optional when f returns [N] or [N, 1].
 *   - `intervals`: integer >= 1, default 20; the curve has intervals + 1 points including 0 and all features
 *     (`steps`, its old name, is read for one release).
 *   - `baseline`: number or tensor broadcastable to x, default 0: what a deleted feature becomes; for token ids
 *     the mask token id, default the model's maskId.
 *   - `featureMask`: int32 groups broadcastable to one row of x, deleted together; default each element.
 *   - `random`: boolean, default true: also return `randomCurves` and `randomAuc` for a seeded random order.
 *   - `seed` (default 0), `batchSize` (default 64), `onProgress` (model rows done, rows in all), `signal`.
 * @returns `{ fractions, curves, normalizedCurves, auc, rawAuc, inputScores, baselineScores }`, plus
 *   `randomCurves`, `randomNormalizedCurves`, `randomAuc`, `randomRawAuc` unless `random: false`, and for token
 *   ids `rowFractions` and `featureCounts` (see CurveResult).
 *
 * @example
 * ```ts
 * const { attributions } = await integratedGradients(model, x, { target: 7 });
 * const del = await deletionCurve(model, x, attributions, { target: 7, intervals: 10, seed: 1 });
 * console.log(del.auc, del.randomAuc);   // e.g. [0.21] vs [0.55]: the map beats chance
 * attributions.dispose();
 *
 * // Tokens: an e-mail's ids [1, T] and the spam classifier (a TokenModel); removed tokens become its mask id.
 * const ig = await integratedGradients(classifier, ids, { target: 1, steps: 32 });
 * const text = await deletionCurve(classifier, ids, ig, { target: 1, intervals: 10 });
 * ig.attributions.dispose();
 * ```
 */
export function deletionCurve(f: Predictable | TokenModel, x: Tensor, attributions: AttributionsInput, options?: CurveOptions): Promise<CurveResult> {
  return perturbationCurve('deletion', f, x, attributions, options, 'deletionCurve');
}
