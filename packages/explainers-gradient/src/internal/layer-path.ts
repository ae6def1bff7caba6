/**
 * What layerIntegratedGradients and layerConductance share: checking their options, resolving the layer, the
 * targets, the baseline and the integration rule; the two path ends (the layer's value and the target score at x
 * and at the baseline); and turning the float64 sums into the returned attributions and completeness delta.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  INTEGRATION_METHODS,
  Progress,
  TargetResolver,
  assertFiniteRows,
  assertNumber,
  assertOneOf,
  booleanOption,
  checkCommonOptions,
  checkInput,
  createPace,
  resolveBaseline,
  tf,
} from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, IntegrationMethod } from '@glassbox/tensors-ops';
import { ATTRIBUTION_HINT, endRows } from './engine.js';
import { integrationRulePaced } from './integration.js';
import type { IntegrationRule } from './integration.js';
import { LayerShape, layerBatchRule, layerValues } from './layer-run.js';
import type { LayerRun } from './layer-run.js';
import { resolveLayer } from './layers.js';
import type { CamModel } from './layers.js';

/** The options both path methods take (their own interfaces extend this). */
export interface LayerPathOptions extends Omit<ExplainOptions, 'seed'> {
  layer?: string;
  steps?: number;
  method?: IntegrationMethod;
  attributeToLayerInput?: boolean;
}

/** One call's checked set-up. `baseline` is owned by the call: dispose it in a finally. */
export interface LayerPath {
  n: number;
  steps: number;
  /** The integration rule's points (alphas) and weights, `points` of each. */
  rule: IntegrationRule;
  baseline: Tensor;
  run: LayerRun;
  shape: LayerShape;
}

/**
 * Checks the options (options' keys are checked by the caller), resolves the layer, x, targets and baseline, and
 * makes the integration rule with `pointsOf(steps)` points (steps for integrated gradients' midpoint-style sum,
 * steps + 1 for conductance's differences). Progress counts 2N end rows plus N rows per point.
 */
export async function startLayerPath(
  model: CamModel,
  x: Tensor,
  options: LayerPathOptions,
  where: string,
  pointsOf: (steps: number) => number,
): Promise<LayerPath> {
  const toInput = booleanOption(options.attributeToLayerInput, 'options.attributeToLayerInput', where, false);
  const side = toInput ? 'input' : 'output';
  const access = resolveLayer(model, options.layer, where, side);
  checkInput(x, where);
  const { batchSize } = checkCommonOptions(options, where);
  const steps = options.steps === undefined ? 50 : assertNumber(options.steps, 'options.steps', where, { integer: true, min: 1 });
  const method = options.method === undefined ? 'gausslegendre' : assertOneOf(options.method, INTEGRATION_METHODS, 'options.method', where);
  const n = x.shape[0]!;
  const points = pointsOf(steps);
  const targets = new TargetResolver(options.target, n, where);
  const rule = await integrationRulePaced(method, points, where, createPace(options.signal, where));
  const baseline = resolveBaseline(options.baseline, x, where);
  const batchFor = layerBatchRule(model, access, side, x, batchSize, options.batchSize !== undefined, options.signal);
  const progress = new Progress(2 * n + n * points, options.onProgress);
  return { n, steps, rule, baseline, run: { access, targets, progress, batchFor, signal: options.signal, where }, shape: new LayerShape() };
}

/**
 * The path's ends: virtual rows 0..N-1 are x, N..2N-1 the baseline. Returns the target scores F(x), F(b) and,
 * with `keepValues`, the layer's values a(x), a(b) (row-major, 2N rows).
 */
export function layerPathEnds(path: LayerPath, x: Tensor, keepValues: boolean): Promise<{ values: Float32Array; scores: Float64Array }> {
  const { n, baseline } = path;
  return layerValues(
    path.run,
    path.shape,
    2 * n,
    endRows(x, baseline, n),
    (j) => (j < n ? j : j - n),
    keepValues,
  );
}

/**
 * The result: attribution e is `value(e)` (e over N rows of the layer's row size), delta per row the sum of its
 * attributions minus F(x) - F(b) from the ends' scores. Refuses non-finite attributions.
 */
export function finishLayerPath(path: LayerPath, scores: Float64Array, value: (e: number) => number): Attribution {
  const { n, shape, run } = path;
  const size = shape.size;
  const attr = new Float32Array(n * size);
  const delta = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let e = i * size; e < (i + 1) * size; e++) {
      const v = value(e);
      attr[e] = v;
      sum += v;
    }
    delta[i] = sum - (scores[i]! - scores[n + i]!);
  }
  assertFiniteRows(attr, run.where, 'the attributions', { rowSize: size, hint: ATTRIBUTION_HINT });
  return { attributions: tf.tensor(attr, [n, ...shape.row!], 'float32'), delta: tf.tensor1d(delta, 'float32'), method: run.where };
}
