import type { Tensor } from '@tensorflow/tfjs-core';
import { assertFiniteRows, checkCommonOptions, checkInput, checkOptionKeys, declareMethod, forEachBatch, tf } from '@glassbox/tensors-ops';
import type { Attribution } from '@glassbox/tensors-ops';
import { Progress, TargetResolver } from '@glassbox/tensors-ops';
import { GRADIENT_HINT, rowsOf, sizeOf, targetGradient } from './internal/engine.js';
import { camOfBatch, checkCamInput, resolveSplit } from './internal/cam.js';
import type { CamModel } from './internal/cam.js';
import { withGuidedRelu } from './internal/guided-relu.js';
import { GRAD_CAM_OPTION_KEYS, type GradCamOptions } from './grad-cam.js';

/**
 * Guided Grad-CAM: Grad-CAM's coarse, class-discriminative map multiplied elementwise by guided
 * backpropagation's sharp, pixel-level gradient: high-resolution detail, restricted to the regions the
 * target class relies on.
 *
 *   attributions = gradCam(x) * guidedBackprop(x)        (gradCam upsampled bilinearly, broadcast over channels)
 *
 * Guided backpropagation uses relu(dy) * [z > 0] for every ReLU of features and head, whatever kernels run it
 * (plain tf.relu, the fused conv/dense + ReLU kernels of a Sequential or Classifier; see guidedBackprop).
 *
 * Paper: R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra, "Grad-CAM: Visual
 * Explanations from Deep Networks via Gradient-based Localization", 2017, arXiv:1610.02391; guided
 * backpropagation from J. T. Springenberg et al., 2014, arXiv:1412.6806.
 *
 * @param model a tensors-ops `LayerModel` (any graph), a model with `split(layerName)`, or `{ features, head }`
 *   (see gradCam). The guided gradient runs through the whole model: the LayerModel's own predict(x) when it
 *   has one (a graph run in one pass, so a ReLU shared by a skip connection gets the guided rule once), else
 *   forwardWithLayer(x, layer, layerOutput(x, layer)); head(features(x)) for a split.
 * @param x float32 images [N, H, W, C] or [N, H, W], finite.
 * @param options `layer`, `target`, `batchSize` (default 64), `onProgress`, `signal`.
 * @returns attributions of x's shape (owned by the caller); no delta.
 *
 * @example
 * ```ts
 * const { attributions } = await guidedGradCam(cnn, images, { layer: 'conv2', target: 7 });
 * ```
 */
export async function guidedGradCam(model: CamModel, x: Tensor, options: GradCamOptions = {}): Promise<Attribution> {
  const where = 'guidedGradCam';
  options = checkOptionKeys<GradCamOptions>(options, GRAD_CAM_OPTION_KEYS, where);
  const split = resolveSplit(model, options.layer, where);
  checkInput(x, where);
  checkCamInput(x, where);
  const { batchSize } = checkCommonOptions(options, where);
  const n = x.shape[0]!;
  const targets = new TargetResolver(options.target, n, where);
  const progress = new Progress(n, options.onProgress);
  // The whole model in one pass: a LayerModel's predict, else head(features(t)) (see LayerAccess.model).
  const forward = (t: Tensor): Tensor => split.model(t);
  const parts: Tensor[] = [];
  try {
    await forEachBatch(
      n,
      (start, end) => {
        parts.push(
          tf.tidy(() => {
            const xb = rowsOf(x, start, end);
            const cam = camOfBatch(split, xb, targets, start, where);
            const guided = targetGradient({ forward, targets, where, gradientRule: withGuidedRelu }, xb, start, (j) => j);
            assertFiniteRows(guided.dataSync(), where, 'the guided gradient of the target output with respect to x', {
              rowSize: sizeOf(xb.shape.slice(1)),
              start,
              hint: GRADIENT_HINT,
            });
            return tf.mul(cam, guided);
          }),
        );
        progress.add(end - start);
      },
      { batchSize, signal: options.signal, where },
    );
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts, 0);
    return { attributions, method: 'guidedGradCam' };
  } finally {
    for (const p of parts) p.dispose();
  }
}
declareMethod(guidedGradCam, {
  name: 'guidedGradCam',
  aliases: ['guided-gradcam', 'ggc'],
  label: 'Guided Grad-CAM',
  summary: 'Grad-CAM times guided backpropagation: class regions at pixel resolution (Selvaraju et al. 2017)',
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
