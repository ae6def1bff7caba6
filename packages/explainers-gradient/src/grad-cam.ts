import type { Tensor } from '@tensorflow/tfjs-core';
import { checkCommonOptions, checkInput, checkOptionKeys, declareMethod, forEachBatch, explainKeysWithout, optionKeys, tf } from '@glassbox/tensors-ops';
import type { Attribution, ExplainOptions } from '@glassbox/tensors-ops';
import { Progress, TargetResolver } from '@glassbox/tensors-ops';
import { rowsOf } from './internal/engine.js';
import { camOfBatch, checkCamInput, resolveSplit } from './internal/cam.js';
import type { CamModel } from './internal/cam.js';

export type { CamModel, FeaturesHead, Splittable } from './internal/cam.js';

export interface GradCamOptions extends Omit<ExplainOptions, 'baseline' | 'seed'> {
  /**
   * The layer whose feature maps are weighted (e.g. the last convolution): one of the model's `layerNames`
   * (a LayerModel) or a name its split(layerName) takes. Required for those; not given with { features, head }.
   */
  layer?: string;
}

/** The keys of GradCamOptions (also guidedGradCam's). */
export const GRAD_CAM_OPTION_KEYS = optionKeys<GradCamOptions>({ ...explainKeysWithout('baseline', 'seed'), layer: true });

/**
 * Grad-CAM: which regions of the image does the target class rely on, as seen by a convolutional layer?
 * Each channel of the layer's feature maps A is weighted by the average gradient of the target score over
 * the channel; the weighted sum, clipped at 0, is a coarse map of the evidence for the target, upsampled
 * (bilinear) to the input size. Class-discriminative and robust, but only as sharp as the layer.
 *
 *   w_c          = mean_{i,j} dF_t / dA_{c,i,j}
 *   map          = ReLU(sum_c w_c A_c)                          [N, h, w]
 *   attributions = resizeBilinear(map, [H, W]) broadcast over x's channels      (shape of x)
 *
 * Paper: R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra, "Grad-CAM: Visual
 * Explanations from Deep Networks via Gradient-based Localization", 2017 (ICCV), arXiv:1610.02391.
 *
 * @param model a tensors-ops `LayerModel` (layerNames, layerOutput(x, layer), forwardWithLayer(x, layer,
 *   value): a `Sequential`, a `ResidualModel` (residual bodies included, e.g. 'res1/conv_0'), a model from
 *   `@glassbox/adapters`; any graph, since the rest of the model runs from x with only the layer replaced), a
 *   model with `split(layerName)` (a chain), or `{ features, head }` (functions or objects with predict;
 *   head(features(x)) is the model). The layer's output must be [N, h, w, C] feature maps, or [N, C]. With a
 *   LayerModel or split, `options.layer` names the layer.
 *
 *   dF_t/dA is taken with the model run on x and A substituted at the layer (forwardWithLayer), so skip
 *   connections that bypass the layer carry x's values, not A's.
 * @param x float32 images [N, H, W, C] or [N, H, W], finite.
 * @param options `layer`, `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns attributions of x's shape (>= 0), owned by the caller; no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await gradCam(cnn, images, { layer: 'conv2', target: 7 });
 * ```
 */
export async function gradCam(model: CamModel, x: Tensor, options: GradCamOptions = {}): Promise<Attribution> {
  const where = 'gradCam';
  options = checkOptionKeys<GradCamOptions>(options, GRAD_CAM_OPTION_KEYS, where);
  const split = resolveSplit(model, options.layer, where);
  checkInput(x, where);
  checkCamInput(x, where);
  const { batchSize } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  const targets = new TargetResolver(options.target, n, where);
  const progress = new Progress(n, options.onProgress);
  const parts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        parts.push(tf.tidy(() => camOfBatch(split, rowsOf(x, start, end), targets, start, where)));
        progress.add(end - start);
      },
      { batchSize, signal: options.signal, where },
    );
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
    return { attributions, method: 'gradCam' };
  } finally {
    for (const p of parts) p.dispose();
  }
}
declareMethod(gradCam, {
  name: 'gradCam',
  aliases: ['gradcam', 'cam'],
  label: 'Grad-CAM',
  summary: 'Grad-CAM on the last convolution, upsampled to the image (Selvaraju et al. 2017)',
  paper: 'R. Selvaraju et al., 2017, arXiv:1610.02391',
  family: 'gradient',
  inputs: ['image'],
  modelKinds: ['classifier', 'ae', 'vae', 'gan', 'cyclegan'],
  subject: 'splittable',
  output: 'attribution',
  rowwise: true,
  signed: false,
  gradientLike: true,
  options: [{ key: 'layer', type: 'layer', summary: 'the layer whose feature maps are weighted (e.g. the last convolution)' }],
  optionKeys: GRAD_CAM_OPTION_KEYS,
});
