import type { Tensor } from '@tensorflow/tfjs-core';
import { INTEGRATION_METHODS, checkOptionKeys, declareMethod, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions, IntegrationMethod } from '@glassbox/tensors-ops';
import { columnOf, gatherRows } from './internal/engine.js';
import { layerGradients } from './internal/layer-run.js';
import { finishLayerPath, layerPathEnds, startLayerPath } from './internal/layer-path.js';
import type { CamModel } from './internal/layers.js';

export interface LayerConductanceOptions extends Omit<ExplainOptions, 'seed'> {
  /** The layer whose units' conductance is computed: one of the model's `layerNames` (or a name its split takes). */
  layer?: string;
  /** Steps along the path (n): the model runs at n + 1 points. An integer >= 1. Default 50. */
  steps?: number;
  /** The rule whose n + 1 points are used (weights are not: the steps are differences). Default 'gausslegendre'. */
  method?: IntegrationMethod;
  /** The conductance of the layer's input instead of its output (needs a model with layerInput). Default false. */
  attributeToLayerInput?: boolean;
}

/** The keys of LayerConductanceOptions. */
export const LAYER_CONDUCTANCE_OPTION_KEYS = optionKeys<LayerConductanceOptions>({
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
 * Layer conductance: how much of the change F(x) - F(b) flows through each unit of a layer, as the input
 * moves along the straight line from the baseline b to x? Integrated gradients of the input, split by the
 * hidden unit it passes through (chain rule): the conductance of unit j is
 *
 *   Cond_j = integral_0^1 dF_t/da_j (x(s)) * d a_j(x(s))/ds ds,     x(s) = b + s (x - b)
 *
 * computed as Captum does, with the change of the unit's value between consecutive points of the path in
 * place of d a_j/ds ds (no Jacobian of the layer is needed):
 *
 *   attributions[j] = sum_{k=0}^{n-1} dF_t/da_j (x(s_k)) * (a_j(x(s_{k+1})) - a_j(x(s_k)))      [N, ...layerShape]
 *   delta           = sum(attributions of a row) - (F_t(x) - F_t(b))
 *
 * with s_0 < ... < s_n the n + 1 points of `method`'s rule (Captum's `alphas(n_steps + 1)`: 'riemann_trapezoid'
 * gives k/n, 'gausslegendre' the Gauss-Legendre nodes, which miss the ends by O(1/n^2)). dF/da is the gradient
 * with the model run on x(s_k) and the layer's value replaced (forwardWithLayer), so a graph's skip connections
 * read x(s_k). The sum is a left Riemann-Stieltjes sum: its error is O(1/n), so completeness holds more loosely
 * than integrated gradients' at the same steps (delta shows by how much). When a skip connection bypasses the
 * layer, the part of F(x) - F(b) that flows around it is not in the attributions and shows in delta too.
 *
 * Papers: K. Dhamdhere, M. Sundararajan, Q. Yan, "How Important Is a Neuron?", 2018, arXiv:1805.12233
 * (conductance); A. Shrikumar, J. Su, A. Kundaje, "Computationally Efficient Measures of Internal Neuron
 * Importance", 2018, arXiv:1807.09946 (the step-difference form Captum computes); K. Leino, S. Sen, A. Datta,
 * M. Fredrikson, L. Li, "Influence-Directed Explanations for Deep Convolutional Networks", 2018,
 * arXiv:1802.03788 (internal influence).
 *
 * @param model a tensors-ops `LayerModel` (`options.layer` one of its layerNames), a model with
 *   split(layerName), or { features, head }.
 * @param x float32 rows [N, ...] (rank >= 2), finite.
 * @param options
 *  - `layer`: the layer (required with a LayerModel or split).
 *  - `target`: output column, one for all rows or one per row (optional when the model returns [N] or [N, 1]).
 *  - `baseline`: number or tensor broadcastable to x; default 0.
 *  - `steps`: default 50 (the model runs at steps + 1 points per row). `method`: default 'gausslegendre'.
 *  - `attributeToLayerInput`: default false.
 *  - `batchSize`: most model rows per call; by default the most rows (<= 64) whose measured memory (one row of
 *    the layer path, forward and gradient, probed once per model and layer) fits 1 GiB, as integratedGradients'; results do not depend on it.
 *  - `onProgress(done, total)` in model rows (2N for F(x), F(b), then N * (steps + 1)); `signal`.
 * @returns attributions [N, ...layerShape] and delta [N] (owned by the caller).
 *
 * @example
 * ```ts
 * const { attributions } = await layerConductance(model, images, { layer: 'conv2', target: 3 });
 * ```
 */
export async function layerConductance(model: CamModel, x: Tensor, options: LayerConductanceOptions = {}): Promise<Attribution> {
  const where = 'layerConductance';
  options = checkOptionKeys<LayerConductanceOptions>(options, LAYER_CONDUCTANCE_OPTION_KEYS, where);
  const path = await startLayerPath(model, x, options, where, (steps) => steps + 1);
  const { n, run, shape, baseline } = path;
  const points = path.steps + 1;
  const alphas = path.rule.alphas;
  try {
    // F(x) and F(b) (the path's points need not include the ends).
    const ends = await layerPathEnds(path, x, false);
    const size = shape.size;
    const acc = new Float64Array(n * size);
    // The previous point of the row being walked: its layer value and gradient (points come in order).
    const prevValue = new Float32Array(size);
    const prevGrad = new Float32Array(size);
    const rowOf = (j: number): number => Math.floor(j / points);
    await layerGradients(
      run,
      shape,
      n * points,
      rowOf,
      (start, end) => {
        const idx = new Int32Array(end - start);
        const s = new Float64Array(end - start);
        for (let j = start; j < end; j++) {
          idx[j - start] = rowOf(j);
          s[j - start] = alphas[j % points]!;
        }
        const xr = gatherRows(x, idx);
        const br = gatherRows(baseline, idx);
        return { rows: tf.add(br, tf.mul(columnOf(s, x.rank), tf.sub(xr, br))) };
      },
      (start, end, g, a) => {
        for (let j = start; j < end; j++) {
          const src = (j - start) * size;
          if (j % points > 0) {
            const dst = rowOf(j) * size;
            for (let e = 0; e < size; e++) acc[dst + e] += prevGrad[e]! * (a[src + e]! - prevValue[e]!);
          }
          prevValue.set(a.subarray(src, src + size));
          prevGrad.set(g.subarray(src, src + size));
        }
      },
    );
    return finishLayerPath(path, ends.scores, (e) => acc[e]!);
  } finally {
    baseline.dispose();
  }
}
declareMethod(layerConductance, {
  name: 'layerConductance',
  aliases: ['conductance'],
  label: 'Layer conductance',
  summary: "the part of F(x) - F(baseline) that flows through each unit of a layer along the input path (Dhamdhere et al. 2018)",
  paper: 'K. Dhamdhere, M. Sundararajan, Q. Yan, 2018, arXiv:1805.12233',
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
    { key: 'steps', type: 'integer', default: 50, min: 1, max: 8_388_607, summary: 'steps along the path from the baseline to x (the model runs at steps + 1 points)' },
    { key: 'method', type: 'choice', default: 'gausslegendre', choices: INTEGRATION_METHODS, summary: 'the rule whose steps + 1 points are used' },
    { key: 'attributeToLayerInput', type: 'boolean', default: false, summary: "attribute to the layer's input instead of its output" },
  ],
  optionKeys: LAYER_CONDUCTANCE_OPTION_KEYS,
});
