import { METHODS } from './registry.js';

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
