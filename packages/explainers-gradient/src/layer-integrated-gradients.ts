import type { Tensor } from '@tensorflow/tfjs-core';
import { INTEGRATION_METHODS, checkOptionKeys, declareMethod, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, IntegrationMethod } from '@glassbox/tensors-ops';
import { columnOf, gatherRows } from './internal/engine.js';
import { layerGradients } from './internal/layer-run.js';
import { finishLayerPath, layerPathEnds, startLayerPath } from './internal/layer-path.js';
import type { CamModel } from './internal/layers.js';

export interface LayerIntegratedGradientsOptions extends Omit<ExplainOptions, 'seed'> {
  /** The layer to attribute to: one of the model's `layerNames` (or a name its split takes). */
  layer?: string;
  /** Points on the path (n), an integer >= 1 (>= 2 for 'riemann_trapezoid'). Default 50. */
  steps?: number;
  /** Integration rule. Default 'gausslegendre'. */
  method?: IntegrationMethod;
  /** Attribute to the layer's input instead of its output (needs a model with layerInput). Default false. */
  attributeToLayerInput?: boolean;
}

/** The keys of LayerIntegratedGradientsOptions. */
export const LAYER_INTEGRATED_GRADIENTS_OPTION_KEYS = optionKeys<LayerIntegratedGradientsOptions>({
  target: true,
  baseline: true,
  batchSize: true,
  onProgress: true,
  signal: true,
  layer: true,
  steps: true,
  method: true,
  attributeToLayerInput: true,
});

/**
 * Layer integrated gradients: integrated gradients inside the network. How much did each unit of a layer's
 * output contribute to F(x) - F(b)? The layer's value runs along the straight line from its value at the
 * baseline input, a' = a(b), to its value at x, a = a(x), while the rest of the model runs on x with the
 * layer replaced; the gradients along that line are integrated and multiplied by the distance travelled:
 *
 *   attributions = (a - a') * integral_0^1 dF_t(x; a' + s (a - a')) / da ds          [N, ...layerShape]
 *               ~= (a - a') * sum_k w_k dF_t(x; a' + s_k (a - a')) / da
 *   delta        = sum(attributions of a row) - (F_t(x) - F_t(b))
 *
 * F(x; v) is the model on x with the layer's output replaced by v (LayerModel.forwardWithLayer); rules
 * (s_k, w_k) as integratedGradients'. This is Captum's LayerIntegratedGradients: its path is in the layer's
 * space (a forward hook swaps in the interpolated activations while the model otherwise sees the inputs), not
 * the image of the input path a(b + s (x - b)); the two agree when a is affine in x. When every path from x to
 * the output passes through the layer (a chain, or a residual graph cut between blocks), F(x; a) = G(a) and
 * the attributions add up to F(x) - F(b) up to the integration error (completeness, delta -> 0). When skip
 * connections bypass the layer, F(x; a') is not F(b) and delta also holds the part of F(x) - F(b) that flows
 * around the layer.
 *
 * Paper: M. Sundararajan, A. Taly, Q. Yan, "Axiomatic Attribution for Deep Networks", 2017, arXiv:1703.01365
 * (integrated gradients); layer form as in Captum (N. Kokhlikyan et al., "Captum: A unified and generic model
 * interpretability library for PyTorch", 2020, arXiv:2009.07896).
 *
 * @param model a tensors-ops `LayerModel` (a Sequential, a ResidualModel, a model from @glassbox/adapters;
 *   `options.layer` one of its layerNames), a model with split(layerName), or { features, head }.
 * @param x float32 rows [N, ...] (rank >= 2), finite.
 * @param options
 *  - `layer`: the layer (required with a LayerModel or split).
 *  - `target`: output column, one for all rows or one per row (optional when the model returns [N] or [N, 1]).
 *  - `baseline`: the baseline input b, a number or a tensor broadcastable to x; default 0.
 *  - `steps`: default 50. `method`: default 'gausslegendre'.
 *  - `attributeToLayerInput`: default false (see LayerModel.layerInput).
 *  - `batchSize`: most model rows per call; by default the most rows (<= 64) whose measured memory (one row of
 *    the layer path, forward and gradient, probed once per model and layer) fits 1 GiB, as integratedGradients'; 2N rows for the ends, then N * steps path points.
 *    Results do not depend on it.
 *  - `onProgress(done, total)` in model rows; `signal`.
 * @returns attributions [N, ...layerShape] and delta [N] (owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions, delta } = await layerIntegratedGradients(model, images, { layer: 'conv2', target: 3, steps: 64 });
 * ```
 */
export async function layerIntegratedGradients(model: CamModel, x: Tensor, options: LayerIntegratedGradientsOptions = {}): Promise<Attribution> {
  const where = 'layerIntegratedGradients';
  options = checkOptionKeys<LayerIntegratedGradientsOptions>(options, LAYER_INTEGRATED_GRADIENTS_OPTION_KEYS, where);
  const path = await startLayerPath(model, x, options, where, (steps) => steps);
  const { n, steps, rule, run, shape, baseline } = path;
  try {
    // a(x), F(x) for virtual rows 0..n-1; a(b), F(b) for n..2n-1.
    const ends = await layerPathEnds(path, x, true);
    const size = shape.size;
    const layerRow = shape.row!;
    const ax = ends.values.subarray(0, n * size);
    const ab = ends.values.subarray(n * size);
    const acc = new Float64Array(n * size);
    const rowOf = (j: number): number => Math.floor(j / steps);
    await layerGradients(
      run,
      shape,
      n * steps,
      rowOf,
      (start, end) => {
        const idx = new Int32Array(end - start);
        const s = new Float64Array(end - start);
        const from = new Float32Array((end - start) * size);
        const to = new Float32Array((end - start) * size);
        for (let j = start; j < end; j++) {
          const i = rowOf(j);
          idx[j - start] = i;
          s[j - start] = rule.alphas[j % steps]!;
          from.set(ab.subarray(i * size, (i + 1) * size), (j - start) * size);
          to.set(ax.subarray(i * size, (i + 1) * size), (j - start) * size);
        }
        const a0 = tf.tensor(from, [end - start, ...layerRow], 'float32');
        const a1 = tf.tensor(to, [end - start, ...layerRow], 'float32');
        return { rows: gatherRows(x, idx), points: tf.add(a0, tf.mul(columnOf(s, a0.rank), tf.sub(a1, a0))) };
      },
      (start, end, g) => {
        for (let j = start; j < end; j++) {
          const w = rule.weights[j % steps]!;
          const dst = rowOf(j) * size;
          const src = (j - start) * size;
          for (let e = 0; e < size; e++) acc[dst + e] += w * g[src + e]!;
        }
      },
    );
    return finishLayerPath(path, ends.scores, (e) => (ax[e]! - ab[e]!) * acc[e]!);
  } finally {
    baseline.dispose();
  }
}
declareMethod(layerIntegratedGradients, {
  name: 'layerIntegratedGradients',
  aliases: ['layer-ig', 'lig'],
  label: 'Layer integrated gradients',
  summary: "integrated gradients of a layer's units, from their value at the baseline to their value at x (Captum)",
  paper: 'M. Sundararajan, A. Taly, Q. Yan, 2017, arXiv:1703.01365',
  family: 'gradient',
  inputs: ['image', 'tabular'],
  modelKinds: ['classifier', 'ae', 'vae', 'gan', 'cyclegan'],
  subject: 'splittable',
  output: 'layer',
  rowwise: true,
  signed: true,
  baseline: 'point',
  complete: true,
  options: [
    { key: 'layer', type: 'layer', summary: 'the layer whose units are attributed' },
    { key: 'steps', type: 'integer', default: 50, min: 1, max: 8_388_608, summary: 'points on the path from the baseline to x' },
    { key: 'method', type: 'choice', default: 'gausslegendre', choices: INTEGRATION_METHODS, summary: 'integration rule' },
    { key: 'attributeToLayerInput', type: 'boolean', default: false, summary: "attribute to the layer's input instead of its output" },
  ],
  optionKeys: LAYER_INTEGRATED_GRADIENTS_OPTION_KEYS,
});
