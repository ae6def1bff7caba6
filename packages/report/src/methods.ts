import type { ModelKind } from './types.js';
import { METHODS } from './registry.js';

/**
 * The methods of each kind's suite, in the order they run. `options.methods` picks a subset by these names;
 * by default every method that applies to the model runs (Grad-CAM needs a model that can split at a layer,
 * the CycleGAN discriminator saliency needs `discriminatorB`).
 */
export const REPORT_METHODS: Readonly<Record<ModelKind, readonly string[]>> = {
  classifier: ['saliency', 'integratedGradients', 'noiseTunnel', 'occlusion', 'kernelShap', 'gradCam'],
  ae: ['latentSensitivity', 'latentTraversal', 'encoderSaliency', 'latentAttribution'],
  vae: ['latentSensitivity', 'latentTraversal', 'encoderSaliency', 'latentAttribution'],
  gan: ['discriminatorSaliency', 'latentAttribution'],
  cyclegan: ['regionSaliency', 'regionIntegratedGradients', 'discriminatorSaliency'],
};

/**
 * Human-readable names of the methods, as the report shows them: the explainer's own label from the method
 * registry, except where a suite runs a particular set-up of it (or a composite of its own) worth naming.
 */
export const METHOD_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(METHODS.map((m) => [m.info.name, m.info.label])),
  saliency: 'Saliency |dF/dx|',
  noiseTunnel: 'SmoothGrad (noise tunnel over saliency)',
  kernelShap: 'KernelSHAP (patches, shared per pixel)',
  encoderSaliency: 'Encoder gradients dz_d/dx',
  latentAttribution: 'Latent attribution of regions',
  discriminatorSaliency: 'Discriminator saliency',
  regionSaliency: 'Region saliency',
  regionIntegratedGradients: 'Region integrated gradients',
};
