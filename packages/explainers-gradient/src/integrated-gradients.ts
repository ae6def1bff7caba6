import type { Tensor } from '@tensorflow/tfjs-core';
import { INTEGRATION_METHODS, assertNumber, assertOneOf, createPace, EXPLAINS_ANY_MODEL, declareMethod, EXPLAIN_KEYS, optionKeys, prepareExplainer, resolveBaseline } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, IntegrationMethod, PoolOption, Predictable } from '@glassbox/tensors-ops';
import { integrationRulePaced } from './internal/integration.js';
import { pathIntegral } from './internal/path-integral.js';

export interface IntegratedGradientsOptions extends ExplainOptions, PoolOption {
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
 * Paper: M. Sundararajan, A. Taly, Q. Yan, "Axiomatic Attribution for Deep Networks", 2017, arXiv:1703.01365.
 *
 * @param f the model, [N, ...] -> [N, K] or [N]; a function or an object with predict(x).
 * @param x float32 [N, ...] (rank >= 2), finite.
 * @param options
 *  - `target`: output column, one for all rows or one per row (optional when f returns [N] or [N, 1]).
 *  - `baseline`: number or tensor broadcastable to x, default 0.
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
 * @returns attributions of x's shape and delta [N] (both owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions, delta } = await integratedGradients(model, images, { target: 7, steps: 64 });
 * console.log(await delta.data()); // close to 0
 * ```
 */
export async function integratedGradients(f: Predictable, x: Tensor, options: IntegratedGradientsOptions = {}): Promise<Attribution> {
  return runIntegratedGradients(f, x, options, 'integratedGradients');
}
declareMethod(integratedGradients, {
  name: 'integratedGradients',
  aliases: ['ig'],
  label: 'Integrated gradients',
  summary: 'path integral of gradients from a baseline (black); sums to F(x) - F(baseline) (Sundararajan et al. 2017)',
  paper: 'M. Sundararajan, A. Taly, Q. Yan, 2017, arXiv:1703.01365',
  family: 'gradient',
  ...EXPLAINS_ANY_MODEL,
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [
    { key: 'steps', type: 'integer', default: 50, min: 1, max: 8_388_608, summary: 'points on the path from the baseline to x' },
    { key: 'method', type: 'choice', default: 'gausslegendre', choices: INTEGRATION_METHODS, summary: 'integration rule' },
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
