import type { Tensor } from '@tensorflow/tfjs-core';
import { INTEGRATION_METHODS, assertNumber, assertOneOf, createPace, declareMethod, EXPLAIN_KEYS, isTokenModel, optionKeys, prepareExplainer, resolveBaseline } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, IntegrationMethod, PoolOption, Predictable, TokenModel } from '@glassbox/tensors-ops';
import { integrationRulePaced } from './internal/integration.js';
import { pathIntegral } from './internal/path-integral.js';
import { EXPLAINS_ANY_MODEL_AND_TOKENS, TOKEN_NAMES, TOKEN_REDUCTION_INFO, explainTokens, refuseTokenOptions, tokenBaseline } from './internal/tokens.js';
import type { TokenOptions } from './internal/tokens.js';

export interface IntegratedGradientsOptions extends ExplainOptions, PoolOption, TokenOptions {
  /**
   * Points on the path from the baseline to x (n), an integer >= 1 (>= 2 for 'riemann_trapezoid'), at most
   * 8,388,608 (32 bytes of rule per point within tensors-ops' MAX_PLAN_BYTES). Default 50.
   */
  steps?: number;
  /** Integration rule. Default 'gausslegendre'. */
  method?: IntegrationMethod;
}

/** The keys of IntegratedGradientsOptions. */
export const INTEGRATED_GRADIENTS_OPTION_KEYS = optionKeys<IntegratedGradientsOptions>({
  ...EXPLAIN_KEYS,
  pool: true,
  steps: true,
  method: true,
  tokenReduction: true,
});

/**
 * Integrated gradients: how much did each input element contribute to the difference between the target
 * score at x and at a baseline b (a "neutral" input, all zeros by default)? The gradients are summed along
 * the straight path from b to x and multiplied by the distance travelled, so the attributions of a row add
 * up to F(x) - F(b) (completeness); `delta` reports how far the numerical integral is from that.
 *
 *   attributions = (x - b) * integral_0^1 dF_t(b + a (x - b)) / dx da
 *                ~ (x - b) * sum_k w_k * dF_t(b + a_k (x - b)) / dx
 *   delta        = sum(attributions of a row) - (F_t(x) - F_t(b))          (signed, one per row)
 *
 * Rules (a_k, w_k for k = 0..n-1): 'riemann_left' (k/n, 1/n), 'riemann_right' ((k+1)/n, 1/n), 'riemann_middle'
 * ((k+0.5)/n, 1/n), 'riemann_trapezoid' (k/(n-1), 1/(n-1), halved at both ends: weights sum to 1) and
 * 'gausslegendre' (n-point Gauss-Legendre on [0, 1], exact for polynomials of degree 2n-1 along the path).
 *
 * Token models (a tensors-ops `TokenModel`: x is int32 token ids [N, T]): the path runs between embeddings,
 * from the baseline's e_b to e = f.embed(x) [N, T, D], through F(e) = f.forwardFromEmbeddings(e) (the last
 * position of a [N, T, K] language model), as Captum's LayerIntegratedGradients does at the embedding layer:
 *
 *   A[t, d]  = (e - e_b)[t, d] * integral_0^1 dF_t(e_b + a (e - e_b)) / de[t, d] da
 *   per-token score = sum_d A[t, d]        (tokenReduction 'sum', the default; 'none' returns A)
 *   delta    = sum_{t, d} A[t, d] - (F(e) - F(e_b))
 *
 * The baseline e_b is the embedding of f.maskId at every position by default (zeros when the model has none);
 * `baseline: id` puts the embedding of token `id` everywhere; `baseline: tensor` is an embedding baseline
 * broadcastable to [N, T, D] (tf.scalar(0) for zeros). Rows holding the model's padId are run with their padding
 * mask; padded positions keep x's embedding in the baseline and get 0.
 *
 * Paper: M. Sundararajan, A. Taly, Q. Yan, "Axiomatic Attribution for Deep Networks", 2017, arXiv:1703.01365.
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; a function or an object with predict(x); or a TokenModel.
 * @param x float32 [N, ...] (rank >= 2), finite; for a TokenModel, int32 token ids [N, T] in 0..vocabSize-1.
 * @param options
 *  - `target`: output column, one for all rows or one per row (optional when f returns [N] or [N, 1]).
 *  - `baseline`: number or tensor broadcastable to x, default 0; for token inputs a token id or an embedding
 *    tensor broadcastable to [N, T, D], default the embedding of f.maskId (see above).
 *  - `tokenReduction` (token inputs only): 'sum' (default) -> attributions [N, T]; 'none' -> [N, T, D].
 *  - `steps`: default 50. `method`: default 'gausslegendre'.
 *  - `batchSize`: most points per model call (default 64); the N * steps path points are built batch by batch.
 *    Results do not depend on it.
 *  - `onProgress(done, total)` in model rows (2N forward rows, then N * steps gradient rows); `signal`.
 *  - `pool`: a tensors-ops Pool (`createPool()` from `@glassbox/tensors-ops/pool`): the batches of path points
 *    run on its workers and are summed here in the same float64 order, so the numbers are those of a
 *    single-thread run with the same batchSize.
 *    Needs a model that can cross a thread (a Sequential, a Classifier, `poolable(f, spec)`); with a plain
 *    function the call runs on the main thread and the pool warns once. Without `batchSize`, a pooled call
 *    uses tensors-ops' `autoBatchSize` (<= 64 rows, within a memory budget, at least 4 batches to share).
 *    Token inputs: the embedding points run on the workers when the model has `toPooledTokenModel()` (the
 *    models of @glassbox/models-transformer do), with the padding mask as a constant; refused (INVALID_ARGUMENT)
 *    for a token model without it.
 * @returns attributions of x's shape ([N, T] or [N, T, D] for token ids) and delta [N] (both owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions, delta } = await integratedGradients(model, images, { target: 7, steps: 64 });
 * console.log(await delta.data()); // close to 0
 * const perToken = await integratedGradients(classifier, ids, { target: 1, steps: 64 }); // [N, T]
 * ```
 */
export async function integratedGradients(f: Predictable | TokenModel, x: Tensor, options: IntegratedGradientsOptions = {}): Promise<Attribution> {
  const where = 'integratedGradients';
  if (isTokenModel(f)) {
    return explainTokens(f, x, options, where, INTEGRATED_GRADIENTS_OPTION_KEYS, async (tp, o) => {
      // The options' keys and values are checked (prepareTokens, then runIntegratedGradients) before any work
      // besides the embedding; the baseline is the one option read here.
      const baseline = tokenBaseline(tp, o.baseline, where);
      try {
        return await runIntegratedGradients(tp.forward, tp.x, { ...o, baseline }, where, TOKEN_NAMES);
      } finally {
        baseline.dispose();
      }
    });
  }
  refuseTokenOptions(options, where);
  return runIntegratedGradients(f, x, options, where);
}
declareMethod(integratedGradients, {
  name: 'integratedGradients',
  aliases: ['ig'],
  label: 'Integrated gradients',
  summary: 'path integral of gradients from a baseline (black); sums to F(x) - F(baseline) (Sundararajan et al. 2017)',
  paper: 'M. Sundararajan, A. Taly, Q. Yan, 2017, arXiv:1703.01365',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL_AND_TOKENS,
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [
    { key: 'steps', type: 'integer', default: 50, min: 1, max: 8_388_608, summary: 'points on the path from the baseline to x' },
    { key: 'method', type: 'choice', default: 'gausslegendre', choices: INTEGRATION_METHODS, summary: 'integration rule' },
    TOKEN_REDUCTION_INFO,
  ],
  optionKeys: INTEGRATED_GRADIENTS_OPTION_KEYS,
});

/** @internal integratedGradients under another public name (for error messages and the method field). */
export async function runIntegratedGradients(
  f: Predictable,
  x: Tensor,
  options: IntegratedGradientsOptions | undefined,
  where: string,
  names?: { model: string; input: string },
): Promise<Attribution> {
  const p = prepareExplainer(f, x, options, where, INTEGRATED_GRADIENTS_OPTION_KEYS, names);
  const o = options ?? {};
  const steps = o.steps === undefined ? 50 : assertNumber(o.steps, 'options.steps', where, { integer: true, min: 1 });
  const method = o.method === undefined ? 'gausslegendre' : assertOneOf(o.method, INTEGRATION_METHODS, 'options.method', where);
  // O(steps), in chunks: an abort lands while the rule is computed, as it does between batches.
  const rule = await integrationRulePaced(method, steps, where, createPace(o.signal, where));
  const baseline = resolveBaseline(o.baseline, p.x, where);
  try {
    const { attributions, delta } = await pathIntegral(p, baseline, rule, o, where);
    return { attributions, delta, method: where };
  } finally {
    baseline.dispose();
  }
}
